#!/usr/bin/env bash
# bench/ranking_service.sh: facts/s through the real ys-ranking process — Kafka (structured-mode JSON
# CloudEvents produced with kcat) → validated → PostgreSQL → Redis → rules, with its metrics, its 3
# consumers and its outbox relay publishing accepted facts and alerts on the same machine — beside
# the raw Kafka consume rate measured in the same run (bench/kafka_baseline), and beside the ingest
# alone (bench/ranking_ingest --ingest-only 1, as many facts, also in this run: issue #18 wants the
# service at 0.8 of it at least). It prints ys-ranking's RSS idle (catalog loaded, no facts yet)
# and its peak during the replay (VmHWM).
#   bench/ranking_service.sh BUILD_DIR SOURCE_DIR [FACTS]   (the stack up: make stack-up)
set -euo pipefail
BUILD=$1
SRC=$2
FACTS=${3:-200000}
source "$SRC/tests/e2e/lib.sh"
SOURCE=bench$RUN
SCHEMA=e2e_ranking_$RUN
baseline=$("$BUILD/bench/kafka_baseline" --messages 200000 | awk '/consume raw/ {print $3}')
ingest_only=$("$BUILD/bench/ranking_ingest" --ingest-only 1 --facts "$FACTS" --rounds 1 |
  awk '/ingest end to end with Redis/ {print $7}')
[ -n "$ingest_only" ] || fail "bench/ranking_ingest --ingest-only 1 printed no figure"
start_service indicator 0
start_service ranking 2 YS_REDIS_KEY_PREFIX="bench$RUN:"
load_catalog
wait_for_ranking_replica
sleep 2
rss_idle=$(memory_mib "${SERVICE_PID[ranking]}")

ranking_facts "$FACTS" "$SOURCE" "$WORK/facts.jsonl"
kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' -H content-type=application/cloudevents+json \
  -l "$WORK/facts.jsonl" &
producer=$!

# Counted from the service's own metric (cheap), from its first applied fact to the last.
applied() { metric "$RANKING_METRICS" 'ys_inbox_records_total\{consumer="ranking.submissions",outcome="(applied|rejected)"\}' || true; }  # none yet: 0
t0=""
n0=0
deadline=$((SECONDS + 900))
while :; do
  n=$(applied)
  now=$(date +%s.%N)
  if [ -z "$t0" ] && [ "$n" -gt 0 ]; then t0=$now; n0=$n; fi
  [ "$n" -ge "$FACTS" ] && break
  [ $SECONDS -lt $deadline ] || fail "only $n of $FACTS facts applied"
  # Each look costs a curl and a few processes on the same two cores: often until the first fact,
  # then every 0.3 s (the end is seen up to 0.3 s late, the rate up to ~3% low).
  if [ -z "$t0" ]; then sleep 0.05; else sleep 0.3; fi
done
wait "$producer"
rate=$(echo "($FACTS - $n0) / ($now - $t0)" | bc)
rss_peak=$(memory_mib "${SERVICE_PID[ranking]}" VmHWM)
drained() { [ "$(psql_e2e "$SCHEMA" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 300 drained || fail "the outbox did not drain"
published=$(echo "$(date +%s.%N) - $t0" | bc)
alerts=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM alerts")
echo "ranking_service: $FACTS SAMPLE facts (11 cities + 100 counties, every indicator, month after month), structured-mode JSON via kcat"
printf '  raw Kafka consume (baseline)   %10.0f msg/s\n' "$baseline"
printf '  ys-ranking end to end          %10.0f facts/s  (3 consumers, batches of 4000, outbox relay running; %s alerts)\n' "$rate" "$alerts"
printf '  ratio to baseline              %10.3f\n' "$(echo "scale=4; $rate / $baseline" | bc)"
printf '  ingest alone (ranking_ingest)  %10.0f facts/s  (--ingest-only 1, one round, as many county facts, on its own)\n' "$ingest_only"
printf '  ratio to the ingest alone      %10.3f   (issue #18: >= 0.8)\n' "$(echo "scale=4; $rate / $ingest_only" | bc)"
printf '  ys-ranking RSS                 %10s MiB idle, %s MiB peak during the replay (issue #18: <= 32 idle, <= 128 peak)\n' "$rss_idle" "$rss_peak"
printf '  all published on Kafka          %9.1f s after the first fact was applied\n' "$published"
