#!/usr/bin/env bash
# e2e: a last place reaches the units. ys-indicator, ys-ranking and ys-rectification on the local
# stack; one JSON ranking fact sent with kcat puts 上饶市 last on I12 跨境贸易 (two responsible units:
# 市商务局 and 上饶海关); each unit gets a case due one calendar month later; a unit's key reports on
# its own case and is refused on the other's; the events are on ys.rectification.v1. Then 上饶市 and
# 信州区 last on I03: a key written as unit:市住建局 (the alias `make up` uses) lists 市住房和城乡建设局's
# case and follows 信州区's, which it may read but not report on.
#   rectification_kcat.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
SHANGWU_KEY=shangwu-$RUN
HAIGUAN_KEY=haiguan-$RUN
ZHUJIAN_KEY=zhujian-$RUN
add_key "$SHANGWU_KEY" "unit:市商务局"
add_key "$HAIGUAN_KEY" "unit:上饶海关"
add_key "$ZHUJIAN_KEY" "unit:市住建局"
start_services_with_catalog

printf 'I12/3611\t{"specversion":"1.0","id":"%s","source":"/platform/jxyshj","type":"yingshang.ranking.v1.RankingFact","data":{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"I12","scope":"SCOPE_CITY","regionCode":"3611","period":"2022-09","rank":11,"total":11,"revision":"1"}}\n' \
  "$RUN-last" | kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' \
  -H content-type=application/cloudevents+json

two_cases() { [ "$("${YSCTL[@]}" cases list 2>/dev/null | tail -1)" = "2 case(s)" ]; }
wait_until 60 two_cases || fail "want 2 cases, got: $("${YSCTL[@]}" cases list 2>&1)"
listing=$("${YSCTL[@]}" cases list)
echo "$listing"
# Due one calendar month after opening (today in Asia/Shanghai), clamped to the month's end.
today=$(TZ=Asia/Shanghai date +%Y-%m-%d)
first_next=$(date -d "$(date -d "$today" +%Y-%m-01) +1 month" +%Y-%m-%d)
last_next=$(date -d "$first_next +1 month -1 day" +%Y-%m-%d)
want_due=$(date -d "$first_next" +%Y-%m)-$(date -d "$today" +%d)
[ "$want_due" \> "$last_next" ] && want_due=$last_next
for unit in 市商务局 上饶海关; do
  line=$(grep " $unit " <<<"$listing") || fail "no case for $unit"
  grep -q " I12 " <<<"$line" || fail "$unit's case is not about I12: $line"
  grep -q "due $want_due" <<<"$line" || fail "$unit's case is not due $want_due: $line"
done
mine=$(grep ' 市商务局 ' <<<"$listing" | awk '{print $1}')
theirs=$(grep ' 上饶海关 ' <<<"$listing" | awk '{print $1}')

# The unit's own key: its own case only.
YS_API_KEY=$SHANGWU_KEY "${YSCTL[@]}" cases list | grep -q "^1 case(s)$" || fail "市商务局 sees other units' cases"
YS_API_KEY=$SHANGWU_KEY "${YSCTL[@]}" case report "$mine" --text "已对标省先进地区制定整改方案" >/dev/null \
  || fail "市商务局 could not report on its own case"
if denied=$(YS_API_KEY=$SHANGWU_KEY "${YSCTL[@]}" case report "$theirs" --text "x" 2>&1); then
  fail "市商务局 reported on 上饶海关's case"
fi
grep -q "belongs to 上饶海关, not to 市商务局" <<<"$denied" || fail "want PERMISSION_DENIED naming the owner, got: $denied"
echo "refused as it should be: $denied"
"${YSCTL[@]}" case show "$mine" | grep -q "in_progress" || fail "the report did not move the case"

opened() {
  kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rectification.v1" -o beginning -e -q -f '%h\n' 2>/dev/null \
    | grep -c 'KIND_OPENED' || true
}
two_events() { [ "$(opened)" = 2 ]; }
wait_until 30 two_events || fail "want 2 opened events on ys.rectification.v1, got $(opened)"

# I03 办理建筑许可 (unit 市住建局 in the catalog: 市住房和城乡建设局): 上饶市 last, and 信州区 last.
for fact in 'I03/3611\t{"specversion":"1.0","id":"%s-i03","source":"/platform/jxyshj","type":"yingshang.ranking.v1.RankingFact","data":{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"I03","scope":"SCOPE_CITY","regionCode":"3611","period":"2022-09","rank":11,"total":11,"revision":"1"}}\n' \
            'I03/361102\t{"specversion":"1.0","id":"%s-i03-county","source":"/platform/jxyshj","type":"yingshang.ranking.v1.RankingFact","data":{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"I03","scope":"SCOPE_COUNTY","regionCode":"361102","period":"2022-09","rank":100,"total":100,"revision":"1"}}\n'; do
  # shellcheck disable=SC2059
  printf "$fact" "$RUN" | kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' \
    -H content-type=application/cloudevents+json
done
four_cases() { [ "$("${YSCTL[@]}" cases list 2>/dev/null | tail -1)" = "4 case(s)" ]; }
wait_until 60 four_cases || fail "want 4 cases, got: $("${YSCTL[@]}" cases list 2>&1)"
zhujian=$(YS_API_KEY=$ZHUJIAN_KEY "${YSCTL[@]}" cases list)
echo "$zhujian"
grep -q "^2 case(s)$" <<<"$zhujian" || fail "the unit:市住建局 key does not see 市住房和城乡建设局's case and the followed one"
own=$(grep ' 市住房和城乡建设局 ' <<<"$zhujian" | grep -v '\[following\]') || fail "no own case for the alias key"
county=$(grep ' 信州区 ' <<<"$zhujian" | grep '\[following\]' | awk '{print $1}') || fail "信州区's case is not followed"
YS_API_KEY=$ZHUJIAN_KEY "${YSCTL[@]}" case show "$county" | grep -q "follower    市住房和城乡建设局, 带班领导 陈锋" \
  || fail "case show does not name the follower"
if denied=$(YS_API_KEY=$ZHUJIAN_KEY "${YSCTL[@]}" case report "$county" --text "x" 2>&1); then
  fail "a follower reported on the county's case"
fi
grep -q "信州区 reports its own progress" <<<"$denied" || fail "want PERMISSION_DENIED saying the county reports, got: $denied"
echo "alias key: $own"
# Trust of events (issue #17): a RankingAlert forged by another producer on the cluster (here as if a
# platform's key wrote it) opens no case; it is a dead letter naming its source.
forged=$WORK/forged-alert.bin
printf 'id: "forged/%s" rule: ALERT_RULE_LAST_IN_PROVINCE severity: SEVERITY_CRITICAL fact { indicator_code: "I12" scope: SCOPE_CITY region_code: "3611" period: "2022-08" rank: 11 total: 11 evaluation: EVALUATION_OFFICIAL } units { unit: "市商务局" } message: "伪造"\n' "$RUN" \
  | protoc -I "$SRC/proto" -I /usr/include --encode=yingshang.ranking.v1.RankingAlert \
    "$SRC/proto/yingshang/ranking/v1/ranking.proto" > "$forged"
kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.alerts.v1" -k "forged/$RUN" -H ce_specversion=1.0 \
  -H "ce_id=forged-$RUN" -H ce_source=/platform/jxyshj -H ce_type=yingshang.ranking.v1.RankingAlert \
  -H content-type=application/protobuf "$forged"
forged_dead() {
  kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rectification.dlq.v1" -o beginning -e -q -f '%h\n' 2>/dev/null \
    | grep "ce_source '/platform/jxyshj' may not publish to ys.rankings.alerts.v1" || true
}
has_forged_dead() { [ -n "$(forged_dead)" ]; }
wait_until 30 has_forged_dead || fail "the forged alert is not on ys.rectification.dlq.v1 naming its source"
forged_dead | grep -q "ys_dlq_reason_code=untrusted_source" || fail "the dead letter's reason code is not untrusted_source: $(forged_dead)"
[ "$("${YSCTL[@]}" cases list | tail -1)" = "4 case(s)" ] || fail "the forged alert opened a case: $("${YSCTL[@]}" cases list)"
echo "forged alert from /platform/jxyshj: dead letter naming the source, no case"

echo "e2e rectification: last place -> a case per responsible unit due $want_due, unit keys scoped (aliases resolved, county cases followed), events out, a forged alert refused: OK"
