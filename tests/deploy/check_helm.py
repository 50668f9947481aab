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
  the address of that service's Service.

Usage: check_helm.py SOURCE_DIR BUILD_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

SERVICES = ("indicator", "ranking", "rectification", "duty", "notify", "gateway")


def helm(*args, check=True):
    r = subprocess.run(["helm", *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"helm {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
    return r


def render(chart, *sets):
    args = ["template", "t", chart, "--kube-version", "1.29.0"]
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


def main():
    root, build = sys.argv[1], sys.argv[2]
    chart = os.path.join(root, "helm", "yingshang")
    errors = []

    lint = helm("lint", "--strict", chart, check=False)
    if lint.returncode != 0:
        errors.append(f"helm lint --strict:\n{lint.stdout}{lint.stderr}")

    default = render(chart)
    want = {"ConfigMap": len(SERVICES), "Deployment": len(SERVICES), "Service": len(SERVICES)}
    if kinds(default) != want:
        errors.append(f"default render: {kinds(default)}, want {want}")
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
    os.unlink(keys.name)
    os.unlink(service_key.name)
    errors += check_gateway(root, chart, default, rendered.get("gateway", ""))

    for e in errors:
        print(e)
    print("helm chart: " + ("FAILED" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
