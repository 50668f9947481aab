#!/usr/bin/env bash
# Loads the SAMPLE month October 2022 (data/duty/sample-2022-10) into a running duty service: its
# three-unit directory, the 表2 records the centre's 管理科 entered from paper, one exemption and the
# window staff. Every duty rule is then kept and broken, and one main leader is excused:
# `ysctl duty compliance --month 2022-10` lists exactly that (docs/rules.md §10). Safe to run again:
# a unit that already has October's records, or a member already on the list, is left as it is.
#   tools/duty_sample_month.sh BUILD_DIR   (YS_API_KEY: a centre key; YS_DUTY_ADDRESS)
set -euo pipefail
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
Y=("$BUILD/tools/ysctl/ysctl")

"${Y[@]}" duty directory import "$SRC/data/duty/sample-2022-10/directory.yaml" >/dev/null
loaded() {  # loaded UNIT: October's records of the unit are in
  ! "${Y[@]}" duty records --unit "$1" --from 2022-10-01 --to 2022-11-06 | grep -q "^0 record(s)$"
}
record() {  # record UNIT WINDOW LEADER DATE START END
  "${Y[@]}" duty record --paper --unit "$1" --window "$2" --leader "$3" --date "$4" --start "$5" --end "$6" \
    --summary "听取办事群众意见，检查窗口运行（示例）" >/dev/null
}
# 市自然资源局: the main leader half a day; the deputy a whole day every week (10-08 is a 调休 Saturday).
if ! loaded 市自然资源局; then
  record 市自然资源局 A01 s-zrzy-main 2022-10-12 09:00 12:00
  for d in 2022-10-08 2022-10-11 2022-10-18 2022-10-25 2022-10-31; do
    record 市自然资源局 A01 s-zrzy-deputy "$d" 09:00 17:30
  done
fi
# 市住建局 (市住房和城乡建设局): the main leader 90 minutes; the deputy misses a whole day in week 44.
if ! loaded 市住建局; then
  record 市住建局 A05 s-zj-main 2022-10-20 09:00 10:30
  for d in 2022-10-09 2022-10-12 2022-10-19 2022-10-26; do
    record 市住建局 A05 s-zj-deputy "$d" 09:00 17:30
  done
  record 市住建局 A05 s-zj-deputy 2022-11-01 09:00 12:00
fi
# 市市场监管局 (市市场监督管理局): the main leader excused by the centre ("原则上"); the deputy a whole
# day every week.
"${Y[@]}" duty exempt --leader s-scjg-main --month 2022-10 --reason "赴省参加全省市场监管工作会议（示例）" >/dev/null
if ! loaded 市市场监管局; then
  for d in 2022-10-09 2022-10-13 2022-10-20 2022-10-27 2022-11-03; do
    record 市市场监管局 C02 s-scjg-deputy "$d" 09:00 17:30
  done
fi
# Window staff: the approval section chiefs of 市自然资源局 and 市市场监管局 are posted; 市住建局's is not.
staff() {  # staff UNIT WINDOW NAME on|off [flags...]
  local unit=$1 window=$2 name=$3 employment=$4; shift 4
  "${Y[@]}" staff list --unit "$unit" | grep -q " $name " && return 0
  "${Y[@]}" staff add --unit "$unit" --window "$window" --name "$name" --employment "$employment" \
    --posted 2022-01-04 --letter "饶政务函〔2022〕1号（示例）" "$@" >/dev/null
}
staff 市自然资源局 A01 郑示例 on --approval --section-head --chief
staff 市市场监管局 C02 蒋示例 on --approval --section-head --chief
staff 市住建局 A05 住建窗口甲（示例） on
staff 市住建局 A05 住建窗口乙（示例） off
echo "sample month 2022-10 loaded (SAMPLE, 示例): ysctl duty compliance --month 2022-10"
