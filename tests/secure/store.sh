#!/usr/bin/env bash
# issue #17: PostgreSQL over verified TLS with SCRAM passwords, and Redis with ACL users, against
# servers of its own. Makes a CA and a server certificate (127.0.0.1, localhost) with openssl, starts
# a PostgreSQL whose pg_hba.conf has only `hostssl ... scram-sha-256` lines (plaintext is refused) and
# a redis-server whose `default` user is off (every client must AUTH as an ACL user), then runs
# secure_store_test against them. Both servers and their files go away on exit, also on failure.
# Usage: store.sh BUILD_DIR SOURCE_DIR   (ctest secure.store)
set -euo pipefail

BUILD=$(cd "${1:?usage: store.sh BUILD_DIR SOURCE_DIR}" && pwd)
SRC=$(cd "${2:?usage: store.sh BUILD_DIR SOURCE_DIR}" && pwd)
PG_PORT=${YS_SECURE_PG_PORT:-27432}
REDIS_PORT=${YS_SECURE_REDIS_PORT:-27379}
TEST_BIN=$BUILD/tests/secure_store_test

say() { printf 'secure.store: %s\n' "$*"; }
die() { printf 'secure.store: %s\n' "$*" >&2; exit 1; }
source "$SRC/tests/secure/servers.sh"
source "$SRC/tests/secure/certs.sh"

[ -x "$TEST_BIN" ] || die "$TEST_BIN not built (cmake --build $BUILD --target secure_store_test)"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PG_BIN" ] || die "PostgreSQL server binaries not found (make deps)"
command -v redis-server >/dev/null || die "redis-server not found (make deps)"
require_free_ports "$PG_PORT" "$REDIS_PORT"

# initdb and postgres refuse to run as root: as root, the cluster belongs to the postgres user.
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ys-secure-store.XXXXXX")
REDIS_PID=
PG_STARTED=
cleanup() {
  local rc=$?
  if [ -n "$PG_STARTED" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  stop_process "$REDIS_PID" 5
  if [ "$rc" != 0 ]; then
    say "failed (exit $rc); the servers' last log lines:"
    tail -n 20 "$WORK/log/postgresql.log" "$WORK/log/redis.log" >&2 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$WORK"
umask 077
mkdir -p log sock redis

# --- certificates: a CA that signs the servers, and another CA that signs nothing ------------------
make_ca ca
make_ca other-ca
make_cert server ca localhost "IP:127.0.0.1,DNS:localhost" serverAuth || die "the server certificate does not verify"

# --- secrets: one password file per user, as the services would be given them ----------------------
PG_USER=ys_app
PG_DB=ys_secure
PG_PASSWORD=$(openssl rand -hex 16)
printf '%s\n' "$PG_PASSWORD" > pg.password
REDIS_USER=ys-app
REDIS_PASSWORD=$(openssl rand -hex 16)
printf '%s\n' "$REDIS_PASSWORD" > redis.password
REDIS_READER=ys-reader
REDIS_READER_PASSWORD=$(openssl rand -hex 16)
printf '%s\n' "$REDIS_READER_PASSWORD" > redis-reader.password
# The servers run as postgres when this runs as root; the test binary (root) still reads it all.
own() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$@"; fi; }
own "$WORK"

# --- PostgreSQL: TLS with the certificate, SCRAM passwords, nothing in plaintext --------------------
pg_as "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
  > log/initdb.log 2>&1 || { cat log/initdb.log >&2; die "initdb failed"; }
cat > pg/pg_hba.conf <<EOF
# TYPE  DATABASE  USER      ADDRESS        METHOD
# Setup only, through a socket in this test's private directory.
local   all       postgres                 trust
# TCP only with TLS and a SCRAM password: a plaintext client finds no entry.
hostssl all       all       127.0.0.1/32   scram-sha-256
EOF
own pg/pg_hba.conf
PG_STARTED=1
pg_as "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/log/postgresql.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='$WORK/sock' -c fsync=off \
      -c ssl=on -c ssl_cert_file='$WORK/server.pem' -c ssl_key_file='$WORK/server.key' \
      -c password_encryption=scram-sha-256" \
  start >/dev/null || die "postgresql did not start"
pg_setup() { pg_as psql -h "$WORK/sock" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
pg_setup -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" -c "CREATE DATABASE $PG_DB OWNER $PG_USER" \
  >/dev/null || die "creating the role and database failed"
say "postgresql up on 127.0.0.1:$PG_PORT (hostssl + scram-sha-256 only)"

# psql itself, before the test: verified TLS works, plaintext is refused.
[ "$(PGPASSWORD=$PG_PASSWORD psql "postgresql://$PG_USER@localhost:$PG_PORT/$PG_DB?sslmode=verify-full&sslrootcert=$WORK/ca.pem" \
      -qAtc 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')" = t ] || die "psql with verify-full failed"
if PGPASSWORD=$PG_PASSWORD psql "postgresql://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable" -qAtc 'SELECT 1' \
     >/dev/null 2>&1; then
  die "a plaintext psql was let in"
fi
say "psql: verify-full answered over TLS, sslmode=disable was refused"

# --- Redis: ACL users only ------------------------------------------------------------------------
cat > users.acl <<EOF
user default off
user $REDIS_USER on >$REDIS_PASSWORD ~* &* +@all
user $REDIS_READER on >$REDIS_READER_PASSWORD ~* -@all +@read +ping
EOF
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize no --dir "$WORK/redis" \
  --logfile "$WORK/log/redis.log" --save "" --appendonly no --aclfile "$WORK/users.acl" &
REDIS_PID=$!
redis_as() { REDISCLI_AUTH=$2 redis-cli -p "$REDIS_PORT" --user "$1" "${@:3}"; }
started=$SECONDS
until [ "$(redis_as "$REDIS_USER" "$REDIS_PASSWORD" ping 2>/dev/null)" = PONG ]; do
  kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server exited"
  [ $((SECONDS - started)) -lt 20 ] || die "redis-server did not answer within 20 s"
  sleep 0.2
done
if [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then die "an unauthenticated redis-cli got PONG"; fi
say "redis up on 127.0.0.1:$REDIS_PORT (default user off; an unauthenticated redis-cli was refused)"

YS_SECURE_PG_PORT="$PG_PORT" \
YS_SECURE_PG_USER="$PG_USER" \
YS_SECURE_PG_DB="$PG_DB" \
YS_SECURE_PG_PASSWORD_FILE="$WORK/pg.password" \
YS_SECURE_CA_FILE="$WORK/ca.pem" \
YS_SECURE_OTHER_CA_FILE="$WORK/other-ca.pem" \
YS_SECURE_REDIS_PORT="$REDIS_PORT" \
YS_SECURE_REDIS_USER="$REDIS_USER" \
YS_SECURE_REDIS_PASSWORD_FILE="$WORK/redis.password" \
YS_SECURE_REDIS_READER="$REDIS_READER" \
YS_SECURE_REDIS_READER_PASSWORD_FILE="$WORK/redis-reader.password" \
  "$TEST_BIN" --gtest_brief=0
