#!/usr/bin/env bash
# e2e: the indicator service as a user meets it. Starts ys-indicator against the local stack (its
# own schema, ports and consumer group), loads the catalog with ysctl, sends 惠企通 JSON CloudEvents
# with kcat (a producer that is not ours), and checks what ysctl and the dead-letter topic show.
#   indicator_kcat.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
start_service indicator 0
METRICS_PORT=${INDICATOR_METRICS#127.0.0.1:}

# The catalog: a dry run of the seed lists the 18 first-level indicators; then the real import.
dry=$("${YSCTL[@]}" catalog import "$SRC/data/catalog/catalog.yaml" --dry-run)
[ "$(grep -cE 'added +indicator +I[0-9]{2} ' <<<"$dry")" = 18 ] || fail "dry run did not list 18 L1 indicators"
for f in units regions catalog; do "${YSCTL[@]}" catalog import "$SRC/data/catalog/$f.yaml" >/dev/null; done
"${YSCTL[@]}" catalog export > "$WORK/export.yaml"
"${YSCTL[@]}" catalog import "$WORK/export.yaml" --dry-run | grep -q '^no changes$' || fail "export does not round-trip"
"${YSCTL[@]}" indicator show I03 | grep -q '市住房和城乡建设局  带班领导 陈锋' || fail "I03 unit not resolved"

# 惠企通 events with kcat: JSON bodies, CloudEvents headers.
send() {  # send CE_ID JSON
  printf '%s\n' "$2" | kcat -P -b "$BROKERS" -t "${TOPIC_PREFIX}ys.policy.redemptions.v1" -k "E2E-$RUN" \
    -H ce_specversion=1.0 -H "ce_id=$1" -H ce_source=/huiqitong/e2e \
    -H ce_type=yingshang.indicator.v1.PolicyRedemption -H ce_time=2022-09-20T00:00:00Z \
    -H content-type=application/json
}
body() {  # body STATUS TIME CREDIT_CODE
  printf '{"redemptionId":"E2E-%s","policyId":"P1","policyName":"稳岗返还","enterpriseCreditCode":"%s","countyCode":"361102","department":"e2e-%s","amountFen":"250000","status":"%s","statusTime":"%s"}' \
    "$RUN" "$3" "$RUN" "$1" "$2"
}
send "$RUN-1" "$(body APPLIED 2022-09-01T01:00:00Z 91350100M000100Y43)"
send "$RUN-1" "$(body APPLIED 2022-09-01T01:00:00Z 91350100M000100Y43)"   # same ce_id again
send "$RUN-2" "$(body PAID 2022-09-08T01:00:00Z 91350100M000100Y43)"
send "$RUN-3" "$(body APPLIED 2022-09-02T01:00:00Z 91350100M000100Y44)"   # wrong check character

line=""
for _ in $(seq 60); do
  line=$("${YSCTL[@]}" redemptions summary --month 2022-09 --county 361102 | grep "e2e-$RUN" || true)
  [ -n "$line" ] && [ "$(awk '{print $5}' <<<"$line")" = 1 ] && break
  sleep 0.5
done
echo "summary: $line"
read -r _ _ _ applied approved paid amount median unpaid <<<"$line"
[ "$applied" = 1 ] || fail "applications $applied, want 1 (duplicate ce_id must count once)"
[ "$paid" = 1 ] || fail "payments $paid, want 1"
[ "$amount" = 2500.00 ] || fail "amount $amount, want 2500.00"
[ "$median" = 7.0 ] || fail "median days $median, want 7.0"

dlq=$(kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.policy.dlq.v1" -o beginning -e -q \
  -f '%h\n' 2>/dev/null | grep "orig_ce_id=$RUN-3" || true)
[ -n "$dlq" ] || fail "the bad event is not on ys.policy.dlq.v1"
grep -q "ys_dlq_reason_code=bad_credit_code" <<<"$dlq" || fail "dead letter without its reason: $dlq"
grep -q "check character is '4', GB 32100-2015 gives '3'" <<<"$dlq" || fail "reason text missing: $dlq"
# (Not curl | grep -q: grep leaving early can fail curl with SIGPIPE under pipefail.)
rejected=$(metric "127.0.0.1:$METRICS_PORT" 'ys_indicator_redemptions_rejected_total\{reason="bad_credit_code"\}' || echo 0)
[ "$rejected" -ge 1 ] || fail "rejection not counted"
echo "e2e indicator: catalog dry run/import/export, kcat JSON events, duplicate, dead letter: OK"
