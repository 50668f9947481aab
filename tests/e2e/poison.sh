#!/usr/bin/env bash
# e2e: the poison suite. For every consumer (ranking submissions, the ranking catalog replica,
# 惠企通 redemptions, rectification's alerts) send each malformed or hostile record with kcat —
# NUL in each string field, invalid UTF-8, a 1.5 MB record, int64/int32 extremes, out-of-range
# timestamps, 10,000-deep nesting, a 100,000-key object — and right after it a good record. Each case
# passes when the bad record is dead-lettered (or, where it is harmless, applied), the good one is
# applied within 10 s, and the service still answers SERVING. One line per case.
#   poison.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
start_services_with_catalog

# Input topics take 2 MB records here (the broker's default is 1 MB), so the 1.5 MB case reaches
# the consumers instead of being refused by Kafka.
for t in ys.rankings.submitted.v1 ys.catalog.v1 ys.policy.redemptions.v1 ys.rankings.alerts.v1; do
  java -cp "$SRC/var/kafka/libs/*" kafka.admin.ConfigCommand --bootstrap-server "$BROKERS" --alter \
    --entity-type topics --entity-name "$TOPIC_PREFIX$t" --add-config max.message.bytes=2097152 \
    >/dev/null 2>&1 || fail "cannot raise max.message.bytes of $t"
done
KCAT=(kcat -P -b "$BROKERS" -X message.max.bytes=2097152)
PROTOC=(protoc -I "$SRC/proto" -I /usr/include)

counts() {  # counts METRICS CONSUMER: "applied rejected"
  local text
  text=$(curl -fs "http://$1/metrics" || true)
  printf '%d %d\n' \
    "$(grep -E "^ys_inbox_records_total\{consumer=\"$2\",outcome=\"applied\"\}" <<<"$text" | awk '{s += $NF} END {print s + 0}')" \
    "$(grep -E "^ys_inbox_records_total\{consumer=\"$2\",outcome=\"rejected\"\}" <<<"$text" | awk '{s += $NF} END {print s + 0}')"
}

CASES=0
# run_case METRICS CONSUMER HEALTH_ADDRESS LABEL POISON_FN GOOD_FN: sends the poison, then the good
# record; waits for the good one to be applied; prints the poison's outcome and the seconds.
run_case() {
  local metrics=$1 consumer=$2 health=$3 label=$4 poison=$5 good=$6
  local a0 r0 a1 r1 start now outcome
  read -r a0 r0 < <(counts "$metrics" "$consumer")
  start=$(date +%s.%N)
  "$poison"
  "$good"
  while :; do
    read -r a1 r1 < <(counts "$metrics" "$consumer")
    now=$(date +%s.%N)
    # The poison is either refused (rejected +1) or harmless (applied +1); the good one applied.
    if [ $((a1 + r1)) -ge $((a0 + r0 + 2)) ] && [ "$a1" -ge $((a0 + 1)) ]; then break; fi
    if awk -v s="$start" -v n="$now" 'BEGIN {exit !(n - s > 10)}'; then
      fail "$consumer / $label: the good record was not applied within 10 s (applied $a0 -> $a1, rejected $r0 -> $r1)"
    fi
    sleep 0.1
  done
  outcome="dead letter"
  [ "$r1" -gt "$r0" ] || outcome="applied (harmless)"
  "${YSCTL[@]}" health --address "$health" >/dev/null 2>&1 || fail "$consumer / $label: service not SERVING"
  CASES=$((CASES + 1))
  printf '%-22s %-44s %-20s good record applied after %.1f s\n' "$consumer" "$label" "$outcome" \
    "$(awk -v s="$start" -v n="$now" 'BEGIN {print n - s}')"
}

big() { head -c "$1" /dev/zero | tr '\0' 'x'; }
nested() { printf '%*s' "$1" '' | tr ' ' '['; printf '1'; printf '%*s' "$1" '' | tr ' ' ']'; }
many_keys() { awk -v n="$1" 'BEGIN {printf "{"; for (i = 0; i < n; i++) printf "%s\"k%d\":%d", (i ? "," : ""), i, i; printf "}"}'; }

# --- ranking submissions: structured-mode JSON CloudEvents ---------------------------------------
N=0
fact_event() {  # fact_event ID DATA_JSON [EXTRA_ATTRIBUTES]: one structured event line for kcat -K
  printf 'poison/%s\t{"specversion":"1.0","id":"%s","source":"/platform/jxyshj","type":"yingshang.ranking.v1.RankingFact"%s,"data":%s}\n' \
    "$RUN" "$1" "${3:-}" "$2"
}
send_fact() { "${KCAT[@]}" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' -H content-type=application/cloudevents+json; }
fact_data() {  # fact_data INDICATOR REGION PERIOD RANK
  printf '{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"%s","scope":"SCOPE_CITY","regionCode":"%s","period":"%s","rank":%s,"total":11,"revision":"1"}' "$1" "$2" "$3" "$4"
}
good_fact() {
  N=$((N + 1))
  fact_event "$RUN-good-$N" "$(fact_data "$(printf 'I%02d' $(((N - 1) % 18 + 1)))" 3611 "$(printf '2021-%02d' $(((N - 1) / 18 + 1)))" 5)" | send_fact
}
p_fact() { fact_event "$RUN-bad-$N-$RANDOM" "$1" "${2:-}" | send_fact; }
rk() { run_case "$RANKING_METRICS" ranking.submissions "$YS_RANKING_ADDRESS" "$1" "$2" good_fact; }
f_nul_indicator() { p_fact "$(fact_data 'I0\u00005' 3611 2022-09 5)"; }
f_nul_region() { p_fact "$(fact_data I05 '36\u000011' 2022-09 5)"; }
f_nul_period() { p_fact "$(fact_data I05 3611 '2022-\u000009' 5)"; }
f_nul_reason() { p_fact '{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"I05","scope":"SCOPE_CITY","regionCode":"3611","period":"2022-09","rank":5,"total":12,"totalReason":"a\u0000b","revision":"1"}'; }
f_nul_id() { fact_event 'x\u0000y' "$(fact_data I05 3611 2022-09 5)" | send_fact; }
f_nul_source() { printf 'poison\t{"specversion":"1.0","id":"%s-s","source":"/platform/a\\u0000b","type":"yingshang.ranking.v1.RankingFact","data":%s}\n' "$RUN" "$(fact_data I05 3611 2022-09 5)" | send_fact; }
f_bad_utf8() { p_fact "$(fact_data "$(printf 'I0\xff5')" 3611 2022-09 5)"; }
f_surrogate() { p_fact "$(fact_data 'I0\ud8005' 3611 2022-09 5)"; }
f_big() { p_fact "{\"evaluation\":\"EVALUATION_OFFICIAL\",\"indicatorCode\":\"I05\",\"pad\":\"$(big 1500000)\"}"; }
f_int_max() { p_fact "$(fact_data I05 3611 2022-09 9223372036854775807)"; }
f_rev_min() { p_fact '{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"I05","scope":"SCOPE_CITY","regionCode":"3611","period":"2022-09","rank":5,"total":11,"revision":"-9223372036854775808"}'; }
f_time_0001() { p_fact '{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"I05","scope":"SCOPE_CITY","regionCode":"3611","period":"2022-09","rank":5,"total":11,"revision":"1","publishedAt":"0001-01-01T00:00:00Z"}'; }
f_time_9999() { p_fact "$(fact_data I05 3611 2022-09 5)" ',"time":"9999-12-31T23:59:59Z"'; }
f_nesting() { p_fact "{\"indicatorCode\":\"I05\",\"x\":$(nested 10000)}"; }
f_keys() { p_fact "$(many_keys 100000)"; }
f_dup() { p_fact '{"indicatorCode":"I05","indicatorCode":"I06","scope":"SCOPE_CITY","regionCode":"3611","period":"2022-09","rank":5,"total":11,"revision":"1"}'; }
rk "NUL in indicatorCode (the issue's record)" f_nul_indicator
rk "NUL in regionCode" f_nul_region
rk "NUL in period" f_nul_period
rk "NUL in totalReason" f_nul_reason
rk "NUL in the event id" f_nul_id
rk "NUL in the event source" f_nul_source
rk "invalid UTF-8 (0xff) in indicatorCode" f_bad_utf8
rk "lone surrogate \\ud800 in indicatorCode" f_surrogate
rk "1.5 MB record" f_big
rk "rank 2^63-1" f_int_max
rk "revision -2^63" f_rev_min
rk "publishedAt year 1" f_time_0001
rk "event time year 9999" f_time_9999
rk "10,000-deep nesting" f_nesting
rk "100,000-key object" f_keys
rk "duplicate key" f_dup
# Refused submissions are kept for the office with their rule code (the reason escaped, never the NUL).
"${YSCTL[@]}" rankings rejected | grep -q "holds a control character U+0000 at byte 3 \[RV12\]" ||
  fail "ysctl rankings rejected does not list the NUL fact with its reason"
"${YSCTL[@]}" rankings rejected | grep -q "\[RV12\] attempts 1" ||
  fail "ysctl rankings rejected does not show the rule code RV12: $("${YSCTL[@]}" rankings rejected | head -5)"

# --- 惠企通 redemptions: binary-mode JSON ----------------------------------------------------------
R=0
send_redemption() {  # send_redemption CE_ID BODY
  printf '%s\n' "$2" | "${KCAT[@]}" -t "${TOPIC_PREFIX}ys.policy.redemptions.v1" -k "P-$RUN" \
    -H ce_specversion=1.0 -H "ce_id=$1" -H ce_source=/huiqitong/e2e \
    -H ce_type=yingshang.indicator.v1.PolicyRedemption -H content-type=application/json
}
redemption() {  # redemption [FIELD VALUE_JSON]: a good body, with FIELD's value replaced
  local -A f=([redemptionId]="\"E2E-$RUN-$R\"" [policyId]='"P1"' [policyName]='"稳岗返还"'
    [enterpriseCreditCode]='"91350100M000100Y43"' [countyCode]='"361102"' [department]='"市人社局"'
    [amountFen]='"250000"' [status]='"APPLIED"' [statusTime]='"2022-09-01T01:00:00Z"')
  [ -n "${1:-}" ] && f[$1]=$2
  local out="{" k sep=""
  for k in redemptionId policyId policyName enterpriseCreditCode countyCode department amountFen status statusTime; do
    out+="$sep\"$k\":${f[$k]}"
    sep=","
  done
  printf '%s}' "$out"
}
good_redemption() { R=$((R + 1)); send_redemption "$RUN-good-$R" "$(redemption)"; }
p_red() { R=$((R + 1)); send_redemption "$RUN-bad-$R" "$1"; }
hq() { run_case "$INDICATOR_METRICS" indicator.redemptions "$YS_INDICATOR_ADDRESS" "$1" "$2" good_redemption; }
r_nul() { p_red "$(redemption "$NUL_FIELD" '"a\u0000b"')"; }
for NUL_FIELD in redemptionId policyId policyName enterpriseCreditCode countyCode department; do
  hq "NUL in $NUL_FIELD" r_nul
done
r_utf8() { p_red "$(redemption policyName "\"$(printf 'a\xc3\x28b')\"")"; }
r_big() { p_red "$(redemption policyName "\"$(big 1500000)\"")"; }
r_max() { p_red "$(redemption amountFen '"9223372036854775807"')"; }
r_min() { p_red "$(redemption amountFen '"-9223372036854775808"')"; }
r_t0() { p_red "$(redemption statusTime '"0001-01-01T00:00:00Z"')"; }
r_t9() { p_red "$(redemption statusTime '"9999-12-31T23:59:59Z"')"; }
r_nest() { p_red "{\"x\":$(nested 10000)}"; }
r_keys() { p_red "$(many_keys 100000)"; }
hq "invalid UTF-8 in policyName" r_utf8
hq "1.5 MB record" r_big
hq "amountFen 2^63-1" r_max
hq "amountFen -2^63" r_min
hq "statusTime year 1" r_t0
hq "statusTime year 9999" r_t9
hq "10,000-deep nesting" r_nest
hq "100,000-key object" r_keys

# --- the ranking catalog replica: binary protobuf CatalogEntity on ys.catalog.v1 --------------------
C=0
send_proto() {  # send_proto TOPIC KEY SOURCE TYPE FILE: one binary-mode protobuf CloudEvent
  "${KCAT[@]}" -t "$TOPIC_PREFIX$1" -k "$2" -H ce_specversion=1.0 -H "ce_id=$RUN-$4-$RANDOM$RANDOM" \
    -H "ce_source=$3" -H "ce_type=$4" -H content-type=application/protobuf "$5"
}
garbage() { head -c 4096 /dev/urandom > "$WORK/garbage.bin"; echo "$WORK/garbage.bin"; }
send_entity() {  # send_entity KEY TEXT_FORMAT|FILE
  local file=$2
  if [ ! -f "$2" ]; then
    file=$WORK/entity.bin
    printf '%s\n' "$2" | "${PROTOC[@]}" --encode=yingshang.indicator.v1.CatalogEntity \
      "$SRC/proto/yingshang/indicator/v1/catalog.proto" 2>/dev/null > "$file"
  fi
  send_proto ys.catalog.v1 "$1" /yingshang/indicator yingshang.indicator.v1.CatalogEntity "$file"
}
good_entity() { C=$((C + 1)); send_entity "unit/e2e-$RUN-$C" "unit { name: \"e2e-$RUN-$C\" } version: 1"; }
p_ent() { C=$((C + 1)); send_entity "unit/e2e-$RUN-bad-$C" "$1"; }
cat_case() { run_case "$RANKING_METRICS" ranking.catalog "$YS_RANKING_ADDRESS" "$1" "$2" good_entity; }
c_nul() { p_ent 'unit { name: "a\000b" } version: 1'; }
c_nul_alias() { p_ent 'unit { name: "ab" aliases: "x\000" } version: 1'; }
c_utf8() { p_ent 'unit { name: "\377bad" } version: 1'; }
c_big() { p_ent "unit { name: \"$(big 1500000)\" } version: 1"; }
c_ver() { p_ent 'unit { name: "v" } version: -9223372036854775808'; }
c_time() { p_ent 'unit { name: "t" } version: 1 updated_at { seconds: -62135596800 }'; }
c_garbage() { p_ent "$(garbage)"; }
cat_case "NUL in a unit name" c_nul
cat_case "NUL in a unit alias" c_nul_alias
cat_case "invalid UTF-8 in a unit name" c_utf8
cat_case "1.5 MB unit name" c_big
cat_case "version -2^63" c_ver
cat_case "updated_at year 1" c_time
cat_case "4 KiB of random bytes" c_garbage

# --- rectification: binary protobuf RankingAlert on ys.rankings.alerts.v1 ---------------------------
A=0
send_alert() {  # send_alert TEXT_FORMAT|FILE
  local file=$1
  if [ ! -f "$1" ]; then
    file=$WORK/alert.bin
    printf '%s\n' "$1" | "${PROTOC[@]}" --encode=yingshang.ranking.v1.RankingAlert \
      "$SRC/proto/yingshang/ranking/v1/ranking.proto" 2>/dev/null > "$file"
  fi
  send_proto ys.rankings.alerts.v1 "alert/$RUN" /yingshang/ranking yingshang.ranking.v1.RankingAlert "$file"
}
alert_text() {  # alert_text ID INDICATOR UNIT MESSAGE PERIOD
  printf 'id: "%s" rule: ALERT_RULE_LAST_IN_PROVINCE severity: SEVERITY_CRITICAL fact { indicator_code: "%s" scope: SCOPE_CITY region_code: "3611" period: "%s" rank: 11 total: 11 evaluation: EVALUATION_OFFICIAL } units { unit: "%s" } message: "%s"' \
    "$1" "$2" "$5" "$3" "$4"
}
good_alert() { A=$((A + 1)); send_alert "$(alert_text "e2e/$RUN/$A" I12 市商务局 "上饶市 I12 倒数第一" "$(printf '2020-%02d' $((A % 12 + 1)))")"; }
p_alert() { A=$((A + 1)); send_alert "$1"; }
rc() { run_case "$RECTIFICATION_METRICS" rectification.alerts "$YS_RECTIFICATION_ADDRESS" "$1" "$2" good_alert; }
a_nul_id() { p_alert "$(alert_text 'a\000b' I12 市商务局 m 2022-09)"; }
a_nul_ind() { p_alert "$(alert_text "e2e/$RUN/n1" 'I1\0002' 市商务局 m 2022-09)"; }
a_nul_unit() { p_alert "$(alert_text "e2e/$RUN/n2" I12 '市\000商务局' m 2022-09)"; }
a_nul_msg() { p_alert "$(alert_text "e2e/$RUN/n3" I12 市商务局 'a\000b' 2022-09)"; }
a_utf8() { p_alert "$(alert_text "e2e/$RUN/u" I12 '\377' m 2022-09)"; }
a_big() { p_alert "$(alert_text "e2e/$RUN/b" I12 市商务局 "$(big 1500000)" 2022-09)"; }
a_int() { p_alert "$(alert_text "e2e/$RUN/i" I12 市商务局 m 2022-09) previous_rank: 2147483647"; }
a_time() { p_alert "$(alert_text "e2e/$RUN/t" I12 市商务局 m 2022-09 | sed 's/evaluation:/published_at { seconds: -62135596800 } evaluation:/')"; }
a_garbage() { p_alert "$(garbage)"; }
rc "NUL in the alert id" a_nul_id
rc "NUL in fact.indicator_code" a_nul_ind
rc "NUL in units.unit" a_nul_unit
rc "NUL in message" a_nul_msg
rc "invalid UTF-8 in units.unit" a_utf8
rc "1.5 MB message" a_big
rc "previous_rank 2^31-1" a_int
rc "published_at year 1" a_time
rc "4 KiB of random bytes" a_garbage

echo "e2e poison: $CASES cases, every bad record handled and the good record after it applied, services SERVING: OK"
