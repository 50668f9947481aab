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
RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
BROKERS=${YS_KAFKA_BROKERS:-127.0.0.1:19092}
REDIS_PORT=${YS_REDIS_PORT:-16379}
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 10000))
IND_PORT=$((PORT + 2))
METRICS=127.0.0.1:$((PORT + 1))
KEY=e2e-$RUN
PREFIX="e2e$RUN:"
YSCTL=("$BUILD/tools/ysctl/ysctl")
export YS_API_KEY=$KEY YS_RANKING_ADDRESS=127.0.0.1:$PORT YS_INDICATOR_ADDRESS=127.0.0.1:$IND_PORT
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || "$SRC/deploy/local/stack.sh" up >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- ranking log"; tail -20 "$WORK/ranking.log"; exit 1; }
wait_until() {  # wait_until SECONDS CMD...: true once CMD succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.3; done
}
metric() {  # metric REGEX: the sum of matching samples
  curl -fs "http://$METRICS/metrics" | grep -E "$1" | awk '{s += $NF} END {printf "%d\n", s}'
}

printf 'api_keys:\n  e2e: {role: office, sha256: %s}\n' "$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)" > "$WORK/keys.yaml"
common=(YS_KAFKA_GROUP_ID=e2e-$RUN YS_AUTH_API_KEYS_FILE=$WORK/keys.yaml)
env "${common[@]}" YS_PG_SCHEMA=e2e_ind_$RUN YS_GRPC_LISTEN=127.0.0.1:$IND_PORT YS_METRICS_LISTEN=127.0.0.1:$((PORT + 3)) \
  "$BUILD/services/indicator/ys-indicator" --config "$SRC/services/indicator/config.example.yaml" \
  > "$WORK/indicator.log" 2>&1 &
pids+=($!)
env "${common[@]}" YS_PG_SCHEMA=e2e_rank_$RUN YS_GRPC_LISTEN=127.0.0.1:$PORT YS_METRICS_LISTEN=$METRICS \
  YS_REDIS_KEY_PREFIX="$PREFIX" \
  "$BUILD/services/ranking/ys-ranking" --config "$SRC/services/ranking/config.example.yaml" \
  > "$WORK/ranking.log" 2>&1 &
pids+=($!)
for p in $PORT $IND_PORT; do
  wait_until 30 "${YSCTL[@]}" health --address 127.0.0.1:$p >/dev/null 2>&1 || fail "127.0.0.1:$p not SERVING"
done
for f in units regions catalog; do "${YSCTL[@]}" catalog import "$SRC/data/catalog/$f.yaml" >/dev/null; done
# The ranking service's replica arrives over ys.catalog.v1: 上饶市 and 12 counties × (综合 + 18 L1).
wait_until 60 bash -c '"$0" rankings completeness --period 2022-09 2>/dev/null | grep -q "of 247 expected"' \
  "${YSCTL[@]}" || fail "catalog replica did not arrive"

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
  kcat -P -b "$BROKERS" -t ys.rankings.submitted.v1 -K $'\t' \
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
wait_until 30 bash -c "[ \"\$(redis-cli -p $REDIS_PORT hlen '${PREFIX}ys:v1:facts:EVALUATION_OFFICIAL:3611:2022-09')\" = ${#indicators[@]} ]" \
  || fail "Redis hash for 3611 2022-09 does not hold ${#indicators[@]} facts"
zcard=$(redis-cli -p "$REDIS_PORT" zcard "${PREFIX}ys:v1:rank:EVALUATION_OFFICIAL:SCOPE_CITY:I01:2022-09")
[ "$zcard" = 11 ] || fail "Redis ranking of I01 holds $zcard cities, want 11"
wait_until 20 bash -c '"$0" rankings scorecard --region 3611 --period 2022-09 | head -1 | grep -q "from Redis"' \
  "${YSCTL[@]}" || fail "scorecard not served from Redis"

# The bad one: on the DLQ with its reasons, counted, listed for the operator.
dead_letters() { kcat -C -b "$BROKERS" -t ys.rankings.dlq.v1 -o beginning -e -q -f '%h\n' 2>/dev/null | grep "ys_dlq_event_id=$RUN-bad" || true; }
wait_until 30 bash -c "[ -n \"\$(kcat -C -b $BROKERS -t ys.rankings.dlq.v1 -o beginning -e -q -f '%h\n' 2>/dev/null | grep ys_dlq_event_id=$RUN-bad)\" ]" || true
dlq=$(dead_letters)
[ "$(grep -c . <<<"$dlq")" = 1 ] || fail "want the bad event once on ys.rankings.dlq.v1, got: $dlq"
grep -q "ys_dlq_reason_code=RV05" <<<"$dlq" || fail "dead letter without its reason code: $dlq"
grep -q "unknown indicator I42" <<<"$dlq" || fail "dead letter without the indicator reason: $dlq"
grep -q "not between 1 and total 11" <<<"$dlq" || fail "dead letter without the rank reason: $dlq"
[ "$(metric '^ys_dlq_records_total\{.*reason="RV05"')" -ge 1 ] || fail "the rejection is not counted"
"${YSCTL[@]}" rankings rejected | grep -q "$RUN-bad\|I42/3611" || fail "ysctl rankings rejected does not list it"

snapshot() {
  "${YSCTL[@]}" rankings completeness --period 2022-09 | head -1
  "${YSCTL[@]}" rankings alerts --period 2022-09 | tail -1
  "${YSCTL[@]}" rankings rejected | tail -1
  "${YSCTL[@]}" rankings scorecard --region 3611 --period 2022-09 | tail -n +2
}
before=$(snapshot)
dup_before=$(metric '^ys_inbox_records_total\{.*consumer="ranking.submissions".*outcome="duplicate"')
send
wait_until 120 bash -c "[ \$(curl -fs http://$METRICS/metrics | grep -E '^ys_inbox_records_total\\{.*consumer=\"ranking.submissions\".*outcome=\"duplicate\"' | awk '{s+=\$NF} END {print s+0}') -ge $((dup_before + 1001)) ]" \
  || fail "the re-sent events were not all seen"
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
[ "$(metric '^ys_ranking_cache_reads_total\{result="redis_down"')" -ge 1 ] || fail "fallback not counted"
"$SRC/deploy/local/stack.sh" up >/dev/null
wait_until 30 bash -c '"$0" rankings scorecard --region 3611 --period 2022-09 | head -1 | grep -q "from Redis"' \
  "${YSCTL[@]}" || fail "the cache did not refill after Redis came back"
[ "$(redis-cli -p "$REDIS_PORT" hlen "${PREFIX}ys:v1:facts:EVALUATION_OFFICIAL:3611:2022-09")" = "${#indicators[@]}" ] \
  || fail "refilled cache is short"
echo "e2e ranking: 1,000 kcat facts in scorecard and Redis, bad one dead-lettered and listed, re-send idempotent, Redis down/up: OK"
