#!/usr/bin/env bash
# Installs what the build, the tests and the local stack need: Debian packages (apt) and the
# Apache Kafka broker jars (Maven Central). Skips what is already there.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git tzdata
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  librdkafka-dev libhiredis-dev prometheus-cpp-dev libpqxx-dev libpq-dev libjemalloc-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  default-jre-headless maven kcat curl python3
  redis-server redis-tools postgresql postgresql-client prometheus
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  # Keep apt from starting the packaged servers: the stack runs its own, on its own ports.
  created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ -n "$created_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d
fi

"$ROOT/deploy/local/stack.sh" kafka-libs
echo "deps: ready"
