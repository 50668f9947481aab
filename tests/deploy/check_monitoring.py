#!/usr/bin/env python3
"""Checks the operators' monitoring files against the code (ctest unit.monitoring_config).

- every Grafana panel has a Prometheus query on the dashboard's datasource variable;
- every metric a panel or an alert rule names is one the services register (Name("...") in
  common/, services/, tools/), so a renamed metric cannot leave a dashboard silently empty;
- every panel query and the alert rules are valid PromQL (promtool check rules, offline).

Usage: check_monitoring.py SOURCE_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

METRIC = re.compile(r"\b(ys_[a-z0-9_]+|grpc_server_[a-z_]+)\b")
HISTOGRAM_SUFFIX = re.compile(r"_(bucket|sum|count)$")


def registered_metrics(root):
    names = set()
    for sub in ("common", "services", "tools"):
        for path in glob.glob(os.path.join(root, sub, "**", "*.cc"), recursive=True):
            with open(path, encoding="utf-8") as f:
                names.update(re.findall(r'\.Name\("([a-z0-9_]+)"\)', f.read()))
    return names


def panels(dashboard):
    for p in dashboard.get("panels", []):
        yield p
        yield from p.get("panels", [])  # collapsed rows hold their panels


def main():
    root = sys.argv[1]
    known = registered_metrics(root)
    errors = []
    queries = []  # (where, expr)
    for path in sorted(glob.glob(os.path.join(root, "deploy", "grafana", "dashboards", "*.json"))):
        name = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            dashboard = json.load(f)
        variables = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
        if "datasource" not in variables:
            errors.append(f"{name}: no 'datasource' variable")
        for p in panels(dashboard):
            if p.get("type") == "row":
                continue
            title = p.get("title", "?")
            if p.get("datasource", {}).get("uid") != "${datasource}":
                errors.append(f"{name}: panel '{title}' does not use the ${{datasource}} variable")
            targets = p.get("targets", [])
            if not targets:
                errors.append(f"{name}: panel '{title}' has no query")
            for t in targets:
                expr = t.get("expr", "").strip()
                if not expr:
                    errors.append(f"{name}: panel '{title}' query {t.get('refId')} is empty")
                    continue
                queries.append((f"{name}: panel '{title}'", expr))
                for var in re.findall(r"\$(\w+)", expr):
                    if var not in variables and not var.startswith("__"):
                        errors.append(f"{name}: panel '{title}' uses undefined variable ${var}")

    alerts_path = os.path.join(root, "deploy", "prometheus", "alerts.yml")
    with open(alerts_path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*expr:\s*(.+)$", line)
            if m:
                queries.append(("deploy/prometheus/alerts.yml", m.group(1)))

    for where, expr in queries:
        for metric in METRIC.findall(expr):
            base = HISTOGRAM_SUFFIX.sub("", metric) if metric not in known else metric
            if base not in known:
                errors.append(f"{where}: metric {metric} is not registered by any service")

    # PromQL syntax, offline: each panel query as a recording rule, with Grafana's variables filled.
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as rules:
        rules.write("groups:\n  - name: dashboard_queries\n    rules:\n")
        for i, (where, expr) in enumerate(queries):
            filled = expr.replace("$__rate_interval", "5m").replace("$instance", ".*")
            rules.write(f"      # {where}\n")
            rules.write(f"      - record: check:query_{i}\n        expr: {json.dumps(filled)}\n")
    for path in (rules.name, alerts_path):
        r = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
        if r.returncode != 0:
            errors.append(f"promtool check rules {path}:\n{r.stdout}{r.stderr}")
            for i in sorted({int(n) for n in re.findall(r"check:query_(\d+)", r.stdout + r.stderr)}):
                errors.append(f"  check:query_{i} is {queries[i][0]}: {queries[i][1]}")
    os.unlink(rules.name)

    for e in errors:
        print(e)
    print(f"{len(queries)} queries checked against {len(known)} registered metrics: "
          f"{'FAILED' if errors else 'ok'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
