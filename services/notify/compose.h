#pragma once

// What one message says: a group's flush (grouping.h) or a recipient's digest (digest.h) turned into
// the title, markdown and mail text every channel is built from. Pure.
//
// - A group of one tells its event in the event's own words (the templates' text as rendered when
//   it arrived); a repeat (nothing changed, repeat_interval passed) says so in the title:
//   "（再次提醒）…".
// - A group of more says how many and what changed, then lists each event's title, withdrawn ones
//   marked 〔已撤回〕, new ones 〔新〕: "【汇总】排名预警 12 条（新增 12）". The mail text follows the
//   list with each event's own mail text, so the e-mail carries everything; the robots carry the
//   list (their own limits cut the rest, payloads.h) and the inbox the list too.
// - A digest: BuildDigest's summary as the title, each item's title and time as the list.
// - Severity: the highest of the members; the event type: the members' when they share one, else
//   "mixed"; withdrawn: every member withdrawn.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/notify/digest.h"
#include "services/notify/grouping.h"
#include "services/notify/labels.h"

namespace ys::notify {

struct ComposedMessage {
  std::string title;
  std::string markdown;
  std::string mail_text;
  std::string severity;  // info | warning | critical
  std::string event_type;
  std::string event_id;      // the newest member's
  std::string event_source;  // the newest member's
  absl::Time occurred_at = absl::InfinitePast();  // the newest member's ce_time
  bool withdrawn = false;
  int members = 0;
};

// Event types for people ("排名预警", "整改督办", …), for every type events.h produces.
const EventTypeTitles& DefaultEventTypeTitles();

// The message for `notification` (Flush's result) from the members of `before` — the group as it was
// before Flush, which drops the withdrawn members it reports — leaving
// out `suppressed` keys (silenced or inhibited). A listed key `before` lacks is told by its key.
ComposedMessage ComposeGroup(const GroupNotification& notification, const GroupState& before,
                             const std::vector<std::string>& suppressed);

// The message for a recipient's digest (digest.h BuildDigest's result).
ComposedMessage ComposeDigest(const Digest& digest);

// "critical" when any is, else "warning" when any is, else "info"; unknown values count as info.
std::string HighestSeverity(const std::vector<std::string>& severities);

}  // namespace ys::notify
