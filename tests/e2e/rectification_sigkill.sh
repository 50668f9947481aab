#!/usr/bin/env bash
# Fault test: SIGKILL ys-rectification during a burst of 10,000 ranking alerts, restart it, count:
# exactly one case per (unit, indicator, period, rule) key, one opened event and one history row each.
#   rectification_sigkill.sh BUILD_DIR SOURCE_DIR [ALERTS]
set -euo pipefail
BUILD=$1
SRC=$2
ALERTS=${3:-10000}
source "$SRC/tests/e2e/lib.sh"
SCHEMA=e2e_rectification_$RUN
start_service rectification 0
"$BUILD/tools/sample/ys-sample-alerts" --count "$ALERTS" --run "$RUN" --brokers "$BROKERS" \
  --topic-prefix "$TOPIC_PREFIX"

cases() { psql_e2e "$SCHEMA" "SELECT count(*) FROM cases"; }
some() { [ "$(cases)" -ge $((ALERTS / 5)) ]; }
wait_until 300 some || fail "the burst was not being applied"
kill -9 "${SERVICE_PID[rectification]}"
wait "${SERVICE_PID[rectification]}" 2>/dev/null || true
at_kill=$(cases)
echo "SIGKILL with $at_kill of $ALERTS cases committed"
[ "$at_kill" -lt "$ALERTS" ] || fail "the kill came after the burst was done; nothing was tested"

start_service rectification 0
all() { [ "$(cases)" -ge "$ALERTS" ]; }
wait_until 600 all || fail "after the restart only $(cases) of $ALERTS cases"
sleep 2  # anything still in flight would show as more than ALERTS
total=$(cases)
keys=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM alert_keys")
distinct=$(psql_e2e "$SCHEMA" "SELECT count(DISTINCT (unit, indicator_code)) FROM cases")
events=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM outbox_log WHERE ce_id LIKE '%KIND_OPENED%'")
history=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM case_history WHERE action = 'opened'")
echo "cases $total, alert keys $keys, distinct (unit, indicator) $distinct, opened events $events, history rows $history"
for v in "$total" "$keys" "$distinct" "$events" "$history"; do
  [ "$v" = "$ALERTS" ] || fail "want $ALERTS of each"
done
echo "fault rectification: SIGKILL during $ALERTS alerts, restart: exactly one case per key: OK"
