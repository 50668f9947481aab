#pragma once

// What one consumed event does, inside the consumer's unit of work (the same transaction that
// claims the event in the inbox, so a redelivered event changes nothing): events.h turns it into
// NotifyEvents, each is rendered (templates.h) and routed (routing.h); every receiver the routes
// name is resolved to a recipient (recipient_book.h) and the event joins that recipient's group
// (grouping.h) with its rendered text. Nothing is sent here: the flush (flush.h) decides when a
// group speaks. Silences and inhibitions are applied at the flush, when the message is composed,
// so a silence created after an event arrived still holds it.
//
// Decisions:
// - One message per (route, recipient) per consumed event: a receiver every addressee split reaches
//   (the office, a 领班 over three units) takes the first split's text once, not once per unit.
// - A receiver that names no known recipient (a unit missing from the catalog replica, a head with
//   no 带班领导) is counted and logged, never an error of the event: the other receivers still get it.
// - A ranking alert is recorded as an event in force (for inhibition) until withdrawn or until
//   active_event_ttl (local policy: 45 days, longer than a ranking month).
// - A template that fails to render (a defect the startup check should have caught) refuses the
//   event with FAILED_PRECONDITION: it goes to the dead-letter topic with the reason, and the
//   consumer goes on.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/cloud_event.h"
#include "services/notify/events.h"
#include "services/notify/recipient_book.h"
#include "services/notify/settings.h"
#include "services/notify/store.h"
#include "services/notify/templates.h"

namespace ys::notify {

struct IntakeResult {
  int notify_events = 0;            // NotifyEvents the event became
  int placed = 0;                   // (group, member) updates written
  std::vector<std::string> unknown;  // receivers that named no recipient, "unit:某局 (route.routes[0])"
};

class Intake {
 public:
  Intake(const NotifySettings& settings, const TemplateSet& templates, const RecipientBook& book)
      : settings_(settings), templates_(templates), book_(book), options_(settings.events) {}

  // Indicator names from the catalog replica, for the templates (events.h EventOptions).
  void SetIndicatorNames(std::map<std::string, std::string, std::less<>> names);

  // One inbox batch: (*results)[i] is events[i]'s refusal — INVALID_ARGUMENT (with a rejection
  // reason) for an event events.h refuses, FAILED_PRECONDITION for one that does not render — and
  // nothing of a refused event is written. The groups the batch touches are read and written once.
  // A store error is returned as it is (the batch is retried).
  absl::StatusOr<IntakeResult> ApplyBatch(NotifyTx& tx, std::string_view topic,
                                          const std::vector<const CloudEvent*>& events,
                                          std::vector<absl::Status>* results, absl::Time now);
  // One event: its refusal, or what it did.
  absl::StatusOr<IntakeResult> Apply(NotifyTx& tx, std::string_view topic, const CloudEvent& event,
                                     absl::Time now);

 private:
  EventOptions Options() const;

  const NotifySettings& settings_;
  const TemplateSet& templates_;
  const RecipientBook& book_;
  mutable std::mutex mu_;
  EventOptions options_;
};

// The group_by labels' values of `labels` (every label with group_by "...").
Labels GroupLabels(const GroupBy& group_by, const Labels& labels);

}  // namespace ys::notify
