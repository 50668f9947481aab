#!/usr/bin/env bash
# Builds the web console (web/): npm ci when the lock file changed since the last install, then the
# Connect clients generated from proto/, the type check and Vite's build into web/dist. Needs
# Node.js 18.19 or later and npm (make deps installs Debian 12's when the machine has none).
#   web.sh build | test
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WEB=$ROOT/web
command -v npm >/dev/null 2>&1 || { echo "web: npm not found (make deps installs Node.js and npm)" >&2; exit 1; }
major=$(node --version | sed -E 's/^v([0-9]+).*/\1/')
[ "$major" -ge 18 ] || { echo "web: Node.js $(node --version) is too old: the console needs 18.19 or later" >&2; exit 1; }

install() {
  # npm ci wipes node_modules: only when package-lock.json is newer than the last install.
  if [ ! -f "$WEB/node_modules/.package-lock.json" ] || [ "$WEB/package-lock.json" -nt "$WEB/node_modules/.package-lock.json" ]; then
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

case "${1:-build}" in
  build) install; (cd "$WEB" && npm run --silent build) ;;
  test) install; (cd "$WEB" && npm test --silent) ;;
  *) echo "usage: web.sh build|test" >&2; exit 2 ;;
esac
