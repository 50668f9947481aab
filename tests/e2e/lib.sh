# Shared by the e2e scripts: a run id, a work dir, an office API key, services started against the
# local stack with their own schemas/ports/consumer groups, and waiting helpers. Source it after
# setting BUILD and SRC.
RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
BROKERS=${YS_KAFKA_BROKERS:-127.0.0.1:19092}
REDIS_PORT=${YS_REDIS_PORT:-16379}
WORK=$(mktemp -d)
BASE_PORT=${YS_E2E_BASE_PORT:-$((20000 + RANDOM % 10000))}  # the services at BASE_PORT+offset
KEY=e2e-$RUN
TOPIC_PREFIX="e2e$RUN."  # this run's own topics (kafka.topic_prefix): nothing left over from others
YSCTL=("$BUILD/tools/ysctl/ysctl")
export YS_API_KEY=$KEY
declare -A SERVICE_PID
printf 'api_keys:\n  e2e: {role: office, sha256: %s}\n' "$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)" > "$WORK/keys.yaml"
printf '%s' "$KEY" > "$WORK/office.key"  # notify reads the other services with it (its documents)

add_key() {  # add_key KEY ROLE: another API key the services started after this will accept
  printf '  %s: {role: "%s", sha256: %s}\n' "key-$(printf '%s' "$1" | sha256sum | cut -c1-8)" "$2" \
    "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)" >> "$WORK/keys.yaml"
}

e2e_cleanup() {
  local rc=$?
  for p in "${SERVICE_PID[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || "$SRC/deploy/local/stack.sh" up >/dev/null 2>&1 || true
  # This run's schemas go with it (the e2e sigkill runs alone leave 100,000 facts behind), unless
  # it failed: then they are kept for a look.
  local s
  [ "$rc" = 0 ] || echo "e2e: schemas e2e_*_$RUN kept for inspection (DROP SCHEMA … CASCADE when done)"
  [ "$rc" = 0 ] && for s in $(psql -X -qtA "${YS_PG_URI:-postgresql://postgres@127.0.0.1:15432/yingshang}" \
               -c "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'e2e\\_%\\_$RUN'" 2>/dev/null); do
    psql -X -q "${YS_PG_URI:-postgresql://postgres@127.0.0.1:15432/yingshang}" -c "DROP SCHEMA $s CASCADE" \
      >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap e2e_cleanup EXIT

fail() {
  echo "FAIL: $*"
  for f in "$WORK"/*.log; do echo "--- $f"; { grep -v '"level":"info"' "$f" || true; } | tail -10; done
  exit 1
}

wait_until() {  # wait_until SECONDS CMD...: true once CMD succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.3; done
}

# start_service NAME OFFSET [ENV=VALUE...]: ys-NAME on 127.0.0.1:BASE_PORT+OFFSET (metrics +1),
# schema e2e_NAME_RUN, topics prefixed with TOPIC_PREFIX; exports YS_<NAME>_ADDRESS for ysctl
# and <NAME>_METRICS; waits for SERVING. With REPLICA=X set (REPLICA=b start_service …), another
# replica of NAME on the same schema, consumer group and topics: SERVICE_PID[NAME-X], $WORK/NAME-X.log,
# YS_<NAME>_<X>_ADDRESS and <NAME>_<X>_METRICS.
start_service() {
  local name=$1 offset=$2; shift 2
  local port=$((BASE_PORT + offset)) upper id=$name${REPLICA:+-$REPLICA}
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$name${REPLICA:+_$REPLICA}")
  local extra=()
  # notify's documents read the services this run started (their addresses exported below).
  [ "$name" = notify ] && extra=(YS_NOTIFY_DOCUMENTS_SERVICE_KEY_FILE="$WORK/office.key"
    YS_NOTIFY_DOCUMENTS_RANKING="${YS_RANKING_ADDRESS:-127.0.0.1:1}" YS_NOTIFY_DOCUMENTS_INDICATOR="${YS_INDICATOR_ADDRESS:-127.0.0.1:1}"
    YS_NOTIFY_DOCUMENTS_RECTIFICATION="${YS_RECTIFICATION_ADDRESS:-127.0.0.1:1}" YS_NOTIFY_DOCUMENTS_DUTY="${YS_DUTY_ADDRESS:-127.0.0.1:1}")
  env "${extra[@]}" YS_KAFKA_GROUP_ID=e2e-$RUN-$name YS_KAFKA_TOPIC_PREFIX="$TOPIC_PREFIX" YS_AUTH_API_KEYS_FILE="$WORK/keys.yaml" YS_PG_SCHEMA="e2e_${name}_$RUN" \
    YS_AUTH_UNITS_FILE="$SRC/data/catalog/units.yaml" YS_AUTH_REGIONS_FILE="$SRC/data/catalog/regions.yaml" \
    YS_GRPC_LISTEN=127.0.0.1:$port YS_METRICS_LISTEN=127.0.0.1:$((port + 1)) "$@" \
    "$BUILD/services/$name/ys-$name" --config "$SRC/services/$name/config.example.yaml" \
    >> "$WORK/$id.log" 2>&1 &
  SERVICE_PID[$id]=$!
  export "YS_${upper}_ADDRESS=127.0.0.1:$port"
  printf -v "${upper}_METRICS" '127.0.0.1:%d' $((port + 1))
  wait_until 60 "${YSCTL[@]}" health --address 127.0.0.1:$port >/dev/null 2>&1 || fail "ys-$name not SERVING"
}

# The secrets the sample recipients' channels name (data/notify/recipients.sample.yaml), made here
# under $WORK/secrets (notify.secrets_dir): its robots lead nowhere, the names must only resolve.
sample_notify_secrets() {
  local ref
  for ref in $(grep -oE 'secret_ref: [A-Za-z0-9_./-]+' "$SRC/data/notify/recipients.sample.yaml" | cut -d' ' -f2); do
    mkdir -p "$(dirname "$WORK/secrets/$ref")"
    head -c 24 /dev/urandom | base64 > "$WORK/secrets/$ref"
  done
}

# The three services, the seed catalog in, and the ranking service's replica caught up with it.
start_services_with_catalog() {
  start_service indicator 0
  start_service ranking 2 YS_REDIS_KEY_PREFIX="e2e$RUN:"
  start_service rectification 4
  load_catalog
  wait_for_ranking_replica
}

# The seed catalog into the indicator service, and (when ranking runs) into its replica.
load_catalog() {
  for f in units regions catalog; do "${YSCTL[@]}" catalog import "$SRC/data/catalog/$f.yaml" >/dev/null; done
}
wait_for_ranking_replica() {  # 上饶市 and 12 counties × (综合 + 18 L1 + the seed's 40 draft L2)
  wait_until 60 bash -c '"$0" rankings completeness --period 2022-09 2>/dev/null | grep -q "of 767 expected"' \
    "${YSCTL[@]}" || fail "the ranking service's catalog replica did not arrive"
}

metric() {  # metric HOST:PORT REGEX: the sum of the matching samples
  # (no matching sample is 0: grep's status would end a script under pipefail, with no message)
  curl -fs "http://$1/metrics" | { grep -E "$2" || true; } | awk '{s += $NF} END {printf "%d\n", s}'
}

memory_mib() {  # memory_mib PID [FIELD]: a process's VmRSS (or VmHWM, its peak) in MiB; "-" once it is gone
  awk -v field="${2:-VmRSS}" '$1 == field ":" {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo -
}

psql_e2e() {  # psql_e2e SCHEMA SQL: one value
  psql -X -qtA "${YS_PG_URI:-postgresql://postgres@127.0.0.1:15432/yingshang}" \
    -c "SET search_path TO $1" -c "$2" | tail -1
}

# ranking_facts N SOURCE FILE: N structured-mode JSON ranking CloudEvents from platform SOURCE, one
# per line as "KEY<TAB>EVENT" for kcat -K: month after month from 2021-01, every indicator of the
# running ranking service's catalog, the 11 cities (ranks a permutation of 1..11) and the 100
# counties (a permutation of 1..100).
ranking_facts() {
  local indicators cities counties
  mapfile -t indicators < <("${YSCTL[@]}" indicators list | awk '$1 ~ /^(C00|I[0-9][0-9](-[0-9][0-9])?)$/ {print $1}')
  cities=$(grep -oE '\{code: "36[0-9]{2}"' "$SRC/data/catalog/regions.yaml" | grep -oE '36[0-9]{2}' | tr '\n' ' ')
  counties=$(sed -n '/^jiangxi_counties:/,$p' "$SRC/data/catalog/regions.yaml" | grep -oE '\b36[0-9]{4}\b' | sort -u | tr '\n' ' ')
  awk -v n="$1" -v run="$RUN" -v src="$2" -v inds="${indicators[*]}" -v cities="$cities" -v counties="$counties" '
BEGIN {
  ni = split(inds, I, " "); nc = split(cities, C, " "); nk = split(counties, K, " ")
  made = 0
  for (m = 0; made < n; m++) {
    period = sprintf("%04d-%02d", 2021 + int(m / 12), m % 12 + 1)
    for (i = 1; i <= ni && made < n; i++) {
      for (c = 1; c <= nc && made < n; c++) emit(I[i], "SCOPE_CITY", C[c], (c + i + m) % nc + 1, nc, period)
      for (c = 1; c <= nk && made < n; c++) emit(I[i], "SCOPE_COUNTY", K[c], (c * 7 + i + m) % nk + 1, nk, period)
    }
  }
}
function emit(ind, scope, region, rank, total, period) {
  printf "%s/%s/%s\t{\"specversion\":\"1.0\",\"id\":\"%s-%d\",\"source\":\"/platform/%s\",\"type\":\"yingshang.ranking.v1.RankingFact\",\"data\":{\"evaluation\":\"EVALUATION_OFFICIAL\",\"indicatorCode\":\"%s\",\"scope\":\"%s\",\"regionCode\":\"%s\",\"period\":\"%s\",\"rank\":%d,\"total\":%d,\"revision\":\"1\"}}\n", \
    ind, region, period, run, made, src, ind, scope, region, period, rank, total
  made++
}' > "$3"
}
