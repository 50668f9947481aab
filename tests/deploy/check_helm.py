#!/usr/bin/env python3
"""The Helm chart (helm/yingshang) against the real service binaries (ctest unit.helm_chart).

- `helm lint --strict` passes;
- the default render has a Deployment, Service and ConfigMap per service, PodDisruptionBudgets only
  for services with more than one replica, ServiceMonitors only when asked for, and refuses to
  render without the PostgreSQL and API-key Secrets;
- each service's rendered configuration is accepted by that service's own binary
  (`ys-<name> --check-config`, which reads every setting it would start with and connects to
  nothing), and a bad value set through the chart is refused naming its key.

Usage: check_helm.py SOURCE_DIR BUILD_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

SERVICES = ("indicator", "ranking", "rectification", "duty", "notify")


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


def configs(rendered):
    """service name -> its rendered config.yaml"""
    out = {}
    for d in documents(rendered):
        m = re.search(r"^kind: ConfigMap$.*?^  name: t-yingshang-(\w+)$.*?^  config.yaml: \|\n(.*)", d, re.M | re.S)
        if m:
            out[m.group(1)] = "\n".join(line[4:] for line in m.group(2).split("\n")) + "\n"
    return out


def check_config(root, build, name, text, keys_file):
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
           "YS_NOTIFY_TEMPLATES_DIR": os.path.join(root, "services", "notify", "templates")}
    r = subprocess.run([os.path.join(build, "services", name, f"ys-{name}"), "--config", f.name,
                        "--check-config"], capture_output=True, text=True, env=env, timeout=30)
    os.unlink(f.name)
    return r.returncode, (r.stdout + r.stderr).strip()


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
    for missing in ("postgresql.existingSecret=", "auth.existingSecret="):
        r = helm("template", "t", chart, "--kube-version", "1.29.0", "--set", missing, check=False)
        if r.returncode == 0 or "existingSecret names the Secret" not in r.stderr:
            errors.append(f"--set {missing}: rendered without the Secret ({r.stderr.strip()})")

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as keys:
        keys.write("api_keys:\n  office: {role: office, sha256: " + "ab" * 32 + "}\n"
                   # An alias of 市住房和城乡建设局: resolves through the units file the chart points at.
                   "  zhujian: {role: \"unit:市住建局\", sha256: " + "cd" * 32 + "}\n")
    rendered = configs(default)
    if sorted(rendered) != sorted(SERVICES):
        errors.append(f"configs rendered for {sorted(rendered)}, want {sorted(SERVICES)}")
    for name in SERVICES:
        if name not in rendered:
            continue
        rc, out = check_config(root, build, name, rendered[name], keys.name)
        if rc != 0 or "is usable" not in out:
            errors.append(f"ys-{name} refuses the chart's configuration: {out}")
        else:
            print(f"ys-{name} accepts the chart's configuration")
    # A bad value set through the chart reaches the service and is refused with its key.
    bad = configs(render(chart, "services.ranking.config.kafka.consumers=lots",
                         "services.rectification.config.cases.escalation.suggest_referral_after_days=-3",
                         "services.indicator.config.outbox.batch_size=0",
                         "services.duty.config.duty.hours.morning.end=25:00",
                         "services.notify.config.notify.retry.max_attempts=0"))
    for name, key in (("ranking", "kafka.consumers"),
                      ("rectification", "cases.escalation.suggest_referral_after_days"),
                      ("indicator", "outbox.batch_size"),
                      ("duty", "duty.hours.morning.end"),
                      ("notify", "notify.retry.max_attempts")):
        rc, out = check_config(root, build, name, bad[name], keys.name)
        if rc == 0 or key not in out:
            errors.append(f"ys-{name} accepted a bad {key} from the chart (exit {rc}): {out}")
        else:
            print(f"ys-{name} refuses a bad {key} set through the chart: {out}")
    os.unlink(keys.name)

    for e in errors:
        print(e)
    print("helm chart: " + ("FAILED" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
