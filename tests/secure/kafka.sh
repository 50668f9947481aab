#!/usr/bin/env bash
# issue #17: Kafka SASL/SCRAM over TLS against a broker of its own. Makes a CA and a broker
# certificate with openssl, starts a single-node KRaft broker (the local stack's Maven jars) whose only
# client listener is SASL_SSL with SCRAM-SHA-512 users created at format time, then runs
# secure_kafka_test against it. The broker and its files go away on exit, also on failure.
# Usage: kafka.sh BUILD_DIR SOURCE_DIR   (ctest secure.kafka)
set -euo pipefail

BUILD=$(cd "${1:?usage: kafka.sh BUILD_DIR SOURCE_DIR}" && pwd)
SRC=$(cd "${2:?usage: kafka.sh BUILD_DIR SOURCE_DIR}" && pwd)
PORT=${YS_SECURE_KAFKA_PORT:-27092}
CONTROLLER_PORT=${YS_SECURE_KAFKA_CONTROLLER_PORT:-27093}
LIBS=${YS_KAFKA_LIBS:-$SRC/var/kafka/libs}
TEST_BIN=$BUILD/tests/secure_kafka_test

say() { printf 'secure.kafka: %s\n' "$*"; }
die() { printf 'secure.kafka: %s\n' "$*" >&2; exit 1; }
source "$SRC/tests/secure/servers.sh"
source "$SRC/tests/secure/certs.sh"

[ -x "$TEST_BIN" ] || die "$TEST_BIN not built (cmake --build $BUILD --target secure_kafka_test)"
if ! ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1; then
  bash "$SRC/deploy/local/stack.sh" kafka-libs || die "no broker jars in $LIBS (make deps)"
fi
require_free_ports "$PORT" "$CONTROLLER_PORT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ys-secure-kafka.XXXXXX")
BROKER_PID=
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -f "$WORK/log/kafka.log" ]; then  # before the shutdown's own lines
    say "failed (exit $rc); the broker's last warnings:"
    grep -E '\] (WARN|ERROR) ' "$WORK/log/kafka.log" | tail -n 20 >&2 || true
  fi
  stop_process "$BROKER_PID" 20
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$WORK"
umask 077
mkdir -p log data

# --- certificates: a CA that signs the broker, and another CA that signs nothing --------------------
make_ca ca
make_ca other-ca
make_cert broker ca localhost "IP:127.0.0.1,DNS:localhost" serverAuth,clientAuth ||
  die "the broker certificate does not verify"
# Kafka's PEM keystore: the unencrypted PKCS#8 key followed by the certificate chain.
cat broker.key broker.pem ca.pem > broker-keystore.pem

# --- SCRAM users: the broker's own (inter-broker traffic) and the service's --------------------------
BROKER_PASSWORD=$(openssl rand -hex 16)
SERVICE_USER=ys-service
SERVICE_PASSWORD=$(openssl rand -hex 16)
printf '%s\n' "$SERVICE_PASSWORD" > service.password

cat > server.properties <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=SASL_SSL://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
# The controller listener is TLS too: no plaintext port at all.
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="ys-broker" password="$BROKER_PASSWORD";
ssl.keystore.type=PEM
ssl.keystore.location=$WORK/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$WORK/ca.pem
ssl.endpoint.identification.algorithm=https
log.dirs=$WORK/data
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF

# An array, not a function: the broker started from it in the background is then the java process
# itself, the one the trap stops ($! of a backgrounded function is a subshell).
KAFKA_JAVA=(java -Xms128m -Xmx512m -Dlog4j.configuration="file:$SRC/deploy/local/log4j.properties"
  -Dkafka.logs.dir="$WORK/log" -cp "$LIBS/*")

# The SCRAM credentials go into the metadata log at format time (KIP-900, Kafka 3.5+), so the broker
# can authenticate its own inter-broker connections from its first start.
"${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid | tail -1)" \
  -c server.properties \
  --add-scram "SCRAM-SHA-512=[name=ys-broker,password=$BROKER_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=$SERVICE_USER,password=$SERVICE_PASSWORD]" \
  > log/format.log 2>&1 || { cat log/format.log >&2; die "kafka storage format failed"; }

"${KAFKA_JAVA[@]}" kafka.Kafka server.properties > log/kafka.out 2>&1 &
BROKER_PID=$!

kcat_sasl() {  # kcat over SASL_SSL as the service user
  kcat -b "127.0.0.1:$PORT" -X security.protocol=SASL_SSL -X sasl.mechanisms=SCRAM-SHA-512 \
    -X sasl.username="$SERVICE_USER" -X sasl.password="$SERVICE_PASSWORD" -X ssl.ca.location="$WORK/ca.pem" "$@"
}
started=$SECONDS
until kcat_sasl -L -m 3 2>/dev/null | grep -q "broker 1 at"; do
  kill -0 "$BROKER_PID" 2>/dev/null || { tail -n 20 log/kafka.out >&2; die "the broker exited"; }
  [ $((SECONDS - started)) -lt 90 ] || die "the broker did not answer over SASL_SSL within 90 s"
  sleep 0.5
done
say "broker up on SASL_SSL 127.0.0.1:$PORT after $((SECONDS - started)) s (kcat authenticated with SCRAM-SHA-512)"

# kcat without SASL/TLS gets no metadata from that port.
if kcat -b "127.0.0.1:$PORT" -L -m 3 2>/dev/null | grep -q "broker 1 at"; then
  die "a PLAINTEXT kcat got metadata from the SASL_SSL port"
fi
say "a PLAINTEXT kcat got no metadata"

YS_SECURE_KAFKA_BROKERS="127.0.0.1:$PORT" \
YS_SECURE_KAFKA_CA_FILE="$WORK/ca.pem" \
YS_SECURE_KAFKA_OTHER_CA_FILE="$WORK/other-ca.pem" \
YS_SECURE_KAFKA_USERNAME="$SERVICE_USER" \
YS_SECURE_KAFKA_PASSWORD_FILE="$WORK/service.password" \
  "$TEST_BIN" --gtest_brief=0
