#!/usr/bin/env bash
# The local stack on loopback: Apache Kafka (KRaft, single node), Redis, PostgreSQL, Prometheus.
# Data and logs under var/. Usage: stack.sh kafka-libs | up | down | status
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VAR=${YS_VAR:-$ROOT/var}
KAFKA_PORT=${YS_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${YS_KAFKA_CONTROLLER_PORT:-19093}
REDIS_PORT=${YS_REDIS_PORT:-16379}
PG_PORT=${YS_PG_PORT:-15432}
PROM_PORT=${YS_PROM_PORT:-19090}
PG_DB=yingshang
KAFKA_LIBS=$VAR/kafka/libs
KAFKA_HEAP=${YS_KAFKA_HEAP:--Xms256m -Xmx768m}

mkdir -p "$VAR/log" "$VAR/run"

say() { printf '%s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || die "PostgreSQL server binaries not found (run 'make deps')"
  printf '%s' "$d"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for NAME SECONDS CMD...
  local name=$1 secs=$2; shift 2
  local i
  for ((i = 0; i < secs * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "$name did not become ready within ${secs}s (see $VAR/log/)"
}

# --- Kafka ---------------------------------------------------------------------------------
kafka_libs() {
  if ls "$KAFKA_LIBS"/kafka_2.13-*.jar >/dev/null 2>&1; then return 0; fi
  say "fetching Apache Kafka broker jars from Maven Central into $KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS"
  mvn -q -B -f "$ROOT/deploy/local/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime -Dstyle.color=never
}

kafka_java() { java $KAFKA_HEAP -Dlog4j.configuration="file:$ROOT/deploy/local/log4j.properties" \
  -Dkafka.logs.dir="$VAR/log" -cp "$KAFKA_LIBS/*" "$@"; }

kafka_ready() {
  # A metadata request that lists our broker means the broker and the controller both answer.
  kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 3 2>/dev/null | grep -q "broker 1 at"
}

kafka_up() {
  kafka_libs
  if alive "$VAR/run/kafka.pid"; then say "kafka      already running on 127.0.0.1:$KAFKA_PORT"; return; fi
  local conf=$VAR/kafka/server.properties data=$VAR/kafka/data
  mkdir -p "$VAR/kafka"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$data|g" "$ROOT/deploy/local/kafka.properties.in" > "$conf"
  if [ ! -f "$data/meta.properties" ]; then
    local id
    id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    kafka_java kafka.tools.StorageTool format -t "$id" -c "$conf" --ignore-formatted \
      > "$VAR/log/kafka-format.log" 2>&1 || die "kafka storage format failed (see $VAR/log/kafka-format.log)"
  fi
  nohup java $KAFKA_HEAP -Dlog4j.configuration="file:$ROOT/deploy/local/log4j.properties" \
    -Dkafka.logs.dir="$VAR/log" -cp "$KAFKA_LIBS/*" kafka.Kafka "$conf" \
    > "$VAR/log/kafka.out" 2>&1 &
  echo $! > "$VAR/run/kafka.pid"
  wait_for kafka 90 kafka_ready
  say "kafka      up on 127.0.0.1:$KAFKA_PORT (KRaft, data in $data)"
}

# --- Redis ---------------------------------------------------------------------------------
redis_up() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then say "redis      already running on 127.0.0.1:$REDIS_PORT"; return; fi
  mkdir -p "$VAR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --dir "$VAR/redis" --pidfile "$VAR/run/redis.pid" --logfile "$VAR/log/redis.log" \
    --save "" --appendonly no
  wait_for redis 20 redis-cli -p "$REDIS_PORT" ping
  say "redis      up on 127.0.0.1:$REDIS_PORT"
}

# --- PostgreSQL ----------------------------------------------------------------------------
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_up() {
  local bin data=$VAR/pg/data
  bin=$(pg_bin)
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then say "postgresql already running on 127.0.0.1:$PG_PORT"; return; fi
  mkdir -p "$VAR/pg"
  # initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
  [ "$(id -u)" = 0 ] && chown postgres "$VAR/pg" && touch "$VAR/log/postgresql.log" && chown postgres "$VAR/log/postgresql.log"
  if [ ! -f "$data/PG_VERSION" ]; then
    pg_as "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      > "$VAR/log/initdb.log" 2>&1 || die "initdb failed (see $VAR/log/initdb.log)"
  fi
  pg_as "$bin/pg_ctl" -D "$data" -l "$VAR/log/postgresql.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='' -c fsync=off -c max_connections=200 -c shared_preload_libraries=pg_stat_statements -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=15min" \
    start > /dev/null || die "postgresql did not start (see $VAR/log/postgresql.log)"
  wait_for postgresql 30 pg_isready -h 127.0.0.1 -p "$PG_PORT"
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $PG_DB" >/dev/null
  fi
  # Per-statement times for operators and benchmark work (SELECT * FROM pg_stat_statements).
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  say "postgresql up on 127.0.0.1:$PG_PORT (database $PG_DB)"
}

# --- Prometheus ----------------------------------------------------------------------------
prom_up() {
  if curl -fs "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null 2>&1; then say "prometheus already running on 127.0.0.1:$PROM_PORT"; return; fi
  mkdir -p "$VAR/prometheus/data"
  sed -e "s|@PROM_PORT@|$PROM_PORT|g" -e "s|@RULES@|$ROOT/deploy/prometheus/alerts.yml|g" \
    "$ROOT/deploy/local/prometheus.yml.in" > "$VAR/prometheus/prometheus.yml"
  nohup prometheus --config.file="$VAR/prometheus/prometheus.yml" \
    --storage.tsdb.path="$VAR/prometheus/data" --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$PROM_PORT" > "$VAR/log/prometheus.log" 2>&1 &
  echo $! > "$VAR/run/prometheus.pid"
  wait_for prometheus 30 curl -fs "http://127.0.0.1:$PROM_PORT/-/ready"
  say "prometheus up on 127.0.0.1:$PROM_PORT"
}

# --- stop ----------------------------------------------------------------------------------
stop_pid() {  # stop_pid NAME PIDFILE
  local name=$1 pidfile=$2 i
  if ! alive "$pidfile"; then rm -f "$pidfile"; return; fi
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
  say "$name stopped"
}

down() {
  stop_pid prometheus "$VAR/run/prometheus.pid"
  stop_pid kafka "$VAR/run/kafka.pid"
  if [ -f "$VAR/pg/data/postmaster.pid" ]; then
    pg_as "$(pg_bin)/pg_ctl" -D "$VAR/pg/data" -m fast -w stop >/dev/null 2>&1 && say "postgresql stopped" || true
  fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    say "redis stopped"
  fi
}

status() {
  local rc=0
  if kafka_ready; then say "kafka      up   127.0.0.1:$KAFKA_PORT"; else say "kafka      DOWN 127.0.0.1:$KAFKA_PORT"; rc=1; fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then say "redis      up   127.0.0.1:$REDIS_PORT"; else say "redis      DOWN 127.0.0.1:$REDIS_PORT"; rc=1; fi
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then say "postgresql up   127.0.0.1:$PG_PORT"; else say "postgresql DOWN 127.0.0.1:$PG_PORT"; rc=1; fi
  if curl -fs "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null 2>&1; then say "prometheus up   127.0.0.1:$PROM_PORT"; else say "prometheus DOWN 127.0.0.1:$PROM_PORT"; rc=1; fi
  return $rc
}

case "${1:-}" in
  kafka-libs) kafka_libs ;;
  up) pg_up; redis_up; kafka_up; prom_up ;;
  down) down ;;
  status) status ;;
  *) die "usage: stack.sh kafka-libs|up|down|status" ;;
esac
