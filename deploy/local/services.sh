#!/usr/bin/env bash
# Starts/stops every built service against the local stack. Usage: services.sh up|down [BUILD_DIR]
# Logs under var/log/<service>.log, pid files under var/run/<service>.pid. `up` creates one
# development API key per role under var/keys/ (services get only their SHA-256 hashes) and waits
# until each service's health check reports SERVING. unit:市住建局 is an alias: the services load it
# as 市住房和城乡建设局 (auth.units_file), the name the catalog and the cases use.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VAR=${YS_VAR:-$ROOT/var}
BUILD=${2:-$ROOT/build}
SERVICES=(indicator ranking rectification duty notify gateway)
declare -A GRPC_PORT=([indicator]=7101 [ranking]=7102 [rectification]=7103 [duty]=7104 [notify]=7105 [gateway]=7106)
# gateway: the web console's own key, with which it calls the services for the person logged in.
ROLES=(office viewer huiqitong centre platform:provincial unit:市住建局 unit:市商务局 unit:市自然资源局 gateway)

mkdir -p "$VAR/log" "$VAR/run" "$VAR/keys"

key_name() {
  case "$1" in
    unit:市住建局) echo unit-zhujian ;;
    unit:市商务局) echo unit-shangwu ;;
    unit:市自然资源局) echo unit-zrzy ;;
    *) printf '%s' "$1" | sed 's/[^A-Za-z0-9]/-/g; s/-\+$//' ;;
  esac
}

make_keys() {
  local file=$VAR/keys/api-keys.yaml tmp role missing=""
  for role in "${ROLES[@]}"; do [ -f "$VAR/keys/$(key_name "$role").key" ] || missing=1; done
  [ -f "$file" ] && [ -z "$missing" ] && return 0
  tmp=$(mktemp)
  echo "# Development API keys: names -> role and SHA-256 of the key. The keys are in var/keys/*.key." > "$tmp"
  echo "api_keys:" >> "$tmp"
  local name key
  for role in "${ROLES[@]}"; do
    name=$(key_name "$role")
    key=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    printf '%s' "$key" > "$VAR/keys/$name.key"
    chmod 600 "$VAR/keys/$name.key"
    printf '  %s: {role: "%s", sha256: %s}\n' "$name" "$role" "$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)" >> "$tmp"
  done
  mv "$tmp" "$file"
  echo "keys: development API keys written to $VAR/keys/ (ysctl uses office.key)"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# notify's SAMPLE channels (data/notify/recipients.sample.yaml) point at a local sink on
# 127.0.0.1:18099 standing in for the robots and webhooks (tests/support/notify_sink.py: GET
# /_stats lists what it received); their secret_refs name development secrets made here, under
# var/notify/secrets/ (notify.secrets_dir), never in the file.
notify_sample() {
  local dir=$VAR/notify/secrets ref
  for ref in $(grep -oE 'secret_ref: [A-Za-z0-9_./-]+' "$ROOT/data/notify/recipients.sample.yaml" | cut -d' ' -f2); do
    [ -f "$dir/$ref" ] && continue
    mkdir -p "$(dirname "$dir/$ref")"
    head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/$ref"
    chmod 600 "$dir/$ref"
  done
  if ! alive "$VAR/run/notify-sink.pid"; then
    nohup /usr/bin/python3 "$ROOT/tests/support/notify_sink.py" --port 18099 >> "$VAR/log/notify-sink.log" 2>&1 &
    echo $! > "$VAR/run/notify-sink.pid"
  fi
  # and an SMTP sink on 127.0.0.1:18025 for the e-mail channels (the bulletin's PDF to the seven
  # bodies): each message kept as var/notify/mail/NNNN.eml, listed at http://127.0.0.1:18026/_messages.
  if ! alive "$VAR/run/smtp-sink.pid"; then
    nohup /usr/bin/python3 "$ROOT/tests/support/smtp_sink.py" --smtp-port 18025 --http-port 18026 \
      --dir "$VAR/notify/mail" >> "$VAR/log/smtp-sink.log" 2>&1 &
    echo $! > "$VAR/run/smtp-sink.pid"
  fi
}

up() {
  make_keys
  [ -x "$BUILD/services/notify/ys-notify" ] && notify_sample
  local started=0 s bin
  for s in "${SERVICES[@]}"; do
    bin=$BUILD/services/$s/ys-$s
    [ -x "$bin" ] || continue
    started=$((started + 1))
    if alive "$VAR/run/$s.pid"; then echo "$s already running"; continue; fi
    # Unit keys (unit:市住建局) resolve through the catalog's units and counties, whatever the cwd.
    YS_AUTH_API_KEYS_FILE=$VAR/keys/api-keys.yaml YS_AUTH_UNITS_FILE=$ROOT/data/catalog/units.yaml \
      YS_AUTH_REGIONS_FILE=$ROOT/data/catalog/regions.yaml \
      YS_NOTIFY_ROUTING_FILE=$ROOT/services/notify/routing.yaml YS_NOTIFY_TEMPLATES_DIR=$ROOT/services/notify/templates \
      YS_NOTIFY_RECIPIENTS_FILE=$ROOT/data/notify/recipients.sample.yaml YS_NOTIFY_SECRETS_DIR=$VAR/notify/secrets \
      YS_NOTIFY_DOCUMENTS_SERVICE_KEY_FILE=$VAR/keys/office.key YS_NOTIFY_SMTP_URL=smtp://127.0.0.1:18025 YS_NOTIFY_SMTP_TLS=none \
      YS_GATEWAY_SERVICE_KEY_FILE=$VAR/keys/gateway.key YS_GATEWAY_ALLOWLIST_FILE=$ROOT/services/gateway/allowlist.yaml \
      YS_GATEWAY_HTTP_STATIC_DIR=$ROOT/web/dist \
      nohup "$bin" --config "$ROOT/services/$s/config.example.yaml" >> "$VAR/log/$s.log" 2>&1 &
    echo $! > "$VAR/run/$s.pid"
  done
  for s in "${SERVICES[@]}"; do
    [ -f "$VAR/run/$s.pid" ] || continue
    local i ok=""
    for ((i = 0; i < 150; i++)); do
      if ! alive "$VAR/run/$s.pid"; then break; fi
      if "$BUILD/tools/ysctl/ysctl" health --address "127.0.0.1:${GRPC_PORT[$s]}" >/dev/null 2>&1; then ok=1; break; fi
      sleep 0.2
    done
    [ -n "$ok" ] || { echo "$s did not report SERVING (see $VAR/log/$s.log)" >&2; exit 1; }
    echo "$s SERVING on 127.0.0.1:${GRPC_PORT[$s]}"
  done
  [ "$started" -gt 0 ] || echo "no service binaries built yet: nothing to start"
  if alive "$VAR/run/gateway.pid"; then echo "console: http://127.0.0.1:8080/"; fi
}

down() {
  local s pid i
  for s in "${SERVICES[@]}"; do
    alive "$VAR/run/$s.pid" || { rm -f "$VAR/run/$s.pid"; continue; }
    pid=$(cat "$VAR/run/$s.pid")
    kill -TERM "$pid"
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$VAR/run/$s.pid"
    echo "$s stopped"
  done
  if alive "$VAR/run/notify-sink.pid"; then kill "$(cat "$VAR/run/notify-sink.pid")"; echo "notify sample sink stopped"; fi
  if alive "$VAR/run/smtp-sink.pid"; then kill "$(cat "$VAR/run/smtp-sink.pid")"; echo "SMTP sample sink stopped"; fi
  rm -f "$VAR/run/notify-sink.pid"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: services.sh up|down [BUILD_DIR]" >&2; exit 2 ;;
esac
