#!/usr/bin/env bash
# The web console's JavaScript as a browser fetches it (issue #15): what index.html loads before
# anything is drawn, gzipped, beside the largest lazily loaded chunks (ECharts and Element Plus are
# imported per component, so they load with the pages that use them). Run after `make build`.
#   bench/web_size.sh [SOURCE_DIR]
set -euo pipefail
SRC=${1:-$(cd "$(dirname "$0")/.." && pwd)}
DIST=$SRC/web/dist
[ -f "$DIST/index.html" ] || { echo "web_size: $DIST/index.html missing (make build)" >&2; exit 1; }
gz() { gzip -9 -c "$1" | wc -c; }
initial=0
echo "loaded by index.html:"
for f in $(grep -oE '(src|href)="/assets/[^"]+\.(js|css)"' "$DIST/index.html" | sed -E 's/.*"\/(assets\/[^"]+)"/\1/'); do
  printf '  %-40s %9d B raw %8d B gzipped\n' "$f" "$(wc -c < "$DIST/$f")" "$(gz "$DIST/$f")"
  case $f in *.js) initial=$((initial + $(gz "$DIST/$f"))) ;; esac
done
total=0
for f in "$DIST"/assets/*.js; do total=$((total + $(gz "$f"))); done
echo "largest lazily loaded chunks:"
for f in $(ls -S "$DIST"/assets/*.js | head -4); do
  printf '  %-40s %9d B raw %8d B gzipped\n' "assets/$(basename "$f")" "$(wc -c < "$f")" "$(gz "$f")"
done
printf 'initial JavaScript %d B gzipped, all JavaScript %d B gzipped: ratio %.2f\n' "$initial" "$total" \
  "$(echo "$initial / $total" | bc -l)"
