#include "services/notify/intake.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/macros.h"
#include "common/status/rejection.h"
#include "services/notify/grouping.h"
#include "services/notify/routing.h"

namespace ys::notify {
namespace {

absl::StatusOr<MemberContent> Render(const TemplateSet& templates, const NotifyEvent& e,
                                     const CloudEvent& source) {
  MemberContent c;
  c.event_id = e.id;
  c.event_source = source.source;
  c.event_type = e.event_type;
  c.severity = e.severity;
  c.occurred_at = e.occurred_at;
  const std::pair<TextPart, std::string*> parts[] = {
      {TextPart::kMailSubject, &c.title}, {TextPart::kMarkdown, &c.markdown}, {TextPart::kMailText, &c.mail_text}};
  for (const auto& [part, out] : parts) {
    absl::StatusOr<std::string> text = templates.Render(e.event_type, part, e.data);
    if (!text.ok()) {
      return WithRejectionReason(
          absl::FailedPreconditionError(absl::StrCat("event ", e.id, ": template ", e.event_type, ".",
                                                     std::string(TextPartName(part)), " does not render: ",
                                                     text.status().message())),
          "unrenderable");
    }
    *out = *std::move(text);
  }
  return c;
}

}  // namespace

Labels GroupLabels(const GroupBy& group_by, const Labels& labels) {
  if (group_by.all) return labels;
  Labels out;
  for (const std::string& name : group_by.labels) {
    auto it = labels.find(name);
    out[name] = it == labels.end() ? "" : it->second;
  }
  return out;
}

void Intake::SetIndicatorNames(std::map<std::string, std::string, std::less<>> names) {
  std::lock_guard lock(mu_);
  options_.indicator_names = std::move(names);
}

EventOptions Intake::Options() const {
  std::lock_guard lock(mu_);
  return options_;
}

absl::StatusOr<IntakeResult> Intake::Apply(NotifyTx& tx, std::string_view topic, const CloudEvent& event,
                                           absl::Time now) {
  std::vector<absl::Status> results(1);
  ASSIGN_OR_RETURN(IntakeResult result, ApplyBatch(tx, topic, {&event}, &results, now));
  if (!results[0].ok()) return results[0];
  return result;
}

absl::StatusOr<IntakeResult> Intake::ApplyBatch(NotifyTx& tx, std::string_view topic,
                                                const std::vector<const CloudEvent*>& batch,
                                                std::vector<absl::Status>* results, absl::Time now) {
  const std::shared_ptr<const Recipients> recipients = book_.Current();
  const EventOptions options = Options();
  IntakeResult result;
  // The groups this batch touches, each read once and written once at the end: a burst of 1,000
  // alerts into one group rewrites it once, not 1,000 times.
  std::map<std::string, GroupState, std::less<>> touched;

  for (size_t b = 0; b < batch.size(); ++b) {
    const CloudEvent& event = *batch[b];
    // Everything that can refuse the event is decided before the first write (the consumer runs
    // without a savepoint per record): a refused event changes nothing.
    absl::StatusOr<std::vector<NotifyEvent>> decoded = NotifyEventsFrom(topic, event, options);
    if (!decoded.ok()) {
      (*results)[b] = decoded.status();
      continue;
    }
    const std::vector<NotifyEvent>& events = *decoded;
    std::vector<MemberContent> contents;
    absl::Status rendered;
    for (const NotifyEvent& e : events) {
      absl::StatusOr<MemberContent> content = Render(templates_, e, event);
      if (!content.ok()) {
        rendered = content.status();
        break;
      }
      contents.push_back(*std::move(content));
    }
    if (!rendered.ok()) {
      (*results)[b] = rendered;
      continue;
    }
    result.notify_events += static_cast<int>(events.size());
    std::set<std::pair<std::string, std::string>> told;  // (route key, recipient id), per event

    for (size_t i = 0; i < events.size(); ++i) {
      const NotifyEvent& e = events[i];
      if (e.event_type == "ranking_alert") {
        if (e.withdrawn) {
          RETURN_IF_ERROR(tx.DeleteActiveEvent(e.dedup_key));
        } else {
          RETURN_IF_ERROR(tx.PutActiveEvent(e.dedup_key, e.labels, e.occurred_at + settings_.active_event_ttl));
        }
      }
      for (const RouteMatch& match : Route(settings_.routes, e.labels)) {
        for (const std::string& receiver : match.receivers) {
          absl::StatusOr<const Recipient*> recipient = ResolveReceiver(receiver, *recipients);
          if (!recipient.ok()) {
            result.unknown.push_back(absl::StrCat(receiver, " (", match.path, ")"));
            continue;
          }
          const std::string& id = (*recipient)->id;
          if (!told.insert({match.key, id}).second) continue;

          const std::string key = GroupKey(match.key, id, match.group_by, e.labels);
          auto it = touched.find(key);
          if (it == touched.end()) {
            ASSIGN_OR_RETURN(std::optional<GroupState> stored, tx.Group(key));
            GroupState state = stored.value_or(GroupState{});
            if (!stored.has_value()) {
              state.route_path = match.path;
              state.receiver = id;
              state.group_labels = GroupLabels(match.group_by, e.labels);
            }
            it = touched.emplace(key, std::move(state)).first;
          }
          GroupState& state = it->second;
          state.timings = TimingsOf(match.timings);  // the route's, as configured now
          if (e.withdrawn) {
            Withdraw(state, e.dedup_key, now);
          } else {
            Add(state, e.dedup_key, e.labels, now);
          }
          // The member's text is the latest: a withdrawal's own wording replaces the alert's.
          if (auto m = state.members.find(e.dedup_key); m != state.members.end()) m->second.content = contents[i];
          ++result.placed;
        }
      }
    }
  }
  for (const auto& [key, state] : touched) {
    // A group that has spoken keeps its state, emptied or not: its sequence numbers its next
    // message (flush.cc). One that never spoke leaves nothing behind.
    if (state.members.empty() && !state.last_flush.has_value()) {
      RETURN_IF_ERROR(tx.DeleteGroup(key));
    } else {
      RETURN_IF_ERROR(tx.PutGroup(key, state, NextFlushAt(state, state.timings)));
    }
  }
  return result;
}

}  // namespace ys::notify
