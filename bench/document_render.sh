#!/usr/bin/env bash
# The quarterly bulletin's time to paper (issue #16): assembling 2022Q3 from the services
# (`ysctl bulletin draft`: the scorecards, county scorecards, alerts, ledger, programme, 惠企通,
# cases, duty, over gRPC) and printing its PDF through notify (`ysctl bulletin pdf`: the HTML and
# headless Chromium), beside printing a static page of the same size — the same HTML saved to a file —
# with the same Chromium, in the same run. Three rounds; the ratio is (assemble + render) / static.
# Run after `make demo` (the stack and the services up, the demo's data in); it drafts BENCH_QUARTER,
# default 2022Q2: the demo's SAMPLE rankings run 2022-04..09 and it issues 2022Q3 (an issued bulletin
# is never re-assembled), so Q2 is the quarter of the same shape left to draft — its 惠企通 and
# programme sections are empty (the demo loads those for 2022-09 only).
#   bench/document_render.sh [BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
YSCTL=$BUILD/tools/ysctl/ysctl
QUARTER=${BENCH_QUARTER:-2022Q2}
CHROMIUM=${CHROMIUM:-chromium}
export YS_API_KEY=${YS_API_KEY:-$(cat "$ROOT/var/keys/office.key")}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ms() { date +%s%3N; }

"$YSCTL" bulletin show --quarter "$QUARTER" 2>/dev/null | grep -q 已签发 &&
  { echo "document_render: $QUARTER is issued; set BENCH_QUARTER to a quarter with a draft or none" >&2; exit 1; }
printf '%-6s %12s %12s %12s %12s %8s\n' round assemble_ms render_ms service_ms static_ms ratio
for round in 1 2 3; do
  t0=$(ms)
  "$YSCTL" bulletin draft --quarter "$QUARTER" > /dev/null
  t1=$(ms)
  "$YSCTL" bulletin pdf --quarter "$QUARTER" --out "$WORK/service.pdf" > /dev/null
  t2=$(ms)
  "$YSCTL" bulletin html --quarter "$QUARTER" --out "$WORK/page.html" > /dev/null
  t3=$(ms)
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-pdf-header-footer --run-all-compositor-stages-before-draw \
    --virtual-time-budget=5000 --user-data-dir="$WORK/profile" --print-to-pdf="$WORK/static.pdf" \
    "file://$WORK/page.html" > "$WORK/chromium.log" 2>&1
  t4=$(ms)
  rm -rf "$WORK/profile"
  service=$((t2 - t0))
  static=$((t4 - t3))
  printf '%-6s %12d %12d %12d %12d %8.2f\n' "$round" $((t1 - t0)) $((t2 - t1)) "$service" "$static" \
    "$(echo "$service / $static" | bc -l)"
done
pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }
echo "pages: service $(pages "$WORK/service.pdf"), static $(pages "$WORK/static.pdf"); bytes: service $(wc -c < "$WORK/service.pdf"), static $(wc -c < "$WORK/static.pdf")"
