#!/usr/bin/env bash
# gRPC with mutual TLS end to end (issue #17), against the local stack (make stack-up): a CA, a server
# certificate for 127.0.0.1 and client certificates made here with openssl; ys-indicator listening with
# grpc.tls.* and grpc.tls.client_ca_file (mTLS) on its own port; ys-gateway reaching it with
# grpc.client.tls.*. What it shows:
#   1. ysctl with the CA and its client certificate: `health` SERVING and `indicators list` reads the
#      catalog (flags before the command, after it, and the YSCTL_TLS_* environment);
#   2. refused: ysctl in plaintext, ysctl with TLS but no client certificate, a client certificate from
#      a CA the server does not trust, and a certificate given without its key (exit 2, naming --tls-key);
#   3. the gateway: a Connect call through it reads the indicators over mTLS; its configuration
#      check refuses grpc.client.tls.cert_file without grpc.client.tls.key_file.
# Ports 27500-27599 (indicator 27500/27501, gateway gRPC 27510/27511, HTTP 27520).
#   grpc.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
BASE_PORT=27500
PY=/usr/bin/python3
PKI=$WORK/pki
mkdir -p "$PKI"

echo "== certificates (openssl)"
source "$SRC/tests/secure/certs.sh"
CERTS_DIR=$PKI
make_ca ca
make_ca stranger-ca
make_cert server ca 127.0.0.1 "IP:127.0.0.1" "" &&
  make_cert ysctl ca ysctl "" clientAuth &&
  make_cert gateway ca ys-gateway "" clientAuth &&
  make_cert stranger stranger-ca ysctl "" clientAuth ||
  fail "openssl made certificates that do not verify"
echo "   CA, server (IP:127.0.0.1), ysctl and gateway client certificates; a stranger's CA"

TLS=(--tls-ca "$PKI/ca.pem" --tls-cert "$PKI/ysctl.pem" --tls-key "$PKI/ysctl.key")
GWKEY=gw-$RUN
add_key "$GWKEY" gateway
printf '%s' "$GWKEY" > "$WORK/gateway.key"

# start_service waits with `ysctl health`, which takes its TLS settings from YSCTL_TLS_* here.
YSCTL_TLS_CA="$PKI/ca.pem" YSCTL_TLS_CERT="$PKI/ysctl.pem" YSCTL_TLS_KEY="$PKI/ysctl.key" \
  start_service indicator 0 YS_GRPC_TLS_CERT_FILE="$PKI/server.pem" YS_GRPC_TLS_KEY_FILE="$PKI/server.key" \
  YS_GRPC_TLS_CLIENT_CA_FILE="$PKI/ca.pem"
ADDR=$YS_INDICATOR_ADDRESS
[ "$ADDR" = 127.0.0.1:27500 ] || fail "indicator at $ADDR, not 127.0.0.1:27500"

echo "== 1. ysctl over mTLS"
out=$("${YSCTL[@]}" "${TLS[@]}" health --address "$ADDR") || fail "ysctl --tls-* health: $out"
[ "$out" = SERVING ] || fail "health answered '$out'"
YSCTL_TLS_CA="$PKI/ca.pem" YSCTL_TLS_CERT="$PKI/ysctl.pem" YSCTL_TLS_KEY="$PKI/ysctl.key" load_catalog
"${YSCTL[@]}" indicators list "${TLS[@]}" > "$WORK/indicators.txt" || fail "ysctl indicators list over mTLS"
n=$(grep -cE '^(C00|I[0-9][0-9]) ' "$WORK/indicators.txt" || true)
[ "$n" -ge 19 ] || fail "indicators list printed $n top-level indicators, want at least 19 (C00, I01-I18)"
echo "   health SERVING; catalog imported with YSCTL_TLS_*; indicators list: $n top-level indicators"

echo "== 2. refused"
refused() {  # refused CMD...: CMD must fail; prints its error line
  local err
  if err=$("$@" 2>&1 >/dev/null); then fail "not refused: ${*:2}"; fi
  err=$(tail -1 <<<"$err")
  echo "   ${*:2:3}…: ${err:0:100}"
}
refused "${YSCTL[@]}" health --address "$ADDR"
refused "${YSCTL[@]}" indicators list
refused "${YSCTL[@]}" health --address "$ADDR" --tls-ca "$PKI/ca.pem"
refused "${YSCTL[@]}" indicators list --tls-ca "$PKI/ca.pem"
refused "${YSCTL[@]}" indicators list --tls-ca "$PKI/ca.pem" --tls-cert "$PKI/stranger.pem" --tls-key "$PKI/stranger.key"
# The client checks the server too: trusting only the stranger's CA, the server's certificate fails.
refused "${YSCTL[@]}" indicators list --tls-ca "$PKI/stranger-ca.pem" --tls-cert "$PKI/ysctl.pem" --tls-key "$PKI/ysctl.key"
# Refused by the TLS handshake, not because the server went away: it still answers a client with a certificate.
[ "$("${YSCTL[@]}" health --address "$ADDR" "${TLS[@]}")" = SERVING ] || fail "the indicator stopped answering over mTLS"
set +e
err=$("${YSCTL[@]}" indicators list --tls-ca "$PKI/ca.pem" --tls-cert "$PKI/ysctl.pem" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" = 2 ] && grep -q -- '--tls-key' <<<"$err" || fail "a certificate without its key: exit $code, '$err'"
echo "   a certificate without its key: exit 2, $err"

echo "== 3. the gateway over mTLS"
HTTP_PORT=$((BASE_PORT + 20))
URL=http://127.0.0.1:$HTTP_PORT
GATEWAY_ENV=(YS_GATEWAY_SERVICE_KEY_FILE="$WORK/gateway.key" YS_GATEWAY_ALLOWLIST_FILE="$SRC/services/gateway/allowlist.yaml"
  YS_GATEWAY_HTTP_STATIC_DIR="$WORK/no-web-app" YS_GATEWAY_HTTP_LISTEN=127.0.0.1:$HTTP_PORT
  YS_GATEWAY_HTTP_ALLOWED_ORIGINS="$URL" YS_GATEWAY_BACKENDS_INDICATOR="$ADDR"
  YS_GATEWAY_BACKENDS_RANKING=127.0.0.1:1 YS_GATEWAY_BACKENDS_RECTIFICATION=127.0.0.1:1
  YS_GATEWAY_BACKENDS_DUTY=127.0.0.1:1 YS_GATEWAY_BACKENDS_NOTIFY=127.0.0.1:1 YS_REDIS_ADDRESS=127.0.0.1:$REDIS_PORT
  YS_GRPC_CLIENT_TLS_CA_FILE="$PKI/ca.pem" YS_GRPC_CLIENT_TLS_CERT_FILE="$PKI/gateway.pem")
# Its configuration check first: a client certificate without its key is refused, naming the key.
set +e
err=$(env "${GATEWAY_ENV[@]}" YS_AUTH_API_KEYS_FILE="$WORK/keys.yaml" YS_GRPC_LISTEN=127.0.0.1:$((BASE_PORT + 10)) \
  YS_AUTH_UNITS_FILE="$SRC/data/catalog/units.yaml" YS_AUTH_REGIONS_FILE="$SRC/data/catalog/regions.yaml" \
  "$BUILD/services/gateway/ys-gateway" --config "$SRC/services/gateway/config.example.yaml" --check-config 2>&1)
code=$?
set -e
[ "$code" != 0 ] && grep -q 'grpc.client.tls.key_file' <<<"$err" ||
  fail "the gateway's check accepted a certificate without its key: exit $code, $err"
echo "   --check-config without grpc.client.tls.key_file: exit $code, naming the key"
# The gateway's own gRPC port (UserAdmin) is plaintext here: ysctl users add needs no TLS.
start_service gateway 10 "${GATEWAY_ENV[@]}" YS_GRPC_CLIENT_TLS_KEY_FILE="$PKI/gateway.key"
wait_until 30 curl -fs "$URL/healthz" -o /dev/null || fail "the gateway's HTTP port is not up"
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s' "$PASSWORD" > "$WORK/pw"
"${YSCTL[@]}" users add --login viewer-tls --name 观察员 --role viewer --password-file "$WORK/pw" >/dev/null ||
  fail "ysctl users add"
connect() {  # connect METHOD JSON: the Connect JSON call with the session; prints the body, then the status
  curl -s -b "$WORK/jar" -c "$WORK/jar" -X POST "$URL/$1" -H 'Content-Type: application/json' \
    -H 'Connect-Protocol-Version: 1' -H "Origin: $URL" -d "$2" -w '\n%{http_code}'
}
out=$(connect yingshang.gateway.v1.ConsoleService/Login "{\"login\":\"viewer-tls\",\"password\":\"$PASSWORD\"}")
[ "$(tail -1 <<<"$out")" = 200 ] || fail "login: $out"
body=$(connect yingshang.indicator.v1.CatalogService/ListIndicators '{"page":{"pageSize":500}}')
[ "$(tail -1 <<<"$body")" = 200 ] || fail "ListIndicators through the gateway: $body"
sed '$d' <<<"$body" | "$PY" -c 'import json,sys; [print(i["code"]) for i in json.load(sys.stdin).get("indicators", [])]' \
  | sort > "$WORK/gateway-codes.txt"
awk '/领班/ {print $1}' "$WORK/indicators.txt" | sort > "$WORK/ysctl-codes.txt"
[ -s "$WORK/gateway-codes.txt" ] && diff "$WORK/ysctl-codes.txt" "$WORK/gateway-codes.txt" >/dev/null ||
  fail "the gateway's indicators differ from ysctl's: $(diff "$WORK/ysctl-codes.txt" "$WORK/gateway-codes.txt" | head -4)"
echo "   ListIndicators through the gateway: 200, the same $(wc -l < "$WORK/gateway-codes.txt") indicators as ysctl's"
echo "PASS: gRPC mTLS with ysctl and the gateway; plaintext and certificate-less clients refused"
