#!/usr/bin/env bash
# e2e (issue #17): two replicas of every service on one schema each, against the local stack.
#   1. ranking: a 100,000-fact replay consumed by two ranking replicas (one consumer group, three
#      partitions); while both consume, the catalog gains a second-level indicator (ysctl catalog
#      import through the other indicator replica) and facts for it follow: none refused (RV05 or
#      any other code). Replica b is SIGKILLed midway and stays down until replica a has stored every
#      fact alone; then it is started again and must answer like a and like PostgreSQL.
#      Every fact current once, every alert once (table and Kafka by ce_id).
#   2. cache coherence: GetScorecard from each replica (from Redis) equals PostgreSQL's current
#      facts; every cached write_seq in Redis equals current_facts.write_seq.
#   3. rectification (two replicas): every alert applied once (inbox), every opening alert in a
#      case, one case per (unit, indicator, period), each opened once (history, events by ce_id).
#      Escalation: the due time of CASES_DUE cases is moved 3 days back in PostgreSQL (the services
#      have no clock to move; the body is re-encoded with protoc); both replicas sweep every second:
#      one 督办 and one referral suggestion (cases.escalation.suggest_referral_after_days=1) each.
#   4. notify (two replicas, webhooks to tests/support/notify_sink.py): every alert of I12 and its
#      second-level indicators told to 市商务局 and 上饶海关, each 督办 to the office, the roster and
#      the reminders to the centre: each notification acknowledged once (one idempotency key, no
#      key acknowledged twice).
#   5. duty (two replicas, scheduler every second): this week's roster published once (when its
#      time has come) and each reminder once.
#   6. gateway (two replicas): a session made on one is good on the other; wrong passwords counted
#      across both lock the account on both.
# Prints a table of expected against seen. About a minute on 2 cores: the replay is produced over
# 25 s (50 chunks) and stored as it comes; ctest allows 600 s.
#   replicas.sh BUILD_DIR SOURCE_DIR [FACTS]
set -euo pipefail
BUILD=$1
SRC=$2
FACTS=${3:-100000}
CASES_DUE=${CASES_DUE:-10}
source "$SRC/tests/e2e/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
SOURCE=rep$RUN
RANKING=e2e_ranking_$RUN
RECT=e2e_rectification_$RUN
NOTIFY=e2e_notify_$RUN
T0=$SECONDS
declare -a ROWS=()
row() { ROWS+=("$(printf '%-58s %12s %12s  %s' "$1" "$2" "$3" "$([ "$2" = "$3" ] && echo ok || echo DIFFERS)")"); }
elapsed() { echo "$((SECONDS - T0))s"; }

# --- the sink, the keys, notify's recipients and routes -------------------------------------------
SECRET=e2e-webhook-secret-$RUN
"$PY" "$SRC/tests/support/notify_sink.py" --secret "$SECRET" --port $((BASE_PORT + 40)) > "$WORK/sink.out" 2> "$WORK/sink.log" &
SINK_PID=$!
PRODUCER=
trap 'rc=$?; set +e; kill $SINK_PID $PRODUCER 2>/dev/null; (exit $rc); e2e_cleanup' EXIT  # set +e: errexit would end the trap at (exit)
wait_until 20 test -s "$WORK/sink.out" || fail "the webhook sink did not start"
SINK=127.0.0.1:$(head -1 "$WORK/sink.out")
mkdir -p "$WORK/secrets/e2e"
printf '%s\n' "$SECRET" > "$WORK/secrets/e2e/webhook"
CENTRE_KEY=centre-$RUN
ZRZY_KEY=zrzy-$RUN
GWKEY=gw-$RUN
add_key "$CENTRE_KEY" centre
add_key "$ZRZY_KEY" "unit:市自然资源局"
add_key "$GWKEY" gateway
printf '%s' "$GWKEY" > "$WORK/gateway.key"
cat > "$WORK/recipients.yaml" <<EOF
provenance: DRAFT
recipients:
  - id: office
    channels: [{kind: webhook, target: "http://$SINK/office", secret_ref: e2e/webhook}]
  - id: centre
    channels: [{kind: webhook, target: "http://$SINK/centre", secret_ref: e2e/webhook}]
  - id: unit:市商务局
    channels: [{kind: webhook, target: "http://$SINK/unit/shangwu", secret_ref: e2e/webhook}]
  - id: unit:上饶海关
    channels: [{kind: webhook, target: "http://$SINK/unit/haiguan", secret_ref: e2e/webhook}]
EOF
# One message per event (group_by '...', at once); everything else waits an hour in the office's
# default group (not within this test). No inhibit rules: every I12 alert is told.
cat > "$WORK/routing.yaml" <<'EOF'
route:
  receivers: [office]
  group_by: [event_type]
  group_wait: 1h
  repeat_interval: 168h
  routes:
    - matchers: ["event_type=ranking_alert", "unit=~市商务局|上饶海关"]
      receivers: ["unit:{{unit}}"]
      group_by: ['...']
      group_wait: 0s
    - matchers: ["event_type=case_overdue"]
      receivers: [office]
      group_by: ['...']
      group_wait: 0s
    - matchers: ["event_type=~duty_roster_published|duty_reminder"]
      receivers: [centre]
      group_by: ['...']
      group_wait: 0s
EOF

# --- two replicas of every service ----------------------------------------------------------------
both() {  # both NAME OFFSET [ENV...]: replica a at OFFSET, replica b at OFFSET+2
  local name=$1 offset=$2; shift 2
  start_service "$name" "$offset" "$@"
  REPLICA=b start_service "$name" $((offset + 2)) "$@"
}
# One submissions consumer per replica (kafka.consumers, default 3): with three each, six members share
# the topic's three partitions and replica b may be given none, so it would share nothing of the replay.
RANKING_ENV=(YS_REDIS_KEY_PREFIX="e2e$RUN:" YS_KAFKA_CONSUMERS=1)
NOTIFY_ENV=(YS_NOTIFY_ROUTING_FILE="$WORK/routing.yaml" YS_NOTIFY_TEMPLATES_DIR="$SRC/services/notify/templates"
  YS_NOTIFY_RECIPIENTS_FILE="$WORK/recipients.yaml" YS_NOTIFY_SECRETS_DIR="$WORK/secrets"
  YS_NOTIFY_QUIET_SEND_AT_ONCE_FROM=info)
both indicator 0
both ranking 4 "${RANKING_ENV[@]}"
both rectification 8 YS_CASES_SWEEP_INTERVAL=1s YS_CASES_ESCALATION_SUGGEST_REFERRAL_AFTER_DAYS=1
both duty 12 YS_DUTY_SCHEDULER_INTERVAL=1s
both notify 16 "${NOTIFY_ENV[@]}"
echo "started two replicas of indicator, ranking, rectification, duty, notify ($(elapsed))"
load_catalog
expected_of() {  # expected_of ADDRESS: how many facts a month the ranking replica at ADDRESS expects
  "${YSCTL[@]}" rankings completeness --period 2022-09 --address "$1" 2>/dev/null | grep -oE 'of [0-9]+ expected' | grep -oE '[0-9]+'
}
expects() { [ "$(expected_of "$1")" = "$2" ]; }
for a in "$YS_RANKING_ADDRESS" "$YS_RANKING_B_ADDRESS"; do
  wait_until 60 expects "$a" 767 || fail "the ranking replica at $a did not get the catalog ($(expected_of "$a"))"
done
for a in "$YS_NOTIFY_ADDRESS" "$YS_NOTIFY_B_ADDRESS"; do
  ready() { "${YSCTL[@]}" notify recipients show --address "$1" 2>/dev/null | grep -q "unit/haiguan"; }
  wait_until 60 ready "$a" || fail "notify at $a has not its recipients"
done

# Duty: the directory, and sittings whose reminders are due today (tomorrow's: the 1-day reminder;
# in 7 days: the 7-day one), when those are working days.
YS_API_KEY=$CENTRE_KEY "${YSCTL[@]}" duty directory import "$SRC/data/duty/directory.sample.yaml" >/dev/null
reminders_want=0
for ahead in 1 7; do
  d=$(TZ=Asia/Shanghai date -d "+$ahead days" +%Y-%m-%d)
  [ "$("${YSCTL[@]}" calendar is-working-day "$d" 2>/dev/null | cut -d' ' -f1)" = yes ] || continue
  if YS_API_KEY=$ZRZY_KEY "${YSCTL[@]}" duty register --date "$d" --unit 市自然资源局 --leader zrzy-main \
       --window A01 --session morning --address "$YS_DUTY_B_ADDRESS" >/dev/null 2>"$WORK/register.err"; then
    reminders_want=$((reminders_want + 1))
  else
    echo "duty: no sitting on $d: $(cat "$WORK/register.err")"
  fi
done
publish_day=$("${YSCTL[@]}" calendar first-working-day --week-of "$(TZ=Asia/Shanghai date +%Y-%m-%d)" 2>/dev/null || true)
roster_want=0
[ -n "$publish_day" ] && [ "$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M)" \> "${publish_day}T07:59" ] && roster_want=1

# --- 1. the replay --------------------------------------------------------------------------------
ranking_facts "$FACTS" "$SOURCE" "$WORK/facts.jsonl"
[ "$(wc -l < "$WORK/facts.jsonl")" = "$FACTS" ] || fail "generated $(wc -l < "$WORK/facts.jsonl") facts"
"${YSCTL[@]}" indicators list | awk '{print $1}' | sort > "$WORK/indicators.before"
produce() { kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' -H content-type=application/cloudevents+json -l "$1"; }
# Produced in 50 chunks, one every half second (a burst is stored in seconds by two replicas):
# the catalog change and the kill fall inside the replay.
split -n l/50 -d -a 2 "$WORK/facts.jsonl" "$WORK/chunk."
( for f in "$WORK"/chunk.*; do produce "$f"; sleep 0.5; done ) &
PRODUCER=$!
T_REPLAY=$SECONDS
stored() { psql_e2e "$RANKING" "SELECT count(*) FROM revisions WHERE fact_key LIKE '$SOURCE/%'"; }
at_least() { [ "$(stored)" -ge "$1" ]; }
wait_until 300 at_least $((FACTS / 10)) || fail "the replay did not start"
echo "replay under way: $(stored) of $FACTS stored ($(elapsed))"

# The catalog change while both replicas consume: one more second-level indicator under I01.
sed 's/^  I01: \[办理环节, 办理时间, 办理费用\]$/  I01: [办理环节, 办理时间, 办理费用, 网上办理率]/' \
  "$SRC/data/catalog/catalog.yaml" > "$WORK/catalog.yaml"
! cmp -s "$SRC/data/catalog/catalog.yaml" "$WORK/catalog.yaml" || fail "the catalog edit did not apply"
"${YSCTL[@]}" catalog import "$WORK/catalog.yaml" --address "$YS_INDICATOR_B_ADDRESS" > "$WORK/import.out" \
  || fail "catalog import: $(cat "$WORK/import.out")"
at_change=$(stored)
for a in "$YS_RANKING_ADDRESS" "$YS_RANKING_B_ADDRESS"; do
  wait_until 60 expects "$a" 780 || fail "the ranking replica at $a did not see the new indicator ($(expected_of "$a"))"
done
NEW=$(comm -13 "$WORK/indicators.before" <("${YSCTL[@]}" indicators list | awk '{print $1}' | sort) | grep -E '^I01-' || true)
[ "$(wc -w <<<"$NEW")" = 1 ] || fail "want one new indicator, got '$NEW'"
# Its facts for the first three months, every region (11 cities, 100 counties).
cities=$(grep -oE '\{code: "36[0-9]{2}"' "$SRC/data/catalog/regions.yaml" | grep -oE '36[0-9]{2}' | tr '\n' ' ')
counties=$(sed -n '/^jiangxi_counties:/,$p' "$SRC/data/catalog/regions.yaml" | grep -oE '\b36[0-9]{4}\b' | sort -u | tr '\n' ' ')
awk -v run="$RUN" -v src="$SOURCE" -v ind="$NEW" -v cities="$cities" -v counties="$counties" '
BEGIN {
  nc = split(cities, C, " "); nk = split(counties, K, " ")
  for (m = 0; m < 3; m++) {
    period = sprintf("2021-%02d", m + 1)
    for (c = 1; c <= nc; c++) emit("SCOPE_CITY", C[c], (c + m) % nc + 1, nc, period)
    for (c = 1; c <= nk; c++) emit("SCOPE_COUNTY", K[c], (c * 3 + m) % nk + 1, nk, period)
  }
}
function emit(scope, region, rank, total, period) {
  printf "%s/%s/%s\t{\"specversion\":\"1.0\",\"id\":\"%s-new-%d\",\"source\":\"/platform/%s\",\"type\":\"yingshang.ranking.v1.RankingFact\",\"data\":{\"evaluation\":\"EVALUATION_OFFICIAL\",\"indicatorCode\":\"%s\",\"scope\":\"%s\",\"regionCode\":\"%s\",\"period\":\"%s\",\"rank\":%d,\"total\":%d,\"revision\":\"1\"}}\n", \
    ind, region, period, run, made++, src, ind, scope, region, period, rank, total
}' > "$WORK/new.jsonl"
NEW_FACTS=$(wc -l < "$WORK/new.jsonl")
produce "$WORK/new.jsonl"
ALL=$((FACTS + NEW_FACTS))
echo "catalog changed with $at_change of $FACTS stored: $NEW seen by both ranking replicas; $NEW_FACTS facts for it produced ($(elapsed))"

# SIGKILL replica b midway; it stays down until a has stored everything alone.
wait_until 300 at_least $((FACTS * 2 / 5)) || fail "the replay stalled at $(stored)"
APPLIED='^ys_inbox_records_total\{(consumer="ranking.submissions",outcome="applied"|outcome="applied",consumer="ranking.submissions")\}'
b_applied=$(metric "$RANKING_B_METRICS" "$APPLIED")
kill -9 "${SERVICE_PID[ranking-b]}"
wait "${SERVICE_PID[ranking-b]}" 2>/dev/null || true
unset 'SERVICE_PID[ranking-b]'
at_kill=$(stored)
echo "SIGKILL ranking replica b with $at_kill of $ALL facts stored, about $b_applied of them by b ($(elapsed))"
[ "$at_kill" -lt "$ALL" ] || fail "the kill came after the replay finished; nothing was tested"
[ "$b_applied" -gt 0 ] || fail "replica b had applied no fact before the kill: it did not share the replay"
wait "$PRODUCER" || fail "kcat failed"
echo "produced $FACTS facts ($(elapsed))"
wait_until 900 at_least "$ALL" || fail "replica a alone stored only $(stored) of $ALL"
replay_s=$((SECONDS - T_REPLAY))
a_applied=$(metric "$RANKING_METRICS" "$APPLIED")
echo "all $ALL facts stored ${replay_s}s after the replay began, $a_applied by replica a ($(elapsed))"
REPLICA=b start_service ranking 6 "${RANKING_ENV[@]}"
wait_until 60 expects "$YS_RANKING_B_ADDRESS" 780 || fail "restarted replica b lacks the new indicator"
drained() { [ "$(psql_e2e "$RANKING" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 120 drained || fail "ranking's outbox did not drain"

current=$(psql_e2e "$RANKING" "SELECT count(*) FROM current_facts WHERE source = '$SOURCE'")
revisions=$(stored)
distinct_keys=$(psql_e2e "$RANKING" "SELECT count(DISTINCT fact_key) FROM revisions WHERE fact_key LIKE '$SOURCE/%'")
rejected=$(psql_e2e "$RANKING" "SELECT count(*) FROM rejected_submissions")
rv05() {  # rv05 ADDRESS: the RV05 refusals of this run that replica lists
  local out
  out=$("${YSCTL[@]}" rankings rejected --code RV05 --all --address "$1") || fail "ysctl rankings rejected at $1: $out"
  grep -c "$RUN" <<<"$out" || true
}
rv05_a=$(rv05 "$YS_RANKING_ADDRESS")
rv05_b=$(rv05 "$YS_RANKING_B_ADDRESS")
new_current=$(psql_e2e "$RANKING" "SELECT count(*) FROM current_facts WHERE indicator_code = '$NEW'")
alerts=$(psql_e2e "$RANKING" "SELECT count(*) FROM alerts")
kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.alerts.v1" -o beginning -e -q -f '%h\n' 2>/dev/null \
  | grep -oE 'ce_id=[^,]+' > "$WORK/alert-ids" || true
alerts_kafka=$(sort -u "$WORK/alert-ids" | wc -l)
alert_copies=$(($(wc -l < "$WORK/alert-ids") - alerts_kafka))
row "facts current (replay + new indicator)" "$ALL" "$current"
row "fact revisions (none applied twice)" "$ALL" "$revisions"
row "distinct fact keys" "$ALL" "$distinct_keys"
row "facts of the new indicator $NEW current" "$NEW_FACTS" "$new_current"
row "refused submissions (any code; table)" 0 "$rejected"
row "RV05 listed by ysctl rankings rejected, replica a / b" "0/0" "$rv05_a/$rv05_b"
row "alerts on Kafka by ce_id = alerts in the table" "$alerts" "$alerts_kafka"

# --- 2. both replicas answer as PostgreSQL does ---------------------------------------------------
card_diffs=0
cards=0
card_rows=0
mapfile -t periods < <(psql -X -qtA "${YS_PG_URI:-postgresql://postgres@127.0.0.1:15432/yingshang}" -c "SET search_path TO $RANKING" \
    -c "SELECT period FROM current_facts GROUP BY period ORDER BY period")
[ "${#periods[@]}" -ge 1 ] || fail "no periods stored"
# The first month (with the new indicator), the middle one and the last (partly stored by the replay).
for region in 3611 361102 $(sed -n '/^jiangxi_counties:/,$p' "$SRC/data/catalog/regions.yaml" | grep -oE '\b3601[0-9]{2}\b' | head -1); do
  for period in "${periods[0]}" "${periods[${#periods[@]} / 2]}" "${periods[${#periods[@]} - 1]}"; do
    want=$(psql_e2e "$RANKING" "SELECT string_agg(indicator_code || ' ' || rank || '/' || total, ',' ORDER BY indicator_code COLLATE \"C\")
             FROM current_facts WHERE region_code = '$region' AND period = '$period' AND evaluation = 'EVALUATION_OFFICIAL'")
    for a in "$YS_RANKING_ADDRESS" "$YS_RANKING_B_ADDRESS"; do
      "${YSCTL[@]}" rankings scorecard --region "$region" --period "$period" --address "$a" > "$WORK/card.txt" 2>&1 || true
      got=$(awk 'NR > 1 && $1 ~ /^(C00|I[0-9][0-9](-[0-9][0-9])?)$/ {
               for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { print $1 " " $i; break } }' "$WORK/card.txt" \
            | LC_ALL=C sort | paste -sd, -)
      cards=$((cards + 1))
      card_rows=$((card_rows + $(tr , '\n' <<<"$got" | grep -c . || true)))
      if ! head -1 "$WORK/card.txt" | grep -q "from Redis" || [ "$got" != "$want" ]; then
        card_diffs=$((card_diffs + 1))
        echo "scorecard $region $period at $a differs from PostgreSQL:"; head -3 "$WORK/card.txt"
        diff <(tr , '\n' <<<"$want") <(tr , '\n' <<<"$got") | head -5 || true
      fi
    done
  done
done
row "scorecards ($cards, $card_rows rows) from Redis unlike PostgreSQL" 0 "$card_diffs"
# Every cached write_seq (ys:v1:seq:<evaluation>:<region>:<period>) against current_facts.write_seq.
redis-cli -p "$REDIS_PORT" --scan --pattern "e2e$RUN:ys:v1:seq:*" > "$WORK/seq-keys"
while read -r k; do printf 'ECHO "#%s"\nHGETALL "%s"\n' "$k" "$k"; done < "$WORK/seq-keys" \
  | redis-cli -p "$REDIS_PORT" > "$WORK/seq-raw"
awk -v p="e2e$RUN:ys:v1:seq:" '/^#/ {split(substr($0, length(p) + 2), k, ":"); key = k[2] ":" k[3]; f = ""; next}
  f == "" {f = $0; next} {print key ":" f " " $0; f = ""}' "$WORK/seq-raw" | LC_ALL=C sort > "$WORK/seq-redis"
psql -X -qtA "${YS_PG_URI:-postgresql://postgres@127.0.0.1:15432/yingshang}" -c "SET search_path TO $RANKING" \
  -c "SELECT region_code || ':' || period || ':' || indicator_code || ' ' || write_seq FROM current_facts
      WHERE evaluation = 'EVALUATION_OFFICIAL'" | LC_ALL=C sort > "$WORK/seq-pg"
seq_diff=$(diff "$WORK/seq-pg" "$WORK/seq-redis" | grep -c '^[<>]' || true)
row "cached write_seq unlike current_facts (of $(wc -l < "$WORK/seq-pg"))" 0 "$seq_diff"

# --- 3. rectification: alerts once, cases once, escalation steps once ----------------------------
open_rules="'ALERT_RULE_LAST_IN_PROVINCE','ALERT_RULE_BOTTOM_THREE','ALERT_RULE_QUARTER_FLOOR_BREACHED','ALERT_RULE_COUNTY_INDICATOR_LAST','ALERT_RULE_COUNTY_COMPOSITE_BEYOND'"
opening=$(psql_e2e "$RANKING" "SELECT count(*) FROM alerts WHERE rule IN ($open_rules)")
applied_alerts() { psql_e2e "$RECT" "SELECT count(*) FROM inbox WHERE consumer LIKE '%alert%'"; }
all_applied() { [ "$(applied_alerts)" -ge "$alerts" ]; }
wait_until 300 all_applied || fail "rectification applied $(applied_alerts) of $alerts alerts"
rect_drained() { [ "$(psql_e2e "$RECT" "SELECT count(*) FROM outbox")" = 0 ]; }
wait_until 120 rect_drained || fail "rectification's outbox did not drain"
keyed_alerts=$(psql_e2e "$RECT" "SELECT count(DISTINCT alert_id) FROM alert_keys")
cases=$(psql_e2e "$RECT" "SELECT count(*) FROM cases")
case_keys=$(psql_e2e "$RECT" "SELECT count(*) FROM (SELECT DISTINCT unit, indicator_code, period FROM cases) x")
opened=$(psql_e2e "$RECT" "SELECT count(*) FROM case_history WHERE action = 'opened'")
kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rectification.v1" -o beginning -e -q -f '%h\n' 2>/dev/null \
  | grep -oE 'ce_id=[^,]+' > "$WORK/case-ids" || true
opened_kafka=$(grep 'KIND_OPENED' "$WORK/case-ids" | sort -u | wc -l)
row "alerts applied by rectification (inbox)" "$alerts" "$(applied_alerts)"
row "opening alerts in a case (alert_keys.alert_id)" "$opening" "$keyed_alerts"
row "cases = distinct (unit, indicator, period)" "$case_keys" "$cases"
row "cases opened once (history)" "$cases" "$opened"
row "cases opened once (ys.rectification.v1 by ce_id)" "$cases" "$opened_kafka"

# Escalation: CASES_DUE cases made 3 days overdue (body and column), then swept by both replicas.
due=$(TZ=Asia/Shanghai date -d '-3 days' +%Y-%m-%d)
due_s=$(TZ=Asia/Shanghai date -d "$due 23:59:59" +%s)
mapfile -t due_ids < <(psql -X -qtA "${YS_PG_URI:-postgresql://postgres@127.0.0.1:15432/yingshang}" -c "SET search_path TO $RECT" \
  -c "SELECT id FROM cases ORDER BY id LIMIT $CASES_DUE")
[ "${#due_ids[@]}" = "$CASES_DUE" ] || fail "want $CASES_DUE cases to make overdue, have ${#due_ids[@]}"
PROTO=(protoc -I "$SRC/proto" -I /usr/include "$SRC/proto/yingshang/rectification/v1/rectification.proto")
for id in "${due_ids[@]}"; do
  psql_e2e "$RECT" "SELECT encode(body, 'hex') FROM cases WHERE id = '$id'" | xxd -r -p \
    | "${PROTO[@]}" --decode=yingshang.rectification.v1.Case > "$WORK/case.txt"
  "$PY" - "$WORK/case.txt" "$due_s" "$due" <<'EOF'
import re, sys
path, seconds, day = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path, encoding="utf-8").read()
text, n = re.subn(r'(\ndue_at \{\n  seconds: )\d+', r'\g<1>' + seconds, "\n" + text)
text, m = re.subn(r'\ndue_date: "[0-9-]+"', '\ndue_date: "%s"' % day, text)
assert n == 1 and m == 1, (n, m)
open(path, "w", encoding="utf-8").write(text[1:])
EOF
  hex=$("${PROTO[@]}" --encode=yingshang.rectification.v1.Case < "$WORK/case.txt" | xxd -p | tr -d '\n')
  # (the list version too, as every change to cases moves it: the replicas' case lists reload)
  psql_e2e "$RECT" "UPDATE cases SET body = decode('$hex', 'hex'), due_at = to_timestamp($due_s) WHERE id = '$id'; UPDATE case_list_version SET n = n + 1" >/dev/null
done
escalated() { psql_e2e "$RECT" "SELECT count(*) FROM escalations"; }
suggested() { psql_e2e "$RECT" "SELECT count(*) FROM case_history WHERE action = 'referral_suggested'"; }
swept() { [ "$(escalated)" -ge "$CASES_DUE" ] && [ "$(suggested)" -ge "$CASES_DUE" ]; }
wait_until 60 swept || fail "the sweepers took $(escalated) steps and $(suggested) suggestions of $CASES_DUE"
sleep 3  # more sweeps by both: anything taken twice would show now
wait_until 60 rect_drained || fail "rectification's outbox did not drain"
steps_a=$(metric "$RECTIFICATION_METRICS" '^ys_rectification_escalations_total')
steps_b=$(metric "$RECTIFICATION_B_METRICS" '^ys_rectification_escalations_total')
kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rectification.v1" -o beginning -e -q -f '%h\n' 2>/dev/null \
  | grep -oE 'ce_id=[^,]+' > "$WORK/case-ids" || true
escalated_kafka=$(grep 'KIND_ESCALATED' "$WORK/case-ids" | sort -u | wc -l)
row "督办 steps (escalations rows)" "$CASES_DUE" "$(escalated)"
row "督办 steps (history)" "$CASES_DUE" "$(psql_e2e "$RECT" "SELECT count(*) FROM case_history WHERE action = 'escalated'")"
row "督办 steps (ys.rectification.v1 by ce_id)" "$CASES_DUE" "$escalated_kafka"
row "督办 steps counted by replicas a + b ($steps_a + $steps_b)" "$CASES_DUE" "$((steps_a + steps_b))"
row "referral suggestions (history)" "$CASES_DUE" "$(suggested)"

# --- 4. and 5. notify and duty ------------------------------------------------------------------
i12_alerts=$(psql_e2e "$RANKING" "SELECT count(*) FROM alerts WHERE indicator_code = 'I12' OR indicator_code LIKE 'I12-%'")
want_unit=$((2 * i12_alerts))
acked() {  # acked PATH_PREFIX: distinct idempotency keys acknowledged under that path
  curl -fs "http://$SINK/_stats" | "$PY" -c 'import json,sys,urllib.parse as u
s=json.load(sys.stdin); p=sys.argv[1]
print(len({r["idempotency_key"] for r in s["received"] if u.unquote(r["path"]).startswith(p) and r.get("status")==200}))' "$1"
}
labelled() {  # labelled EVENT_TYPE: distinct keys acknowledged for that event type
  curl -fs "http://$SINK/_stats" | "$PY" -c 'import json,sys
s=json.load(sys.stdin)
print(len({r["idempotency_key"] for r in s["received"] if r.get("status")==200 and json.loads(r["body"])["labels"].get("event_type")==sys.argv[1]}))' "$1"
}
told() { [ "$(acked /unit/)" -ge "$want_unit" ] && [ "$(acked /office)" -ge "$CASES_DUE" ] &&
         [ "$(labelled duty_reminder)" -ge "$reminders_want" ] && [ "$(labelled duty_roster_published)" -ge "$roster_want" ]; }
wait_until 240 told || echo "notify: not everything told yet: unit $(acked /unit/) of $want_unit, office $(acked /office) of $CASES_DUE"
sleep 5  # anything told twice would show now
read -r dup_acks keys_per_notification < <(curl -fs "http://$SINK/_stats" | "$PY" -c 'import json,sys
s=json.load(sys.stdin); by={}
for r in s["received"]:
    if r.get("status")==200: by.setdefault(r["idempotency_key"].split("/")[0],set()).add(r["idempotency_key"])
print(s["duplicates"], sum(1 for k in by.values() if len(k)>1))')
webhook_delivered=$(psql_e2e "$NOTIFY" "SELECT count(*) FROM deliveries WHERE state = 'DELIVERY_STATE_DELIVERED' AND body::text LIKE '%WEBHOOK%'")
row "alerts of I12* told to its 2 units (distinct keys)" "$want_unit" "$(acked /unit/)"
row "督办 told to the office (distinct keys)" "$CASES_DUE" "$(acked /office)"
row "duty reminders told to the centre" "$reminders_want" "$(labelled duty_reminder)"
row "roster told to the centre" "$roster_want" "$(labelled duty_roster_published)"
row "webhook deliveries DELIVERED = keys acknowledged" "$webhook_delivered" "$(acked /)"
row "keys acknowledged twice (sink) / notifications under 2 keys" "0/0" "$dup_acks/$keys_per_notification"

this_week=$(TZ=Asia/Shanghai date +%G-W%V)
scheduled() { echo $(($(metric "$DUTY_METRICS" "^ys_duty_scheduled_events_total\\{kind=\"$1\"\\}") +
                      $(metric "$DUTY_B_METRICS" "^ys_duty_scheduled_events_total\\{kind=\"$1\"\\}"))); }
kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.duty.v1" -o beginning -e -q -f '%k %h\n' 2>/dev/null > "$WORK/duty-events" || true
row "roster $this_week on ys.duty.v1 (publication day ${publish_day:-none})" "$roster_want" "$(grep -c "^$this_week " "$WORK/duty-events" || true)"
row "roster published by duty replicas a + b" "$roster_want" "$(scheduled roster)"
row "reminders on ys.duty.v1 (by ce_id)" "$reminders_want" "$(grep -oE 'ce_id=duty-reminder-[^,]+' "$WORK/duty-events" | sort -u | wc -l)"
row "reminders sent by duty replicas a + b" "$reminders_want" "$(scheduled reminder)"

# --- 6. gateway: sessions and lockout across two replicas -----------------------------------------
gateway() {  # gateway REPLICA OFFSET HTTP_OFFSET
  local url=http://127.0.0.1:$((BASE_PORT + $3))
  REPLICA=$1 start_service gateway "$2" YS_GATEWAY_SERVICE_KEY_FILE="$WORK/gateway.key" \
    YS_GATEWAY_ALLOWLIST_FILE="$SRC/services/gateway/allowlist.yaml" YS_GATEWAY_HTTP_STATIC_DIR="$WORK/static" \
    YS_GATEWAY_HTTP_LISTEN=127.0.0.1:$((BASE_PORT + $3)) YS_GATEWAY_HTTP_ALLOWED_ORIGINS="$url" \
    YS_GATEWAY_BACKENDS_INDICATOR="$YS_INDICATOR_ADDRESS" YS_GATEWAY_BACKENDS_RANKING="$4" \
    YS_GATEWAY_BACKENDS_RECTIFICATION="$YS_RECTIFICATION_ADDRESS" YS_GATEWAY_BACKENDS_DUTY="$YS_DUTY_ADDRESS" \
    YS_GATEWAY_BACKENDS_NOTIFY="$YS_NOTIFY_ADDRESS" YS_REDIS_ADDRESS=127.0.0.1:$REDIS_PORT
  wait_until 30 curl -fs "$url/healthz" -o /dev/null || fail "gateway $1's HTTP port is not up"
}
mkdir -p "$WORK/static"
echo '<!doctype html><title>e2e</title>' > "$WORK/static/index.html"  # the console is not under test here
gateway "" 20 30 "$YS_RANKING_ADDRESS"
gateway b 22 32 "$YS_RANKING_B_ADDRESS"
URL_A=http://127.0.0.1:$((BASE_PORT + 30))
URL_B=http://127.0.0.1:$((BASE_PORT + 32))
connect() {  # connect URL COOKIEJAR METHOD JSON: the body, then the HTTP status
  curl -s -b "$2" -c "$2" -X POST "$1/$3" -H 'Content-Type: application/json' -H 'Connect-Protocol-Version: 1' \
    -H "Origin: $1" -d "$4" -w '\n%{http_code}'
}
login() { connect "$1" "$2" yingshang.gateway.v1.ConsoleService/Login "{\"login\":\"$3\",\"password\":\"$4\"}"; }
head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$WORK/pw"
for who in office-li viewer-wu; do
  "${YSCTL[@]}" users add --login "$who" --name "$who" --role "$([ $who = office-li ] && echo office || echo viewer)" \
    --password-file "$WORK/pw" >/dev/null || fail "ysctl users add $who"
done
out=$(login "$URL_A" "$WORK/a.jar" office-li "$(cat "$WORK/pw")")
[ "$(tail -1 <<<"$out")" = 200 ] || fail "login on gateway a: $out"
# The same browser (cookies are per host, not port) calls the other replica.
session_b=$(connect "$URL_B" "$WORK/a.jar" yingshang.ranking.v1.RankingQuery/GetScorecard '{"regionCode":"3611","period":"2021-01"}' | tail -1)
for i in 1 2 3; do login "$URL_A" "$WORK/x.jar" viewer-wu "wrong-$i" >/dev/null; done
for i in 4 5; do login "$URL_B" "$WORK/x.jar" viewer-wu "wrong-$i" >/dev/null; done
locked_a=$(login "$URL_A" "$WORK/y.jar" viewer-wu "$(cat "$WORK/pw")" | tail -1)
locked_b=$(login "$URL_B" "$WORK/y.jar" viewer-wu "$(cat "$WORK/pw")" | tail -1)
row "a session made on gateway a, used on b (HTTP)" 200 "$session_b"
row "5 wrong passwords (3 on a, 2 on b): right one on a / b" "403/403" "$locked_a/$locked_b"

echo
printf '%-58s %12s %12s\n' "two replicas of every service (run $RUN)" expected seen
for r in "${ROWS[@]}"; do echo "$r"; done
echo "replay: $FACTS facts + $NEW_FACTS of the new indicator stored in ${replay_s}s (replica b killed at $at_kill, restarted after);" \
  "alerts $alerts (Kafka copies from the relay's at-least-once window: $alert_copies); cases $cases; run time $(elapsed)"
if printf '%s\n' "${ROWS[@]}" | grep -q 'DIFFERS$'; then fail "some counts differ (above)"; fi
echo "e2e replicas: OK"
