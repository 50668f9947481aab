#include "services/notify/compose.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace ys::notify {
namespace {

int Rank(const std::string& severity) {
  if (severity == "critical") return 2;
  if (severity == "warning") return 1;
  return 0;
}

std::string TitleOf(const std::string& event_type) {
  const EventTypeTitles& titles = DefaultEventTypeTitles();
  auto it = titles.find(event_type);
  return it == titles.end() ? event_type : it->second;
}

std::string LocalMinute(absl::Time t) { return absl::FormatTime("%m-%d %H:%M", t, Shanghai()); }

struct Line {
  std::string key;
  NotifiedAlert::Status status;
  const AlertEntry* entry;  // null when `before` lacks the key
};

std::string Mark(NotifiedAlert::Status status) {
  switch (status) {
    case NotifiedAlert::Status::kNew: return "〔新〕";
    case NotifiedAlert::Status::kChanged: return "〔更新〕";
    case NotifiedAlert::Status::kWithdrawn: return "〔已撤回〕";
    case NotifiedAlert::Status::kUnchanged: return "";
  }
  return "";
}

}  // namespace

const EventTypeTitles& DefaultEventTypeTitles() {
  static const EventTypeTitles* titles = new EventTypeTitles{
      {"ranking_alert", "排名预警"},          {"case_opened", "整改立案"},
      {"case_overdue", "整改督办"},           {"case_reported", "整改报告"},
      {"case_verified", "整改核验"},          {"case_closed", "整改销号"},
      {"case_referred", "移交纪委监委"},      {"duty_roster_published", "坐班安排"},
      {"duty_reminder", "坐班提醒"},          {"duty_compliance_report", "坐班情况通报"},
      {"duty_violation", "坐班违规"},         {"duty_record_overdue", "坐班记录逾期"},
      {"duty_replacement_overdue", "窗口人员调整逾期"},
  };
  return *titles;
}

std::string HighestSeverity(const std::vector<std::string>& severities) {
  int best = 0;
  for (const std::string& s : severities) best = std::max(best, Rank(s));
  return best == 2 ? "critical" : best == 1 ? "warning" : "info";
}

ComposedMessage ComposeGroup(const GroupNotification& notification, const GroupState& before,
                             const std::vector<std::string>& suppressed) {
  const std::set<std::string, std::less<>> hidden(suppressed.begin(), suppressed.end());
  std::vector<Line> lines;
  for (const NotifiedAlert& a : notification.alerts) {
    if (hidden.contains(a.key)) continue;
    auto it = before.members.find(a.key);
    lines.push_back({a.key, a.status, it == before.members.end() ? nullptr : &it->second});
  }
  ComposedMessage out;
  out.members = static_cast<int>(lines.size());
  if (lines.empty()) return out;

  std::vector<std::string> severities;
  std::set<std::string> types;
  absl::Time newest = absl::InfinitePast();
  bool all_withdrawn = true;
  int counts[4] = {0, 0, 0, 0};
  for (const Line& l : lines) {
    counts[static_cast<int>(l.status)]++;
    all_withdrawn = all_withdrawn && l.status == NotifiedAlert::Status::kWithdrawn;
    if (l.entry == nullptr) continue;
    const MemberContent& c = l.entry->content;
    severities.push_back(c.severity);
    types.insert(c.event_type);
    if (c.occurred_at >= newest) {
      newest = c.occurred_at;
      out.event_id = c.event_id;
      out.event_source = c.event_source;
    }
  }
  out.severity = HighestSeverity(severities);
  out.event_type = types.size() == 1 ? *types.begin() : "mixed";
  out.withdrawn = all_withdrawn;
  out.occurred_at = newest;

  if (lines.size() == 1 && lines[0].entry != nullptr) {
    const MemberContent& c = lines[0].entry->content;
    const std::string prefix = notification.repeat ? "（再次提醒）" : "";
    out.title = prefix + c.title;
    out.markdown = c.markdown;
    out.mail_text = c.mail_text;
    return out;
  }

  // Several: "【汇总】排名预警 12 条（新增 10、更新 1、撤回 1）".
  std::vector<std::string> changes;
  if (counts[static_cast<int>(NotifiedAlert::Status::kNew)] > 0)
    changes.push_back(absl::StrCat("新增 ", counts[static_cast<int>(NotifiedAlert::Status::kNew)]));
  if (counts[static_cast<int>(NotifiedAlert::Status::kChanged)] > 0)
    changes.push_back(absl::StrCat("更新 ", counts[static_cast<int>(NotifiedAlert::Status::kChanged)]));
  if (counts[static_cast<int>(NotifiedAlert::Status::kWithdrawn)] > 0)
    changes.push_back(absl::StrCat("撤回 ", counts[static_cast<int>(NotifiedAlert::Status::kWithdrawn)]));
  if (changes.empty()) changes.push_back("再次提醒");
  const std::string kind = out.event_type == "mixed" ? "通知" : TitleOf(out.event_type);
  out.title = absl::StrCat("【汇总】", kind, " ", lines.size(), " 条（", absl::StrJoin(changes, "、"), "）");

  std::string list;
  std::string mail = absl::StrCat(out.title, "\n");
  for (const Line& l : lines) {
    const std::string title = l.entry != nullptr ? l.entry->content.title : l.key;
    absl::StrAppend(&list, "- ", Mark(l.status), title, "\n");
    absl::StrAppend(&mail, "\n————————————————\n", Mark(l.status), title, "\n");
    if (l.entry != nullptr && !l.entry->content.mail_text.empty()) {
      absl::StrAppend(&mail, "\n", l.entry->content.mail_text, "\n");
    }
  }
  out.markdown = absl::StrCat("共 ", lines.size(), " 条：\n\n", list);
  out.mail_text = mail;
  return out;
}

ComposedMessage ComposeDigest(const Digest& digest) {
  ComposedMessage out;
  out.members = static_cast<int>(digest.items.size());
  std::vector<std::string> severities;
  std::set<std::string> types;
  std::string list;
  std::string mail = absl::StrCat(digest.summary, "\n");
  for (const DigestItem& item : digest.items) {
    severities.push_back(std::string(SeverityName(item.severity)));
    types.insert(item.event_type);
    absl::StrAppend(&list, "- ", LocalMinute(item.at), " ", item.title, "\n");
    absl::StrAppend(&mail, "\n————————————————\n", LocalMinute(item.at), " ", item.title, "\n");
    if (!item.body.empty()) absl::StrAppend(&mail, "\n", item.body, "\n");
  }
  out.title = digest.summary;
  out.markdown = absl::StrCat(digest.summary, "\n\n", list);
  out.mail_text = mail;
  out.severity = HighestSeverity(severities);
  out.event_type = types.size() == 1 ? *types.begin() : "mixed";
  if (!digest.items.empty()) out.event_id = digest.items.back().notification_id;
  return out;
}

}  // namespace ys::notify
