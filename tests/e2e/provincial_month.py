#!/usr/bin/env python3
"""A provincial month, and what docs/rules.md says it must raise, computed independently.

  provincial_month.py generate SRC PERIOD SEED OUT.csv
      Every city (11) and county (100) of Jiangxi on the composite (C00) and the 18 first-level
      indicators: a seeded permutation of ranks per indicator and scope (official, revision 1).
  provincial_month.py cases SRC CSV
      How many cases the file must open (to wait for them).
  provincial_month.py check SRC CSV ALERTS.tsv LEDGER.tsv CASES.txt
      From the same CSV, by the rules of docs/rules.md (not by the service's code): the alerts,
      the ledger lines and the cases the month must produce; compared with what the services
      answered (`ysctl rankings alerts --tsv`, `ysctl ledger show --tsv`, `ysctl cases list`).
      Prints a table per rule and exits 1 on any difference.
"""
import collections
import csv
import random
import re
import sys

import yaml

CITY = "3611"
COMPOSITE = "C00"
BOTTOM_N = 3              # §四(七) 后三位
COUNTY_BEYOND = 70        # §四(七) 综合排名全省70名以后
CASE_RULES = {            # cases.open_on_rules (default): §四(五) 排名靠后的工作
    "ALERT_RULE_LAST_IN_PROVINCE", "ALERT_RULE_BOTTOM_THREE", "ALERT_RULE_QUARTER_FLOOR_BREACHED",
    "ALERT_RULE_COUNTY_INDICATOR_LAST", "ALERT_RULE_COUNTY_COMPOSITE_BEYOND"}
FALLBACK_UNIT = "市营商办"


def load_catalog(src):
    units = yaml.safe_load(open(f"{src}/data/catalog/units.yaml", encoding="utf-8"))
    canonical = {}
    for u in units["units"]:
        canonical[u["name"]] = u["name"]
        for a in u.get("aliases", []):
            canonical[a] = u["name"]
    catalog = yaml.safe_load(open(f"{src}/data/catalog/catalog.yaml", encoding="utf-8"))
    indicator_units = {i["code"]: [canonical.get(u["unit"], u["unit"]) for u in i["units"]]
                       for i in catalog["first_level"]}
    indicator_units[COMPOSITE] = [canonical.get(u["unit"], u["unit"]) for u in units["composite"][0]["units"]]
    regions = yaml.safe_load(open(f"{src}/data/catalog/regions.yaml", encoding="utf-8"))
    cities = [c["code"] for c in regions["cities"]]
    counties = {}   # code -> parent city
    for line in regions["jiangxi_counties"].splitlines():
        parts = line.split()
        for code in parts[1::2]:
            counties[code] = parts[0]
    names = {c["code"]: c["name"] for c in regions["shangrao_counties"]}
    return indicator_units, cities, counties, names


def generate(src, period, seed, out):
    indicator_units, cities, counties, _ = load_catalog(src)
    rng = random.Random(int(seed))
    indicators = [COMPOSITE] + sorted(k for k in indicator_units if k != COMPOSITE)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow("period,scope,indicator,region,rank,total,score,source,evaluation,revision".split(","))
        for ind in indicators:
            for scope, regions in (("city", cities), ("county", sorted(counties))):
                ranks = list(range(1, len(regions) + 1))
                rng.shuffle(ranks)
                for region, rank in zip(regions, ranks):
                    w.writerow([period, scope, ind, region, rank, len(regions), "", "jxyshj", "official", 1])


def expected(src, path):
    """The alerts (id -> rule), ledger lines and cases docs/rules.md asks of the file."""
    indicator_units, _, counties, names = load_catalog(src)
    alerts, lines, cases = {}, collections.Counter(), collections.Counter()
    for r in csv.DictReader(open(path, encoding="utf-8")):
        region, ind, scope = r["region"], r["indicator"], r["scope"]
        rank, total = int(r["rank"]), int(r["total"])
        ours = region == CITY or counties.get(region) == CITY
        if not ours or r["evaluation"] != "official":
            continue
        last, bottom = rank == total, rank > total - BOTTOM_N
        raised = []
        if scope == "city" and ind != COMPOSITE:
            if last:
                raised.append("ALERT_RULE_LAST_IN_PROVINCE")
            elif bottom:
                raised.append("ALERT_RULE_BOTTOM_THREE")
        if scope == "county" and ind != COMPOSITE:
            if last:
                raised.append("ALERT_RULE_COUNTY_INDICATOR_LAST")
            elif bottom:
                raised.append("ALERT_RULE_BOTTOM_THREE")
        if scope == "county" and ind == COMPOSITE and rank > COUNTY_BEYOND:
            raised.append("ALERT_RULE_COUNTY_COMPOSITE_BEYOND")
        for rule in raised:
            alerts[f"{rule}/EVALUATION_OFFICIAL/{ind}/{scope}/{region}/{r['period']}"] = rule
            units = indicator_units[ind] or [FALLBACK_UNIT]
            # 考核奖惩 (§四(七)): the kinds each rule costs; a month's lines are at risk.
            if rule == "ALERT_RULE_LAST_IN_PROVINCE":
                kinds = ["BONUS_WITHHELD", "NO_EXCELLENCE", "STATEMENT", "SELF_CRITICISM"]
            elif rule == "ALERT_RULE_BOTTOM_THREE" and scope == "city":
                kinds = ["STATEMENT", "SELF_CRITICISM"]
            elif rule in ("ALERT_RULE_COUNTY_INDICATOR_LAST", "ALERT_RULE_COUNTY_COMPOSITE_BEYOND"):
                kinds = ["COUNTY_NOT_EXCELLENT"]
            else:
                kinds = []
            subjects = [region] if scope == "county" else units
            for subject in subjects:
                for k in kinds:
                    lines[(subject, "CONSEQUENCE_KIND_" + k, "STANDING_AT_RISK", ind)] += 1
            # 限期整改 (§四(五)): one case per responsible unit and indicator (a county answers for
            # its own); several rules on one indicator in one period are one case.
            if rule in CASE_RULES:
                for who in ([names[region]] if scope == "county" else units):
                    cases[(who, ind)] = 1
    return alerts, lines, cases


def check(src, path, alerts_tsv, ledger_tsv, cases_txt):
    want_alerts, want_lines, want_cases = expected(src, path)
    got_alerts = {}
    for line in open(alerts_tsv, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 2:
            got_alerts[f[0]] = f[1]
    got_lines = collections.Counter()
    for line in open(ledger_tsv, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 5:
            got_lines[(f[0], f[1], f[2], f[4])] += 1
    got_cases = collections.Counter()
    for line in open(cases_txt, encoding="utf-8"):
        # "RC-000001 open        due 2027-01-02[ (overdue …)]  <unit> <indicator> <title>"
        m = re.match(r"^RC-\d+\s+\S+\s+due \d{4}-\d{2}-\d{2}(.*)$", line)
        if m:
            after = re.search(r"\s{2}(\S+)\s+(\S+)", m.group(1))
            if after:
                got_cases[(after.group(1), after.group(2))] += 1

    failures = []
    print(f"{'rule':40} {'expected':>8} {'got':>8}")
    for rule in sorted(set(want_alerts.values()) | set(got_alerts.values())):
        w = sum(1 for v in want_alerts.values() if v == rule)
        g = sum(1 for v in got_alerts.values() if v == rule)
        print(f"{rule:40} {w:8d} {g:8d}")
    print(f"{'alerts':40} {len(want_alerts):8d} {len(got_alerts):8d}")
    print(f"{'ledger lines':40} {sum(want_lines.values()):8d} {sum(got_lines.values()):8d}")
    print(f"{'cases':40} {sum(want_cases.values()):8d} {sum(got_cases.values()):8d}")
    for aid in sorted(set(want_alerts) ^ set(got_alerts)):
        failures.append(f"alert {aid}: {'expected, not raised' if aid in want_alerts else 'raised, not expected'}")
    for key in sorted(set(want_lines) | set(got_lines)):
        if want_lines[key] != got_lines[key]:
            failures.append(f"ledger {key}: expected {want_lines[key]}, got {got_lines[key]}")
    for key in sorted(set(want_cases) | set(got_cases)):
        if want_cases[key] != got_cases[key]:
            failures.append(f"case {key}: expected {want_cases[key]}, got {got_cases[key]}")
    # A month that raised nothing of a kind proves nothing of it: the seed must exercise each rule.
    for rule in ("ALERT_RULE_LAST_IN_PROVINCE", "ALERT_RULE_BOTTOM_THREE", "ALERT_RULE_COUNTY_INDICATOR_LAST",
                 "ALERT_RULE_COUNTY_COMPOSITE_BEYOND"):
        if rule not in want_alerts.values():
            failures.append(f"the generated month raises no {rule}: choose another seed")
    for f in failures:
        print("MISMATCH:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(*sys.argv[2:6])
    elif sys.argv[1] == "cases":
        print(sum(expected(*sys.argv[2:4])[2].values()))
    elif sys.argv[1] == "check":
        sys.exit(check(*sys.argv[2:7]))
    else:
        sys.exit(__doc__)
