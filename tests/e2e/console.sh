#!/usr/bin/env bash
# The web console end to end (issue #15) against the local stack: indicator, ranking, rectification,
# duty and notify with their own schemas and topics, the SAMPLE months 2022-08/09 (cases open from their
# alerts), and ys-gateway in front of them serving web/dist. What it shows:
#   1. the Connect protocol with curl: a JSON call with a session cookie gives the same 19 ranks as
#      `ysctl rankings scorecard`; the binary codec too; errors in Connect's shape and status codes;
#   2. CSRF: a cross-origin form post, a call without Connect-Protocol-Version, a foreign Origin and a
#      GET are refused; the security headers are on every answer;
#   3. five wrong passwords lock the account (and the audit has each);
#   4. over TLS the session cookie is Secure and the answers carry HSTS;
#   5. the browser tests (web/e2e, Playwright driving Debian's chromium) with screenshots of every
#      page kept under BUILD_DIR/console-screenshots.
#   console.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
PY=/usr/bin/python3
SHOTS=$(cd "$BUILD" && pwd)/console-screenshots

[ -f "$SRC/web/dist/index.html" ] || fail "the web app is not built (make build runs npm ci and vite build in web/)"
[ -d "$SRC/web/node_modules/@playwright/test" ] || fail "web/node_modules has no @playwright/test (make build runs npm ci)"

GWKEY=gw-$RUN
add_key "$GWKEY" gateway
CENTRE_KEY=centre-$RUN
add_key "$CENTRE_KEY" centre
printf '%s' "$GWKEY" > "$WORK/gateway.key"

start_service indicator 0
start_service ranking 2 YS_REDIS_KEY_PREFIX="e2e$RUN:"
start_service rectification 4
start_service duty 6
# notify, for the inbox page: the sample recipients, their secrets made here (its robots lead nowhere:
# deliveries retry in the background; the inbox holds every message at once).
sample_notify_secrets
start_service notify 8 YS_NOTIFY_ROUTING_FILE="$SRC/services/notify/routing.yaml" \
  YS_NOTIFY_TEMPLATES_DIR="$SRC/services/notify/templates" YS_NOTIFY_RECIPIENTS_FILE="$SRC/data/notify/recipients.sample.yaml" \
  YS_NOTIFY_SECRETS_DIR="$WORK/secrets" YS_NOTIFY_QUIET_SEND_AT_ONCE_FROM=info
load_catalog
wait_for_ranking_replica
# The hall screen's week: one sitting registered (a week ahead, as the plan asks) in a working week
# 8-30 days from now.
YS_API_KEY=$CENTRE_KEY "${YSCTL[@]}" duty directory import "$SRC/data/duty/directory.sample.yaml" >/dev/null
HALL_DAY=""
for ahead in $(seq 8 30); do
  d=$(TZ=Asia/Shanghai date -d "+$ahead days" +%Y-%m-%d)
  if [ "$("${YSCTL[@]}" calendar is-working-day "$d" 2>/dev/null | cut -d' ' -f1)" = yes ]; then HALL_DAY=$d; break; fi
done
[ -n "$HALL_DAY" ] || fail "no published working day 8-30 days ahead"
YS_API_KEY=$CENTRE_KEY "${YSCTL[@]}" duty register --date "$HALL_DAY" --unit 市自然资源局 --leader zrzy-main \
  --window A01 --session morning >/dev/null || fail "the hall screen's sitting"
YS_KAFKA_TOPIC_PREFIX="$TOPIC_PREFIX" "$BUILD/tools/sample/ys-sample-rankings" --months 2022-08,2022-09 >/dev/null
wait_until 60 bash -c '[ "$("$0" rankings scorecard --region 3611 --period 2022-09 2>/dev/null | grep -cE "^ *(C00|I[0-9][0-9]) ")" = 19 ]' \
  "${YSCTL[@]}" || fail "the sample month did not arrive"

HTTP_PORT=$((BASE_PORT + 20))
URL=http://127.0.0.1:$HTTP_PORT
start_service gateway 10 YS_GATEWAY_SERVICE_KEY_FILE="$WORK/gateway.key" \
  YS_GATEWAY_ALLOWLIST_FILE="$SRC/services/gateway/allowlist.yaml" YS_GATEWAY_HTTP_STATIC_DIR="$SRC/web/dist" \
  YS_GATEWAY_HTTP_LISTEN=127.0.0.1:$HTTP_PORT YS_GATEWAY_HTTP_ALLOWED_ORIGINS="$URL" \
  YS_GATEWAY_BACKENDS_INDICATOR="$YS_INDICATOR_ADDRESS" YS_GATEWAY_BACKENDS_RANKING="$YS_RANKING_ADDRESS" \
  YS_GATEWAY_BACKENDS_RECTIFICATION="$YS_RECTIFICATION_ADDRESS" YS_GATEWAY_BACKENDS_DUTY="$YS_DUTY_ADDRESS" \
  YS_GATEWAY_BACKENDS_NOTIFY="$YS_NOTIFY_ADDRESS" YS_REDIS_ADDRESS=127.0.0.1:$REDIS_PORT
wait_until 30 curl -fs "$URL/healthz" -o /dev/null || fail "the gateway's HTTP port is not up"

# People, one per role (passwords made here, never printed).
declare -A PASSWORD
add_user() {  # add_user LOGIN NAME ROLE
  PASSWORD[$1]=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s' "${PASSWORD[$1]}" > "$WORK/pw-$1"
  "${YSCTL[@]}" users add --login "$1" --name "$2" --role "$3" --password-file "$WORK/pw-$1" >/dev/null ||
    fail "ysctl users add $1"
}
add_user office-li 李主任 office
add_user hall-chen 陈值班 centre
add_user viewer-wu 吴观察 viewer

connect() {  # connect COOKIEJAR METHOD JSON: the Connect JSON call; prints the body, then the status
  curl -s -b "$1" -c "$1" -X POST "$URL/$2" -H 'Content-Type: application/json' \
    -H 'Connect-Protocol-Version: 1' -H "Origin: $URL" -d "$3" -w '\n%{http_code}'
}
login() {  # login COOKIEJAR LOGIN PASSWORD
  connect "$1" yingshang.gateway.v1.ConsoleService/Login "{\"login\":\"$2\",\"password\":\"$3\"}"
}

echo "== 1. Connect with curl: the office's scorecard, as ysctl prints it"
out=$(login "$WORK/office.jar" office-li "${PASSWORD[office-li]}")
[ "$(tail -1 <<<"$out")" = 200 ] || fail "office login: $out"
grep -q 'HttpOnly' <(curl -s -D - -o /dev/null -X POST "$URL/yingshang.gateway.v1.ConsoleService/Login" \
  -H 'Content-Type: application/json' -H 'Connect-Protocol-Version: 1' \
  -d "{\"login\":\"office-li\",\"password\":\"${PASSWORD[office-li]}\"}") || fail "the session cookie is not HttpOnly"
body=$(connect "$WORK/office.jar" yingshang.ranking.v1.RankingQuery/GetScorecard '{"regionCode":"3611","period":"2022-09"}')
[ "$(tail -1 <<<"$body")" = 200 ] || fail "GetScorecard through the gateway: $body"
sed '$d' <<<"$body" | "$PY" -c 'import json,sys; [print(r["indicatorCode"], r["rank"]) for r in json.load(sys.stdin)["rows"]]' \
  > "$WORK/console-ranks.txt"
"${YSCTL[@]}" rankings scorecard --region 3611 --period 2022-09 | awk '$1 ~ /^(C00|I[0-9][0-9])$/ {print $1}' > "$WORK/codes.txt"
[ "$(wc -l < "$WORK/console-ranks.txt")" = 19 ] || fail "the console's scorecard has $(wc -l < "$WORK/console-ranks.txt") rows, not 19"
diff <(cut -d' ' -f1 "$WORK/console-ranks.txt") "$WORK/codes.txt" >/dev/null || fail "the console's indicators differ from ysctl's"
echo "   19 rows, as ysctl: $(head -3 "$WORK/console-ranks.txt" | tr '\n' ' ')…"
# The binary codec: the same call as application/proto answers application/proto.
ctype=$(printf '\x0a\x043611\x12\x072022-09' | curl -s -b "$WORK/office.jar" -o "$WORK/scorecard.bin" -w '%{content_type}' \
  -X POST "$URL/yingshang.ranking.v1.RankingQuery/GetScorecard" -H 'Content-Type: application/proto' \
  -H 'Connect-Protocol-Version: 1' --data-binary @-)
[ "$ctype" = application/proto ] && [ -s "$WORK/scorecard.bin" ] || fail "application/proto answered $ctype"
# An error in Connect's shape: a bad period is invalid_argument, HTTP 400, naming the field.
bad=$(connect "$WORK/office.jar" yingshang.ranking.v1.RankingQuery/GetScorecard '{"regionCode":"3611","period":"2022-13"}')
[ "$(tail -1 <<<"$bad")" = 400 ] && grep -q '"code":"invalid_argument"' <<<"$bad" || fail "a bad period: $bad"
nosession=$(connect "$WORK/none.jar" yingshang.ranking.v1.RankingQuery/GetScorecard '{"regionCode":"3611","period":"2022-09"}')
[ "$(tail -1 <<<"$nosession")" = 401 ] || fail "no session: $nosession"
echo "   application/proto answered in kind; a bad period 400 invalid_argument; no session 401"

echo "== 2. CSRF and headers"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/office.jar" -X POST "$URL/yingshang.gateway.v1.ConsoleService/Logout" \
  -H 'Origin: http://evil.example' -H 'Content-Type: application/x-www-form-urlencoded' -d 'x=1')
[ "$code" = 415 ] || fail "a cross-origin form post answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/office.jar" -X POST "$URL/yingshang.ranking.v1.RankingQuery/GetScorecard" \
  -H 'Content-Type: application/json' -d '{}')
[ "$code" = 400 ] || fail "a call without Connect-Protocol-Version answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/office.jar" -X POST "$URL/yingshang.ranking.v1.RankingQuery/GetScorecard" \
  -H 'Content-Type: application/json' -H 'Connect-Protocol-Version: 1' -H 'Origin: http://evil.example' -d '{}')
[ "$code" = 403 ] || fail "a foreign Origin answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/office.jar" "$URL/yingshang.ranking.v1.RankingQuery/GetScorecard")
[ "$code" = 405 ] || fail "a GET answered $code"
headers=$(curl -s -D - -o /dev/null "$URL/")
for h in "Content-Security-Policy: default-src 'self'; script-src 'self'" "X-Content-Type-Options: nosniff" "frame-ancestors 'none'" \
         "Cache-Control: no-cache"; do
  grep -qF "$h" <<<"$headers" || fail "the index page lacks '$h'"
done
asset=$(grep -oE '/assets/[^"]+\.js' "$SRC/web/dist/index.html" | head -1)
grep -qF "max-age=31536000, immutable" <(curl -s -D - -o /dev/null "$URL$asset") || fail "$asset is not cached long"
echo "   form post 415, no protocol version 400, foreign Origin 403, GET 405; CSP, nosniff, frame-ancestors; assets immutable"

echo "== 3. Five wrong passwords lock the account"
for i in 1 2 3 4 5; do
  out=$(login "$WORK/x.jar" viewer-wu "wrong-password-$i")
  [ "$(tail -1 <<<"$out")" = 401 ] || fail "wrong password $i answered: $out"
done
out=$(login "$WORK/x.jar" viewer-wu "${PASSWORD[viewer-wu]}")
[ "$(tail -1 <<<"$out")" = 403 ] && grep -q 'locked' <<<"$out" || fail "the right password after five wrong ones: $out"
audit=$("${YSCTL[@]}" users audit --login viewer-wu)
[ "$(grep -c wrong_password <<<"$audit")" = 5 ] && grep -q locked <<<"$audit" || fail "the audit: $audit"
"${YSCTL[@]}" users list | grep -q 'viewer-wu.*LOCKED until' || fail "users list does not show the lock"
"${YSCTL[@]}" users reset-password viewer-wu --password-file "$WORK/pw-viewer-wu" >/dev/null
out=$(login "$WORK/x.jar" viewer-wu "${PASSWORD[viewer-wu]}")
[ "$(tail -1 <<<"$out")" = 200 ] || fail "after reset-password: $out"
echo "   5 × 401, then 403 locked; audit has 5 wrong_password + locked; reset-password unlocks"

echo "== 4. Over TLS: the cookie is Secure, the answers carry HSTS"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 1 \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" >/dev/null 2>&1 || fail "openssl could not make a certificate"
TLS_PORT=$((BASE_PORT + 22))
env YS_AUTH_API_KEYS_FILE="$WORK/keys.yaml" YS_PG_SCHEMA="e2e_gateway_$RUN" YS_GRPC_LISTEN=127.0.0.1:$((BASE_PORT + 23)) \
  YS_METRICS_LISTEN=127.0.0.1:$((BASE_PORT + 24)) YS_AUTH_UNITS_FILE="$SRC/data/catalog/units.yaml" \
  YS_AUTH_REGIONS_FILE="$SRC/data/catalog/regions.yaml" YS_GATEWAY_SERVICE_KEY_FILE="$WORK/gateway.key" \
  YS_GATEWAY_ALLOWLIST_FILE="$SRC/services/gateway/allowlist.yaml" YS_GATEWAY_HTTP_STATIC_DIR="$SRC/web/dist" \
  YS_GATEWAY_HTTP_LISTEN=127.0.0.1:$TLS_PORT YS_GATEWAY_HTTP_ALLOWED_ORIGINS="https://127.0.0.1:$TLS_PORT" \
  YS_GATEWAY_HTTP_TLS_CERT_FILE="$WORK/tls.crt" YS_GATEWAY_HTTP_TLS_KEY_FILE="$WORK/tls.key" \
  YS_GATEWAY_BACKENDS_RANKING="$YS_RANKING_ADDRESS" YS_REDIS_ADDRESS=127.0.0.1:$REDIS_PORT \
  "$BUILD/services/gateway/ys-gateway" --config "$SRC/services/gateway/config.example.yaml" >> "$WORK/gateway-tls.log" 2>&1 &
SERVICE_PID[gateway_tls]=$!
wait_until 30 curl -fs --cacert "$WORK/tls.crt" "https://127.0.0.1:$TLS_PORT/healthz" -o /dev/null || fail "the TLS gateway is not up"
tls_headers=$(curl -s -D - -o /dev/null --cacert "$WORK/tls.crt" -X POST "https://127.0.0.1:$TLS_PORT/yingshang.gateway.v1.ConsoleService/Login" \
  -H 'Content-Type: application/json' -H 'Connect-Protocol-Version: 1' \
  -d "{\"login\":\"office-li\",\"password\":\"${PASSWORD[office-li]}\"}")
grep -qi '^set-cookie: ys_session=.*HttpOnly; SameSite=Strict; Secure' <<<"$tls_headers" || fail "over TLS the cookie is not Secure: $tls_headers"
grep -qi '^strict-transport-security: max-age=' <<<"$tls_headers" || fail "no HSTS over TLS"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TLS_PORT/healthz" || true)
[ "$code" != 200 ] || fail "the TLS port answered plain HTTP"
echo "   https login: cookie HttpOnly; SameSite=Strict; Secure, HSTS; plain HTTP on that port refused"

echo "== 5. The browser (Playwright, Debian chromium)"
# A unit with cases, and another unit's case for the 403 (the cases open as rectification consumes
# the sample month's alerts: wait for them).
cases_of_units() {
  cases=$(connect "$WORK/office.jar" yingshang.rectification.v1.RectificationService/ListCases '{"page":{"pageSize":500}}')
  [ "$(tail -1 <<<"$cases")" = 200 ] && [ "$(sed '$d' <<<"$cases" | grep -oE '"unit":"市[^"]+"' | sort -u | wc -l)" -ge 2 ]
}
wait_until 60 cases_of_units || fail "ListCases: fewer than two units have cases: $cases"
read -r UNIT OTHER_CASE < <(sed '$d' <<<"$cases" | "$PY" -c '
import json, sys, collections
cases = json.load(sys.stdin).get("cases", [])
by = collections.Counter(c["unit"] for c in cases if c.get("unit", "").startswith("市"))
if len(by) < 2: sys.exit("fewer than two units have cases")
unit = by.most_common(1)[0][0]
other = next(c["id"] for c in cases if c["unit"] != unit and c["unit"].startswith("市"))
print(unit, other)') || fail "no two units with cases in the sample month"
# What the unit's own list holds (its cases and the county cases it follows), as the service says.
UNIT_CASES=$(connect "$WORK/office.jar" yingshang.rectification.v1.RectificationService/ListCases \
  "{\"unit\":\"$UNIT\",\"page\":{\"pageSize\":500}}" | sed '$d' | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("total", 0))')
add_user unit-a 王科长 "unit:$UNIT"
add_user lock-me 林锁定 viewer
mkdir -p "$SHOTS"
cat > "$WORK/logins.json" <<EOF
{"url": "$URL", "office": {"login": "office-li", "password": "${PASSWORD[office-li]}"},
 "unit": {"login": "unit-a", "password": "${PASSWORD[unit-a]}", "unit": "$UNIT", "name": "王科长"},
 "centre": {"login": "hall-chen", "password": "${PASSWORD[hall-chen]}"},
 "lock": {"login": "lock-me", "password": "${PASSWORD[lock-me]}"}, "unitCases": $UNIT_CASES,
 "otherCase": "$OTHER_CASE", "period": "2022-09", "ranks": "$WORK/console-ranks.txt",
 "hallDay": "$HALL_DAY", "hallUnit": "市自然资源局"}
EOF
echo "   unit $UNIT (unit-a); another unit's case $OTHER_CASE"
(cd "$SRC/web" && YS_CONSOLE_E2E="$WORK/logins.json" YS_SCREENSHOTS="$SHOTS" \
  npx playwright test --config e2e/playwright.config.ts --output "$WORK/playwright") || fail "the browser tests"
ls "$SHOTS"/*.png >/dev/null 2>&1 || fail "no screenshots under $SHOTS"
echo "   screenshots: $(ls "$SHOTS" | tr '\n' ' ')"
echo "console e2e: OK"
