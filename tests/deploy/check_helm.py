#!/usr/bin/env python3
"""The Helm chart (helm/yingshang) against the real service binaries (ctest unit.helm_chart).

- `helm lint --strict` passes;
- the default render has a Deployment, Service and ConfigMap per service, PodDisruptionBudgets only
  for services with more than one replica, ServiceMonitors only when asked for, and refuses to
  render without the PostgreSQL and API-key Secrets;
- each service's rendered configuration is accepted by that service's own binary
  (`ys-<name> --check-config`, which reads every setting it would start with and connects to
  nothing), and a bad value set through the chart is refused naming its key;
- the gateway (the web console): its Service has the http, grpc and metrics ports; its rendered
  config listens on the Deployment's ports, reads its own key where the Deployment mounts it, finds
  its allow-list and web app where the Dockerfile puts them, and calls every other enabled service at
  the address of that service's Service;
- the cluster posture (issue #17): every pod runs with seccompProfile RuntimeDefault, as non-root, on
  a read-only root with no privilege escalation and no capability, without a service-account token;
  its only writable directory is an emptyDir (notify prints its PDFs there); its template carries
  checksums of its configuration, of the API-key Secret (a changed key changes it on every pod) and
  of the other Secrets it mounts; a NetworkPolicy per component and a release-wide one deny by
  default, and admit each gRPC port only from the release's services that call it (read from their
  rendered configs) and the operators, the metrics ports from the monitoring, the gateway's HTTP from
  the Ingress controller; egress only to DNS, the stores each service uses and the services it calls;
- secure transport (values-secure.yaml): every service's rendered config holds the contract's keys
  (grpc.tls.*, grpc.client.tls.* for the gateway and notify, kafka.security_protocol/sasl.*/tls.* but
  for the gateway, pg.password_file/pg.tls.*, redis.* for ranking and the gateway), each *_file a
  file of a Secret the pod mounts read-only at that path, and no pod mounts a Secret it does not use;
  the probes check health over TLS; a secure setting without its Secret is refused when rendering;
  each service's --check-config accepts its secure render (stand-in files at the mounted paths) and
  refuses it naming the key when a password file is missing; ysctl health has the probes' TLS flags.

Usage: check_helm.py SOURCE_DIR BUILD_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import base64

import yaml

SERVICES = ("indicator", "ranking", "rectification", "duty", "notify", "gateway")


def helm(*args, check=True):
    r = subprocess.run(["helm", *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"helm {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
    return r


def render(chart, *sets, values=()):
    args = ["template", "t", chart, "--kube-version", "1.29.0"]
    for f in values:
        args += ["-f", f]
    for s in sets:
        args += ["--set", s]
    return helm(*args).stdout


def documents(rendered):
    return [d for d in rendered.split("\n---\n") if "kind:" in d]


def kinds(rendered):
    out = {}
    for d in documents(rendered):
        kind = re.search(r"^kind: (\w+)", d, re.M).group(1)
        out[kind] = out.get(kind, 0) + 1
    return out


def document(rendered, kind, name):
    """The rendered object of this kind named t-yingshang-<name>, or ""."""
    for d in documents(rendered):
        if re.search(rf"^kind: {kind}$", d, re.M) and re.search(rf"^  name: t-yingshang-{name}$", d, re.M):
            return d
    return ""


def configs(rendered):
    """service name -> its rendered config.yaml"""
    out = {}
    for d in documents(rendered):
        m = re.search(r"^kind: ConfigMap$.*?^  name: t-yingshang-(\w+)$.*?^  config.yaml: \|\n(.*)", d, re.M | re.S)
        if m:
            out[m.group(1)] = "\n".join(line[4:] for line in m.group(2).split("\n")) + "\n"
    return out


def check_config(root, build, name, text, keys_file, service_key_file):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as f:
        f.write(text)
    # Only what the Deployment sets besides the file: a YS_* variable of the caller's shell would
    # override the rendered configuration.
    # The image holds the catalog's units and regions under /usr/share/yingshang/catalog/ (the
    # Dockerfile copies data/catalog/): here the repository's copies stand in for them.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "YS_PG_URI": "postgresql://check@127.0.0.1:1/check",
           "YS_AUTH_API_KEYS_FILE": keys_file,
           "YS_AUTH_UNITS_FILE": os.path.join(root, "data", "catalog", "units.yaml"),
           "YS_AUTH_REGIONS_FILE": os.path.join(root, "data", "catalog", "regions.yaml"),
           # and notify's routing tree and templates under /usr/share/yingshang/notify/.
           "YS_NOTIFY_ROUTING_FILE": os.path.join(root, "services", "notify", "routing.yaml"),
           "YS_NOTIFY_TEMPLATES_DIR": os.path.join(root, "services", "notify", "templates"),
           # and the gateway's allow-list under /usr/share/yingshang/gateway/; its own key is a Secret
           # mounted by the Deployment (a stand-in file here). Its web app's directory may be absent.
           "YS_GATEWAY_ALLOWLIST_FILE": os.path.join(root, "services", "gateway", "allowlist.yaml"),
           "YS_GATEWAY_SERVICE_KEY_FILE": service_key_file,
           # notify's own key, mounted the same way (its documents read the other services with it).
           "YS_NOTIFY_DOCUMENTS_SERVICE_KEY_FILE": service_key_file}
    r = subprocess.run([os.path.join(build, "services", name, f"ys-{name}"), "--config", f.name,
                        "--check-config"], capture_output=True, text=True, env=env, timeout=30)
    os.unlink(f.name)
    return r.returncode, (r.stdout + r.stderr).strip()


def check_gateway(root, chart, default, config):
    """The gateway's objects agree with each other, the other services and the image."""
    errors = []
    service = document(default, "Service", "gateway")
    ports = dict(re.findall(r"^    - name: (\w+)\n      port: (\d+)$", service, re.M))
    if ports != {"http": "8080", "grpc": "7106", "metrics": "9106"}:
        errors.append(f"gateway Service ports {ports}, want http 8080, grpc 7106, metrics 9106")
    deployment = document(default, "Deployment", "gateway")
    container_ports = dict(re.findall(r"^            - name: (\w+)\n              containerPort: (\d+)$", deployment, re.M))
    if container_ports != ports:
        errors.append(f"gateway container ports {container_ports} differ from its Service's {ports}")
    if not re.search(r"^          livenessProbe:\n(?:            #.*\n)*            httpGet: \{path: /healthz, port: http\}$",
                     deployment, re.M):
        errors.append("gateway: no liveness probe GET /healthz on the http port")
    if "readinessProbe:\n            grpc: {port: 7106}" not in deployment:
        errors.append("gateway: readiness is not gRPC health on 7106")
    listen = re.search(r"^    listen: 0\.0\.0\.0:(\d+)$", config, re.M)
    if not listen or listen.group(1) != ports.get("http"):
        errors.append(f"gateway.http.listen {listen and listen.group(0)!r} is not the http port")
    # Its own key: a file of the Secret volume the Deployment mounts.
    key_file = re.search(r"^  service_key_file: (\S+)$", config, re.M)
    mounts = re.findall(r"^            - name: service-key\n              mountPath: (\S+)$", deployment, re.M)
    if not key_file or len(mounts) != 1 or key_file.group(1) != mounts[0] + "/service.key" \
            or "path: service.key" not in deployment:
        errors.append(f"gateway.service_key_file {key_file and key_file.group(1)} is not the mounted key ({mounts})")
    # The allow-list and the web app: where the image puts them.
    with open(os.path.join(root, "deploy", "docker", "Dockerfile"), encoding="utf-8") as f:
        copied = {line.split()[-1].rstrip("/") for line in f if line.startswith("COPY ")}
    for key in ("allowlist_file", "static_dir"):
        m = re.search(rf"^  (?:  )?{key}: (\S+)$", config, re.M)
        if not m or m.group(1) not in copied:
            errors.append(f"gateway {key} {m and m.group(1)} is not a destination of deploy/docker/Dockerfile")
    # Backends: every other enabled service, at its Service's name and gRPC port.
    def backends(text):
        block = re.search(r"^  backends:\n((?:    .*\n)+)", text, re.M)
        return dict(re.findall(r"^    (\w+): (\S+)$", block.group(1), re.M)) if block else {}
    want = {}
    for name in SERVICES:
        if name != "gateway":
            grpc = re.search(r"^    - name: grpc\n      port: (\d+)$", document(default, "Service", name), re.M)
            want[name] = f"t-yingshang-{name}:{grpc.group(1) if grpc else '?'}"
    if backends(config) != want:
        errors.append(f"gateway.backends {backends(config)}, want {want}")
    without = configs(render(chart, "services.rectification.enabled=false")).get("gateway", "")
    if "rectification" in backends(without) or len(backends(without)) != len(want) - 1:
        errors.append(f"gateway.backends with rectification disabled: {backends(without)}")
    if not errors:
        print(f"ys-gateway's chart objects agree: ports {ports}, key {key_file.group(1)}, {len(want)} backends")
    return errors


# What each service connects to (services/<name>/main.cc): the gateway emits no events; only ranking
# (its cache) and the gateway (sessions, the login limit) use Redis.
KAFKA_USERS = set(SERVICES) - {"gateway"}
REDIS_USERS = {"ranking", "gateway"}
CHECKSUMS = ("checksum/config", "checksum/api-keys", "checksum/secrets")


def objects(rendered):
    return [o for o in yaml.safe_load_all(rendered) if o]


def by_kind(objs, kind):
    return {o["metadata"]["name"]: o for o in objs if o.get("kind") == kind}


def flatten(tree, prefix=""):
    """A nested map as ys::Config reads it: dotted keys."""
    out = {}
    for k, v in (tree or {}).items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def merged(base, over):
    out = dict(base)
    for k, v in (over or {}).items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def pod_of(objs, name):
    d = by_kind(objs, "Deployment").get(f"t-yingshang-{name}")
    return d and d["spec"]["template"]


def mounted_files(pod, container):
    """path in the container -> (Secret, key), for every Secret file the container mounts."""
    volumes = {v["name"]: v for v in pod["spec"].get("volumes", [])}
    out = {}
    for m in container.get("volumeMounts", []):
        v = volumes.get(m["name"], {})
        sources = [v["secret"]] if "secret" in v else \
            [s["secret"] for s in v.get("projected", {}).get("sources", []) if "secret" in s]
        for s in sources:
            name = s.get("secretName", s.get("name"))
            for item in s.get("items", []):
                path = m["mountPath"] if m.get("subPath") == item["path"] else f"{m['mountPath']}/{item['path']}"
                out[path] = (name, item["key"])
    return out


def calls(rendered_configs):
    """callee -> the services whose rendered config dials its Service (t-yingshang-<callee>:<port>)."""
    out = {}
    for caller, text in rendered_configs.items():
        for value in flatten(yaml.safe_load(text)).values():
            m = re.fullmatch(r"t-yingshang-(\w+):\d+", str(value))
            if m:
                out.setdefault(m.group(1), set()).add(caller)
    return out


def check_posture(objs, rendered_configs):
    """Every pod: no token, RuntimeDefault seccomp, non-root, read-only root but emptyDirs, no
    privilege escalation, no capability; checksums of its config and Secrets."""
    errors = []
    accounts = by_kind(objs, "ServiceAccount")
    for name, d in by_kind(objs, "Deployment").items():
        template = d["spec"]["template"]
        pod = template["spec"]
        if pod.get("automountServiceAccountToken") is not False:
            errors.append(f"{name}: automountServiceAccountToken is not false")
        account = accounts.get(pod.get("serviceAccountName"))
        if not account or account.get("automountServiceAccountToken") is not False:
            errors.append(f"{name}: its ServiceAccount {pod.get('serviceAccountName')} is not rendered without a token")
        psc = pod.get("securityContext") or {}
        if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault" or psc.get("runAsNonRoot") is not True:
            errors.append(f"{name}: pod securityContext {psc} lacks seccompProfile RuntimeDefault or runAsNonRoot")
        if any(pod.get(k) for k in ("hostNetwork", "hostPID", "hostIPC")):
            errors.append(f"{name}: shares a host namespace")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for c in pod["containers"] + pod.get("initContainers", []):
            csc = c.get("securityContext") or {}
            if (csc.get("seccompProfile") or {}).get("type", "RuntimeDefault") != "RuntimeDefault" \
                    or csc.get("allowPrivilegeEscalation") is not False or csc.get("privileged") \
                    or csc.get("readOnlyRootFilesystem") is not True \
                    or "ALL" not in (csc.get("capabilities") or {}).get("drop", []) \
                    or (csc.get("capabilities") or {}).get("add"):
                errors.append(f"{name}/{c['name']}: container securityContext {csc}")
            for m in c.get("volumeMounts", []):
                if not m.get("readOnly") and "emptyDir" not in volumes.get(m["name"], {}):
                    errors.append(f"{name}/{c['name']}: {m['mountPath']} is writable and not an emptyDir")
        annotations = template["metadata"].get("annotations") or {}
        for key in CHECKSUMS:
            if not re.fullmatch(r"[0-9a-f]{64}", str(annotations.get(key))):
                errors.append(f"{name}: no {key} annotation on the pod template ({annotations.get(key)})")
    # ys-notify prints its PDFs into notify.documents.work_dir: a writable emptyDir.
    work_dir = flatten(yaml.safe_load(rendered_configs.get("notify", "{}"))).get("notify.documents.work_dir")
    notify = pod_of(objs, "notify")
    if notify:
        volumes = {v["name"]: v for v in notify["spec"].get("volumes", [])}
        if not any(m["mountPath"] == work_dir and not m.get("readOnly") and "emptyDir" in volumes.get(m["name"], {})
                   for m in notify["spec"]["containers"][0].get("volumeMounts", [])):
            errors.append(f"ys-notify's notify.documents.work_dir {work_dir} is not a writable emptyDir")
    if not errors:
        print(f"posture: {len(by_kind(objs, 'Deployment'))} pods without a token, seccomp RuntimeDefault, "
              f"read-only root, no privilege escalation, checksums {', '.join(CHECKSUMS)}")
    return errors


def check_checksums(chart, default_objs):
    """A changed API key changes checksum/api-keys on every pod; a changed service config only its own."""
    errors = []

    def annotations(objs, key):
        return {n: d["spec"]["template"]["metadata"]["annotations"].get(key)
                for n, d in by_kind(objs, "Deployment").items()}
    one, two = (objects(render(chart, "auth.apiKeys.office.role=office", f"auth.apiKeys.office.sha256={h}"))
                for h in ("ab" * 32, "cd" * 32))
    a, b = annotations(one, "checksum/api-keys"), annotations(two, "checksum/api-keys")
    if not a or any(a[n] == b[n] for n in a):
        errors.append(f"checksum/api-keys does not change with the key's hash on every pod: {a} / {b}")
    secret = by_kind(one, "Secret").get("t-yingshang-api-keys")
    held = secret and yaml.safe_load(base64.b64decode(secret["data"]["api-keys.yaml"]))
    if not held or held["api_keys"]["office"] != {"role": "office", "sha256": "ab" * 32}:
        errors.append(f"auth.apiKeys: the chart's Secret holds {held}")
    for n, d in by_kind(one, "Deployment").items():
        used = [v["secret"]["secretName"] for v in d["spec"]["template"]["spec"]["volumes"] if v["name"] == "api-keys"]
        if used != ["t-yingshang-api-keys"]:
            errors.append(f"{n} mounts the API keys from {used}, not the chart's Secret")
    other = annotations(objects(render(chart, "auth.existingSecret=other-keys")), "checksum/api-keys")
    if any(other[n] == v for n, v in annotations(default_objs, "checksum/api-keys").items()):
        errors.append("checksum/api-keys does not name the API-key Secret")
    before = annotations(default_objs, "checksum/config")
    after = annotations(objects(render(chart, "services.duty.config.duty.record_due_working_days=4")), "checksum/config")
    if {n for n in before if before[n] != after[n]} != {"t-yingshang-duty"}:
        errors.append(f"a duty config change rolls {[n for n in before if before[n] != after[n]]}, want only duty")
    if not errors:
        print("checksums: a changed API key rolls every pod, a changed service config only that service's")
    return errors


def check_network_policies(objs, rendered_configs, values):
    """Deny by default; each port admits only its callers; egress only where the service connects."""
    errors = []
    np = values["networkPolicy"]
    policies = by_kind(objs, "NetworkPolicy")
    deployments = {n: by_kind(objs, "Deployment")[f"t-yingshang-{n}"] for n in SERVICES}
    labels = {n: d["spec"]["template"]["metadata"]["labels"] for n, d in deployments.items()}

    def selects(selector, pod_labels):
        return not selector.get("matchExpressions") and \
            all(pod_labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())

    def release_pods(peers):
        """names of the release's pods a peer list selects (a podSelector alone: this namespace)"""
        return {n for p in peers if set(p) == {"podSelector"} and (p["podSelector"].get("matchLabels") or {})
                for n in SERVICES if selects(p["podSelector"], labels[n])}
    deny = [n for n, p in policies.items() if not p["spec"].get("ingress") and not p["spec"].get("egress")
            and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
            and all(selects(p["spec"]["podSelector"], labels[s]) for s in SERVICES)]
    if not deny:
        errors.append(f"no release-wide deny-all NetworkPolicy among {sorted(policies)}")
    callers = calls(rendered_configs)
    for name in SERVICES:
        own = [p for n, p in policies.items() if n not in deny and selects(p["spec"]["podSelector"], labels[name])]
        if len(own) != 1 or set(own[0]["spec"].get("policyTypes", [])) != {"Ingress", "Egress"}:
            errors.append(f"{name}: {len(own)} NetworkPolicies of its own with Ingress and Egress, want 1")
            continue
        spec = own[0]["spec"]
        ports = {p["name"]: p["containerPort"] for p in deployments[name]["spec"]["template"]["spec"]["containers"][0]["ports"]}
        admitted = {}
        for rule in spec.get("ingress") or []:
            if not rule.get("from") or not rule.get("ports"):
                errors.append(f"{name}: an ingress rule admits every peer or every port: {rule}")
                continue
            for p in rule["ports"]:
                admitted.setdefault(p["port"], []).extend(rule["from"])
        want_callers = callers.get(name, set())
        grpc_from = admitted.pop(ports["grpc"], [])
        if release_pods(grpc_from) != want_callers:
            errors.append(f"{name}: gRPC admitted from the release's {sorted(release_pods(grpc_from))}, "
                          f"but its callers are {sorted(want_callers)}")
        outside = [p for p in grpc_from if not release_pods([p])]
        if outside != (np["operators"] or []):
            errors.append(f"{name}: gRPC admitted from {outside}, want the operators {np['operators']}")
        if admitted.pop(ports["metrics"], []) != (np["metrics"] or []):
            errors.append(f"{name}: metrics not admitted from exactly networkPolicy.metrics")
        if "http" in ports and admitted.pop(ports["http"], []) != (np["gatewayHttp"] or []):
            errors.append(f"{name}: HTTP not admitted from exactly networkPolicy.gatewayHttp")
        if admitted:
            errors.append(f"{name}: ingress admitted on other ports {sorted(admitted)}")
        # Egress: DNS, the stores it uses (ports from its own config), the services it calls.
        config = flatten(yaml.safe_load(rendered_configs[name]))
        out_ports, out_pods = set(), {}
        for rule in spec.get("egress") or []:
            if not rule.get("ports"):
                errors.append(f"{name}: an egress rule admits every port: {rule}")
                continue
            for p in rule["ports"]:
                out_ports.add((p["port"], p.get("protocol", "TCP")))
                for callee in release_pods(rule.get("to", [])):
                    out_pods.setdefault(callee, set()).add(p["port"])
        want_ports = {(53, "UDP"), (53, "TCP")}
        want_ports |= {(int(p), "TCP") for p in np["egress"]["postgresql"]["ports"]}
        if name in KAFKA_USERS:
            want_ports |= {(int(b.rsplit(":", 1)[1]), "TCP") for b in str(config["kafka.brokers"]).split(",")}
        if name in REDIS_USERS:
            want_ports.add((int(config["redis.address"].rsplit(":", 1)[1]), "TCP"))
        if not want_ports <= out_ports:
            errors.append(f"{name}: egress lacks {sorted(want_ports - out_ports)}")
        unused = {"Redis": [] if name in REDIS_USERS else [config["redis.address"]],
                  "Kafka": [] if name in KAFKA_USERS else str(config["kafka.brokers"]).split(",")}
        for store, addresses in unused.items():
            if any((int(a.rsplit(":", 1)[1]), "TCP") in out_ports for a in addresses):
                errors.append(f"{name}: egress to {store}'s port, which it does not use")
        want_pods = {c: {deployments[c]["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]}
                     for c, who in callers.items() if name in who}
        if out_pods != want_pods:
            errors.append(f"{name}: egress to the release's pods {out_pods}, want the services it calls {want_pods}")
    if not errors:
        print(f"NetworkPolicies: deny by default ({deny[0]}), each gRPC port only from its callers "
              f"{ {k: sorted(v) for k, v in sorted(callers.items())} } and the operators")
    return errors


def transport_sources(values):
    """config key -> (Secret, key) it must be a file of, from the values."""
    g, k, p, r = values["grpc"]["tls"]["existingSecret"], values["kafka"], values["postgresql"], values["redis"]
    return {"grpc.tls.cert_file": (g, "tls.crt"), "grpc.tls.key_file": (g, "tls.key"),
            "grpc.tls.client_ca_file": (g, "ca.crt"), "grpc.client.tls.ca_file": (g, "ca.crt"),
            "grpc.client.tls.cert_file": (g, "tls.crt"), "grpc.client.tls.key_file": (g, "tls.key"),
            "kafka.sasl.password_file": (k["sasl"]["passwordSecret"]["name"], k["sasl"]["passwordSecret"]["key"]),
            "kafka.tls.ca_file": (k["tls"]["caSecret"]["name"], k["tls"]["caSecret"]["key"]),
            "pg.password_file": (p["passwordSecret"]["name"], p["passwordSecret"]["key"]),
            "pg.tls.ca_file": (p["tls"]["caSecret"]["name"], p["tls"]["caSecret"]["key"]),
            "redis.password_file": (r["passwordSecret"]["name"], r["passwordSecret"]["key"])}


def check_secure(chart, default, secure_values, values):
    """values-secure.yaml: the contract's keys, each *_file a mounted file of the right Secret."""
    errors = []
    rendered = render(chart, values=[secure_values])
    objs, rendered_configs = objects(rendered), configs(rendered)
    sources = transport_sources(values)
    callers = set().union(*calls(rendered_configs).values())
    for name in SERVICES:
        config = flatten(yaml.safe_load(rendered_configs[name]))
        pod = pod_of(objs, name)
        container = pod["spec"]["containers"][0]
        files = mounted_files(pod, container)
        want = {"grpc.tls.cert_file", "grpc.tls.key_file", "grpc.tls.client_ca_file", "pg.password_file", "pg.tls.ca_file"}
        if name in callers:
            want |= {"grpc.client.tls.ca_file", "grpc.client.tls.cert_file", "grpc.client.tls.key_file"}
        if name in KAFKA_USERS:
            want |= {"kafka.sasl.password_file", "kafka.tls.ca_file"}
        if name in REDIS_USERS:
            want.add("redis.password_file")
        have = {k for k in config if k in sources}
        if have != want:
            errors.append(f"{name}: secure file keys {sorted(have)}, want {sorted(want)}")
        for key in have & want:
            if files.get(config[key]) != sources[key]:
                errors.append(f"{name}: {key} {config[key]} is {files.get(config[key])} in the pod, want {sources[key]}")
        settings = {"pg.tls.mode": values["postgresql"]["tls"]["mode"], "pg.uri": values["postgresql"]["uri"]}
        if name in KAFKA_USERS:
            settings |= {"kafka.security_protocol": values["kafka"]["securityProtocol"],
                         "kafka.sasl.mechanism": values["kafka"]["sasl"]["mechanism"],
                         "kafka.sasl.username": values["kafka"]["sasl"]["username"]}
        elif any(k.startswith(("kafka.security", "kafka.sasl", "kafka.tls")) for k in config):
            errors.append(f"{name}: Kafka security keys for a service that connects to no broker")
        if name in REDIS_USERS:
            settings["redis.username"] = values["redis"]["username"]
        for key, value in settings.items():
            if config.get(key) != value:
                errors.append(f"{name}: {key} is {config.get(key)!r}, want {value!r}")
        # Only the Secrets it reads (and the API keys, its own key).
        used = {sources[k][0] for k in have} | {values["auth"]["existingSecret"]}
        if (values["services"][name].get("serviceKey") or {}).get("existingSecret"):
            used.add(values["services"][name]["serviceKey"]["existingSecret"])
        if {s for s, _ in files.values()} != used:
            errors.append(f"{name} mounts the Secrets {sorted({s for s, _ in files.values()})}, uses {sorted(used)}")
        if any(not m.get("readOnly") for m in container["volumeMounts"] if m["name"] != "tmp"):
            errors.append(f"{name}: a Secret or config mount is not read-only")
        if any(e["name"] == "YS_PG_URI" for e in container.get("env", [])):
            errors.append(f"{name}: YS_PG_URI would override pg.uri")
        # The kubelet's gRPC probe speaks no TLS: ysctl health with the pod's own files.
        for probe in ("startupProbe", "readinessProbe") + (("livenessProbe",) if name != "gateway" else ()):
            cmd = (container[probe].get("exec") or {}).get("command", [])
            flags = dict(zip(cmd[2::2], cmd[3::2]))
            if cmd[:2] != ["/usr/local/bin/ysctl", "health"] \
                    or any(files.get(flags.get(f)) != sources[k] for f, k in
                           (("--tls-ca", "grpc.tls.client_ca_file"), ("--tls-cert", "grpc.tls.cert_file"),
                            ("--tls-key", "grpc.tls.key_file"))) \
                    or flags.get("--tls-server-name") != f"t-yingshang-{name}":
                errors.append(f"{name}: {probe} is not ysctl health over TLS with the pod's files: {container[probe]}")
    errors += check_posture(objs, rendered_configs)
    errors += check_network_policies(objs, rendered_configs, values)
    # Plaintext by default: no secure key, no transport volume.
    for name, text in configs(default).items():
        if set(flatten(yaml.safe_load(text))) & (set(sources) | {"kafka.security_protocol", "pg.tls.mode"}):
            errors.append(f"{name}: the default render has secure-transport keys")
    if "name: transport" in default:
        errors.append("the default render mounts a transport volume")
    # A secure setting without its Secret is refused when rendering, naming the value to set.
    for sets, named in ((["kafka.securityProtocol=SASL_SSL"], "kafka.sasl.passwordSecret.name"),
                        (["kafka.securityProtocol=SASL_SSL", "kafka.sasl.passwordSecret.name=k"], "kafka.sasl.username"),
                        (["kafka.securityProtocol=TLS"], "kafka.securityProtocol"),
                        (["postgresql.tls.mode=verify-full"], "postgresql.tls.caSecret.name"),
                        (["postgresql.tls.mode=strict"], "postgresql.tls.mode"),
                        (["redis.username=ys"], "redis.passwordSecret.name"),
                        (["grpc.tls.enabled=true"], "grpc.tls.existingSecret")):
        args = ["template", "t", chart, "--kube-version", "1.29.0"] + [a for s in sets for a in ("--set", s)]
        r = helm(*args, check=False)
        if r.returncode == 0 or named not in r.stderr:
            errors.append(f"--set {' '.join(sets)}: rendered, or refused without naming {named}: {r.stderr.strip()}")
    if not errors:
        print(f"values-secure.yaml: every service's secure keys point at its mounted Secrets' files; "
              f"gRPC clients {sorted(callers)}; Kafka {sorted(KAFKA_USERS)}; Redis {sorted(REDIS_USERS)}")
    return errors, rendered_configs


def check_secure_configs(root, build, secure_configs, keys_file, service_key_file):
    """Each service's --check-config accepts its values-secure.yaml config, with stand-in files at the
    paths the pod mounts, and refuses it naming the key when a password file is missing; the probes'
    ysctl health takes the TLS flags."""
    errors = []
    work = tempfile.mkdtemp()
    transport = "/var/run/secrets/yingshang/transport"
    key, cert = os.path.join(work, "stand-in.key"), os.path.join(work, "stand-in.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=t-yingshang",
                    "-addext", "subjectAltName=DNS:t-yingshang-ranking"], check=True, capture_output=True)

    def stage(text, missing=()):
        shutil.rmtree(os.path.join(work, "transport"), ignore_errors=True)
        for path in set(re.findall(re.escape(transport) + r"/\S+", text)):
            rel = path[len(transport) + 1:]
            if rel in missing:
                continue
            dest = os.path.join(work, "transport", rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if rel.endswith(".key"):
                shutil.copy(key, dest)
            elif rel.endswith(".crt"):
                shutil.copy(cert, dest)
            else:
                with open(dest, "w", encoding="utf-8") as f:
                    f.write("a-stand-in-password\n")
        return text.replace(transport, os.path.join(work, "transport"))
    for name in SERVICES:
        rc, out = check_config(root, build, name, stage(secure_configs[name]), keys_file, service_key_file)
        if rc != 0 or "is usable" not in out:
            errors.append(f"ys-{name} refuses its values-secure.yaml configuration: {out}")
        else:
            print(f"ys-{name} accepts its values-secure.yaml configuration")
    for name, missing, key_name in (("ranking", "kafka/password", "kafka.sasl.password_file"),
                                    ("indicator", "postgresql/password", "pg.password_file"),
                                    ("gateway", "redis/password", "redis.password_file")):
        rc, out = check_config(root, build, name, stage(secure_configs[name], (missing,)), keys_file, service_key_file)
        if rc == 0 or key_name not in out:
            errors.append(f"ys-{name} accepted a missing {key_name} (exit {rc}): {out}")
        else:
            print(f"ys-{name} refuses a missing {key_name}: {out}")
    usage = subprocess.run([os.path.join(build, "tools", "ysctl", "ysctl"), "health", "--help"],
                           capture_output=True, text=True).stdout
    for flag in ("--tls-ca", "--tls-cert", "--tls-key", "--tls-server-name"):
        if flag not in usage:
            errors.append(f"ysctl health has no {flag}: the chart's TLS probes would fail")
    shutil.rmtree(work)
    return errors


def main():
    root, build = sys.argv[1], sys.argv[2]
    chart = os.path.join(root, "helm", "yingshang")
    errors = []

    lint = helm("lint", "--strict", chart, check=False)
    if lint.returncode != 0:
        errors.append(f"helm lint --strict:\n{lint.stdout}{lint.stderr}")

    default = render(chart)
    # NetworkPolicies: one per service and the release-wide deny; one ServiceAccount.
    want = {"ConfigMap": len(SERVICES), "Deployment": len(SERVICES), "Service": len(SERVICES),
            "NetworkPolicy": len(SERVICES) + 1, "ServiceAccount": 1}
    if kinds(default) != want:
        errors.append(f"default render: {kinds(default)}, want {want}")
    if "NetworkPolicy" in kinds(render(chart, "networkPolicy.enabled=false")):
        errors.append("networkPolicy.enabled=false still renders NetworkPolicies")
    more = kinds(render(chart, "services.ranking.replicas=2", "serviceMonitor.enabled=true"))
    if more.get("PodDisruptionBudget") != 1 or more.get("ServiceMonitor") != len(SERVICES):
        errors.append(f"2 ranking replicas and ServiceMonitors: {more}")
    if kinds(render(chart, "services.rectification.enabled=false")).get("Deployment") != len(SERVICES) - 1:
        errors.append("a disabled service is still rendered")
    for missing in ("postgresql.existingSecret=", "auth.existingSecret=", "services.gateway.serviceKey.existingSecret="):
        r = helm("template", "t", chart, "--kube-version", "1.29.0", "--set", missing, check=False)
        if r.returncode == 0 or "existingSecret names the Secret" not in r.stderr:
            errors.append(f"--set {missing}: rendered without the Secret ({r.stderr.strip()})")

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as keys:
        keys.write("api_keys:\n  office: {role: office, sha256: " + "ab" * 32 + "}\n"
                   # An alias of 市住房和城乡建设局: resolves through the units file the chart points at.
                   "  zhujian: {role: \"unit:市住建局\", sha256: " + "cd" * 32 + "}\n"
                   "  gateway: {role: gateway, sha256: " + "ef" * 32 + "}\n")
    with tempfile.NamedTemporaryFile("w", suffix=".key", delete=False, encoding="utf-8") as service_key:
        service_key.write("a-stand-in-for-the-gateway-key\n")
    rendered = configs(default)
    if sorted(rendered) != sorted(SERVICES):
        errors.append(f"configs rendered for {sorted(rendered)}, want {sorted(SERVICES)}")
    for name in SERVICES:
        if name not in rendered:
            continue
        rc, out = check_config(root, build, name, rendered[name], keys.name, service_key.name)
        if rc != 0 or "is usable" not in out:
            errors.append(f"ys-{name} refuses the chart's configuration: {out}")
        else:
            print(f"ys-{name} accepts the chart's configuration")
    # A bad value set through the chart reaches the service and is refused with its key.
    bad = configs(render(chart, "services.ranking.config.kafka.consumers=lots",
                         "services.rectification.config.cases.escalation.suggest_referral_after_days=-3",
                         "services.indicator.config.outbox.batch_size=0",
                         "services.duty.config.duty.hours.morning.end=25:00",
                         "services.notify.config.notify.retry.max_attempts=0",
                         "services.gateway.config.gateway.passwords.min_length=4"))
    for name, key in (("ranking", "kafka.consumers"),
                      ("rectification", "cases.escalation.suggest_referral_after_days"),
                      ("indicator", "outbox.batch_size"),
                      ("duty", "duty.hours.morning.end"),
                      ("notify", "notify.retry.max_attempts"),
                      ("gateway", "gateway.passwords.min_length")):
        rc, out = check_config(root, build, name, bad[name], keys.name, service_key.name)
        if rc == 0 or key not in out:
            errors.append(f"ys-{name} accepted a bad {key} from the chart (exit {rc}): {out}")
        else:
            print(f"ys-{name} refuses a bad {key} set through the chart: {out}")
    errors += check_gateway(root, chart, default, rendered.get("gateway", ""))

    # The cluster posture and secure transport (issue #17).
    with open(os.path.join(chart, "values.yaml"), encoding="utf-8") as f:
        values = yaml.safe_load(f)
    secure_file = os.path.join(chart, "values-secure.yaml")
    with open(secure_file, encoding="utf-8") as f:
        secure_values = merged(values, yaml.safe_load(f))
    default_objs = objects(default)
    errors += check_posture(default_objs, rendered)
    errors += check_checksums(chart, default_objs)
    errors += check_network_policies(default_objs, rendered, values)
    # No operators: the gateway's gRPC port (called by no service) admits nobody.
    no_ops = objects(render(chart, "networkPolicy.operators=null"))
    errors += check_network_policies(no_ops, rendered, merged(values, {"networkPolicy": {"operators": []}}))
    if any(p["port"] == 7106 for rule in by_kind(no_ops, "NetworkPolicy")["t-yingshang-gateway"]["spec"]["ingress"]
           for p in rule["ports"]):
        errors.append("with no operators the gateway's gRPC port is still admitted")
    secure_errors, secure_configs = check_secure(chart, default, secure_file, secure_values)
    errors += secure_errors
    errors += check_secure_configs(root, build, secure_configs, keys.name, service_key.name)
    os.unlink(keys.name)
    os.unlink(service_key.name)

    for e in errors:
        print(e)
    print("helm chart: " + ("FAILED" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
