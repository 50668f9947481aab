#include "services/notify/delivery_worker.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc/auth.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/channel_kinds.h"
#include "services/notify/compose.h"
#include "services/notify/digest.h"
#include "services/notify/flush.h"
#include "services/notify/quiet_hours.h"
#include "services/notify/robot_replies.h"

namespace ys::notify {

struct DeliveryWorker::Work {
  std::vector<pb::Delivery> deliveries;  // one, or the digest's (one recipient and channel)
  std::vector<pb::Notification> notifications;  // deliveries[i]'s
};

struct DeliveryWorker::Outcome {
  enum class Kind { kAttempt, kWait, kCapped, kRefused };
  Kind kind = Kind::kAttempt;
  absl::Time until = absl::InfinitePast();  // kWait, kCapped
  OutcomeClass outcome = OutcomeClass::kPermanent;
  SendResult result;
  std::string error;  // one line for the history
  std::string channel;  // "wecom", … for metrics
};

namespace {

pb::Outcome OutcomeToProto(OutcomeClass c) {
  switch (c) {
    case OutcomeClass::kDelivered: return pb::OUTCOME_DELIVERED;
    case OutcomeClass::kTransient: return pb::OUTCOME_TRANSIENT;
    case OutcomeClass::kThrottled: return pb::OUTCOME_THROTTLED;
    case OutcomeClass::kPermanent: return pb::OUTCOME_PERMANENT;
  }
  return pb::OUTCOME_UNSPECIFIED;
}

std::string SeverityText(pb::Severity s) {
  return s == pb::SEVERITY_CRITICAL ? "critical" : s == pb::SEVERITY_WARNING ? "warning" : "info";
}

Severity SeverityOf(pb::Severity s) {
  return s == pb::SEVERITY_CRITICAL ? Severity::kCritical : s == pb::SEVERITY_WARNING ? Severity::kWarning : Severity::kInfo;
}

// The first line of `text`, at most 300 bytes on a character boundary.
std::string OneLine(std::string_view text) {
  const size_t nl = text.find('\n');
  return ResponseSnippet(text.substr(0, nl), 300);
}

const Channel* FindChannel(const Recipient& r, const pb::Delivery& d) {
  for (const Channel& c : r.channels) {
    if (c.order == d.channel_order() && ChannelKindToProto(c.kind) == d.channel()) return &c;
  }
  return nullptr;
}

// A copy: OutsideChannels builds a temporary list, so a pointer into it would dangle.
std::optional<Channel> NextChannel(const Recipient* r, int after_order) {
  if (r == nullptr) return std::nullopt;
  for (const Channel& c : OutsideChannels(*r)) {
    if (c.order > after_order) return c;
  }
  return std::nullopt;
}

}  // namespace

Admission SharedRateLimiter::Acquire(const RateLimitKey& key, absl::Time now) {
  std::lock_guard lock(mu_);
  Admission a = limiter_.Acquire(key, now);
  if (a.granted() && limiter_.state().sinks.contains(key)) dirty_ = true;  // a limited sink counted a send
  return a;
}

absl::Status SharedRateLimiter::SaveIfChanged(NotifyTx& tx, absl::Time now) {
  RateLimiterState state;
  {
    std::lock_guard lock(mu_);
    if (!dirty_) return absl::OkStatus();
    limiter_.Prune(now);
    state = limiter_.state();
    dirty_ = false;
  }
  return tx.SaveRateLimits(state);
}

absl::StatusOr<std::unique_ptr<SharedRateLimiter>> LoadRateLimiter(NotifyStore& store, RateLimitPolicy policy) {
  RateLimiterState state;
  RETURN_IF_ERROR(store.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(state, tx.RateLimits());
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(RateLimiter limiter, RateLimiter::Create(std::move(policy), std::move(state)));
  return std::make_unique<SharedRateLimiter>(std::move(limiter));
}

absl::StatusOr<std::vector<DeliveryWorker::Work>> DeliveryWorker::Take(absl::Time now, SendStats& stats) {
  std::vector<Work> out;
  absl::Status s = store_.Write([&](NotifyTx& tx) -> absl::Status {
    out.clear();
    stats.taken = 0;
    ASSIGN_OR_RETURN(std::vector<pb::Delivery> due, tx.DueDeliveries(now, settings_.dispatch.batch));
    std::map<std::pair<std::string, int>, size_t> digests;  // (recipient, order) -> index in `out`
    for (pb::Delivery& d : due) {
      ASSIGN_OR_RETURN(std::optional<pb::Notification> n, tx.Notification(d.notification_id()));
      if (!n.has_value()) {  // cannot happen through the service; a hand-edited table
        d.set_state(pb::DELIVERY_STATE_DEAD);
        pb::Attempt* a = d.add_attempts();
        *a->mutable_at() = ToProtoTime(now);
        a->set_decision("通知记录已不存在，转入死信");
        RETURN_IF_ERROR(tx.PutDelivery(d, std::nullopt));
        continue;
      }
      // A message held for a digest (its notification has hold_until) goes in its recipient and
      // channel's digest: when released (HELD), and again when it is retried, taken back from a
      // dead worker, put back by the rate limit or failed over. Its siblings come due with it
      // (Record gives them one retry time), so the digest is one message under the same key.
      const bool held = n->has_hold_until();
      d.set_state(pb::DELIVERY_STATE_SENDING);
      *d.mutable_updated_at() = ToProtoTime(now);
      RETURN_IF_ERROR(tx.PutDelivery(d, now + settings_.dispatch.lease));
      ++stats.taken;
      if (held) {
        auto [it, fresh] = digests.try_emplace({d.recipient_id(), d.channel_order()}, out.size());
        if (!fresh) {
          out[it->second].deliveries.push_back(d);
          out[it->second].notifications.push_back(*n);
          continue;
        }
      }
      out.push_back(Work{{d}, {*n}});
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

DeliveryWorker::Outcome DeliveryWorker::Send(const Work& work, const std::string& key, const Recipient* recipient) {
  Outcome o;
  auto refuse = [&](std::string why) {
    o.kind = Outcome::Kind::kRefused;
    o.outcome = OutcomeClass::kPermanent;
    o.error = std::move(why);
    return o;
  };
  const pb::Delivery& d = work.deliveries.front();
  if (recipient == nullptr) return refuse("收件人已不在名录中");
  const Channel* channel = FindChannel(*recipient, d);
  if (channel == nullptr) return refuse("该渠道已从收件人配置中移除");
  o.channel = std::string(ChannelKindName(channel->kind));
  const absl::Time now = clock_.Now();
  const Admission admission =
      limiter_.Acquire({o.channel, channel->target}, now);  // the robot itself: recipients may share one
  if (admission.kind == Admission::Kind::kWait) {
    o.kind = Outcome::Kind::kWait;
    o.until = admission.until;
    return o;
  }
  if (admission.kind == Admission::Kind::kCapped) {
    o.kind = Outcome::Kind::kCapped;
    o.until = admission.until;
    return o;
  }

  Message message;
  const pb::Notification& first = work.notifications.front();
  std::string mail_text;
  if (work.deliveries.size() == 1) {
    message.title = first.title();
    message.markdown = first.markdown();
    message.severity = SeverityText(first.severity());
    for (const auto& [k, v] : first.labels()) message.labels[k] = v;
    mail_text = first.mail_text();
  } else {
    std::vector<DigestItem> items;
    for (const pb::Notification& n : work.notifications) {
      items.push_back({n.id(), n.event_type(), SeverityOf(n.severity()), FromProtoTime(n.created_at()), n.title(),
                       n.mail_text()});
    }
    std::optional<Digest> digest =
        BuildDigest(recipient->id, std::move(items), recipient->digest.cadence, DefaultEventTypeTitles());
    const ComposedMessage composed = ComposeDigest(*digest);  // never empty: two or more items
    message.title = composed.title;
    message.markdown = composed.markdown;
    message.severity = composed.severity;
    mail_text = composed.mail_text;
  }
  if (!settings_.console_url.empty()) message.links.push_back({"在营商平台查看", settings_.console_url + "/inbox"});

  OutgoingContext context;
  context.idempotency_key = key;
  context.now = now;
  context.deadline = now + settings_.dispatch.lease / 2;
  // "at": when what it tells of happened (the event's ce_time), else when the message was made.
  context.envelope = {first.id(), first.event_type(),
                      FromProtoTime(first.has_event_time() ? first.event_time() : first.created_at())};
  if (work.deliveries.size() > 1) context.envelope = {key, "digest", now};  // a digest is its own message
  context.from = settings_.mail_from;
  context.recipient_name = recipient->name;
  context.mail_text = mail_text;
  if (TransportOf(channel->kind) == Transport::kEmail && work.deliveries.size() == 1) {
    for (const std::string& ref : first.attachments()) {
      if (senders_.attachments == nullptr) return refuse("未配置附件来源，无法附上 " + ref);
      absl::StatusOr<MailAttachment> file = senders_.attachments->Get(ref);
      if (!file.ok()) {
        o = refuse(OneLine(std::string(file.status().message())));
        // The store out of reach is a moment's trouble; a file that is not there stays so.
        if (file.status().code() != absl::StatusCode::kNotFound) o.outcome = OutcomeClass::kTransient;
        return o;
      }
      context.attachments.push_back(*std::move(file));
    }
  }
  absl::StatusOr<OutgoingMessage> outgoing = BuildOutgoing(*channel, message, context, secrets_);
  if (!outgoing.ok()) return refuse(OneLine(std::string(outgoing.status().message())));
  Sender* sender = TransportOf(channel->kind) == Transport::kEmail ? senders_.smtp : senders_.http;
  if (sender == nullptr) return refuse("未配置邮件服务器（notify.smtp.url），无法发送邮件");
  absl::StatusOr<SendResult> result = sender->Send(*outgoing);
  if (!result.ok()) {
    o.kind = Outcome::Kind::kRefused;
    o.outcome = result.status().code() == absl::StatusCode::kInvalidArgument ? OutcomeClass::kPermanent
                                                                             : OutcomeClass::kTransient;
    o.error = OneLine(std::string(result.status().message()));
    return o;
  }
  o.kind = Outcome::Kind::kAttempt;
  o.result = *std::move(result);
  o.outcome = Classify(o.result);
  if (o.outcome == OutcomeClass::kDelivered) {
    // A robot answers 200 for its own errors too: its body's code decides (robot_replies.h).
    if (std::optional<RobotReply> reply = ReadRobotReply(channel->kind, o.result.response_snippet)) {
      o.result.http_status = reply->http_status;
      o.outcome = Classify(HttpStatus{reply->http_status});
      o.error = reply->error;
      return o;
    }
  }
  if (o.result.curl_code != 0) {
    o.error = OneLine(o.result.curl_error);
  } else if (o.outcome != OutcomeClass::kDelivered) {
    o.error = OneLine(o.result.response_snippet);
  }
  return o;
}

absl::Status DeliveryWorker::Record(const std::vector<Work>& work, const std::vector<Outcome>& outcomes,
                                    SendStats& stats) {
  struct Report {
    std::string channel;
    pb::DeliveryState state;
  };
  std::vector<Report> reports;
  SendStats counted;
  const absl::Time now = clock_.Now();
  const std::shared_ptr<const Recipients> recipients = book_.Current();
  absl::Status s = store_.Write([&](NotifyTx& tx) -> absl::Status {
    reports.clear();
    counted = SendStats{};
    for (size_t i = 0; i < work.size(); ++i) {
      const Outcome& o = outcomes[i];
      // One draw per message: a digest's deliveries retry together.
      const double rng = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
      for (size_t j = 0; j < work[i].deliveries.size(); ++j) {
        const pb::Delivery& taken = work[i].deliveries[j];
        ASSIGN_OR_RETURN(std::optional<pb::Delivery> current, tx.Delivery(taken.id()));
        // Still ours: SENDING under the lease this worker took (its updated_at). Once the lease ran
        // out another worker may have taken it again — SENDING too, under a later lease — and the
        // delivery is that worker's to record.
        if (!current.has_value() || current->state() != pb::DELIVERY_STATE_SENDING ||
            FromProtoTime(current->updated_at()) != FromProtoTime(taken.updated_at())) {
          continue;
        }
        pb::Delivery d = *std::move(current);
        *d.mutable_updated_at() = ToProtoTime(now);
        if (o.kind == Outcome::Kind::kWait) {
          d.set_state(pb::DELIVERY_STATE_PENDING);
          RETURN_IF_ERROR(tx.PutDelivery(d, o.until));
          ++counted.waited;
          continue;
        }
        auto found = recipients->by_id.find(d.recipient_id());
        const Recipient* recipient = found == recipients->by_id.end() ? nullptr : &found->second;
        const std::optional<Channel> next = NextChannel(recipient, d.channel_order());
        RetryDecision decision;
        if (o.kind == Outcome::Kind::kCapped) {
          decision = next.has_value()
                         ? RetryDecision{RetryDecision::Action::kFailover, absl::InfinitePast(),
                                         "已达该渠道当日发送上限（本办本地规则），切换到下一渠道"}
                         : RetryDecision{RetryDecision::Action::kRetry, o.until,
                                         "已达该渠道当日发送上限（本办本地规则），且无其他渠道，次日再发"};
        } else {
          decision = Next(settings_.retry, d.attempts_size() + 1, o.outcome, now, rng, o.result.retry_after,
                          next.has_value());
        }
        pb::Attempt* a = d.add_attempts();
        *a->mutable_at() = ToProtoTime(now);
        a->set_channel(d.channel());
        a->set_channel_order(d.channel_order());
        a->set_outcome(o.kind == Outcome::Kind::kCapped ? pb::OUTCOME_THROTTLED : OutcomeToProto(o.outcome));
        a->set_http_status(o.result.http_status);
        a->set_smtp_code(o.result.smtp_code);
        a->set_curl_code(o.result.curl_code);
        a->set_error(o.error);
        a->set_duration_ms(absl::ToInt64Milliseconds(o.result.duration));
        a->set_decision(decision.reason);
        switch (decision.action) {
          case RetryDecision::Action::kDone:
            d.set_state(pb::DELIVERY_STATE_DELIVERED);
            *d.mutable_delivered_at() = ToProtoTime(now);
            RETURN_IF_ERROR(tx.PutDelivery(d, std::nullopt));
            RETURN_IF_ERROR(tx.Emit(d, d.recipient_id()));
            ++counted.delivered;
            break;
          case RetryDecision::Action::kRetry:
            d.set_state(pb::DELIVERY_STATE_FAILED);
            *a->mutable_next_at() = ToProtoTime(decision.retry_at);
            RETURN_IF_ERROR(tx.PutDelivery(d, decision.retry_at));
            ++counted.retried;
            break;
          case RetryDecision::Action::kFailover: {
            d.set_state(pb::DELIVERY_STATE_FAILED_OVER);
            RETURN_IF_ERROR(tx.PutDelivery(d, std::nullopt));
            const pb::Delivery then =
                MakeDelivery(work[i].notifications[j], d.recipient_id(), *next, pb::DELIVERY_STATE_PENDING, now);
            RETURN_IF_ERROR(tx.PutDelivery(then, now));
            ++counted.failed_over;
            break;
          }
          case RetryDecision::Action::kDeadLetter:
            d.set_state(pb::DELIVERY_STATE_DEAD);
            RETURN_IF_ERROR(tx.PutDelivery(d, std::nullopt));
            RETURN_IF_ERROR(tx.Emit(d, d.recipient_id()));
            ++counted.dead;
            break;
        }
        reports.push_back({o.channel, d.state()});
      }
    }
    // With the record: a restart finds every send a limited robot was counted for.
    return limiter_.SaveIfChanged(tx, now);
  });
  if (!s.ok()) return s;
  stats.delivered += counted.delivered;
  stats.retried += counted.retried;
  stats.failed_over += counted.failed_over;
  stats.dead += counted.dead;
  stats.waited += counted.waited;
  if (observer_ != nullptr) {
    for (const Report& r : reports) observer_->Moved(r.channel, r.state);
  }
  return absl::OkStatus();
}

absl::StatusOr<SendStats> DeliveryWorker::RunOnce() {
  SendStats stats;
  // Not before the recipients are known (a restart, the catalog replica still loading): a
  // delivery whose recipient is not found yet is not a dead letter.
  if (!book_.ready()) return stats;
  ASSIGN_OR_RETURN(std::vector<Work> work, Take(clock_.Now(), stats));
  if (work.empty()) return stats;
  const std::shared_ptr<const Recipients> recipients = book_.Current();
  // What reached a sink is recorded at once, in its own unit of work: a process killed after a
  // sink acknowledged and before the record commits sends that one again (under its key), so the
  // window is one commit, not a batch's sends. What never reached the wire (a rate-limit wait, a
  // refusal before sending) is recorded together at the end.
  std::vector<Work> unsent;
  std::vector<Outcome> unsent_outcomes;
  for (const Work& w : work) {
    auto found = recipients->by_id.find(w.deliveries.front().recipient_id());
    std::string key = w.deliveries.front().id();
    if (w.deliveries.size() > 1) {
      std::vector<std::string> ids;
      for (const pb::Delivery& d : w.deliveries) ids.push_back(d.id());
      std::sort(ids.begin(), ids.end());  // the same digest whatever order it was taken in
      key = absl::StrCat("digest-", Sha256Hex(absl::StrJoin(ids, "\n")).substr(0, 32));
    }
    Outcome o = Send(w, key, found == recipients->by_id.end() ? nullptr : &found->second);
    if (o.kind == Outcome::Kind::kAttempt || o.kind == Outcome::Kind::kRefused) {
      ++stats.messages;
      if (observer_ != nullptr) observer_->Attempted(o.channel, o.outcome, o.result.duration);
    }
    if (o.kind == Outcome::Kind::kAttempt) {
      RETURN_IF_ERROR(Record({w}, {o}, stats));
    } else {
      unsent.push_back(w);
      unsent_outcomes.push_back(std::move(o));
    }
  }
  if (!unsent.empty()) RETURN_IF_ERROR(Record(unsent, unsent_outcomes, stats));
  return stats;
}

}  // namespace ys::notify
