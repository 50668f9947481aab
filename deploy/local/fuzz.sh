#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, in build-fuzz: clang++-14, ASan and UBSan, libFuzzer) and runs each
# for a while. New inputs go to a scratch corpus under var/fuzz/<target> (fuzz/corpus/<target> holds
# the seeds, read but never written); crashing inputs to var/fuzz/crashes/<target>-crash-<sha1>.
# One line per target: executions per second, executions in total, crashes. Exits 1 when a target
# crashed, leaked, timed out on one input or broke one of its properties.
#
# Usage: fuzz.sh [--seconds N] [--jobs N] [--no-build | --build-only] [target ...]
#   --seconds N   how long each target runs (default $FUZZ_SECONDS, else 600)
#   --jobs N      targets run at once, each on one core (default: the number of cores)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VAR=${YS_VAR:-$ROOT/var}
BUILD=${YS_FUZZ_BUILD:-$ROOT/build-fuzz}
RUN_SECONDS=${FUZZ_SECONDS:-600}
JOBS=$(nproc)
BUILD_STEP=1
RUN_STEP=1
ALL_TARGETS=(cloud_event_binary cloud_event_structured fact_json redemption_json catalog_yaml csv duty_forms connect_request)
# An input taking longer than this (seconds, under the sanitizers) is a finding: one record must not
# stall a consumer.
INPUT_TIMEOUT=10

die() { printf 'fuzz: %s\n' "$*" >&2; exit 2; }

targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) RUN_SECONDS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --no-build) BUILD_STEP=""; shift ;;
    --build-only) RUN_STEP=""; shift ;;
    -*) die "unknown option $1" ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  [ -f "$ROOT/fuzz/$t.cc" ] || die "no fuzz target $t (fuzz/$t.cc)"
done

if [ -n "$BUILD_STEP" ]; then
  # As the Makefile does: ccache hits across clones (CI builds a fresh clone in another folder).
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
  command -v clang++-14 >/dev/null || die "clang++-14 is missing: run 'make deps'"
  # Debug: assertions on; the flags of YS_FUZZ add -O1.
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DYS_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
  cmake --build "$BUILD" -j "$JOBS"
fi
[ -n "$RUN_STEP" ] || exit 0

CRASHES=$VAR/fuzz/crashes
mkdir -p "$CRASHES"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/fuzz/lsan.supp:print_suppressions=0}

artifacts() { find "$CRASHES" -maxdepth 1 -name "$1-*" ! -name "$1-slow-unit-*" 2>/dev/null | wc -l; }

# Runs one target; leaves "<exec/s> <execs> <crashes> <corpus size> <exit code>" in its result file.
run() {
  local t=$1 dir=$VAR/fuzz/$1 dict=""
  mkdir -p "$dir/corpus"
  case "$t" in
    cloud_event_*|fact_json|redemption_json) dict=$ROOT/fuzz/json.dict ;;
    catalog_yaml|duty_forms) dict=$ROOT/fuzz/yaml.dict ;;
  esac
  local before rc=0
  before=$(artifacts "$t")
  "$BUILD/fuzz/fuzz_$t" -max_total_time="$RUN_SECONDS" -print_final_stats=1 -timeout="$INPUT_TIMEOUT" \
    -rss_limit_mb=2048 -artifact_prefix="$CRASHES/$t-" ${dict:+-dict="$dict"} \
    "$dir/corpus" "$ROOT/fuzz/corpus/$t" >"$dir/log" 2>&1 || rc=$?
  local execs rate crashes=$(( $(artifacts "$t") - before ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  if [ -z "$execs" ]; then  # no final stats after a crash: the last status line
    execs=$(grep -o '^#[0-9]*' "$dir/log" | tail -1 | tr -d '#')
    rate=$(grep -o 'exec/s: [0-9]*' "$dir/log" | tail -1 | grep -o '[0-9]*$')
  fi
  [ "$rc" = 0 ] || [ "$crashes" -gt 0 ] || crashes=1  # died without leaving an input
  echo "${rate:-0} ${execs:-0} $crashes $(find "$dir/corpus" -type f | wc -l) $rc" >"$dir/result"
}

echo "fuzz: ${#targets[@]} target(s), ${RUN_SECONDS} s each, $JOBS at a time; logs under $VAR/fuzz/<target>/log"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  rm -f "$VAR/fuzz/$t/result"
  run "$t" &
done
wait

failed=0
for t in "${targets[@]}"; do
  if ! read -r rate execs crashes corpus rc <"$VAR/fuzz/$t/result"; then
    printf 'fuzz: %-24s did not run\n' "$t"; failed=1; continue
  fi
  printf 'fuzz: %-24s %5s s %8s exec/s %12s execs %3s crash(es)  corpus %s\n' \
    "$t" "$RUN_SECONDS" "$rate" "$execs" "$crashes" "$corpus"
  if [ "$crashes" != 0 ]; then
    failed=1
    grep -m1 -E '^==[0-9]+==ERROR|runtime error|fuzz property broken|terminate called|^SUMMARY' "$VAR/fuzz/$t/log" | sed 's/^/      /' || true
  fi
done
[ "$failed" = 0 ] || { echo "fuzz: crashes above; inputs in $CRASHES, logs in $VAR/fuzz/<target>/log" >&2; exit 1; }
