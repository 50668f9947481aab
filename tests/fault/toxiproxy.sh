#!/usr/bin/env bash
# issue #17: faults between the services and PostgreSQL, Kafka and Redis, injected with toxiproxy.
# ys-ranking and ys-rectification (fed by ranking's alerts) reach their stores only through toxiproxy;
# facts are replayed at a steady rate while each scenario runs: PostgreSQL latency, a 30 s PostgreSQL
# partition, a PostgreSQL blackhole, connection resets, a PostgreSQL restart, a Kafka broker restart,
# Redis unreachable 30 s. One table row per scenario: facts sent, lost and applied twice; alerts lost
# and applied twice at rectification; the consumers' retries (their backoff); seconds until
# NOT_SERVING and back to SERVING; seconds until the backlog drained.
#
# The servers are this test's own, on 127.0.0.1:27700-27799, so that the faults are real and the
# shared stack is never touched: a PostgreSQL cluster (initdb, restarted for real), a Redis, and a
# single-node KRaft broker (the stack's jars) with two listeners: PROXIED, advertised at the toxiproxy
# address, which the services use, so that after bootstrap they still go through the proxy; and
# DIRECT, which the test's producer, kcat and ys-indicator (the catalog) use, past the faults.
#   toxiproxy.sh BUILD_DIR SOURCE_DIR        (ctest fault.toxiproxy; toxiproxy from `make deps`)
# Env: YS_FAULT_RATE (facts a second, default 200); YS_FAULT_SCENARIOS (names, default all seven).
set -euo pipefail
BUILD=$(cd "${1:?usage: toxiproxy.sh BUILD_DIR SOURCE_DIR}" && pwd)
SRC=$(cd "${2:?usage: toxiproxy.sh BUILD_DIR SOURCE_DIR}" && pwd)
RATE=${YS_FAULT_RATE:-200}
SCENARIOS=${YS_FAULT_SCENARIOS:-pg_latency pg_partition pg_blackhole resets pg_restart kafka_restart redis_down}
PRE=3                   # seconds of steady traffic before each fault
SERVING_BOUND=60        # a service must be SERVING again within this many seconds of the fault's end
DRAIN_BOUND=120         # and have applied every fact sent within this many
NOT_SERVING_BOUND=12    # a PostgreSQL fault must turn it NOT_SERVING within this many seconds

API_PORT=27700; PG_PROXY=27701; REDIS_PROXY=27702; KAFKA_PROXY=27703
PG_PORT=27711; REDIS_PORT_OWN=27712; KAFKA_PROXIED=27713; KAFKA_DIRECT=27714; KAFKA_CONTROLLER=27715
PY=/usr/bin/python3
LIBS=${YS_KAFKA_LIBS:-$SRC/var/kafka/libs}

die() { printf 'fault.toxiproxy: %s\n' "$*" >&2; exit 1; }
source "$SRC/tests/support/find_tool.sh"
TOXIPROXY=$(find_tool toxiproxy-server) || die "toxiproxy-server not found on PATH or in \$(go env GOPATH)/bin (make deps)"
ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1 || bash "$SRC/deploy/local/stack.sh" kafka-libs || die "no Kafka jars in $LIBS (make deps)"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PG_BIN" ] || die "PostgreSQL server binaries not found (make deps)"
for port in $API_PORT $PG_PROXY $REDIS_PROXY $KAFKA_PROXY $PG_PORT $REDIS_PORT_OWN $KAFKA_PROXIED \
            $KAFKA_DIRECT $KAFKA_CONTROLLER 27720 27721 27722 27723 27724 27725; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is taken"; fi
done

source "$SRC/tests/e2e/lib.sh"
BASE_PORT=27720   # lib.sh's services: indicator 27720, ranking 27722, rectification 27724 (+1 metrics)
BROKERS=127.0.0.1:$KAFKA_DIRECT
PG_DIRECT=postgresql://postgres@127.0.0.1:$PG_PORT/yingshang
export YS_PG_URI=$PG_DIRECT   # psql_e2e and lib.sh's cleanup read this run's own cluster
RANKING=e2e_ranking_$RUN
RECT=e2e_rectification_$RUN
FWORK=$(mktemp -d "${TMPDIR:-/tmp}/ys-fault.XXXXXX")
mkdir -p "$FWORK/log" "$FWORK/kafka"
TOXI_PID=; KAFKA_PID=; POLLERS=(); PRODUCER_PID=

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pid() {  # stop_pid PID: TERM, up to 30 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
fault_cleanup() {
  local rc=$?
  set +e
  for p in "${POLLERS[@]}" $PRODUCER_PID; do kill "$p" 2>/dev/null; done
  if [ "$rc" != 0 ]; then
    for f in "$FWORK"/log/*; do echo "--- $f"; tail -n 5 "$f"; done
  fi
  (exit "$rc"); e2e_cleanup   # the services first, then this run's schemas, then $WORK
  stop_pid "$TOXI_PID"
  stop_pid "$KAFKA_PID"
  [ -f "$FWORK/pg/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$FWORK/pg" -m immediate -w stop >/dev/null 2>&1
  redis-cli -p $REDIS_PORT_OWN shutdown nosave >/dev/null 2>&1
  rm -rf "$FWORK"
  exit "$rc"
}
trap fault_cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

# --- PostgreSQL: this test's own cluster ------------------------------------------------------------
[ "$(id -u)" = 0 ] && chown postgres "$FWORK" "$FWORK/log"
as_pg "$PG_BIN/initdb" -D "$FWORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$FWORK/log/initdb.log" 2>&1 ||
  die "initdb failed"
pg_start() {
  as_pg "$PG_BIN/pg_ctl" -D "$FWORK/pg" -l "$FWORK/log/postgresql.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='' -c fsync=off -c max_connections=100" \
    start >/dev/null
}
pg_stop() { as_pg "$PG_BIN/pg_ctl" -D "$FWORK/pg" -m fast -w -t 60 stop >/dev/null; }
pg_start || die "postgresql did not start"
psql -X -q "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" -c "CREATE DATABASE yingshang" >/dev/null

# --- Redis ------------------------------------------------------------------------------------------
redis-server --bind 127.0.0.1 --port $REDIS_PORT_OWN --daemonize yes --dir "$FWORK" --save "" --appendonly no \
  --pidfile "$FWORK/redis.pid" --logfile "$FWORK/log/redis.log"
wait_until 20 redis-cli -p $REDIS_PORT_OWN ping >/dev/null || die "redis did not start"

# --- Kafka: PROXIED (advertised at the proxy) and DIRECT ---------------------------------------------
cat > "$FWORK/kafka/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER
listeners=PROXIED://127.0.0.1:$KAFKA_PROXIED,DIRECT://127.0.0.1:$KAFKA_DIRECT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER
advertised.listeners=PROXIED://127.0.0.1:$KAFKA_PROXY,DIRECT://127.0.0.1:$KAFKA_DIRECT
listener.security.protocol.map=PROXIED:PLAINTEXT,DIRECT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=DIRECT
log.dirs=$FWORK/kafka/data
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
KAFKA_JAVA=(java -Xms128m -Xmx512m -Dlog4j.configuration="file:$SRC/deploy/local/log4j.properties"
  -Dkafka.logs.dir="$FWORK/log" -cp "$LIBS/*")
"${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid | tail -1)" \
  -c "$FWORK/kafka/server.properties" > "$FWORK/log/kafka-format.log" 2>&1 || die "kafka storage format failed"
kafka_ready() { kcat -b "$BROKERS" -L -m 3 2>/dev/null | grep -q "broker 1 at"; }
kafka_start() {
  "${KAFKA_JAVA[@]}" kafka.Kafka "$FWORK/kafka/server.properties" >> "$FWORK/log/kafka.out" 2>&1 &
  KAFKA_PID=$!
  wait_until 90 kafka_ready || die "the broker did not start"
}
kafka_start

# --- toxiproxy --------------------------------------------------------------------------------------
LOG_LEVEL=info "$TOXIPROXY" -host 127.0.0.1 -port $API_PORT > "$FWORK/log/toxiproxy.log" 2>&1 &
TOXI_PID=$!
TOXI=http://127.0.0.1:$API_PORT
wait_until 20 curl -fs "$TOXI/version" >/dev/null || die "toxiproxy-server did not start"
toxi() {  # toxi METHOD PATH [JSON]
  curl -fsS -X "$1" -H 'Content-Type: application/json' "$TOXI$2" ${3:+-d "$3"} >/dev/null || die "toxiproxy $1 $2 $3 failed"
}
for spec in "pg $PG_PROXY $PG_PORT" "redis $REDIS_PROXY $REDIS_PORT_OWN" "kafka $KAFKA_PROXY $KAFKA_PROXIED"; do
  read -r name listen upstream <<<"$spec"
  toxi POST /proxies "{\"name\":\"$name\",\"listen\":\"127.0.0.1:$listen\",\"upstream\":\"127.0.0.1:$upstream\",\"enabled\":true}"
done
echo "fault.toxiproxy: own PostgreSQL :$PG_PORT, Redis :$REDIS_PORT_OWN, Kafka :$KAFKA_DIRECT (proxied :$KAFKA_PROXIED), toxiproxy API :$API_PORT"

# --- the services -----------------------------------------------------------------------------------
THROUGH_PROXY=(YS_PG_URI="postgresql://postgres@127.0.0.1:$PG_PROXY/yingshang" YS_KAFKA_BROKERS="127.0.0.1:$KAFKA_PROXY")
start_service indicator 0 YS_PG_URI="$PG_DIRECT" YS_KAFKA_BROKERS="$BROKERS"
start_service ranking 2 "${THROUGH_PROXY[@]}" YS_REDIS_ADDRESS="127.0.0.1:$REDIS_PROXY" YS_REDIS_KEY_PREFIX="f$RUN:"
start_service rectification 4 "${THROUGH_PROXY[@]}"
load_catalog
wait_for_ranking_replica

mapfile -t INDICATORS < <("${YSCTL[@]}" indicators list | awk '$1 ~ /^(C00|I[0-9][0-9](-[0-9][0-9])?)$/ {print $1}')
CITIES=$(grep -oE '\{code: "36[0-9]{2}"' "$SRC/data/catalog/regions.yaml" | grep -oE '36[0-9]{2}' | tr '\n' ' ')
COUNTIES=$(sed -n '/^jiangxi_counties:/,$p' "$SRC/data/catalog/regions.yaml" | grep -oE '\b36[0-9]{4}\b' | sort -u | tr '\n' ' ')
[ "${#INDICATORS[@]}" -gt 0 ] || fail "no indicators listed"

# gRPC health of both services every 0.5 s: "EPOCH_MS STATUS" lines.
poll_health() {  # poll_health ADDRESS FILE
  while :; do
    local s
    s=$("${YSCTL[@]}" health --address "$1" 2>/dev/null | head -1) || true
    echo "$(now_ms) ${s:-UNREACHABLE}" >> "$2"
    sleep 0.5
  done
}
poll_health "$YS_RANKING_ADDRESS" "$FWORK/health.ranking" & POLLERS+=($!)
poll_health "$YS_RECTIFICATION_ADDRESS" "$FWORK/health.rectification" & POLLERS+=($!)

# From a health log, over [FAULT_MS, END_MS]: seconds from FAULT_MS to the first NOT_SERVING (or no
# answer), "-" if none; and seconds from HEAL_MS to the first SERVING after the last such sample
# (0 when it was back before the fault ended), "never" if none.
health_times() {  # health_times FILE FAULT_MS HEAL_MS END_MS -> "DOWN_S UP_S"
  awk -v f="$2" -v h="$3" -v e="$4" '
    $1 < f || $1 > e { next }
    $2 != "SERVING" { if (first == "") first = $1; up = ""; seen = 1; next }
    seen && up == "" { up = $1 }
    END {
      if (first == "") { print "- -"; exit }
      printf "%.1f %s\n", (first - f) / 1000, up == "" ? "never" : sprintf("%.1f", (up > h ? up - h : 0) / 1000)
    }' "$1"
}

q() { psql -X -qtA "$PG_DIRECT" -c "$1" | tail -1; }
stored() { q "SELECT count(DISTINCT fact_key) FROM $RANKING.revisions WHERE fact_key LIKE '$1/%'"; }
# Alerts ranking published (its outbox, sent or pending) that rectification has not consumed.
rect_missing() {
  q "SELECT count(*) FROM $RANKING.outbox_log o WHERE o.topic LIKE '%ys.rankings.alerts.v1'
       AND NOT EXISTS (SELECT 1 FROM $RECT.inbox i WHERE i.consumer = 'rectification.alerts' AND i.ce_id = o.ce_id)"
}
ranking_outbox() { q "SELECT count(*) FROM $RANKING.outbox"; }
# Batches ranking's consumers failed on a dependency and retried after a backoff.
ranking_retries() { metric "$RANKING_METRICS" '^ys_consumer_batch_failures_total\{[^}]*kind="dependency"' || true; }

# --- the faults -------------------------------------------------------------------------------------
inject_pg_latency() { toxi POST /proxies/pg/toxics '{"name":"lat","type":"latency","stream":"downstream","attributes":{"latency":200}}'; }
heal_pg_latency() { toxi DELETE /proxies/pg/toxics/lat; }
inject_pg_partition() { toxi POST /proxies/pg '{"enabled":false}'; }
heal_pg_partition() { toxi POST /proxies/pg '{"enabled":true}'; }
# Not in the issue's list: added because it found readiness checks that hang (fixed by Readiness::Watch).
# PostgreSQL's answers dropped (toxiproxy's timeout toxic, downstream): the server still runs what it
# receives, commits included, but the service never hears back; removing the toxic closes those
# connections. No RST, no refused connect: only the service's own timeouts can notice.
inject_pg_blackhole() { toxi POST /proxies/pg/toxics '{"name":"hole","type":"timeout","stream":"downstream","attributes":{"timeout":0}}'; }
heal_pg_blackhole() { toxi DELETE /proxies/pg/toxics/hole; }
inject_resets() {
  for p in pg kafka redis; do
    toxi POST /proxies/$p/toxics '{"name":"rst","type":"reset_peer","stream":"upstream","attributes":{"timeout":0}}'
  done
}
heal_resets() { for p in pg kafka redis; do toxi DELETE /proxies/$p/toxics/rst; done; }
inject_pg_restart() { pg_stop || fail "pg_ctl stop failed"; }
heal_pg_restart() { pg_start || fail "postgresql did not come back"; }
inject_kafka_restart() { stop_pid "$KAFKA_PID"; }
heal_kafka_restart() { kafka_start; }
inject_redis_down() { toxi POST /proxies/redis '{"enabled":false}'; }
heal_redis_down() { toxi POST /proxies/redis '{"enabled":true}'; }

# The cache entries (write_seq per region, period, indicator) that differ from PostgreSQL's current
# facts of SOURCE: a write lost while Redis was away and never repaired shows here.
cache_stale() {  # cache_stale SOURCE
  redis-cli -p $REDIS_PORT_OWN --raw EVAL "local out = {}
    for _, k in ipairs(redis.call('KEYS', ARGV[1])) do
      local h = redis.call('HGETALL', k)
      for i = 1, #h, 2 do out[#out + 1] = k .. '|' .. h[i] .. '|' .. h[i + 1] end
    end
    return out" 0 "f$RUN:ys:v1:seq:*" | awk -F'|' '{ n = split($1, p, ":"); print p[n - 1] "|" p[n] "|" $2 "|" $3 }' |
    sort > "$FWORK/cache.redis"
  psql -X -qtA "$PG_DIRECT" -c "SELECT region_code || '|' || period || '|' || indicator_code || '|' || write_seq
      FROM $RANKING.current_facts WHERE source = '$1'" | sort > "$FWORK/cache.pg"
  # Entries of this source's periods only (each scenario has months of its own).
  comm -13 "$FWORK/cache.redis" "$FWORK/cache.pg" | wc -l
}

ROWS=()
FAILS=()
MONTH=0
SCENARIO=0
run_scenario() {  # run_scenario NAME FAULT_SECONDS EXPECT(down|up)
  local name=$1 fault=$2 expect=$3 t_fault t_heal t_drained t_end
  SCENARIO=$((SCENARIO + 1))
  local src="f${RUN}s$SCENARIO"  # the platform the scenario's facts come from
  local alerts_before retries_before retries
  alerts_before=$(q "SELECT count(*) FROM $RANKING.alerts")
  retries_before=$(ranking_retries)
  # kcat -E: without it kcat exits once all brokers are down (the broker restart); it retries for
  # message.timeout.ms instead, and a record it still could not deliver fails the run.
  "$PY" "$SRC/tests/fault/replay.py" --source "$src" --first-month "$MONTH" --rate "$RATE" \
      --seconds $((PRE + fault)) --indicators "${INDICATORS[*]}" --cities "$CITIES" --counties "$COUNTIES" \
      2> "$FWORK/replay.$name" |
    kcat -E -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' \
      -H content-type=application/cloudevents+json -X message.timeout.ms=240000 2> "$FWORK/kcat.$name" &
  PRODUCER_PID=$!
  sleep "$PRE"
  t_fault=$(now_ms)
  "inject_$name"
  sleep "$fault"
  "heal_$name"
  t_heal=$(now_ms)
  wait "$PRODUCER_PID" || FAILS+=("$name: the producer (kcat) failed: $(tail -1 "$FWORK/kcat.$name")")
  PRODUCER_PID=
  local sent
  sent=$(grep -oE '^replay: [0-9]+' "$FWORK/replay.$name" | grep -oE '[0-9]+') ||
    fail "$name: the replay stopped early: $(tail -2 "$FWORK/replay.$name" "$FWORK/kcat.$name")"
  MONTH=$(( $(grep -oE 'months [0-9]+\.\.[0-9]+' "$FWORK/replay.$name" | grep -oE '[0-9]+$') + 1 ))
  all_in() { [ "$(stored "$src")" = "$sent" ]; }
  if wait_until "$DRAIN_BOUND" all_in; then t_drained=$(now_ms); else t_drained=; fi
  serving() { "${YSCTL[@]}" health --address "$1" >/dev/null 2>&1; }
  wait_until "$SERVING_BOUND" serving "$YS_RANKING_ADDRESS" || true
  wait_until "$SERVING_BOUND" serving "$YS_RECTIFICATION_ADDRESS" || true
  outbox_empty() { [ "$(ranking_outbox)" = 0 ]; }
  wait_until "$DRAIN_BOUND" outbox_empty || true
  rect_caught_up() { [ "$(rect_missing)" = 0 ]; }
  wait_until "$DRAIN_BOUND" rect_caught_up || true
  sleep 1  # what is still in flight would show as applied twice

  local distinct revisions current dup_alerts alerts r_lost r_twice x_lost x_twice stale=-
  distinct=$(stored "$src")
  revisions=$(q "SELECT count(*) FROM $RANKING.revisions WHERE fact_key LIKE '$src/%'")
  current=$(q "SELECT count(*) FROM $RANKING.current_facts WHERE source = '$src'")
  dup_alerts=$(q "SELECT count(*) - count(DISTINCT (rule, indicator_code, region_code, period)) FROM $RANKING.alerts")
  alerts=$(( $(q "SELECT count(*) FROM $RANKING.alerts") - alerts_before ))
  r_lost=$(( sent - distinct + (distinct - current) ))
  r_twice=$(( revisions - distinct + dup_alerts ))
  x_lost=$(rect_missing)
  # Rectification: one opened history row and one opened event per case.
  x_twice=$(q "SELECT (SELECT count(*) FROM $RECT.case_history WHERE action = 'opened') - (SELECT count(*) FROM $RECT.cases)
             + (SELECT count(*) FROM $RECT.outbox_log WHERE ce_id LIKE '%KIND_OPENED%') - (SELECT count(*) FROM $RECT.cases)")
  if [ "$name" = redis_down ] || [ "$name" = resets ]; then
    # The cache is repaired by a rebuild (every 2 s while marked stale): give it time.
    fresh() { [ "$(cache_stale "$src")" = 0 ]; }
    wait_until 30 fresh || true
    stale=$(cache_stale "$src")
  fi
  t_end=$(now_ms)
  retries=$(( $(ranking_retries) - retries_before ))
  read -r r_down r_up <<<"$(health_times "$FWORK/health.ranking" "$t_fault" "$t_heal" "$t_end")"
  read -r x_down x_up <<<"$(health_times "$FWORK/health.rectification" "$t_fault" "$t_heal" "$t_end")"
  local drained=never
  [ -n "$t_drained" ] && drained=$(secs $((t_drained > t_heal ? t_drained - t_heal : 0)))
  ROWS+=("$(printf '%-14s %5s %6s %5s %5s %6s %5s %5s %7s %7s %7s %7s %7s %7s %5s' "$name" "$(secs $((t_heal - t_fault)))" \
    "$sent" "$r_lost" "$r_twice" "$alerts" "$x_lost" "$x_twice" "$retries" "$r_down" "$r_up" "$x_down" "$x_up" "$drained" "$stale")")
  echo "fault.toxiproxy: ${ROWS[-1]}"

  [ "$r_lost" = 0 ] || FAILS+=("$name: $r_lost facts lost (sent $sent, stored $distinct, current $current)")
  [ "$r_twice" = 0 ] || FAILS+=("$name: $r_twice applied twice at ranking")
  [ "$x_lost" = 0 ] || FAILS+=("$name: $x_lost alerts never consumed by rectification")
  [ "$x_twice" = 0 ] || FAILS+=("$name: $x_twice applied twice at rectification")
  [ "$drained" != never ] || FAILS+=("$name: backlog not drained within ${DRAIN_BOUND}s")
  [ "$stale" = - ] || [ "$stale" = 0 ] || FAILS+=("$name: $stale cache entries differ from PostgreSQL")
  local svc down up
  for svc in ranking rectification; do
    if [ $svc = ranking ]; then down=$r_down up=$r_up; else down=$x_down up=$x_up; fi
    if [ "$expect" = down ]; then
      [ "$down" != - ] || FAILS+=("$name: $svc never went NOT_SERVING")
      [ "$down" = - ] || awk -v d="$down" -v b="$NOT_SERVING_BOUND" 'BEGIN { exit !(d <= b) }' ||
        FAILS+=("$name: $svc NOT_SERVING only after ${down}s")
      [ "$up" != never ] || FAILS+=("$name: $svc not SERVING again within ${SERVING_BOUND}s")
    else
      [ "$down" = - ] || FAILS+=("$name: $svc went NOT_SERVING (${down}s after the fault) though PostgreSQL was fine")
    fi
  done
}

HEADER=$(printf '%-14s %5s %6s %5s %5s %6s %5s %5s %7s %7s %7s %7s %7s %7s %5s' scenario fault sent lost twice alerts \
  x.lost x.2x retries rk.down rk.up rc.down rc.up drained stale)
# NAME: seconds the fault lasts, and whether the services must go NOT_SERVING (down) or stay SERVING (up).
declare -A PLAN=([pg_latency]="15 up" [pg_partition]="30 down" [resets]="8 down" [pg_restart]="8 down" [pg_blackhole]="20 down"
  [kafka_restart]="5 up" [redis_down]="30 up")
for s in $SCENARIOS; do
  [ -n "${PLAN[$s]:-}" ] || die "unknown scenario $s (YS_FAULT_SCENARIOS)"
  run_scenario "$s" ${PLAN[$s]}
done

relay_copies=$(kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.alerts.v1" -o beginning -e -q -f '%h\n' 2>/dev/null |
  grep -oE 'ce_id=[^,]+' | sort | uniq -d -c | awk '{ s += $1 - 1 } END { print s + 0 }')
echo
echo "fault.toxiproxy: $RATE facts/s; fault: s it lasted; lost/twice: ranking (facts, alerts); x.: rectification (alerts consumed);"
echo "  retries: ranking's consumer batches failed on a dependency, each retried after a backoff;"
echo "  down: s from the fault to NOT_SERVING (- never); up: s from the fault's end to SERVING; drained: s from"
echo "  the fault's end until every fact sent was stored; stale: cache entries unlike PostgreSQL (- not checked)"
echo "$HEADER"
printf '%s\n' "${ROWS[@]}"
echo "alert records the outbox relay published more than once on Kafka (consumers drop them by ce_id): $relay_copies"
consumed=$(q "SELECT count(*) FROM $RECT.inbox WHERE consumer = 'rectification.alerts'")
echo "rectification: $consumed alerts consumed, $(q "SELECT count(*) FROM $RECT.cases") cases opened"
[ "$consumed" -gt 0 ] || FAILS+=("no alert reached rectification: its checks tested nothing")
if [ ${#FAILS[@]} -gt 0 ]; then
  printf 'FAIL: %s\n' "${FAILS[@]}"
  fail "${#FAILS[@]} check(s) failed"
fi
echo "fault.toxiproxy: ${#ROWS[@]} scenarios, nothing lost, nothing applied twice, every service back by itself: OK"
