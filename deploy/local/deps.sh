#!/usr/bin/env bash
# Installs what the build, the tests and the local stack need: Debian packages (apt), the Apache
# Kafka broker jars (Maven Central) and helm (Go module proxy, for the chart's test). Skips what is
# already there. `deps.sh --build-only` installs only what compiling needs (the image build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_ONLY=""
[ "${1:-}" = "--build-only" ] && BUILD_ONLY=1
HELM_VERSION=v3.22.0

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git tzdata ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  librdkafka-dev libhiredis-dev prometheus-cpp-dev libpqxx-dev libpq-dev libjemalloc-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # duty: the centre's forms as .xlsx, the iCalendar feeds (RFC 5545).
  libxlsxwriter-dev libical-dev
  # notify: logic-less templates for the messages (mustache); RE2 for label matchers.
  libmstch-dev libre2-dev
  # gateway: the console's HTTP server (cpp-httplib, header-only) and password hashes (argon2id).
  libcpp-httplib-dev libargon2-dev
)
[ -n "$BUILD_ONLY" ] || PACKAGES+=(
  default-jre-headless maven kcat curl python3
  redis-server redis-tools postgresql postgresql-client prometheus
  # Readers we did not write, for the duty exports' tests: .ics and .xlsx.
  python3-icalendar python3-openpyxl
  # notify's tests: a local SMTP sink.
  python3-aiosmtpd
  # The Helm chart's test (tests/deploy/check_helm.py) reads the values files.
  python3-yaml
  # The fuzz targets (make fuzz; make test runs each briefly): clang, libFuzzer, the sanitizer runtimes.
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  # The web console's browser tests: Debian's Chromium (Playwright drives it; no browser download)
  # and the CJK fonts its screenshots and printed pages need.
  chromium fonts-noto-cjk
  # The bulletin's PDF read back by a reader we did not write (pdftotext), and its pages as images.
  poppler-utils
)
# The web console builds with Node.js 18 or later (Vite 5): Debian 12's nodejs (18.19) when the
# machine has none of its own.
if [ -z "$BUILD_ONLY" ]; then
  node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)
  if [ -z "$node_major" ] || [ "$node_major" -lt 18 ]; then PACKAGES+=(nodejs npm); fi
fi

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

[ -n "$BUILD_ONLY" ] && { echo "deps: ready to build"; exit 0; }

"$ROOT/deploy/local/stack.sh" kafka-libs
if ! command -v helm >/dev/null 2>&1; then
  command -v go >/dev/null 2>&1 || { echo "deps: helm (for the chart's test) needs Go 1.24 or later to install" >&2; exit 1; }
  echo "deps: installing helm $HELM_VERSION (go install)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO env GOBIN=/usr/local/bin GOPATH="$(go env GOPATH)" GOMODCACHE="$(go env GOMODCACHE)" \
    GOCACHE="$(go env GOCACHE)" "$(command -v go)" install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
# toxiproxy, for the fault test (tests/fault/toxiproxy.sh). `go install` names its two commands
# `server` and `cli`; they are kept in $(go env GOPATH)/bin as toxiproxy-server and toxiproxy-cli
# (the test looks there when they are not on PATH). Skipped when that version is already there.
TOXIPROXY_VERSION=v2.12.0
command -v go >/dev/null 2>&1 || { echo "deps: toxiproxy (for the fault test) needs Go to install" >&2; exit 1; }
gobin=$(go env GOPATH)/bin
if ! go version -m "$gobin/toxiproxy-server" 2>/dev/null | grep -q "toxiproxy/v2[[:space:]]*$TOXIPROXY_VERSION" ||
   [ ! -x "$gobin/toxiproxy-cli" ]; then
  echo "deps: installing toxiproxy $TOXIPROXY_VERSION (go install)"
  tp_tmp=$(mktemp -d)
  GOBIN=$tp_tmp go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" \
    "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION"
  install -D -m 755 "$tp_tmp/server" "$gobin/toxiproxy-server"
  install -D -m 755 "$tp_tmp/cli" "$gobin/toxiproxy-cli"
  rm -rf "$tp_tmp"
fi
# grpcurl, for the reflection test (tests/e2e/grpcurl.sh): an operator's grpcurl must see every
# service, the standard health service included. Kept in $(go env GOPATH)/bin like toxiproxy.
GRPCURL_VERSION=v1.9.4
if ! go version -m "$gobin/grpcurl" 2>/dev/null | grep -q "fullstorydev/grpcurl[[:space:]]*$GRPCURL_VERSION"; then
  echo "deps: installing grpcurl $GRPCURL_VERSION (go install)"
  GOBIN=$gobin go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
fi
# ghz, the load generator of bench/read_path.sh (issue #18).
GHZ_VERSION=v0.93.0
if ! go version -m "$gobin/ghz" 2>/dev/null | grep -q "bojand/ghz[[:space:]]*$GHZ_VERSION"; then
  echo "deps: installing ghz $GHZ_VERSION (go install)"
  GOBIN=$gobin go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
fi
echo "deps: ready"
