#!/usr/bin/env bash
# Fault test: SIGKILL ys-ranking in the middle of a 100,000-fact replay, restart it, and count.
# Every fact must be stored exactly once, every alert raised exactly once (table) and published
# under one ce_id each on ys.rankings.alerts.v1; copies of an alert on Kafka (the outbox relay's
# at-least-once window) are counted and printed, consumers drop them by ce_id.
#   ranking_sigkill.sh BUILD_DIR SOURCE_DIR [FACTS]
set -euo pipefail
BUILD=$1
SRC=$2
FACTS=${3:-100000}
source "$SRC/tests/e2e/lib.sh"
SOURCE=fault$RUN
SCHEMA=e2e_ranking_$RUN
start_service indicator 0
start_service ranking 2 YS_REDIS_KEY_PREFIX="e2e$RUN:"
load_catalog
wait_for_ranking_replica

ranking_facts "$FACTS" "$SOURCE" "$WORK/facts.jsonl"
[ "$(wc -l < "$WORK/facts.jsonl")" = "$FACTS" ] || fail "generated $(wc -l < "$WORK/facts.jsonl") facts"
kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' -H content-type=application/cloudevents+json \
  -l "$WORK/facts.jsonl"
echo "produced $FACTS facts with kcat"

stored() { psql_e2e "$SCHEMA" "SELECT count(*) FROM revisions WHERE fact_key LIKE '$SOURCE/%'"; }
some_stored() { [ "$(stored)" -ge $((FACTS / 5)) ]; }
wait_until 300 some_stored || fail "the replay did not start"
kill -9 "${SERVICE_PID[ranking]}"
wait "${SERVICE_PID[ranking]}" 2>/dev/null || true
at_kill=$(stored)
unsent=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM outbox")
echo "SIGKILL with $at_kill of $FACTS facts committed, $unsent outbox rows not yet published"
[ "$at_kill" -lt "$FACTS" ] || fail "the kill came after the replay finished; nothing was tested"

start_service ranking 2 YS_REDIS_KEY_PREFIX="e2e$RUN:"
all_stored() { [ "$(stored)" = "$FACTS" ]; }
wait_until 600 all_stored || fail "after the restart only $(stored) of $FACTS facts were stored"
drained() { [ "$(psql_e2e "$SCHEMA" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 120 drained || fail "the outbox did not drain"

current=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM current_facts WHERE source = '$SOURCE'")
revisions=$(stored)
distinct_keys=$(psql_e2e "$SCHEMA" "SELECT count(DISTINCT fact_key) FROM revisions WHERE fact_key LIKE '$SOURCE/%'")
alerts=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM alerts")
ledger=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM consequences")
# Every record on this run's alerts topic.
kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.alerts.v1" -o beginning -e -q -f '%k %h\n' 2>/dev/null \
  | grep -oE 'ce_id=[^,]+' > "$WORK/alert-ids" || true
published=$(wc -l < "$WORK/alert-ids")
distinct=$(sort -u "$WORK/alert-ids" | wc -l)
echo "facts: $current current, $revisions revisions, $distinct_keys distinct keys (want $FACTS each)"
echo "alerts: $alerts raised (table), $ledger ledger lines; on Kafka $published records, $distinct distinct ce_ids, $((published - distinct)) copies from the relay's at-least-once window"
[ "$current" = "$FACTS" ] || fail "current facts $current"
[ "$revisions" = "$FACTS" ] || fail "revisions $revisions"
[ "$distinct_keys" = "$FACTS" ] || fail "distinct keys $distinct_keys"
[ "$alerts" -gt 0 ] || fail "no alerts raised"
[ "$distinct" = "$alerts" ] || fail "alerts on Kafka by ce_id $distinct, in the table $alerts"
dup_ids=$(psql_e2e "$SCHEMA" "SELECT count(*) FROM (SELECT id FROM alerts GROUP BY id HAVING count(*) > 1) d")
[ "$dup_ids" = 0 ] || fail "$dup_ids alerts stored twice"
echo "fault ranking: SIGKILL mid-replay, restart: $FACTS facts exactly once, $alerts alerts exactly once: OK"
