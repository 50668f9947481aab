#!/usr/bin/env bash
# notify end to end against the local stack: real Kafka, PostgreSQL, a local webhook sink that can
# fail, and a local SMTP sink (python3-aiosmtpd). What it shows (issue #14):
#   1. latency: 1,000 last-place alerts produced at a steady pace, each told to its unit's webhook
#      once; p50 / p99 from the alert's ce_time to the sink's receipt;
#   2. SIGKILL: notify killed while a second 1,000 are being delivered, restarted: every one
#      delivered, none acknowledged twice for one idempotency key;
#   3. a burst of 1,000 alerts to other units, grouped: one message per unit;
#   4. a failing robot: retries with growing gaps in the history, then failover to e-mail;
#   5. a rate limit: 30 messages due at once to one WeCom robot, no 60 s window with more than 20.
#   notify.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
SCHEMA=e2e_notify_$RUN
PY=/usr/bin/python3
SECRET=e2e-webhook-secret-$RUN

# The sinks: one that answers, one that fails (500), and the SMTP sink.
"$PY" "$SRC/tests/support/notify_sink.py" --secret "$SECRET" > "$WORK/sink.out" 2> "$WORK/sink.log" &
SINK_PID=$!
"$PY" "$SRC/tests/support/notify_sink.py" > "$WORK/bad.out" 2> "$WORK/bad.log" &
BAD_PID=$!
"$PY" "$SRC/tests/support/smtp_sink.py" > "$WORK/smtp.out" 2> "$WORK/smtp.log" &
SMTP_PID=$!
trap 'rc=$?; set +e; kill $SINK_PID $BAD_PID $SMTP_PID 2>/dev/null; (exit $rc); e2e_cleanup' EXIT
wait_until 20 test -s "$WORK/sink.out" || fail "the webhook sink did not start"
wait_until 20 test -s "$WORK/bad.out" || fail "the failing sink did not start"
wait_until 20 bash -c '[ "$(wc -l < "$0")" -ge 2 ]' "$WORK/smtp.out" || fail "the SMTP sink did not start"
SINK=127.0.0.1:$(head -1 "$WORK/sink.out")
BAD=127.0.0.1:$(head -1 "$WORK/bad.out")
SMTP_PORT=$(sed -n 1p "$WORK/smtp.out")
SMTP_HTTP=127.0.0.1:$(sed -n 2p "$WORK/smtp.out")
curl -fs -X POST "http://$BAD/_mode" -d '{"mode":"fail500"}' >/dev/null

# Units by role in this test (catalog names).
LAT=(市自然资源局 市应急管理局 市医疗保障局 市水利局 市林业局)        # 1, 2: per-alert webhooks
BURST=(市公安局 市交通运输局 市城市管理局 市税务局 市不动产登记中心)  # 3: grouped
FAILING=市生态环境局                                            # 4: a failing robot, then e-mail
LIMITED=市市场监督管理局                                        # 5: one WeCom robot, 20 a minute

mkdir -p "$WORK/secrets/e2e"
printf '%s\n' "$SECRET" > "$WORK/secrets/e2e/webhook"
printf 'robot-key-%s\n' "$RUN" > "$WORK/secrets/e2e/wecom"
{
  echo "provenance: DRAFT"
  echo "recipients:"
  i=0
  for u in "${LAT[@]}" "${BURST[@]}"; do
    i=$((i + 1))
    echo "  - id: unit:$u"
    echo "    channels:"
    echo "      - {kind: webhook, target: \"http://$SINK/unit/$i\", secret_ref: e2e/webhook}"
  done
  echo "  - id: unit:$FAILING"
  echo "    channels:"
  echo "      - {kind: wecom, target: \"http://$BAD/wecom/failing\", secret_ref: e2e/wecom}"
  echo "      - {kind: email, target: failing@example.invalid}"
  echo "  - id: unit:$LIMITED"
  echo "    channels:"
  echo "      - {kind: wecom, target: \"http://$BAD/wecom/limited\", secret_ref: e2e/wecom}"
} > "$WORK/recipients.yaml"
join() { local IFS='|'; echo "$*"; }
cat > "$WORK/routing.yaml" <<EOF
route:
  receivers: [office]
  group_by: [event_type]
  group_wait: 1h
  routes:
    - matchers: ["event_type=ranking_alert", "unit=~$(join "${LAT[@]}" "$FAILING" "$LIMITED")"]
      receivers: ["unit:{{unit}}"]
      group_by: ['...']
      group_wait: 0s
    - matchers: ["event_type=ranking_alert", "unit=~$(join "${BURST[@]}")"]
      receivers: ["unit:{{unit}}"]
      group_by: [event_type]
      group_wait: 5s
      group_interval: 1h
EOF

start_service indicator 0
start_notify() {
  start_service notify 2 YS_NOTIFY_ROUTING_FILE="$WORK/routing.yaml" \
    YS_NOTIFY_TEMPLATES_DIR="$SRC/services/notify/templates" YS_NOTIFY_RECIPIENTS_FILE="$WORK/recipients.yaml" \
    YS_NOTIFY_SECRETS_DIR="$WORK/secrets" YS_NOTIFY_QUIET_SEND_AT_ONCE_FROM=info \
    YS_NOTIFY_RETRY_BASE=300ms YS_NOTIFY_RETRY_CAP=3s YS_NOTIFY_RETRY_MAX_ATTEMPTS=4 YS_NOTIFY_RETRY_FLOOR=100ms \
    YS_NOTIFY_HTTP_TOTAL_TIMEOUT=3s YS_NOTIFY_HTTP_CONNECT_TIMEOUT=1s YS_NOTIFY_DISPATCH_LEASE=8s YS_NOTIFY_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" \
    YS_NOTIFY_SMTP_TLS=none YS_NOTIFY_SMTP_TOTAL_TIMEOUT=3s
}
start_notify
load_catalog
ready() { local out; out=$("${YSCTL[@]}" notify recipients show 2>/dev/null) && grep -q "wecom/limited" <<<"$out"; }
wait_until 60 ready || fail "notify's recipients did not arrive (catalog replica, recipients file)"

stats() { curl -fs "http://${1:-$SINK}/_stats"; }
acked() {  # acked PATH_PREFIX [SINK]: distinct idempotency keys acknowledged under that path
  stats "${2:-$SINK}" | "$PY" -c 'import json,sys,urllib.parse as u
s=json.load(sys.stdin); p=sys.argv[1]
print(len({r["idempotency_key"] for r in s["received"] if u.unquote(r["path"]).startswith(p) and r.get("status")==200}))' "$1"
}
sample() { "$BUILD/tools/sample/ys-sample-alerts" --brokers "$BROKERS" --topic-prefix "$TOPIC_PREFIX" "$@" >/dev/null; }
unit_args() { local u; for u in "$@"; do printf -- '--unit\n%s\n' "$u"; done; }

# --- 1. latency over 1,000 alerts at 50 a second -------------------------------------------------
mapfile -t args < <(unit_args "${LAT[@]}")
sample --count 1000 --run "lat$RUN" --per-second 50 "${args[@]}"
all_lat() { [ "$(acked /unit/)" -ge 1000 ]; }
wait_until 240 all_lat || fail "latency: only $(acked /unit/) of 1000 delivered"
stats | "$PY" -c 'import json,sys,datetime
s=json.load(sys.stdin); lat=[]
for r in s["received"]:
    if r.get("status")!=200 or "/unit/" not in r["path"]: continue
    at=datetime.datetime.fromisoformat(json.loads(r["body"])["at"]).timestamp()
    lat.append((r["received_at"]-at)*1000)
lat.sort(); n=len(lat)
print(f"latency alert produced -> webhook sink received over {n} alerts: p50 {lat[n//2]:.0f} ms, p99 {lat[min(n-1,int(n*0.99))]:.0f} ms, max {lat[-1]:.0f} ms")'

# Where the time goes: event -> message made (consumer, intake, group, flush), message -> acknowledged
# (the workers: take, send, record).
psql_e2e "$SCHEMA" "SELECT format('  of which event -> message made: p50 %s ms, p99 %s ms; message made -> delivered: p50 %s ms, p99 %s ms',
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY m)), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY m)),
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)))
  FROM (SELECT 1000 * extract(epoch FROM n.created_at - COALESCE(n.body->>'eventTime', n.body->>'event_time')::timestamptz) AS m,
               1000 * extract(epoch FROM COALESCE(d.body->>'deliveredAt', d.body->>'delivered_at')::timestamptz - n.created_at) AS d
        FROM notifications n JOIN deliveries d ON d.notification_id = n.id
        WHERE d.state = 'DELIVERY_STATE_DELIVERED' AND d.body::text LIKE '%WEBHOOK%') x"

# --- 2. SIGKILL while a second 1,000 are delivered ----------------------------------------------
sample --count 1000 --start 1000 --run "kill$RUN" --per-second 400 "${args[@]}"
some() { [ "$(acked /unit/)" -ge 1150 ]; }
wait_until 120 some || fail "the second thousand was not being delivered"
kill -9 "${SERVICE_PID[notify]}"
wait "${SERVICE_PID[notify]}" 2>/dev/null || true
at_kill=$(acked /unit/)
echo "SIGKILL with $((at_kill - 1000)) of the second 1000 acknowledged"
[ "$at_kill" -lt 2000 ] || fail "the kill came after every delivery; nothing was tested"
start_notify
all_kill() { [ "$(acked /unit/)" -ge 2000 ]; }
wait_until 240 all_kill || fail "after the restart only $(acked /unit/) of 2000 delivered"
sleep 3
# Every alert told once: one idempotency key per alert (a second key would be a second message).
# The same key acknowledged twice is the at-least-once window — killed between a sink's answer and
# the record's commit, the message is sent again under its key, which a receiver drops: counted.
read -r alerts keyed resent < <(stats | "$PY" -c 'import json,sys
s=json.load(sys.stdin); keys={}
for r in s["received"]:
    if r.get("status")!=200 or "/unit/" not in r["path"]: continue
    l=json.loads(r["body"])["labels"]
    keys.setdefault((l.get("unit"),l.get("indicator"),l.get("period"),l.get("rule")),set()).add(r["idempotency_key"])
print(len(keys), sum(1 for k in keys.values() if len(k)>1), s["duplicates"])')
echo "after restart: $alerts alerts told, $keyed under more than one key; $resent re-sent under the same key (the receiver drops them by Idempotency-Key)"
[ "$alerts" = 2000 ] || fail "want 2000 alerts told, got $alerts"
[ "$keyed" = 0 ] || fail "$keyed alerts told under two keys: told twice"

# --- 3. a burst of 1,000 to five units, grouped ----------------------------------------------------
mapfile -t args < <(unit_args "${BURST[@]}")
sample --count 1000 --run "burst$RUN" "${args[@]}"
burst_told() { [ "$(acked /unit/)" -ge 2005 ]; }
wait_until 120 burst_told || fail "the burst was not told: $(acked /unit/)"
sleep 8  # anything more would show now
messages=$(acked /unit/)
echo "burst of 1000 alerts to ${#BURST[@]} units: $((messages - 2000)) messages"
[ "$messages" = 2005 ] || fail "want one message per unit (5), got $((messages - 2000))"

# --- 4. a failing robot: retries, then e-mail ------------------------------------------------------
sample --count 1 --run "fail$RUN" --unit "$FAILING"
mailed() { local out; out=$(curl -fs "http://$SMTP_HTTP/_messages") && grep -q failing@example.invalid <<<"$out"; }
wait_until 90 mailed || fail "the failing robot's message never reached e-mail"
"${YSCTL[@]}" notify history --recipient "unit:$FAILING" > "$WORK/history.txt"
cat "$WORK/history.txt"
grep -q 'failed_over\|FAILED_OVER\|切换' "$WORK/history.txt" || fail "the history shows no failover"

# --- 5. a rate limit: 30 at once to one robot (the robot sink, now answering) -----------------------
curl -fs -X POST "http://$BAD/_mode" -d '{"mode":"ok"}' >/dev/null
sample --count 30 --run "rate$RUN" --unit "$LIMITED"
rate_done() { [ "$(acked /wecom/limited "$BAD")" -ge 30 ]; }
wait_until 150 rate_done || fail "rate limit: only $(acked /wecom/limited "$BAD") of 30 sent"
stats "$BAD" | "$PY" -c 'import json,sys
s=json.load(sys.stdin); t=sorted(r["received_at"] for r in s["received"] if r["path"].startswith("/wecom/limited"))
worst=max(sum(1 for u in t if v<=u<v+60) for v in t)
print(f"rate limit: {len(t)} messages to one WeCom robot over {t[-1]-t[0]:.0f} s; at most {worst} in any 60 s")
sys.exit(0 if worst<=20 else 1)' || fail "more than 20 messages in a minute to one robot"
echo "e2e notify: OK"
