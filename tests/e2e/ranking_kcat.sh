#!/usr/bin/env bash
# e2e: the ranking service as the office meets it. Starts ys-indicator and ys-ranking against the
# local stack (own schemas, ports, consumer groups and Redis key prefix), loads the catalog with
# ysctl, sends 1,000 ranking facts and one bad one as JSON CloudEvents with kcat (structured mode,
# one kcat call), then checks: the scorecard and Redis hold them; the bad one is on the dead-letter
# topic with its reason, counted and listed; re-sending everything changes nothing; with Redis
# stopped the queries answer from PostgreSQL, and the cache refills once it is back.
#   ranking_kcat.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
PREFIX="e2e$RUN:"
start_service indicator 0
start_service ranking 2 YS_REDIS_KEY_PREFIX="$PREFIX"
METRICS=$RANKING_METRICS
load_catalog
wait_for_ranking_replica

# An operator's grpcurl sees the server through reflection, the standard health service included
# (issue #18: it once answered "target server does not expose service").
source "$SRC/tests/support/find_tool.sh"
GRPCURL=$(find_tool grpcurl) || fail "grpcurl not found on PATH or in \$(go env GOPATH)/bin (make deps)"
"$GRPCURL" -plaintext "$YS_RANKING_ADDRESS" grpc.health.v1.Health/Check | grep -q '"status": "SERVING"' ||
  fail "grpcurl health check through reflection did not answer SERVING"
services=$("$GRPCURL" -plaintext "$YS_RANKING_ADDRESS" list)
for s in grpc.health.v1.Health yingshang.ranking.v1.RankingQuery; do
  grep -qx "$s" <<<"$services" || fail "grpcurl list lacks $s: $services"
done

# 1,000 facts for 2022-09: 上饶市 first (every indicator), then the other cities, then the counties;
# ranks are a permutation per indicator. Plus one bad fact: unknown indicator and rank 12 of 11.
mapfile -t indicators < <("${YSCTL[@]}" indicators list | awk '$1 ~ /^(C00|I[0-9][0-9](-[0-9][0-9])?)$/ {print $1}')
[ "${#indicators[@]}" -ge 59 ] || fail "indicators list gave ${#indicators[@]} codes"
event() {  # event ID INDICATOR SCOPE REGION RANK TOTAL
  printf '%s/%s\t{"specversion":"1.0","id":"%s","source":"/platform/jxyshj","type":"yingshang.ranking.v1.RankingFact","datacontenttype":"application/json","data":{"evaluation":"EVALUATION_OFFICIAL","indicatorCode":"%s","scope":"%s","regionCode":"%s","period":"2022-09","rank":%d,"total":%d,"revision":"1"}}\n' \
    "$2" "$4" "$1" "$2" "$3" "$4" "$5" "$6"
}
{
  n=0
  cities=(3611 3601 3602 3603 3604 3605 3606 3607 3608 3609 3610)
  counties=(361102 361103 361104 361123 361124 361125 361126 361127 361128 361129 361130 361181)
  for ci in "${!cities[@]}"; do
    for ii in "${!indicators[@]}"; do
      [ $n -lt 1000 ] || break 2
      event "$RUN-$n" "${indicators[$ii]}" SCOPE_CITY "${cities[$ci]}" $(((ci + ii) % 11 + 1)) 11
      n=$((n + 1))
    done
  done
  for ci in "${!counties[@]}"; do
    for ii in "${!indicators[@]}"; do
      [ $n -lt 1000 ] || break 2
      event "$RUN-$n" "${indicators[$ii]}" SCOPE_COUNTY "${counties[$ci]}" $(((ci * 8 + ii) % 100 + 1)) 100
      n=$((n + 1))
    done
  done
  event "$RUN-bad" I42 SCOPE_CITY 3611 12 11
} > "$WORK/events.jsonl"
[ "$(wc -l < "$WORK/events.jsonl")" = 1001 ] || fail "generated $(wc -l < "$WORK/events.jsonl") events"
send() {
  kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' \
    -H content-type=application/cloudevents+json -l "$WORK/events.jsonl"
}
send
# The topic is shared (earlier runs' events are read too), so wait for what this run must show.
rows_of() { grep -c '^  [CI][0-9]' <<<"$1" || true; }
for _ in $(seq 400); do
  card=$("${YSCTL[@]}" rankings scorecard --region 3611 --period 2022-09 2>/dev/null || true)
  [ "$(rows_of "$card")" = "${#indicators[@]}" ] && "${YSCTL[@]}" rankings rejected | grep -q "I42/3611" && break
  sleep 0.3
done
rows=$(rows_of "$card")
echo "scorecard 3611 2022-09: $rows indicator rows; $(head -1 <<<"$card")"
[ "$rows" = "${#indicators[@]}" ] || fail "scorecard has $rows rows, want ${#indicators[@]}"
grep -q '^  I01 ' <<<"$card" || fail "I01 missing from the scorecard"
redis_holds_all() {
  [ "$(redis-cli -p "$REDIS_PORT" hlen "${PREFIX}ys:v1:facts:EVALUATION_OFFICIAL:3611:2022-09")" = "${#indicators[@]}" ]
}
served_from_redis() {
  "${YSCTL[@]}" rankings scorecard --region 3611 --period 2022-09 | head -1 | grep -q "from Redis"
}
wait_until 30 redis_holds_all || fail "Redis hash for 3611 2022-09 does not hold ${#indicators[@]} facts"
zcard=$(redis-cli -p "$REDIS_PORT" zcard "${PREFIX}ys:v1:rank:EVALUATION_OFFICIAL:SCOPE_CITY:I01:2022-09")
[ "$zcard" = 11 ] || fail "Redis ranking of I01 holds $zcard cities, want 11"
wait_until 20 served_from_redis || fail "scorecard not served from Redis"

# The bad one: on the DLQ with its reasons, counted, listed for the operator.
dead_letters() { kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.dlq.v1" -o beginning -e -q -f '%h\n' 2>/dev/null | grep "ys_dlq_event_id=$RUN-bad" || true; }
dead_lettered() { [ -n "$(dead_letters)" ]; }
wait_until 30 dead_lettered || true
dlq=$(dead_letters)
[ "$(grep -c . <<<"$dlq")" = 1 ] || fail "want the bad event once on ys.rankings.dlq.v1, got: $dlq"
grep -q "ys_dlq_reason_code=RV05" <<<"$dlq" || fail "dead letter without its reason code: $dlq"
grep -q "unknown indicator 'I42'" <<<"$dlq" || fail "dead letter without the indicator reason: $dlq"
grep -q "not between 1 and total 11" <<<"$dlq" || fail "dead letter without the rank reason: $dlq"
[ "$(metric "$METRICS" '^ys_dlq_records_total\{.*reason="RV05"')" -ge 1 ] || fail "the rejection is not counted"
"${YSCTL[@]}" rankings rejected | grep -q "$RUN-bad\|I42/3611" || fail "ysctl rankings rejected does not list it"

snapshot() {
  "${YSCTL[@]}" rankings completeness --period 2022-09 | head -1
  "${YSCTL[@]}" rankings alerts --period 2022-09 | tail -1
  "${YSCTL[@]}" rankings rejected | tail -1
  "${YSCTL[@]}" rankings scorecard --region 3611 --period 2022-09 | tail -n +2
}
before=$(snapshot)
dup_before=$(metric "$METRICS" '^ys_inbox_records_total\{.*consumer="ranking.submissions".*outcome="duplicate"')
send
duplicates() { metric "$METRICS" '^ys_inbox_records_total\{.*consumer="ranking.submissions".*outcome="duplicate"'; }
resent_seen() { [ "$(duplicates)" -ge $((dup_before + 1001)) ]; }
wait_until 120 resent_seen || fail "the re-sent events were not all seen"
after=$(snapshot)
[ "$before" = "$after" ] || fail "re-sending changed something: $(diff <(echo "$before") <(echo "$after"))"
echo "re-sent 1,001 events: 1,001 duplicates dropped, nothing changed ($(head -2 <<<"$after" | tr '\n' ';'))"
sleep 2  # what the outbox relay would publish
[ "$(dead_letters | grep -c .)" = 1 ] || fail "the bad event was dead-lettered again"

# Redis down: answers from PostgreSQL, said in the output and the metric; back up: the cache refills.
redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
down_card=$("${YSCTL[@]}" rankings scorecard --region 3611 --period 2022-09) || fail "scorecard failed with Redis down"
head -1 <<<"$down_card" | grep -q "from PostgreSQL" || fail "with Redis down: $(head -1 <<<"$down_card")"
[ "$(tail -n +2 <<<"$down_card")" = "$(tail -n +2 <<<"$card")" ] || fail "with Redis down the scorecard differs"
[ "$(rows_of "$down_card")" = "${#indicators[@]}" ] || fail "with Redis down the scorecard is short"
[ "$(metric "$METRICS" '^ys_ranking_cache_reads_total\{result="redis_down"')" -ge 1 ] || fail "fallback not counted"
"$SRC/deploy/local/stack.sh" up >/dev/null
wait_until 30 served_from_redis || fail "the cache did not refill after Redis came back"
redis_holds_all || fail "refilled cache is short"
echo "e2e ranking: 1,000 kcat facts in scorecard and Redis, bad one dead-lettered and listed, re-send idempotent, Redis down/up: OK"
