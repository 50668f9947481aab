#!/usr/bin/env bash
# e2e: the duty service on the local stack, driven with ysctl as the service centre and the units
# would (issue #13's "must be shown"):
#  - the sample month 2022-10 (tools/duty_sample_month.sh): the compliance report lists exactly the
#    kept, broken and exempt lines, computed from the 表2 records;
#  - a unit's key registers its own leaders only (PERMISSION_DENIED naming the unit);
#  - a registration 8+ days ahead is in its week's roster; this week's roster goes out on ys.duty.v1
#    by the scheduler once (if its time has come);
#  - the .xlsx (表1 columns in order) and the .ics are read back by readers we did not write.
#   duty.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
source "$SRC/tests/e2e/lib.sh"
CENTRE_KEY=centre-$RUN
ZRZY_KEY=zrzy-$RUN
add_key "$CENTRE_KEY" centre
add_key "$ZRZY_KEY" "unit:市自然资源局"
start_service duty 6 YS_DUTY_SCHEDULER_INTERVAL=1s
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# 1. The sample month.
YS_API_KEY=$CENTRE_KEY bash "$SRC/tools/duty_sample_month.sh" "$BUILD" >/dev/null || fail "the sample month did not load"
report=$(YS_API_KEY=$CENTRE_KEY "${YSCTL[@]}" duty compliance --month 2022-10)
echo "$report"
got=$(grep -E '^市' <<<"$report" | awk '{print $2, $5, $6}' | sort)
want=$(sort <<'WANT'
周示例 2022-10 达标
吴示例 2022-W40 达标
吴示例 2022-W41 达标
吴示例 2022-W42 达标
吴示例 2022-W43 达标
吴示例 2022-W44 达标
郑示例 2022-10 达标
王示例 2022-10 未达标
冯示例 2022-W40 达标
冯示例 2022-W41 达标
冯示例 2022-W42 达标
冯示例 2022-W43 达标
冯示例 2022-W44 未达标
陈示例 2022-10 未达标
褚示例 2022-10 免于坐班
卫示例 2022-W40 达标
卫示例 2022-W41 达标
卫示例 2022-W42 达标
卫示例 2022-W43 达标
卫示例 2022-W44 达标
蒋示例 2022-10 达标
WANT
)
[ "$got" = "$want" ] || fail "the sample month's report differs from the sample's rules:
$(diff <(echo "$want") <(echo "$got"))"
grep -q "达标 17, 未达标 3, 免于坐班 1, 未到期 0" <<<"$report" || fail "counts: $(tail -2 <<<"$report")"
grep -q "local policy" <<<"$report" || fail "the hours are not labelled local policy"

# 2. A unit's key: its own leaders only. The full sample directory replaces the sample month's.
YS_API_KEY=$CENTRE_KEY "${YSCTL[@]}" duty directory import "$SRC/data/duty/directory.sample.yaml" >/dev/null
# A working day at least 8 days ahead (not late), by the official calendar; a run so close to the end
# of the published years that there is none skips this part and says so.
tuesday=""
for ahead in $(seq 8 30); do
  d=$(TZ=Asia/Shanghai date -d "+$ahead days" +%Y-%m-%d)
  if [ "$("${YSCTL[@]}" calendar is-working-day "$d" 2>/dev/null | cut -d' ' -f1)" = yes ]; then tuesday=$d; break; fi
done
if [ -z "$tuesday" ]; then
  echo "e2e.duty: no published working day 8-30 days ahead (holiday calendar of next year not loaded): registration part skipped"
  exit 0
fi
monday=$tuesday
YS_API_KEY=$ZRZY_KEY "${YSCTL[@]}" duty register --date "$tuesday" --unit 市自然资源局 --leader zrzy-main \
  --window A01 --session morning >/dev/null || fail "市自然资源局 could not register its own leader"
if denied=$(YS_API_KEY=$ZRZY_KEY "${YSCTL[@]}" duty register --date "$tuesday" --unit 市住建局 --leader zjj-main \
  --window A03 --session morning 2>&1); then
  fail "市自然资源局's key registered 市住房和城乡建设局's leader"
fi
grep -q "PERMISSION_DENIED" <<<"$denied" && grep -q "市住房和城乡建设局" <<<"$denied" \
  || fail "want PERMISSION_DENIED naming the unit, got: $denied"
echo "refused as it should be: $denied"

# 3. The roster of that week holds the sitting. This week's roster goes out once, by the scheduler,
# if its publication time (the week's first working day, 08:00) has come; before it, nothing goes out.
roster=$("${YSCTL[@]}" duty roster --week-of "$monday")
echo "$roster"
grep -q "$tuesday 上午  市自然资源局" <<<"$roster" || fail "the roster of $monday lacks the sitting"
scheduled() { metric "$DUTY_METRICS" "^ys_duty_scheduled_events_total\\{kind=\"$1\"\\}"; }
this_week=$(TZ=Asia/Shanghai date +%G-W%V)
publish_day=$("${YSCTL[@]}" calendar first-working-day --week-of "$(TZ=Asia/Shanghai date +%Y-%m-%d)" 2>/dev/null || true)
want=0
[ -n "$publish_day" ] && [ "$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M)" \> "${publish_day}T07:59" ] && want=1
sleep 4  # a few sweeps (duty.scheduler_interval 1s): nothing is sent twice
[ "$(scheduled roster)" = "$want" ] || fail "this week's roster went out $(scheduled roster) times, want $want"
on_topic=$(kcat -C -b "$BROKERS" -t "${TOPIC_PREFIX}ys.duty.v1" -o beginning -e -q -f '%k\n' 2>/dev/null | grep -c "^$this_week$" || true)
[ "$on_topic" = "$want" ] || fail "want $want event(s) keyed $this_week on ys.duty.v1, got $on_topic"
echo "this week's roster ($this_week, publication day ${publish_day:-none}) went out $want time(s)"

# 4. Exports read back by readers we did not write.
YS_API_KEY=$CENTRE_KEY "${YSCTL[@]}" duty export --form registrations --month "${tuesday:0:7}" --out "$WORK/form1.xlsx" \
  || fail "export 表1"
header=$("$PY" -c 'import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
print(",".join(str(c.value) for c in ws[2]))
print(",".join(str(c.value) for c in ws[3]))' "$WORK/form1.xlsx") || fail "openpyxl could not read the 表1 export"
echo "$header"
[ "$(head -1 <<<"$header")" = "日期,进驻部门,窗口,姓名,职务,时段,登记情况" ] || fail "表1 columns: $header"
grep -q "^$tuesday,市自然资源局," <<<"$header" || fail "表1 first row: $header"
"${YSCTL[@]}" duty calendar --leader zrzy-main --out "$WORK/zrzy.ics" >/dev/null || fail "calendar"
events=$("$PY" -c 'import sys
from icalendar import Calendar
cal = Calendar.from_ical(open(sys.argv[1], "rb").read())
for e in cal.walk("VEVENT"):
    print(e["UID"], e.decoded("DTSTART").isoformat(), e["STATUS"])' "$WORK/zrzy.ics") || fail "python3-icalendar could not parse the feed"
echo "$events"
grep -q "T01:00:00+00:00 CONFIRMED" <<<"$events" || fail "the sitting at 09:00 Asia/Shanghai is not 01:00 UTC: $events"
echo "e2e.duty: ok"
