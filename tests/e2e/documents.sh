#!/usr/bin/env bash
# e2e.documents — the quarterly bulletin (issue #16) on the local stack: indicator, ranking,
# rectification, duty and notify on their own schemas/topics, a local SMTP sink answering slowly.
# What it shows:
#   1. 2022Q3 assembled from the services (SAMPLE months 2022-07..09, 惠企通 redemptions), commented,
#      two 督办事项 picked, issued as 2022年第3期;
#   2. the PDF read back with pdftotext (poppler-utils): the five sections of §四(四) in order, every
#      L1 rank of September equal to `ysctl rankings scorecard`, the 惠企通 amount equal to the sum of
#      `ysctl redemptions summary` over the quarter, the open cases equal to `ysctl cases list`; the
#      .xlsx read by openpyxl with the same ranks as numbers;
#   3. notify SIGKILLed while the e-mails go out, restarted: each of the seven bodies has ONE message
#      (one Message-ID) carrying the issued PDF (its SHA-256); a unit's e-mail is its extract only;
#   4. issuing again refused, editing the issued one FAILED_PRECONDITION, a correction is v2 marked
#      更正 and both versions' PDFs stay retrievable;
#   5. each 督办事项 one case due a calendar month after issue; issuing the correction opens nothing new.
#   tests/e2e/documents.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
# shellcheck source=lib.sh
source "$SRC/tests/e2e/lib.sh"
PY=/usr/bin/python3

"$PY" "$SRC/tests/support/smtp_sink.py" --delay-ms 700 > "$WORK/smtp.out" 2> "$WORK/smtp.log" &
SMTP_PID=$!
trap 'rc=$?; set +e; kill $SMTP_PID 2>/dev/null; (exit $rc); e2e_cleanup' EXIT
wait_until 20 bash -c '[ "$(wc -l < "$0")" -ge 2 ]' "$WORK/smtp.out" || fail "the SMTP sink did not start"
SMTP_PORT=$(sed -n 1p "$WORK/smtp.out")
SMTP_HTTP=127.0.0.1:$(sed -n 2p "$WORK/smtp.out")

start_service indicator 0
start_service ranking 2 YS_REDIS_KEY_PREFIX="e2e$RUN:"
start_service rectification 4
start_service duty 6
sample_notify_secrets
NOTIFY_ENV=(YS_NOTIFY_ROUTING_FILE="$SRC/services/notify/routing.yaml"
  YS_NOTIFY_TEMPLATES_DIR="$SRC/services/notify/templates" YS_NOTIFY_RECIPIENTS_FILE="$SRC/data/notify/recipients.sample.yaml"
  YS_NOTIFY_SECRETS_DIR="$WORK/secrets" YS_NOTIFY_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" YS_NOTIFY_SMTP_TLS=none
  YS_NOTIFY_SMTP_TOTAL_TIMEOUT=5s YS_NOTIFY_HTTP_TOTAL_TIMEOUT=3s YS_NOTIFY_HTTP_CONNECT_TIMEOUT=1s YS_NOTIFY_DISPATCH_LEASE=12s YS_NOTIFY_DISPATCH_WORKERS=2
  YS_NOTIFY_DOCUMENTS_WORK_DIR="$WORK")
start_service notify 8 "${NOTIFY_ENV[@]}"
load_catalog
wait_for_ranking_replica

Y=("${YSCTL[@]}")
YS_KAFKA_TOPIC_PREFIX="$TOPIC_PREFIX" "$BUILD/tools/sample/ys-sample-rankings" --months 2022-07,2022-08,2022-09 >/dev/null
wait_until 90 bash -c '[ "$("$0" rankings scorecard --region 3611 --period 2022-09 2>/dev/null | grep -cE "^ *(C00|I[0-9][0-9]) ")" = 19 ]' \
  "${Y[@]}" || fail "the sample months did not arrive"
YS_KAFKA_TOPIC_PREFIX="$TOPIC_PREFIX" "$BUILD/tools/sample/ys-sample-redemptions" --month 2022-09 --count 200 --bad 0 >/dev/null
wait_until 60 bash -c '"$0" redemptions summary --month 2022-09 2>/dev/null | tail -1 | grep -qE "^total +[1-9]"' "${Y[@]}" ||
  fail "the redemptions did not arrive"
# The alerts' cases open from Kafka; the cases annex counts what is open at the cut-off: wait until
# their number holds still for 3 s, and take it as the count the draft must show.
count_cases() { "${Y[@]}" cases list | grep -cE '^RC-' || true; }
prev=-1
for _ in $(seq 40); do
  open_cases=$(count_cases)
  [ "$open_cases" = "$prev" ] && [ "$open_cases" -gt 0 ] && break
  prev=$open_cases
  sleep 3
done

# --- 1. draft, comment, pick, issue -------------------------------------------------------------
t0=$(date +%s%3N)
"${Y[@]}" bulletin draft --quarter 2022Q3 > "$WORK/draft.txt" || fail "bulletin draft: $(cat "$WORK/draft.txt")"
t1=$(date +%s%3N)
echo "assembled 2022Q3 in $((t1 - t0)) ms: $(grep -c '^    [a-z]' "$WORK/draft.txt") sections"
"${Y[@]}" bulletin comment --quarter 2022Q3 --section ranks --text "综合排名须守住全省前六。" >/dev/null
"${Y[@]}" bulletin pick --quarter 2022Q3 --unit 市住建局 --indicator I03 --title "办理建筑许可指标排名靠后" >/dev/null
"${Y[@]}" bulletin pick --quarter 2022Q3 --unit 市商务局 --indicator I12 --title "跨境贸易指标排名靠后" >/dev/null
t2=$(date +%s%3N)
"${Y[@]}" bulletin issue --quarter 2022Q3 > "$WORK/issued.txt" || fail "bulletin issue: $(cat "$WORK/issued.txt")"
t3=$(date +%s%3N)
# 3. (first half) notify killed while the e-mails go out (the sink takes 0.7 s a message).
kill -9 "${SERVICE_PID[notify]}"
wait "${SERVICE_PID[notify]}" 2>/dev/null || true
mails() { curl -fs "http://$SMTP_HTTP/_messages"; }
at_kill=$(mails | "$PY" -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin) if m["attachments"]))')
echo "issued in $((t3 - t2)) ms (PDF rendered, deliveries queued, cases opened); notify SIGKILLed with $at_kill of 7 PDF e-mails received"
[ "$at_kill" -lt 7 ] || fail "the kill came after every e-mail; nothing was tested"
grep -q "状态 已签发  编号 2022年第3期" "$WORK/issued.txt" || fail "not issued as 2022年第3期: $(head -3 "$WORK/issued.txt")"
PDF_SHA=$(sed -nE 's/^  PDF sha256 ([0-9a-f]{64}).*/\1/p' "$WORK/issued.txt")
[ -n "$PDF_SHA" ] || fail "no PDF sha256 in: $(cat "$WORK/issued.txt")"
start_service notify 8 "${NOTIFY_ENV[@]}"

# --- 2. the PDF and the .xlsx against the services ------------------------------------------------
"${Y[@]}" bulletin pdf --quarter 2022Q3 --out "$WORK/bulletin.pdf" >/dev/null
[ "$(sha256sum < "$WORK/bulletin.pdf" | cut -d' ' -f1)" = "$PDF_SHA" ] || fail "the PDF served is not the one issued"
pdftotext -layout "$WORK/bulletin.pdf" "$WORK/bulletin.txt"
echo "PDF: $(pdfinfo "$WORK/bulletin.pdf" | awk '/^Pages:/ {print $2}') pages, $(wc -c < "$WORK/bulletin.pdf") bytes"
"${Y[@]}" rankings scorecard --region 3611 --period 2022-09 > "$WORK/scorecard.txt"
total_paid=0
for m in 2022-07 2022-08 2022-09; do
  "${Y[@]}" redemptions summary --month "$m" | tail -1 >> "$WORK/redemptions.txt"
done
"$PY" - "$WORK/bulletin.txt" "$WORK/scorecard.txt" "$WORK/redemptions.txt" "$open_cases" <<'EOF' || fail "the PDF does not say what the services say"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
flat = re.sub(r"\s+", "", text)
# The five of §四(四) in the plan's order: 18+86 indicators, the 30 tasks, the 8 actions, "一件事", 惠企通.
titles = ["一、18项一级指标、86项二级指标", "二、五大环境30项具体工作任务", "三、“一号改革工程”八大行动",
          "四、自然人和法人全生命周期“一件事”", "五、惠企政策通过“惠企通”平台"]
at = [flat.find(re.sub(r"\s+", "", t)) for t in titles]
assert all(a >= 0 for a in at) and at == sorted(at), f"sections missing or out of order: {list(zip(titles, at))}"
# Every L1 (and 综合) rank of September, as the table's last month column on the indicator's line.
checked = 0
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"\s+(C00|I\d\d)\s+(\d+)/(\d+)", line)
    if not m:
        continue
    code, rank, total = m.groups()
    rows = [l for l in text.splitlines() if re.match(rf"\s*{code}\s", l) and "名/共" in l]
    assert rows, f"{code}: no row in the PDF"
    cells = re.findall(r"第(\d+)名/共(\d+)", rows[0])
    assert cells and cells[-1] == (rank, total), f"{code}: PDF {cells} vs service {rank}/{total}"
    checked += 1
assert checked == 19, f"checked {checked} of 19 ranks"
paid = sum(float(l.split()[4]) for l in open(sys.argv[3], encoding="utf-8"))
amount = f"{paid:,.2f}"
assert f"兑付金额{amount}元" in flat, f"惠企通 amount {amount} not in the PDF"
open_cases = int(sys.argv[4])
assert f"在办整改案件{open_cases}件" in flat, f"open cases {open_cases} not in the PDF"
print(f"PDF (pdftotext): five sections in order; 19 ranks of 2022-09 as ysctl; 惠企通 兑付金额 {amount} 元 "
      f"as the quarter's summaries; {open_cases} open cases as ysctl cases list")
EOF
"${Y[@]}" bulletin xlsx --quarter 2022Q3 --out "$WORK/bulletin.xlsx" >/dev/null
"$PY" - "$WORK/bulletin.xlsx" "$WORK/scorecard.txt" <<'EOF' || fail "the .xlsx does not read back"
import re, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
names = book.sheetnames
assert names[0] == "概要", names
want = {m.group(1): int(m.group(2)) for m in (re.match(r"\s+(C00|I\d\d)\s+(\d+)/", l) for l in open(sys.argv[2], encoding="utf-8")) if m}
found = {}
for ws in book.worksheets[1:]:
    rows = list(ws.iter_rows(values_only=True))
    if not rows or not rows[0] or "9月" not in " ".join(str(c) for c in rows[0] if c):
        continue
    header = [str(c) if c is not None else "" for c in rows[0]]
    col = max(i for i, h in enumerate(header) if "9月" in h)
    for r in rows[1:]:
        if r and r[0] in want and isinstance(r[col], (int, float)):
            found.setdefault(r[0], int(r[col]))
assert found == want, f"xlsx ranks {found} vs service {want}"
print(f"xlsx (openpyxl): {len(names)} sheets; the 19 September ranks are numbers equal to the service's")
EOF

# --- 3. the e-mails: each body one message with the issued PDF; a unit its extract -----------------
BODIES=(shiwei shirenda shizhengfu shizhengxie shijiwei zuzhibu xuanchuanbu)
all_bodies() { mails | "$PY" -c 'import json,sys; ms=json.load(sys.stdin); print(len({r for m in ms if m["attachments"] for r in m["rcpt_tos"]}), any("shangwu@example.invalid" in m["rcpt_tos"] for m in ms))' | grep -qx "7 True"; }
wait_until 180 all_bodies || fail "after the restart not every body (and 市商务局) has its e-mail"
mails > "$WORK/mails.json"
"$PY" - "$WORK/mails.json" "$PDF_SHA" "${BODIES[@]}" <<'EOF' || fail "the e-mails are not as they should be"
import json, sys
mails = json.load(open(sys.argv[1], encoding="utf-8"))
sha, bodies = sys.argv[2], sys.argv[3:]
dups = 0
for body in bodies:
    mine = [m for m in mails if f"{body}@example.invalid" in m["rcpt_tos"]]
    ids = {m["message_id"] for m in mine}
    assert len(ids) == 1, f"{body}: {len(ids)} distinct messages"
    dups += len(mine) - 1
    for m in mine:
        pdfs = [a for a in m["attachments"] if a["content_type"] == "application/pdf"]
        assert len(pdfs) == 1 and pdfs[0]["sha256"] == sha, f"{body}: attachments {m['attachments']}"
        assert "2022年第3期" in m["subject"], m["subject"]
        assert not m["defects"], m["defects"]
unit = [m for m in mails if "shangwu@example.invalid" in m["rcpt_tos"]]
assert len({m["message_id"] for m in unit}) == 1, f"市商务局: {len(unit)} messages"
u = unit[0]
assert not u["attachments"], "a unit's extract carries no PDF of the whole"
assert "市商务局" in u["subject"] and "市商务局" in u["text"], u["subject"]
assert "市住房和城乡建设局" not in u["text"], "市商务局's extract names 市住房和城乡建设局's lines"
print(f"e-mails: 7 bodies × 1 message (1 Message-ID each) with the issued PDF (sha256 {sha[:12]}); "
      f"{dups} repeated deliveries of the same Message-ID (the at-least-once window); "
      f"市商务局 received its extract only ({len(u['text'])} characters, no attachment)")
EOF
# A unit's extract asked by an alias (市住建局 is 市住房和城乡建设局): its own indicator, no other unit's.
"${Y[@]}" bulletin pdf --quarter 2022Q3 --for unit:市住建局 --out "$WORK/extract.pdf" >/dev/null
pdftotext -layout "$WORK/extract.pdf" - | tr -d ' ' > "$WORK/extract.txt"
grep -q "市住建局摘录\|市住房和城乡建设局摘录" "$WORK/extract.txt" || fail "the extract's title block does not name the unit"
grep -q "I03" "$WORK/extract.txt" || fail "市住房和城乡建设局's extract lacks its indicator I03"
if grep -q "开办企业" "$WORK/extract.txt"; then fail "市住房和城乡建设局's extract shows 开办企业 (市市场监管局's)"; fi
echo "extract: unit:市住建局 (an alias) gets 市住房和城乡建设局's rows (I03) and no other unit's"

# --- 4. immutability and the correction ---------------------------------------------------------
if out=$("${Y[@]}" bulletin issue --quarter 2022Q3 2>&1); then fail "issued twice: $out"; fi
grep -q "is issued" <<<"$out" || fail "a second issue: $out"
if out=$("${Y[@]}" bulletin comment --quarter 2022Q3 --section ranks --text 改 2>&1); then fail "edited: $out"; fi
echo "issue again: refused ($(head -1 <<<"$out" | cut -c1-80)…)"
SHA_V1=$(sed -nE 's/^  内容 sha256 ([0-9a-f]{64}).*/\1/p' "$WORK/issued.txt")
"${Y[@]}" bulletin correct --quarter 2022Q3 --reason "第五部分金额口径更正" > "$WORK/v2.txt" || fail "correct: $(cat "$WORK/v2.txt")"
grep -q "版本 2  状态 草稿" "$WORK/v2.txt" || fail "the correction is not a v2 draft: $(head -3 "$WORK/v2.txt")"
grep -q "更正：第五部分金额口径更正" "$WORK/v2.txt" || fail "the correction is not marked 更正"
"${Y[@]}" bulletin issue --quarter 2022Q3 > "$WORK/v2-issued.txt" || fail "issue v2: $(cat "$WORK/v2-issued.txt")"
grep -q "版本 2  状态 已签发  编号 2022年第3期" "$WORK/v2-issued.txt" || fail "v2 not issued under its number"
"${Y[@]}" bulletin show --quarter 2022Q3 --version 1 | grep -q "内容 sha256 $SHA_V1" || fail "v1 changed"
"${Y[@]}" bulletin pdf --quarter 2022Q3 --version 1 --out "$WORK/v1.pdf" >/dev/null
"${Y[@]}" bulletin pdf --quarter 2022Q3 --version 2 --out "$WORK/v2.pdf" >/dev/null
[ "$(sha256sum < "$WORK/v1.pdf" | cut -d' ' -f1)" = "$PDF_SHA" ] || fail "v1's PDF changed"
pdftotext "$WORK/v2.pdf" - | tr -d ' \n' | grep -q "更正" || fail "v2's PDF is not marked 更正"
echo "correction: v2 issued as 2022年第3期 marked 更正; v1 kept (content and PDF unchanged), both retrievable"

# --- 5. the 督办事项's cases --------------------------------------------------------------------
"${Y[@]}" bulletin items --quarter 2022Q3 > "$WORK/items.txt"
mapfile -t CASES < <(grep -oE '→ RC-[0-9]+' "$WORK/items.txt" | cut -c5- | sort -u)
[ "${#CASES[@]}" = 2 ] || fail "expected 2 cases, got: $(cat "$WORK/items.txt")"
due=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-%d) +1 month" +%Y-%m-%d)
[ "$(grep -c "截止 $due" "$WORK/items.txt")" = 2 ] || fail "cases not due $due: $(cat "$WORK/items.txt")"
bulletin_cases=$("${Y[@]}" cases list | grep -c '通报督办' || true)
[ "$bulletin_cases" = 2 ] || fail "$bulletin_cases 通报督办 cases in rectification after issuing v1 and v2"
echo "督办事项: 2 cases (${CASES[*]}) due $due, a calendar month after issue; the correction's issue opened none"
echo "e2e.documents: ok"
