#include "services/notify/flush.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/grpc/auth.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/channel_kinds.h"
#include "services/notify/compose.h"
#include "services/notify/digest.h"
#include "services/notify/grouping.h"
#include "services/notify/inhibition.h"
#include "services/notify/quiet_hours.h"
#include "services/notify/silence_proto.h"

namespace ys::notify {
namespace {

pb::Severity SeverityToProto(std::string_view s) {
  if (s == "critical") return pb::SEVERITY_CRITICAL;
  if (s == "warning") return pb::SEVERITY_WARNING;
  return pb::SEVERITY_INFO;
}

std::string DigestWord(DigestCadence cadence) { return cadence == DigestCadence::kWeekly ? "每周" : "每日"; }

}  // namespace

pb::InboxItem InboxItemFor(const pb::Notification& n, const std::string& recipient_id, absl::Time now) {
  pb::InboxItem item;
  item.set_id(absl::StrCat(n.id(), "/", recipient_id));
  item.set_recipient_id(recipient_id);
  item.set_notification_id(n.id());
  item.set_title(n.title());
  item.set_markdown(n.markdown());
  item.set_severity(n.severity());
  item.set_event_type(n.event_type());
  *item.mutable_created_at() = ToProtoTime(now);
  return item;
}

pb::Delivery MakeDelivery(const pb::Notification& n, const std::string& recipient, const Channel& channel,
                          pb::DeliveryState state, absl::Time now) {
  pb::Delivery d;
  const pb::ChannelKind kind = ChannelKindToProto(channel.kind);
  d.set_id(DeliveryId(n.id(), recipient, kind, channel.order));
  d.set_notification_id(n.id());
  d.set_recipient_id(recipient);
  d.set_channel(kind);
  d.set_channel_order(channel.order);
  d.set_state(state);
  d.set_event_id(n.event_id());
  *d.mutable_created_at() = ToProtoTime(now);
  *d.mutable_updated_at() = ToProtoTime(now);
  return d;
}

void ForgetTold(GroupState& state, absl::Time alerts_before) {
  for (auto it = state.members.begin(); it != state.members.end();) {
    const AlertEntry& e = it->second;
    const bool told = !e.last_sent_fingerprint.empty();
    const bool standing = e.content.event_type == "ranking_alert" && e.first_seen >= alerts_before;
    it = told && !standing ? state.members.erase(it) : std::next(it);
  }
}

HoldDecision DecideHold(std::string_view severity, const Recipient& recipient, absl::Time now,
                        const WorkingDayCalendar& calendar, const QuietPolicy& policy) {
  const Severity level = ParseSeverity(absl::string_view(severity.data(), severity.size())).value_or(Severity::kInfo);
  if (level >= policy.send_at_once_from) {
    return {false, absl::InfinitePast(), absl::StrCat(SeverityTitle(level), "级别，不受非工作时间和汇总限制，立即发送")};
  }
  if (recipient.digest.cadence != DigestCadence::kNone) {
    absl::StatusOr<absl::Time> at = NextDigestAt(recipient.digest, now, calendar);
    if (at.ok()) {
      return {true, *at,
              absl::StrCat("收件人选择", DigestWord(recipient.digest.cadence), "汇总，并入 ",
                           absl::FormatTime("%Y-%m-%d %H:%M", *at, Shanghai()), " 的汇总")};
    }
  } else {
    absl::StatusOr<Timing> timing = Decide(level, now, calendar, policy);
    if (timing.ok()) return {!timing->send_now(), timing->hold_until, timing->reason};
  }
  // Local policy: a year whose holiday arrangement is not published cannot be judged; tell now.
  return {false, absl::InfinitePast(), "当年节假日安排未发布，无法判断是否工作时间，立即发送（本办本地规则）"};
}

std::string NotificationId(std::string_view group_key, int64_t sequence) {
  return absl::StrCat("N-", Sha256Hex(absl::string_view(group_key.data(), group_key.size())).substr(0, 16), "-",
                      sequence);
}

std::vector<Channel> OutsideChannels(const Recipient& recipient) {
  std::vector<Channel> out;
  for (const Channel& c : recipient.channels) {
    if (c.kind != ChannelKind::kInbox) out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const Channel& a, const Channel& b) { return a.order < b.order; });
  return out;
}

absl::StatusOr<bool> Flusher::InhibitedNow(NotifyTx& tx, const Labels& target, absl::Time now,
                                           EventsByKey& read) {
  for (const Labels& key : InhibitionKeys(target, settings_.inhibit_rules)) {
    auto known = read.find(key);
    if (known == read.end()) {
      ASSIGN_OR_RETURN(std::vector<Labels> sharing, tx.ActiveEvents(now, key));
      known = read.emplace(key, std::move(sharing)).first;
    }
    if (Inhibited(target, known->second, settings_.inhibit_rules)) return true;
  }
  return false;
}

absl::StatusOr<FlushResult> Flusher::FlushDue(NotifyTx& tx, absl::Time now) {
  FlushResult result;
  if (!book_.ready()) return result;  // whom to tell is not known yet (the catalog replica is loading)
  ASSIGN_OR_RETURN(std::vector<std::string> keys, tx.DueGroups(now, settings_.dispatch.group_batch));
  if (keys.empty()) return result;
  ASSIGN_OR_RETURN(std::vector<pb::Silence> stored_silences, tx.ActiveSilences(now));
  const std::vector<Silence> silences = SilencesFromProto(stored_silences);
  RETURN_IF_ERROR(tx.ForgetExpiredEvents(now));
  const std::shared_ptr<const Recipients> recipients = book_.Current();
  EventsByKey events_read;

  for (const std::string& key : keys) {
    ++result.groups;
    ASSIGN_OR_RETURN(std::optional<GroupState> stored, tx.Group(key));
    if (!stored.has_value()) continue;
    GroupState state = *std::move(stored);
    // A told ranking alert past active_event_ttl stands no more: dropped before the message, not
    // only after it, or the repeat due after its time (day 49 of 45, with a weekly repeat) tells it.
    ForgetTold(state, now - settings_.active_event_ttl);
    const GroupState before = state;
    std::optional<GroupNotification> flushed = FlushIfDue(state, state.timings, now);
    if (!flushed.has_value()) {  // not due after all (its time moved): keep it, with its right time
      RETURN_IF_ERROR(tx.PutGroup(key, state, NextFlushAt(state, state.timings)));
      continue;
    }
    ForgetTold(state, now - settings_.active_event_ttl);
    // Kept even when emptied (not due: NextFlushAt is nullopt), so its sequence goes on: a group
    // started afresh would number its next message 1 again and reuse the first one's notification
    // id, delivery ids (the sinks' idempotency keys) and inbox item id — the next case event of the
    // same unit would overwrite the first and never reach the inbox.
    RETURN_IF_ERROR(tx.PutGroup(key, state, NextFlushAt(state, state.timings)));

    std::vector<std::string> suppressed;
    for (const NotifiedAlert& a : flushed->alerts) {
      if (a.status == NotifiedAlert::Status::kWithdrawn) continue;  // a withdrawal is always told
      if (FindSilence(a.labels, silences, now) != nullptr) {
        suppressed.push_back(a.key);
        continue;
      }
      ASSIGN_OR_RETURN(const bool inhibited, InhibitedNow(tx, a.labels, now, events_read));
      if (inhibited) suppressed.push_back(a.key);
    }
    result.suppressed += static_cast<int>(suppressed.size());
    const ComposedMessage message = ComposeGroup(*flushed, before, suppressed);
    if (message.members == 0) continue;

    pb::Notification n;
    n.set_id(NotificationId(key, flushed->sequence));
    n.set_event_id(message.event_id);
    n.set_event_source(message.event_source);
    n.set_event_type(message.event_type);
    n.set_severity(SeverityToProto(message.severity));
    for (const auto& [name, value] : state.group_labels) (*n.mutable_labels())[name] = value;
    n.set_title(message.title);
    n.add_receivers(state.receiver);
    n.set_group_key(key);
    n.set_sequence(flushed->sequence);
    *n.mutable_created_at() = ToProtoTime(now);
    if (message.occurred_at != absl::InfinitePast()) *n.mutable_event_time() = ToProtoTime(message.occurred_at);
    n.set_withdrawn(message.withdrawn);
    n.set_route(state.route_path);
    n.set_markdown(message.markdown);
    n.set_mail_text(message.mail_text);
    n.set_members(message.members);

    auto found = recipients->by_id.find(state.receiver);
    if (found == recipients->by_id.end()) {
      n.set_reason("收件人已不在名录中，未发送");
      RETURN_IF_ERROR(tx.PutNotification(n));
      ++result.notifications;
      continue;
    }
    const Recipient& recipient = found->second;
    const HoldDecision hold = DecideHold(message.severity, recipient, now, calendar_, settings_.quiet);
    n.set_reason(hold.reason);
    if (hold.hold) *n.mutable_hold_until() = ToProtoTime(hold.until);
    RETURN_IF_ERROR(tx.PutNotification(n));
    ++result.notifications;

    // The inbox, at once.
    RETURN_IF_ERROR(tx.AddInboxItem(InboxItemFor(n, recipient.id, now)).status());
    Channel inbox{ChannelKind::kInbox, "", "", 0};
    for (const Channel& c : recipient.channels) {
      if (c.kind == ChannelKind::kInbox) inbox = c;
    }
    pb::Delivery to_inbox = MakeDelivery(n, recipient.id, inbox, pb::DELIVERY_STATE_DELIVERED, now);
    *to_inbox.mutable_delivered_at() = ToProtoTime(now);
    pb::Attempt* written = to_inbox.add_attempts();
    *written->mutable_at() = ToProtoTime(now);
    written->set_channel(pb::CHANNEL_KIND_INBOX);
    written->set_channel_order(inbox.order);
    written->set_outcome(pb::OUTCOME_DELIVERED);
    written->set_decision("已写入站内信");
    RETURN_IF_ERROR(tx.PutDelivery(to_inbox, std::nullopt));

    // The first outside channel: now, or held.
    const std::vector<Channel> outside = OutsideChannels(recipient);
    if (outside.empty()) continue;
    pb::Delivery first = MakeDelivery(n, recipient.id, outside.front(),
                                     hold.hold ? pb::DELIVERY_STATE_HELD : pb::DELIVERY_STATE_PENDING, now);
    RETURN_IF_ERROR(tx.PutDelivery(first, hold.hold ? hold.until : now));
    if (hold.hold) ++result.held;
  }
  return result;
}

}  // namespace ys::notify
