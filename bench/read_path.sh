#!/usr/bin/env bash
# bench/read_path.sh (issue #18): the read RPCs' tail latency beside a trivial call on the same
# server, measured in the same run. ys-ranking holds two provincial months (2021-01 and 2021-02: 11
# cities and 100 counties on every indicator of the seed catalog, 13,098 facts) and ys-rectification
# the cases their alerts opened. For each call, the load generator sends RPS requests/s from
# CONCURRENCY clients for SECONDS; ROUNDS rounds, each call once per round, health first. Printed:
# each call's p50/p99 (the median over the rounds), its p99 as a multiple of the health check's p99
# on the same server (the target is at most 2.0), the service's CPU per call and the client's CPU.
# The load generator is bench/read_load (bytes out, bytes in: it decodes nothing, so the two cores
# stay with the server); READ_CLIENT=ghz uses ghz (installed by make deps), which decodes every answer.
#   bench/read_path.sh BUILD_DIR SOURCE_DIR     (the local stack up: make stack-up)
# READ_RPS (2000), READ_CONCURRENCY (16), READ_SECONDS (10), READ_ROUNDS (3), READ_CLIENT (read_load),
# READ_CALLS (every call; or names, comma-separated: READ_CALLS="rectification health,ListCases").
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "${2:-.}" && pwd)
RPS=${READ_RPS:-2000}
CONCURRENCY=${READ_CONCURRENCY:-16}
DURATION=${READ_SECONDS:-10}
ROUNDS=${READ_ROUNDS:-3}
source "$SRC/tests/e2e/lib.sh"
source "$SRC/tests/support/find_tool.sh"
CLIENT=${READ_CLIENT:-read_load}
GHZ=""
if [ "$CLIENT" = ghz ]; then
  GHZ=$(find_tool ghz) || fail "ghz not found on PATH or in \$(go env GOPATH)/bin (make deps)"
else
  [ -x "$BUILD/bench/read_load" ] || fail "$BUILD/bench/read_load is not built (make build)"
fi
PY=/usr/bin/python3

start_service indicator 0
start_service ranking 2 YS_REDIS_KEY_PREFIX="read$RUN:"
start_service rectification 4
load_catalog
wait_for_ranking_replica
ranking_facts 13098 bench "$WORK/facts.jsonl"
kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.rankings.submitted.v1" -K $'\t' \
  -H content-type=application/cloudevents+json -l "$WORK/facts.jsonl"
stored() { [ "$(psql_e2e "e2e_ranking_$RUN" "SELECT count(*) FROM current_facts")" = 13098 ]; }
wait_until 300 stored || fail "the facts were not all stored"
cases_settled() {  # the alerts' cases opened and no longer growing
  local now
  now=$(psql_e2e "e2e_rectification_$RUN" "SELECT count(*) FROM cases")
  [ "$now" -gt 0 ] && [ "$now" = "${last_cases:-}" ] && return 0
  last_cases=$now
  sleep 2
  return 1
}
wait_until 300 cases_settled || fail "no cases were opened from the alerts"

R=$YS_RANKING_ADDRESS
C=$YS_RECTIFICATION_ADDRESS
CALLS=(  # name|address|service.Method|request JSON|request type
  "health|$R|grpc.health.v1.Health.Check|{}|grpc.health.v1.HealthCheckRequest"
  "GetScorecard|$R|yingshang.ranking.v1.RankingQuery.GetScorecard|{\"region_code\":\"3611\",\"period\":\"2021-02\"}|yingshang.ranking.v1.GetScorecardRequest"
  "GetIndicatorRanking|$R|yingshang.ranking.v1.RankingQuery.GetIndicatorRanking|{\"indicator_code\":\"I01\",\"scope\":\"SCOPE_CITY\",\"period\":\"2021-02\"}|yingshang.ranking.v1.GetIndicatorRankingRequest"
  "GetHistory|$R|yingshang.ranking.v1.RankingQuery.GetHistory|{\"indicator_code\":\"I01\",\"region_code\":\"3611\",\"from_period\":\"2021-01\",\"to_period\":\"2021-12\"}|yingshang.ranking.v1.GetHistoryRequest"
  "rectification health|$C|grpc.health.v1.Health.Check|{}|grpc.health.v1.HealthCheckRequest"
  "ListCases|$C|yingshang.rectification.v1.RectificationService.ListCases|{}|yingshang.rectification.v1.ListCasesRequest"
)
if [ -n "${READ_CALLS:-}" ]; then
  picked=()
  for c in "${CALLS[@]}"; do [[ ",$READ_CALLS," == *",${c%%|*},"* ]] && picked+=("$c"); done
  [ ${#picked[@]} -gt 0 ] || fail "READ_CALLS=$READ_CALLS names no call"
  CALLS=("${picked[@]}")
fi
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
load_command() {  # load_command ADDRESS CALL DATA TYPE SECONDS: the load generator's command line, in CMD
  if [ "$CLIENT" = ghz ]; then
    CMD=("$GHZ" --insecure --call "$2" -d "$3" --metadata "{\"authorization\":\"Bearer $KEY\"}" --rps "$RPS"
      -c "$CONCURRENCY" -z "${5}s" --connections 1 --format json "$1")
  else
    CMD=("$BUILD/bench/read_load" --address "$1" --method "/${2%.*}/${2##*.}" --type "$4" --json "$3" --key "$KEY"
      --rps "$RPS" --concurrency "$CONCURRENCY" --seconds "$5")
  fi
}
load_run() {  # load_run ADDRESS CALL DATA TYPE OUT PID: one run, its report in OUT, CPU used in OUT.cpu
  local before
  load_command "$1" "$2" "$3" "$4" "$DURATION"
  before=$(cpu_ticks "$6")
  /usr/bin/time -f '%U %S' -o "$5.clientcpu" "${CMD[@]}" > "$5" 2> "$5.err" ||
    fail "$CLIENT $2 failed: $(head -c 400 "$5.err")"
  echo "$(( $(cpu_ticks "$6") - before )) $(getconf CLK_TCK) $(awk '{print $1 + $2}' "$5.clientcpu")" > "$5.cpu"
}
# Warm-up: every call once at the full rate for 3 s (connections, caches).
for c in "${CALLS[@]}"; do
  IFS='|' read -r name addr call data type <<<"$c"
  load_command "$addr" "$call" "$data" "$type" 3
  "${CMD[@]}" > /dev/null 2>&1 || true
done
rss_peak=0
for ((round = 1; round <= ROUNDS; round++)); do
  i=0
  for c in "${CALLS[@]}"; do
    IFS='|' read -r name addr call data type <<<"$c"
    pid=${SERVICE_PID[ranking]}
    [ "$addr" = "$C" ] && pid=${SERVICE_PID[rectification]}
    load_run "$addr" "$call" "$data" "$type" "$WORK/r$round-$i.json" "$pid"
    r=$(memory_mib "${SERVICE_PID[ranking]}" VmHWM)
    [ "$r" -gt "$rss_peak" ] && rss_peak=$r
    i=$((i + 1))
  done
done
names=()
for c in "${CALLS[@]}"; do IFS='|' read -r name _ <<<"$c"; names+=("$name"); done
echo "read_path: $CLIENT at $RPS requests/s, $CONCURRENCY concurrent clients, ${DURATION}s a run, $ROUNDS rounds (medians);"
echo "  ys-ranking holding 13,098 facts (2 months), ys-rectification the $last_cases cases their alerts opened"
"$PY" - "$WORK" "$ROUNDS" "${names[@]}" <<'EOF'
import json, statistics, sys
work, rounds, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def report(r, i):
    d = json.load(open(f"{work}/r{r}-{i}.json"))
    lat = {int(p["percentage"]): p["latency"] / 1e6 for p in d.get("latencyDistribution") or []}
    ok = d.get("statusCodeDistribution", {}).get("OK", 0)
    ticks, hz, client_cpu = open(f"{work}/r{r}-{i}.json.cpu").read().split()
    server_ms = int(ticks) * 1000.0 / int(hz) / max(1, d.get("count", 0))
    return (lat.get(50, float("nan")), lat.get(99, float("nan")), d.get("rps", 0.0), ok, d.get("count", 0),
            server_ms, float(client_cpu) / (d.get("total", 1e9) / 1e9))
rows = {}
for i, name in enumerate(names):
    rs = [report(r, i) for r in range(1, rounds + 1)]
    rows[name] = (statistics.median(x[0] for x in rs), statistics.median(x[1] for x in rs),
                  statistics.median(x[2] for x in rs), sum(x[3] for x in rs), sum(x[4] for x in rs),
                  [x[1] for x in rs], statistics.median(x[5] for x in rs), statistics.median(x[6] for x in rs))
print(f"  {'call':22s} {'p50 ms':>8s} {'p99 ms':>8s} {'rps':>6s} {'OK/calls':>13s} {'p99/health':>10s} "
      f"{'server CPU ms/call':>18s} {'client cores':>12s}  p99 each round")
for name in names:
    p50, p99, rps, ok, n, each, server_ms, client_cores = rows[name]
    base = rows.get("rectification health" if name == "ListCases" else "health", [0, float("nan")])[1]
    ratio = "" if "health" in name else f"{p99 / base:6.2f}"
    print(f"  {name:22s} {p50:8.2f} {p99:8.2f} {rps:6.0f} {f'{ok}/{n}':>13s} {ratio:>10s} {server_ms:18.3f} "
          f"{client_cores:12.2f}  {' '.join(f'{x:.2f}' for x in each)}")
print("  p99/health: the call's p99 over the health check's on the same server (issue #18's target: <= 2.0);")
print("  ListCases against ys-rectification's own health check. server CPU: the service process alone;")
print("  client cores: the load generator's CPU on the same two cores (ghz decodes every answer, read_load does not).")
EOF
echo "  ys-ranking peak RSS during the runs: $rss_peak MiB"
