#include "tools/ysctl/document_print.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/ysctl/notify_print.h"

namespace ys::ysctl::document_print {

std::string StateName(pb::DocumentState s) {
  switch (s) {
    case pb::DOCUMENT_STATE_DRAFT: return "草稿";
    case pb::DOCUMENT_STATE_ISSUED: return "已签发";
    default: return "?";
  }
}

std::string KindName(pb::DocumentKind k) {
  switch (k) {
    case pb::DOCUMENT_KIND_DISPATCH_PACK: return "调度会材料";
    case pb::DOCUMENT_KIND_BULLETIN: return "通报";
    default: return "?";
  }
}

// The web console's words (web/src/messages.ts, cases.states), so the two read alike.
std::string CaseStateName(rpb::State s) {
  switch (s) {
    case rpb::STATE_OPEN: return "待整改";
    case rpb::STATE_IN_PROGRESS: return "整改中";
    case rpb::STATE_REPORTED: return "已报结";
    case rpb::STATE_VERIFIED: return "已核验";
    case rpb::STATE_CLOSED: return "已办结";
    case rpb::STATE_REJECTED: return "核验未通过";
    case rpb::STATE_REOPENED: return "已重开";
    default: return "未知";
  }
}

namespace {

std::string OrDash(const std::string& s) { return s.empty() ? "—" : s; }

// A section's first line: key, title, and its first summary sentence (the reader's gist).
std::string SectionLine(const pb::Section& s) {
  return absl::StrFormat("    %-13s %s%s：%s", s.key(), s.title(), s.annex() ? "（附件）" : "",
                         s.summary().empty() ? "—" : s.summary(0));
}

void PrintFullSection(std::ostream& out, const pb::Section& s) {
  out << absl::StrFormat("    [%s] %s%s\n", s.key(), s.title(), s.annex() ? "（附件）" : "");
  if (!s.plan_basis().empty()) out << "      依据 " << s.plan_basis() << "\n";
  for (const std::string& line : s.summary()) out << "      " << line << "\n";
  for (const pb::Table& t : s.tables()) {
    out << absl::StrFormat("      表 %s %s：%d 行%s\n", t.key(), t.title(), t.rows_size(),
                           t.note().empty() ? "" : "（" + t.note() + "）");
  }
  for (const pb::Chart& c : s.charts()) out << absl::StrFormat("      图 %s %s\n", c.key(), c.title());
  out << "      按语：" << OrDash(s.commentary()) << "\n";
}

}  // namespace

void PrintDocument(std::ostream& out, const pb::Document& d, bool all_sections) {
  const pb::DocumentContent& c = d.content();
  out << absl::StrFormat("%s  %s%s  %s\n", d.id(), c.title().empty() ? KindName(d.kind()) : c.title(),
                         c.subtitle().empty() ? "" : "  " + c.subtitle(), d.period());
  out << absl::StrFormat("  版本 %d  状态 %s  编号 %s\n", d.version(), StateName(d.state()), OrDash(d.number()));
  if (d.correction()) {
    out << absl::StrFormat("  更正：%s%s\n", OrDash(d.correction_reason()),
                           d.corrects_id().empty() ? "" : "（更正 " + d.corrects_id() + "）");
  }
  if (c.has_cut_off()) out << "  数据截至 " << notify_print::Time(c.cut_off()) << "\n";
  if (!d.drafted_by().empty() || d.has_drafted_at()) {
    out << absl::StrFormat("  起草 %s %s\n", OrDash(d.drafted_by()), notify_print::Time(d.drafted_at()));
  }
  if (d.state() == pb::DOCUMENT_STATE_ISSUED || !d.issued_by().empty()) {
    out << absl::StrFormat("  签发 %s %s\n", OrDash(d.issued_by()), notify_print::Time(d.issued_at()));
  }
  if (!d.content_sha256().empty()) out << "  内容 sha256 " << d.content_sha256() << "\n";
  if (!d.pdf_sha256().empty()) {
    out << absl::StrFormat("  PDF sha256 %s（%d 字节）\n", d.pdf_sha256(), d.pdf_bytes());
  }
  if (d.state() == pb::DOCUMENT_STATE_ISSUED) {
    out << absl::StrFormat("  分发 %d 个收件人\n", d.delivered_to_size());
  }
  // Never silent about what is missing: a document with a missing source cannot be issued.
  for (const std::string& m : c.missing()) {
    out << "  ⚠ 缺少数据源：" << m << "（不能签发：待其恢复后重新起草）\n";
  }
  for (const std::string& n : c.notes()) out << "  说明：" << n << "\n";

  if (!c.sections().empty()) {
    out << absl::StrFormat("  章节 %d 个：\n", c.sections_size());
    for (const pb::Section& s : c.sections()) {
      if (all_sections) {
        PrintFullSection(out, s);
      } else {
        out << SectionLine(s) << "\n";
      }
    }
  }
  if (d.items().empty()) {
    out << "  督办事项：无\n";
  } else {
    out << absl::StrFormat("  督办事项 %d 项：\n", d.items_size());
    for (const pb::SupervisionItem& item : d.items()) out << "    " << ItemLine(item) << "\n";
  }
}

std::string ListLine(const pb::Document& d) {
  // The Chinese columns are not padded: widths count bytes, not the columns a terminal draws.
  return absl::StrFormat("%-16s %-8s v%-3d %s  %s  %s", d.id(), d.period(), d.version(),
                         StateName(d.state()), OrDash(d.number()),
                         d.has_issued_at() ? notify_print::Time(d.issued_at()) : "—");
}

std::string ItemLine(const pb::SupervisionItem& item) {
  std::string line = absl::StrFormat("%d  %s%s  %s  %s", item.seq(), item.unit(),
                                     item.region_code().empty() ? "" : "（" + item.region_code() + "）",
                                     OrDash(item.indicator_code()), item.title());
  if (!item.case_id().empty()) {
    absl::StrAppend(&line, "  → ", item.case_id());
  } else {
    absl::StrAppend(&line, "  待立案");
    if (!item.case_error().empty()) absl::StrAppend(&line, "（", item.case_error(), "）");
  }
  return line;
}

std::string CaseLine(const rpb::Case* c, const std::string& lookup_error) {
  if (c == nullptr) return absl::StrCat("案件查询失败：", lookup_error);
  std::string line = absl::StrFormat("%s %s  截止 %s", c->id(), CaseStateName(c->state()), OrDash(c->due_date()));
  if (c->overdue()) absl::StrAppend(&line, absl::StrFormat("（逾期 %d 天）", c->days_overdue()));
  return line;
}

}  // namespace ys::ysctl::document_print
