#!/usr/bin/env bash
# Soak (issue #17): every service on the local stack for SOAK_MINUTES (default 30) while provincial
# months arrive far faster than real: one month (11 cities and 100 counties on every indicator of the
# seed catalog, 6,549 facts) every SOAK_MONTH_EVERY seconds (default 18: 100 months in 30 minutes,
# where the province publishes one a month). The alerts open cases in rectification; notify routes
# every ranking alert and case event to a local webhook sink. Every minute one row: each service's
# RSS and open files, the consumer lag summed over the services (sampled every 2 s, the minute's
# largest), what was applied.
# Flat is what a soak must show: the last third's RSS and open files against the first third's
# (after a warm-up minute), printed as growth at the end. Not a pass/fail test: a bench.
#   bench/soak.sh BUILD_DIR SOURCE_DIR     (the local stack up: make stack-up)
set -euo pipefail
BUILD=${1:-build}
SRC=${2:-.}
BUILD=$(cd "$BUILD" && pwd)
SRC=$(cd "$SRC" && pwd)
MINUTES=${SOAK_MINUTES:-30}
EVERY=${SOAK_MONTH_EVERY:-18}
# Time compressed for notify too: a ranking alert stands notify.active_event_ttl (45 days, 1.5
# months, local policy). Left at 45 real days while a month passes every EVERY seconds, every alert
# of the run would stand and notify's state would grow with the run (measured: 43 -> 60 MiB in 30
# minutes, 101 months standing). 1.5 soak months keeps the standing alerts what they are in life.
ACTIVE_TTL=${SOAK_ACTIVE_EVENT_TTL:-$((EVERY * 3 / 2))s}
source "$SRC/tests/e2e/lib.sh"
PY=/usr/bin/python3

"$PY" "$SRC/tests/support/notify_sink.py" > "$WORK/sink.out" 2> "$WORK/sink.log" &
SINK_PID=$!
trap 'rc=$?; set +e; kill $SINK_PID ${SENDER_PID:-} 2>/dev/null; (exit $rc); e2e_cleanup' EXIT
wait_until 20 test -s "$WORK/sink.out" || fail "the webhook sink did not start"
SINK=127.0.0.1:$(head -1 "$WORK/sink.out")

# Every unit of the catalog gets the sink as its webhook; one group per event type and unit.
mkdir -p "$WORK/secrets/soak"
printf 'soak-%s\n' "$RUN" > "$WORK/secrets/soak/webhook"
{
  echo "provenance: DRAFT"
  echo "recipients:"
  i=0
  for u in $(grep -oE '^  - \{name: [^,}]+' "$SRC/data/catalog/units.yaml" | sed 's/.*name: //'); do
    i=$((i + 1))
    echo "  - id: unit:$u"
    echo "    channels:"
    echo "      - {kind: webhook, target: \"http://$SINK/unit/$i\", secret_ref: soak/webhook}"
  done
} > "$WORK/recipients.yaml"
cat > "$WORK/routing.yaml" <<EOF
route:
  receivers: ["unit:{{unit}}"]
  group_by: [event_type, unit]
  group_wait: 10s
  group_interval: 1m
EOF

start_service indicator 0
start_service ranking 2 YS_REDIS_KEY_PREFIX="soak$RUN:"
start_service rectification 4
start_service duty 6
start_service notify 8 YS_NOTIFY_ROUTING_FILE="$WORK/routing.yaml" \
  YS_NOTIFY_TEMPLATES_DIR="$SRC/services/notify/templates" YS_NOTIFY_RECIPIENTS_FILE="$WORK/recipients.yaml" \
  YS_NOTIFY_SECRETS_DIR="$WORK/secrets" YS_NOTIFY_QUIET_SEND_AT_ONCE_FROM=info \
  YS_NOTIFY_ACTIVE_EVENT_TTL="$ACTIVE_TTL"
load_catalog
wait_for_ranking_replica

# One month of facts per file, revision 1, periods from 2017-01 (inside the local config's window).
MONTH_FACTS=$WORK/month.jsonl
ranking_facts 6549 soak "$MONTH_FACTS"
month_file() {  # month_file INDEX: the template with its period and ids moved to month INDEX
  local period
  period=$(date -d "2017-01-01 +$1 month" +%Y-%m)
  sed -e "s/2021-01/$period/g" -e "s/\"id\":\"$RUN-/\"id\":\"$RUN-m$1-/" "$MONTH_FACTS"
}
sender() {
  local m=0 next=$SECONDS
  while :; do
    month_file "$m" | kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' \
      -H content-type=application/cloudevents+json 2>/dev/null || true
    m=$((m + 1))
    echo "$m" > "$WORK/months"
    next=$((next + EVERY))
    while [ $SECONDS -lt $next ]; do sleep 1; done
  done
}
sender &
SENDER_PID=$!

SERVICES=(indicator ranking rectification duty notify)
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
lag() {
  local total=0 s m
  for s in "${SERVICES[@]}"; do
    m=$(tr '[:lower:]' '[:upper:]' <<<"$s")_METRICS
    total=$((total + $(metric "${!m}" '^ys_kafka_consumer_lag_records')))
  done
  echo "$total"
}
echo "a month every ${EVERY}s; notify.active_event_ttl $ACTIVE_TTL (its 45 days, 1.5 months, at the soak's pace)"
header=$(printf '%-4s %-6s' min months)
for s in "${SERVICES[@]}"; do header+=$(printf ' %13s' "${s:0:6} MiB/fd"); done
header+=$(printf ' %8s %9s %7s %9s %7s %8s' 'max lag' facts cases delivered active largest)
echo "$header"
ROWS=$WORK/rows.tsv
for ((minute = 1; minute <= MINUTES; minute++)); do
  # The lag every 2 s, its largest in the minute: a month is applied within seconds, so a sample on
  # the minute alone falls between months and reads 0.
  l=0
  for ((tick = 0; tick < 30; tick++)); do
    sleep 2
    now=$(lag)
    [ "$now" -gt "$l" ] && l=$now
  done
  row=$(printf '%-4s %-6s' "$minute" "$(cat "$WORK/months" 2>/dev/null || echo 0)")
  tsv="$minute"
  for s in "${SERVICES[@]}"; do
    pid=${SERVICE_PID[$s]}
    kill -0 "$pid" 2>/dev/null || fail "ys-$s died during the soak"
    r=$(memory_mib "$pid") f=$(fds "$pid")
    row+=$(printf ' %13s' "$r/$f")
    tsv+=$'\t'"$r"$'\t'"$f"
  done
  facts=$(psql_e2e "e2e_ranking_$RUN" "SELECT count(*) FROM current_facts")
  cases=$(psql_e2e "e2e_rectification_$RUN" "SELECT count(*) FROM cases")
  delivered=$(psql_e2e "e2e_notify_$RUN" "SELECT count(*) FROM deliveries WHERE state = 'DELIVERY_STATE_DELIVERED'" 2>/dev/null || echo -)
  # notify's standing alerts (active_events, kept for notify.active_event_ttl) and its largest group
  # (members): what each of its flushes reads and carries.
  active=$(psql_e2e "e2e_notify_$RUN" "SELECT count(*) FROM active_events" 2>/dev/null || echo -)
  largest=$(psql_e2e "e2e_notify_$RUN" "SELECT coalesce(max((SELECT count(*) FROM jsonb_object_keys(state->'members'))), 0) FROM groups" 2>/dev/null || echo -)
  row+=$(printf ' %8s %9s %7s %9s %7s %8s' "$l" "$facts" "$cases" "$delivered" "$active" "$largest")
  echo "$row"
  echo "$tsv"$'\t'"$l" >> "$ROWS"
done
kill "$SENDER_PID" 2>/dev/null || true

# Growth: the last third of the minutes against the first third (from minute 2), per service.
"$PY" - "$ROWS" "${SERVICES[@]}" <<'EOF'
import sys
rows = [list(map(lambda v: float(v) if v not in ("-", "") else 0.0, l.split("\t"))) for l in open(sys.argv[1])]
services = sys.argv[2:]
rows = [r for r in rows if r[0] >= 2] or rows
third = max(1, len(rows) // 3)
first, last = rows[:third], rows[-third:]
avg = lambda rs, i: sum(r[i] for r in rs) / len(rs)
print("\nlast third vs first third (minutes %d-%d vs %d-%d):" % (first[0][0], first[-1][0], last[0][0], last[-1][0]))
for k, s in enumerate(services):
    ri, fi = 1 + 2 * k, 2 + 2 * k
    print(f"  {s:14s} RSS {avg(first, ri):6.1f} -> {avg(last, ri):6.1f} MiB ({avg(last, ri) - avg(first, ri):+.1f}), "
          f"open files {avg(first, fi):5.1f} -> {avg(last, fi):5.1f} ({avg(last, fi) - avg(first, fi):+.1f})")
li = 1 + 2 * len(services)
print(f"  consumer lag   {avg(first, li):8.0f} -> {avg(last, li):8.0f} records, the largest in each minute (max {max(r[li] for r in rows):.0f})")
EOF
