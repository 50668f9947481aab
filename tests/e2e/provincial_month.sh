#!/usr/bin/env bash
# e2e (issue #12): the work plan read exactly, on a whole provincial month and on a year.
#  1. A provincial month (the 11 cities and 100 counties on 综合 and the 18 first-level indicators,
#     2,109 official facts, made up with a fixed seed) is imported with ysctl; the alerts, the
#     考核奖惩 ledger lines and the rectification cases the services produce are compared with
#     those tests/e2e/provincial_month.py computes from the same file by the rules of docs/rules.md.
#     A month's lines are all at risk: none is incurred.
#  2. A year fact (last year's assessment: 上饶市 last on I03) writes pending lines, which the
#     office's `ysctl ledger finalise` makes incurred; a correction (revision 2, 4th) withdraws the
#     alert and the lines (kept, marked) and flags the case it opened.
#  3. A key with the unit alias 市住建局 lists 市住房和城乡建设局's cases.
#   provincial_month.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
ORACLE=("python3" "$SRC/tests/e2e/provincial_month.py")
ZHUJIAN_KEY=zhujian-$RUN
add_key "$ZHUJIAN_KEY" "unit:市住建局"
start_services_with_catalog

# 1. Last month (inside the 3-month lock window): every city and county.
month=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 month" +%Y-%m)
"${ORACLE[@]}" generate "$SRC" "$month" 2 "$WORK/month.csv"
"${YSCTL[@]}" rankings import "$WORK/month.csv" | tail -2
want_cases=$("${ORACLE[@]}" cases "$SRC" "$WORK/month.csv")
cases_opened() { [ "$("${YSCTL[@]}" cases list 2>/dev/null | tail -1)" = "$want_cases case(s)" ]; }
wait_until 60 cases_opened || fail "want $want_cases cases, got: $("${YSCTL[@]}" cases list 2>&1 | tail -1)"
"${YSCTL[@]}" rankings alerts --period "$month" --tsv > "$WORK/alerts.tsv"
"${YSCTL[@]}" ledger show --year "${month%%-*}" --tsv > "$WORK/ledger.tsv"
"${YSCTL[@]}" cases list > "$WORK/cases.txt"
"${ORACLE[@]}" check "$SRC" "$WORK/month.csv" "$WORK/alerts.tsv" "$WORK/ledger.tsv" "$WORK/cases.txt" \
  || fail "the services and docs/rules.md disagree on $month"
grep -q STANDING_INCURRED "$WORK/ledger.tsv" && fail "a month's line is incurred"

# 2. Last year's assessment: locked (older than 3 months), so the office imports it as a correction.
year=$(( $(TZ=Asia/Shanghai date +%Y) - 1 ))
year_csv() {  # year_csv RANK REVISION
  printf 'period,scope,indicator,region,rank,total,score,source,evaluation,revision\n%s,city,I03,3611,%s,11,,jxyshj,official,%s\n' \
    "$year" "$1" "$2" > "$WORK/year.csv"
}
year_csv 11 1
"${YSCTL[@]}" rankings import "$WORK/year.csv" --correction | tail -1
lines() {  # the year's own lines (last month's are in the same year when this is January)
  "${YSCTL[@]}" ledger show --year "$year" --tsv "$@" | awk -F'\t' -v p="$year" '$4 == p'
}
[ "$(lines | grep -c $'\tSTANDING_PENDING\t')" = 4 ] || fail "want 4 pending lines for $year: $(lines)"
"${YSCTL[@]}" ledger finalise --year "$year" --reason "e2e: 省营商办${year}年度考核结果" | tail -1
[ "$(lines | grep -c $'\tSTANDING_INCURRED\t')" = 4 ] || fail "want 4 incurred lines after finalise: $(lines)"
"${YSCTL[@]}" ledger show --year "$year" | sed -n 1,8p

year_case() {  # the case the year's alert opened (a case show names its indicator and period)
  local id
  for id in $("${YSCTL[@]}" cases list | grep -E ' 市住房和城乡建设局 +I03 ' | awk '{print $1}'); do
    "${YSCTL[@]}" case show "$id" | grep -qE "^  indicator +I03 $year " && echo "$id"
  done
}
year_case=""
for _ in $(seq 100); do
  year_case=$(year_case | head -1)
  [ -n "$year_case" ] && break
  sleep 0.3
done
[ -n "$year_case" ] || fail "no case for the $year assessment: $("${YSCTL[@]}" cases list | grep ' I03 ')"

year_csv 4 2
"${YSCTL[@]}" rankings import "$WORK/year.csv" --correction | tail -1
"${YSCTL[@]}" rankings alerts --period "$year" --tsv | grep -q $'\twithdrawn:2$' \
  || fail "the correction did not withdraw the alert: $("${YSCTL[@]}" rankings alerts --period "$year" --tsv)"
[ -z "$(lines)" ] || fail "withdrawn lines are still counted: $(lines)"
[ "$(lines --withdrawn | grep -c $'\twithdrawn:2$')" = 4 ] || fail "want 4 withdrawn lines: $(lines --withdrawn)"
flagged() { "${YSCTL[@]}" cases list | grep "^$year_case " | grep -q "alert withdrawn"; }
wait_until 30 flagged || fail "case $year_case is not flagged: $("${YSCTL[@]}" cases list | grep "^$year_case ")"
"${YSCTL[@]}" cases list | grep "^$year_case "
"${YSCTL[@]}" case withdrawal "$year_case" --close --comment "e2e: 省营商办更正后不再排名倒数第一" | sed -n 1,2p
"${YSCTL[@]}" cases list | grep "^$year_case " | grep -q "closed: alert withdrawn" \
  || fail "case $year_case was not closed as withdrawn"

# 3. The alias the work plan uses (附件1: 市住建局) on a key: the canonical unit's cases.
mine=$(YS_API_KEY=$ZHUJIAN_KEY "${YSCTL[@]}" cases list)
echo "$mine" | tail -1
want=$("${YSCTL[@]}" cases list --unit 市住房和城乡建设局 | tail -1)
[ "$(echo "$mine" | tail -1)" = "$want" ] && [ "$want" != "0 case(s)" ] \
  || fail "the 市住建局 key lists '$(echo "$mine" | tail -1)', the office sees '$want' for 市住房和城乡建设局"
echo "provincial month $month and year $year: as docs/rules.md says"
