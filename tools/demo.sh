#!/usr/bin/env bash
# The demo `make demo` runs once the stack is up. It grows as services land; today it proves the
# local stack and the common library work end to end, starts whatever services are built, and shows
# the operator's calendar commands.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
cd "$ROOT"

echo "== local stack"
deploy/local/stack.sh status
echo
echo "== ys-stackcheck: config, calendar, PostgreSQL outbox -> Kafka -> inbox, Redis, health, metrics"
"$BUILD/tools/stackcheck/ys-stackcheck" --config tools/stackcheck/config.example.yaml
echo
echo "== services (make up)"
deploy/local/services.sh up "$BUILD"
echo
YSCTL="$BUILD/tools/ysctl/ysctl"
echo "== the catalog (indicator service): units with aliases, regions, the seed catalog"
echo '$ ysctl catalog import data/catalog/catalog.yaml --dry-run   # the seed copy: what it holds'
"$YSCTL" catalog import data/catalog/catalog.yaml --dry-run | sed -n 1p
for f in units regions catalog; do
  printf '$ ysctl catalog import data/catalog/%s.yaml\n' "$f"
  "$YSCTL" catalog import "data/catalog/$f.yaml" | tail -2
done
echo '$ ysctl indicators list --level 1'
"$YSCTL" indicators list --level 1
echo '$ ysctl indicator show I12'
"$YSCTL" indicator show I12
echo '$ ysctl catalog export > var/catalog-export.yaml; ysctl catalog import var/catalog-export.yaml --dry-run'
"$YSCTL" catalog export > "${YS_VAR:-$ROOT/var}/catalog-export.yaml"
"$YSCTL" catalog import "${YS_VAR:-$ROOT/var}/catalog-export.yaml" --dry-run | tail -2
echo '$ ysctl programme import data/programme/tasks.sample.yaml   (五大环境 and 30 tasks: a SAMPLE, marked 【样例】)'
"$YSCTL" programme import "$ROOT/data/programme/tasks.sample.yaml" | tail -2
echo '$ ysctl programme list --kind task --environment E1'
"$YSCTL" programme list --kind task --environment E1 | sed -n 1,4p
echo '$ ysctl programme report --item A1 --month 2022-09 --unit 市发改委 --status in_progress --percent 60 --text …'
"$YSCTL" programme report --item A1 --month 2022-09 --unit 市发改委 --status in_progress --percent 60 \
  --text "【样例】对标提升方案已印发，18项指标逐项对接省直部门"
echo '$ ysctl programme progress --month 2022-09'
"$YSCTL" programme progress --month 2022-09
echo
echo "== 惠企通 policy redemptions: SAMPLE events (made up by tools/sample, marked 【样例】)"
if [ ! -f "${YS_VAR:-$ROOT/var}/demo-redemptions-loaded" ]; then
  "$BUILD/tools/sample/ys-sample-redemptions" --month 2022-09 --count 300 --bad 3
  touch "${YS_VAR:-$ROOT/var}/demo-redemptions-loaded"
  sleep 3  # the service applies them as they arrive
else
  echo "(sample events were sent on an earlier run)"
fi
echo '$ ysctl redemptions summary --month 2022-09 --county 361102'
"$YSCTL" redemptions summary --month 2022-09 --county 361102
echo '$ ysctl redemptions summary --month 2022-09 | tail -1'
"$YSCTL" redemptions summary --month 2022-09 | tail -1
echo "dead letters (wrong check character) by reason:"
curl -fs http://127.0.0.1:9101/metrics | grep '^ys_indicator_redemptions_rejected_total' || echo "  none"
echo
echo "== rankings: a SAMPLE month (made up by tools/sample) for the 11 cities and Shangrao's 12 counties"
for _ in $(seq 60); do  # the ranking service's catalog replica arrives over ys.catalog.v1
  "$YSCTL" rankings scorecard --region 3611 --period 2022-09 >/dev/null 2>&1 && break
  sleep 0.5
done
# 2022-04..09: the 2022Q3 bulletin below has its three months; Q2 is left for bench/document_render.sh.
"$BUILD/tools/sample/ys-sample-rankings" --months 2022-04,2022-05,2022-06,2022-07,2022-08,2022-09
sleep 3
echo '$ ysctl rankings scorecard --region 3611 --period 2022-09'
"$YSCTL" rankings scorecard --region 3611 --period 2022-09
echo '$ ysctl rankings alerts --period 2022-09   (Shangrao and its counties; first 12 lines)'
"$YSCTL" rankings alerts --period 2022-09 > "${YS_VAR:-$ROOT/var}/alerts.txt"
sed -n 1,12p "${YS_VAR:-$ROOT/var}/alerts.txt"
tail -1 "${YS_VAR:-$ROOT/var}/alerts.txt"
echo '$ ysctl rankings show --indicator C00 --scope city --period 2022-09'
"$YSCTL" rankings show --indicator C00 --scope city --period 2022-09
echo '$ ysctl ledger show --year 2022   (考核奖惩: months are warnings, at risk; first 12 lines)'
"$YSCTL" ledger show --year 2022 | sed -n 1,12p
echo '$ ysctl goals --year 2022   (work plan §一; the tiers are set by the office, not the plan)'
"$YSCTL" goals --year 2022 | sed -n 1,16p
echo
echo "== rectification: the alerts above opened cases (one per responsible unit, due in a month)"
sleep 2
echo '$ ysctl cases list   (first 10)'
"$YSCTL" cases list > "${YS_VAR:-$ROOT/var}/cases.txt"
sed -n 1,10p "${YS_VAR:-$ROOT/var}/cases.txt"
tail -1 "${YS_VAR:-$ROOT/var}/cases.txt"
first="" unit_key=""
for pair in 市商务局:unit-shangwu 市住建局:unit-zhujian; do  # the units with a development key
  first=$(grep -m1 -E "^RC-[0-9]+ +open .* ${pair%%:*} " "${YS_VAR:-$ROOT/var}/cases.txt" | awk '{print $1}' || true)
  unit_key=${pair#*:}
  [ -n "$first" ] && break
done
if [ -n "$first" ]; then
  echo "\$ YS_API_KEY=\$(cat var/keys/$unit_key.key) ysctl case report $first --text … --final   (the unit itself)"
  YS_API_KEY=$(cat "${YS_VAR:-$ROOT/var}/keys/$unit_key.key") "$YSCTL" case report "$first" \
    --text "【样例】已对标省内先进地区制定整改方案并完成整改" --attachment "sample:整改报告.pdf" --final | sed -n 1,3p
  echo "\$ ysctl case verify $first --pass; ysctl case close $first; ysctl case show $first"
  "$YSCTL" case verify "$first" --pass --comment "【样例】材料齐全" >/dev/null
  "$YSCTL" case close "$first" >/dev/null
  "$YSCTL" case show "$first"
fi
month=$(TZ=Asia/Shanghai date +%Y-%m)
echo "\$ ysctl cases stats --month $month"
"$YSCTL" cases stats --month "$month" | tail -4
later=$(TZ=Asia/Shanghai date -d '+40 days' +%Y-%m-%d)
echo "\$ ysctl cases overdue --as-of $later   (planning: what would be overdue then; last 3 lines)"
"$YSCTL" cases overdue --as-of "$later" | tail -3
echo
echo "== duty: the service centre's leader window duty (坐班) and window staff (as the centre's key)"
CENTRE=(env YS_API_KEY="$(cat "${YS_VAR:-$ROOT/var}/keys/centre.key")" "$YSCTL")
echo '$ tools/duty_sample_month.sh   (SAMPLE month 2022-10: three units, records entered from paper, one exemption)'
YS_API_KEY=$(cat "${YS_VAR:-$ROOT/var}/keys/centre.key") tools/duty_sample_month.sh "$BUILD"
echo '$ ysctl duty compliance --month 2022-10   (computed from the 表2 records)'
"${CENTRE[@]}" duty compliance --month 2022-10
echo '$ ysctl duty directory import data/duty/directory.sample.yaml   (SAMPLE: the 20 表3 units and 3 more)'
"${CENTRE[@]}" duty directory import data/duty/directory.sample.yaml | tail -1
monday=$(TZ=Asia/Shanghai date -d "next monday" +%Y-%m-%d)
for reg in "市自然资源局 zrzy-main $monday morning A01" "市住建局 zjj-deputy $(date -d "$monday +2 days" +%Y-%m-%d) day A03"; do
  set -- $reg
  echo "\$ ysctl duty register --unit $1 --leader $2 --date $3 --session $4 --window $5"
  "${CENTRE[@]}" duty register --unit "$1" --leader "$2" --date "$3" --session "$4" --window "$5" 2>&1 | sed -n 1,3p \
    || true  # a second demo run finds the sitting booked: ALREADY_EXISTS
done
echo "\$ YS_API_KEY=\$(cat var/keys/unit-zrzy.key) ysctl duty register … --unit 市住建局   (another unit's leader)"
YS_API_KEY=$(cat "${YS_VAR:-$ROOT/var}/keys/unit-zrzy.key") "$YSCTL" duty register --date "$monday" --unit 市住建局 \
  --leader zjj-main --session afternoon --window A03 2>&1 || true
echo "\$ ysctl duty roster --week-of $monday   (published on the week's first working day)"
"${CENTRE[@]}" duty roster --week-of "$monday"
echo '$ ysctl duty roster --week-of 2022-10-03   (the National Day week: published on Saturday 10-08, a 调休 day)'
"${CENTRE[@]}" duty roster --week-of 2022-10-03 | sed -n 1,2p
echo '$ ysctl staff check --unit 市住建局   (window staff rules, 管理办法)'
"${CENTRE[@]}" staff check --unit 市住建局 --as-of 2022-10-31
echo
echo "== notify: the alerts, cases and the roster above, told to their units (SAMPLE channels: a local sink)"
told() { local out; out=$("$YSCTL" notify notifications --type ranking_alert 2>/dev/null) && grep -q '^N-' <<<"$out"; }
for _ in $(seq 1 90); do told && break; sleep 1; done  # a ranking's alerts gather for 30 s (group_wait)
echo '$ ysctl notify notifications --type ranking_alert   (first 10 lines: one message per recipient and group)'
"$YSCTL" notify notifications --type ranking_alert | sed -n 1,10p
echo '$ ysctl notify history --recipient unit:市住建局   (every attempt; first 12 lines)'
"$YSCTL" notify history --recipient unit:市住建局 | sed -n 1,12p
echo "\$ YS_API_KEY=\$(cat var/keys/unit-zhujian.key) ysctl notify inbox   (the unit's own inbox; first 8 lines)"
YS_API_KEY=$(cat "${YS_VAR:-$ROOT/var}/keys/unit-zhujian.key") "$YSCTL" notify inbox | sed -n 1,8p
lead=$(grep -m1 -E 'code: I03,' data/catalog/catalog.yaml | grep -oE 'lead: [^,]+' | sed 's/lead: //; s/ *$//' || true)
echo "\$ ysctl notify test event_type=case_overdue severity=warning unit=市住建局 lead=$lead   (who would be told: 督办)"
"$YSCTL" notify test event_type=case_overdue severity=warning unit=市住建局 "lead=$lead"
echo '$ curl -s 127.0.0.1:18099/_stats   (what the stand-in robots and webhooks received, by path)'
curl -fs http://127.0.0.1:18099/_stats | python3 -c '
import json, sys
s = json.load(sys.stdin)
paths = {}
for r in s["received"]:
    p = r["path"].split("?")[0]
    paths[p] = paths.get(p, 0) + 1
print("{} received, {} acknowledged twice: {}".format(s["total"], s["duplicates"], ", ".join("{} {}".format(p, n) for p, n in sorted(paths.items()))))' \
  || echo "(the sample sink on 127.0.0.1:18099 is not running)"
echo
echo "== the web console (ys-gateway): one person per role; their logins in var/console-logins.txt"
LOGINS=${YS_VAR:-$ROOT/var}/console-logins.txt
if [ ! -s "$LOGINS" ] || ! "$YSCTL" users list 2>/dev/null | grep -q '^office-demo '; then
  : > "$LOGINS"
  chmod 600 "$LOGINS"
  for person in "office-demo 营商办演示 office" "unit-zhujian 住建局演示 unit:市住建局" "unit-shangwu 商务局演示 unit:市商务局" \
                "leader-demo 领班演示 leader:李茂荣" "county-guangfeng 广丰区演示 county:361103" \
                "centre-demo 政务服务中心演示 centre" "viewer-demo 观察员演示 viewer"; do
    set -- $person
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)
    printf '%s' "$password" > "$LOGINS.tmp"
    "$YSCTL" users add --login "$1" --name "$2" --role "$3" --password-file "$LOGINS.tmp" >/dev/null 2>&1 \
      || "$YSCTL" users reset-password "$1" --password-file "$LOGINS.tmp" >/dev/null
    printf '%-18s %-16s %s\n' "$1" "$password" "$3" >> "$LOGINS"
  done
  rm -f "$LOGINS.tmp"
fi
echo '$ ysctl users list'
"$YSCTL" users list
echo "console: http://127.0.0.1:8080/   (the hall screen, no login: http://127.0.0.1:8080/hall)"
echo "logins (login, password, role) in $LOGINS"
echo

echo "== the quarterly bulletin (通报, §四(四)): 2022Q3 of the demo data, issued, its PDF and .xlsx under var/documents/"
DOCS=${YS_VAR:-$ROOT/var}/documents
mkdir -p "$DOCS"
if "$YSCTL" bulletin show --quarter 2022Q3 2>/dev/null | grep -q 已签发; then
  echo "(2022Q3 was issued by an earlier demo run: an issued bulletin is never re-assembled)"
else
  echo '$ ysctl bulletin draft --quarter 2022Q3   (assembled from the services as of now; first 12 lines)'
  "$YSCTL" bulletin draft --quarter 2022Q3 | sed -n 1,12p
  echo '$ ysctl bulletin comment --quarter 2022Q3 --section ranks --text …'
  "$YSCTL" bulletin comment --quarter 2022Q3 --section ranks \
    --text "第三季度综合排名须守住全省前六；排名后三位指标的牵头单位对照先进地市找差距，一个月内报送整改措施。" > /dev/null
  echo '$ ysctl bulletin pick --quarter 2022Q3 --unit 市住建局 --indicator I03 --title …   (two 督办事项)'
  "$YSCTL" bulletin pick --quarter 2022Q3 --unit 市住建局 --indicator I03 --title "办理建筑许可指标排名靠后" \
    --description "对照省住建厅评价口径，压减审批环节和时限。" > /dev/null
  "$YSCTL" bulletin pick --quarter 2022Q3 --unit 市商务局 --indicator I12 --title "跨境贸易指标排名靠后" > /dev/null
  echo '$ ysctl bulletin issue --quarter 2022Q3'
  "$YSCTL" bulletin issue --quarter 2022Q3
fi
echo "\$ ysctl bulletin pdf --quarter 2022Q3 --out $DOCS/bulletin-2022Q3.pdf"
"$YSCTL" bulletin pdf --quarter 2022Q3 --out "$DOCS/bulletin-2022Q3.pdf"
echo "\$ ysctl bulletin xlsx --quarter 2022Q3 --out $DOCS/bulletin-2022Q3.xlsx"
"$YSCTL" bulletin xlsx --quarter 2022Q3 --out "$DOCS/bulletin-2022Q3.xlsx"
echo "\$ ysctl bulletin pdf --quarter 2022Q3 --for unit:市住建局 --out $DOCS/bulletin-2022Q3-市住建局.pdf   (a unit's extract)"
"$YSCTL" bulletin pdf --quarter 2022Q3 --for unit:市住建局 --out "$DOCS/bulletin-2022Q3-市住建局.pdf"
echo '$ ysctl bulletin items --quarter 2022Q3   (each 督办事项 a case due a calendar month after issue, §四(五))'
for _ in $(seq 20); do "$YSCTL" bulletin items --quarter 2022Q3 2>/dev/null | grep -q 待立案 || break; sleep 1; done
"$YSCTL" bulletin items --quarter 2022Q3 || true
echo "the seven bodies' e-mails (local SMTP sink; each carries the PDF): var/notify/mail/*.eml"
for _ in $(seq 30); do
  n=$(curl -fs http://127.0.0.1:18026/_messages 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin) if m.get("attachments")))' 2>/dev/null || echo 0)
  [ "$n" -ge 7 ] && break
  sleep 1
done
echo "  e-mails with the PDF attached: $n"
echo "\$ ysctl dispatch render --month 2022-09 --out $DOCS/dispatch-2022-09.pdf   (the monthly dispatch pack, §四(三), a draft)"
"$YSCTL" dispatch render --month 2022-09 --out "$DOCS/dispatch-2022-09.pdf"
echo

echo "== ysctl calendar"
for d in 2022-10-08 2022-10-03 2023-01-28; do
  printf '$ ysctl calendar is-working-day %s\n' "$d"
  "$YSCTL" calendar is-working-day "$d"
done
printf '$ ysctl calendar first-working-day --week-of 2022-10-03\n'
"$YSCTL" calendar first-working-day --week-of 2022-10-03
printf '$ ysctl calendar is-working-day 2027-03-01\n'
"$YSCTL" calendar is-working-day 2027-03-01 || true
echo
echo "The stack is still running (Prometheus at ${YS_PROMETHEUS_URL:-http://127.0.0.1:19090})."
echo "Stop everything with: make down stack-down"
