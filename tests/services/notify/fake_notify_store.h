#pragma once

// In-memory NotifyStore for service tests. It behaves like PgNotifyStore (store_test.cc runs the
// same checks against both): a Write works on a copy of the state that replaces the state only
// when the work returns OK (a failed Write keeps and emits nothing); a Read works on a snapshot and
// cannot write. Writes serialize here, which row locks and SKIP LOCKED only approximate in
// PostgreSQL: what a Write takes with DueDeliveries is never taken by another. Group and
// rate-limit states are kept as the JSON PostgreSQL keeps, so they round-trip the same way.

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/store.h"

namespace ys::notify::testing {

struct EmittedDelivery {
  pb::Delivery delivery;
  std::string key;
};

class FakeNotifyStore final : public NotifyStore {
 public:
  absl::Status Write(const std::function<absl::Status(NotifyTx&)>& work) override {
    std::lock_guard write(write_mu_);
    State draft;
    {
      std::lock_guard lock(mu_);
      if (!fail_.ok()) return fail_;
      draft = state_;
    }
    Tx tx(draft, /*read_only=*/false);
    absl::Status status = work(tx);
    if (!tx.failure().ok()) return tx.failure();
    if (!status.ok()) return status;
    std::lock_guard lock(mu_);
    state_ = std::move(draft);
    for (auto& e : tx.emitted()) events_.push_back(std::move(e));
    return absl::OkStatus();
  }

  absl::Status Read(const std::function<absl::Status(NotifyTx&)>& work) override {
    State snapshot;
    {
      std::lock_guard lock(mu_);
      if (!fail_.ok()) return fail_;
      snapshot = state_;
    }
    Tx tx(snapshot, /*read_only=*/true);
    absl::Status status = work(tx);
    if (!tx.failure().ok()) return tx.failure();
    return status;
  }

  // The deliveries emitted by committed Writes, in order, with their keys.
  std::vector<EmittedDelivery> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  int active_event_reads() const {
    std::lock_guard lock(mu_);
    return state_.active_event_reads;
  }
  // Every Write and Read fails with `status` (OK again to stop): a database that is down.
  void FailWith(absl::Status status) {
    std::lock_guard lock(mu_);
    fail_ = std::move(status);
  }

 private:
  struct StoredDelivery {
    pb::Delivery delivery;
    std::optional<absl::Time> next_at;
  };
  struct StoredGroup {
    std::string json;
    std::optional<absl::Time> next_flush_at;
  };
  struct ActiveEvent {
    Labels labels;
    absl::Time expires_at;
  };
  struct State {
    std::map<int64_t, std::vector<pb::Recipient>> recipients;  // by version
    std::map<std::string, pb::Notification> notifications;
    std::map<std::string, StoredGroup, std::less<>> groups;
    std::map<std::string, StoredDelivery, std::less<>> deliveries;
    std::map<std::string, pb::InboxItem> inbox;
    std::map<std::string, pb::Silence, std::less<>> silences;
    std::map<std::string, ActiveEvent, std::less<>> active_events;
    std::map<RateLimitKey, std::string> rate_limits;
    std::set<std::string, std::less<>> once;
    std::map<std::string, pb::Document, std::less<>> documents;
    std::map<std::pair<std::string, pb::RenderFormat>, std::string> document_files;
    int active_event_reads = 0;  // ActiveEvents calls in committed Writes
  };

  class Tx final : public NotifyTx {
   public:
    Tx(State& state, bool read_only) : s_(state), read_only_(read_only) {}
    const absl::Status& failure() const { return failure_; }
    std::vector<EmittedDelivery>& emitted() { return emitted_; }

    absl::Status LockImports() override { return failure_; }

    absl::StatusOr<RecipientsVersion> Recipients() override {
      if (!failure_.ok()) return failure_;
      RecipientsVersion out;
      if (s_.recipients.empty()) return out;
      out.version = s_.recipients.rbegin()->first;
      out.recipients = s_.recipients.rbegin()->second;
      return out;
    }
    absl::StatusOr<int64_t> PutRecipients(int64_t version, const std::vector<pb::Recipient>& recipients) override {
      for (size_t i = 0; i < recipients.size(); ++i) {
        RETURN_IF_ERROR(CheckKey(recipients[i].id(), absl::StrFormat("recipients[%d].id", i)));
      }
      RETURN_IF_ERROR(Writable());
      const int64_t next = s_.recipients.empty() ? 1 : s_.recipients.rbegin()->first + 1;
      if (version != 0 && version != next) {
        return absl::FailedPreconditionError(
            absl::StrFormat("recipients version %d is not the next version (%d)", version, next));
      }
      std::vector<pb::Recipient> stored = recipients;
      for (pb::Recipient& r : stored) r.set_version(next);
      std::sort(stored.begin(), stored.end(),
                [](const pb::Recipient& a, const pb::Recipient& b) { return a.id() < b.id(); });
      s_.recipients[next] = std::move(stored);
      return next;
    }

    absl::Status PutNotification(const pb::Notification& n) override {
      RETURN_IF_ERROR(CheckKey(n.id(), "notification.id"));
      RETURN_IF_ERROR(Writable());
      s_.notifications[n.id()] = n;
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<pb::Notification>> Notification(std::string_view id) override {
      return Find(s_.notifications, std::string(id));
    }
    absl::StatusOr<std::vector<pb::Notification>> Notifications(const NotificationFilter& f) override {
      ASSIGN_OR_RETURN(auto all, MatchingNotifications(f));
      return Page(std::move(all), f.offset, f.limit);
    }
    absl::StatusOr<int64_t> CountNotifications(const NotificationFilter& f) override {
      ASSIGN_OR_RETURN(auto all, MatchingNotifications(f));
      return static_cast<int64_t>(all.size());
    }

    absl::StatusOr<std::optional<GroupState>> Group(std::string_view key) override {
      if (!failure_.ok()) return failure_;
      auto it = s_.groups.find(key);
      if (it == s_.groups.end()) return std::nullopt;
      ASSIGN_OR_RETURN(GroupState g, DecodeGroupState(it->second.json));
      return std::optional<GroupState>(std::move(g));
    }
    absl::Status PutGroup(std::string_view key, const GroupState& state,
                          std::optional<absl::Time> next_flush_at) override {
      RETURN_IF_ERROR(CheckKey(key, "group key"));
      RETURN_IF_ERROR(Writable());
      s_.groups[std::string(key)] = {EncodeGroupState(state), Micros(next_flush_at)};
      return absl::OkStatus();
    }
    absl::Status DeleteGroup(std::string_view key) override {
      RETURN_IF_ERROR(Writable());
      if (auto it = s_.groups.find(key); it != s_.groups.end()) s_.groups.erase(it);
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<std::string>> DueGroups(absl::Time now, int limit) override {
      RETURN_IF_ERROR(CheckPage(0, limit));
      RETURN_IF_ERROR(Writable());  // FOR UPDATE
      std::vector<std::pair<absl::Time, std::string>> due;
      for (const auto& [key, g] : s_.groups) {
        if (g.next_flush_at.has_value() && *g.next_flush_at <= now) due.emplace_back(*g.next_flush_at, key);
      }
      std::sort(due.begin(), due.end());
      std::vector<std::string> out;
      for (auto& [at, key] : due) out.push_back(std::move(key));
      return Page(std::move(out), 0, limit);
    }

    absl::Status PutDelivery(const pb::Delivery& d, std::optional<absl::Time> next_at) override {
      RETURN_IF_ERROR(CheckKey(d.id(), "delivery.id"));
      RETURN_IF_ERROR(Writable());
      s_.deliveries[d.id()] = {d, Micros(next_at)};
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<pb::Delivery>> Delivery(std::string_view id) override {
      if (!failure_.ok()) return failure_;
      auto it = s_.deliveries.find(id);
      if (it == s_.deliveries.end()) return std::nullopt;
      return std::optional<pb::Delivery>(it->second.delivery);
    }
    absl::Status AppendAttempt(std::string_view delivery_id, const pb::Attempt& attempt) override {
      RETURN_IF_ERROR(Writable());
      auto it = s_.deliveries.find(delivery_id);
      if (it == s_.deliveries.end()) {
        return absl::NotFoundError(absl::StrFormat("delivery '%s' does not exist", delivery_id));
      }
      *it->second.delivery.add_attempts() = attempt;
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<pb::Delivery>> Deliveries(const DeliveryFilter& f) override {
      ASSIGN_OR_RETURN(auto all, MatchingDeliveries(f));
      return Page(std::move(all), f.offset, f.limit);
    }
    absl::StatusOr<int64_t> CountDeliveries(const DeliveryFilter& f) override {
      ASSIGN_OR_RETURN(auto all, MatchingDeliveries(f));
      return static_cast<int64_t>(all.size());
    }
    absl::StatusOr<QueueStats> Queue() override {
      if (!failure_.ok()) return failure_;
      QueueStats out;
      for (const auto& [id, d] : s_.deliveries) {
        const pb::DeliveryState st = d.delivery.state();
        if (st != pb::DELIVERY_STATE_PENDING && st != pb::DELIVERY_STATE_HELD &&
            st != pb::DELIVERY_STATE_SENDING && st != pb::DELIVERY_STATE_FAILED) {
          continue;
        }
        ++out.by_state[st];
        if (st == pb::DELIVERY_STATE_HELD || !d.delivery.has_created_at()) continue;
        const absl::Time at = *Micros(FromProtoTime(d.delivery.created_at()));
        if (!out.oldest_undelivered.has_value() || at < *out.oldest_undelivered) out.oldest_undelivered = at;
      }
      return out;
    }
    absl::StatusOr<std::vector<pb::Delivery>> DueDeliveries(absl::Time now, int limit) override {
      RETURN_IF_ERROR(CheckPage(0, limit));
      RETURN_IF_ERROR(Writable());  // FOR UPDATE
      std::vector<std::pair<absl::Time, std::string>> due;
      for (const auto& [id, d] : s_.deliveries) {
        const pb::DeliveryState st = d.delivery.state();
        if ((st == pb::DELIVERY_STATE_PENDING || st == pb::DELIVERY_STATE_HELD ||
             st == pb::DELIVERY_STATE_SENDING || st == pb::DELIVERY_STATE_FAILED) &&
            d.next_at.has_value() && *d.next_at <= now) {
          due.emplace_back(*d.next_at, id);
        }
      }
      std::sort(due.begin(), due.end());
      std::vector<pb::Delivery> out;
      for (const auto& [at, id] : due) out.push_back(s_.deliveries.find(id)->second.delivery);
      return Page(std::move(out), 0, limit);
    }

    absl::StatusOr<bool> AddInboxItem(const pb::InboxItem& item) override {
      RETURN_IF_ERROR(CheckKey(item.id(), "inbox_item.id"));
      RETURN_IF_ERROR(CheckKey(item.recipient_id(), "inbox_item.recipient_id"));
      RETURN_IF_ERROR(Writable());
      return s_.inbox.emplace(item.id(), item).second;
    }
    absl::StatusOr<std::vector<pb::InboxItem>> Inbox(const InboxFilter& f) override {
      ASSIGN_OR_RETURN(auto all, MatchingInbox(f));
      return Page(std::move(all), f.offset, f.limit);
    }
    absl::StatusOr<int64_t> CountInbox(const InboxFilter& f) override {
      ASSIGN_OR_RETURN(auto all, MatchingInbox(f));
      return static_cast<int64_t>(all.size());
    }
    absl::StatusOr<int64_t> UnreadCount(std::string_view recipient_id) override {
      return CountInbox({.recipient_id = std::string(recipient_id), .unread_only = true});
    }
    absl::StatusOr<int64_t> MarkRead(std::string_view recipient_id, const std::vector<std::string>& ids,
                                     bool all, absl::Time at) override {
      RETURN_IF_ERROR(CheckKey(recipient_id, "recipient_id"));
      RETURN_IF_ERROR(Writable());
      int64_t marked = 0;
      for (auto& [id, item] : s_.inbox) {
        if (item.recipient_id() != recipient_id || item.has_read_at()) continue;
        if (!all && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
        *item.mutable_read_at() = ToProtoTime(at);
        ++marked;
      }
      return marked;
    }

    absl::Status PutSilence(const pb::Silence& s) override {
      RETURN_IF_ERROR(CheckKey(s.id(), "silence.id"));
      if (!s.has_starts_at()) return absl::InvalidArgumentError("silence.starts_at is unset");
      if (!s.has_ends_at()) return absl::InvalidArgumentError("silence.ends_at is unset");
      RETURN_IF_ERROR(Writable());
      s_.silences[s.id()] = s;
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<pb::Silence>> Silence(std::string_view id) override {
      if (!failure_.ok()) return failure_;
      auto it = s_.silences.find(id);
      if (it == s_.silences.end()) return std::nullopt;
      return std::optional<pb::Silence>(it->second);
    }
    absl::StatusOr<std::vector<pb::Silence>> ActiveSilences(absl::Time at) override {
      return SilencesWhere([&](const pb::Silence& s) {
        return FromProtoTime(s.starts_at()) <= at && FromProtoTime(s.ends_at()) > at;
      });
    }
    absl::StatusOr<std::vector<pb::Silence>> Silences(absl::Time at, bool include_expired) override {
      return SilencesWhere(
          [&](const pb::Silence& s) { return include_expired || FromProtoTime(s.ends_at()) > at; });
    }
    absl::StatusOr<pb::Silence> ExpireSilence(std::string_view id, absl::Time at, std::string_view by) override {
      ASSIGN_OR_RETURN(std::optional<pb::Silence> s, Silence(id));
      if (!s.has_value()) return absl::NotFoundError(absl::StrFormat("silence '%s' does not exist", id));
      if (FromProtoTime(s->ends_at()) <= at) return *s;
      *s->mutable_ends_at() = ToProtoTime(at);
      s->set_expired_by(std::string(by));
      RETURN_IF_ERROR(PutSilence(*s));
      return *s;
    }

    absl::Status PutActiveEvent(std::string_view key, const Labels& labels, absl::Time expires_at) override {
      RETURN_IF_ERROR(CheckKey(key, "active event key"));
      RETURN_IF_ERROR(Writable());
      s_.active_events[std::string(key)] = {labels, *Micros(expires_at)};
      return absl::OkStatus();
    }
    absl::Status DeleteActiveEvent(std::string_view key) override {
      RETURN_IF_ERROR(Writable());
      if (auto it = s_.active_events.find(key); it != s_.active_events.end()) s_.active_events.erase(it);
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<Labels>> ActiveEvents(absl::Time at, const Labels& containing) override {
      if (!failure_.ok()) return failure_;
      ++s_.active_event_reads;
      std::vector<Labels> out;
      for (const auto& [key, event] : s_.active_events) {
        const bool contains = std::all_of(containing.begin(), containing.end(), [&](const auto& label) {
          auto it = event.labels.find(label.first);
          return it != event.labels.end() && it->second == label.second;
        });
        if (event.expires_at > at && contains) out.push_back(event.labels);
      }
      return out;
    }
    absl::Status ForgetExpiredEvents(absl::Time at) override {
      RETURN_IF_ERROR(Writable());
      std::erase_if(s_.active_events, [&](const auto& entry) { return entry.second.expires_at <= at; });
      return absl::OkStatus();
    }

    absl::StatusOr<RateLimiterState> RateLimits() override {
      if (!failure_.ok()) return failure_;
      RateLimiterState out;
      for (const auto& [key, json] : s_.rate_limits) {
        ASSIGN_OR_RETURN(SinkState s, DecodeSinkState(json));
        out.sinks.emplace(key, std::move(s));
      }
      return out;
    }
    absl::Status SaveRateLimits(const RateLimiterState& state) override {
      for (const auto& [key, s] : state.sinks) RETURN_IF_ERROR(CheckKey(key.channel, "rate limit channel"));
      RETURN_IF_ERROR(Writable());
      s_.rate_limits.clear();
      for (const auto& [key, s] : state.sinks) s_.rate_limits[key] = EncodeSinkState(s);
      return absl::OkStatus();
    }

    absl::StatusOr<bool> MarkOnce(std::string_view key, absl::Time /*at*/) override {
      RETURN_IF_ERROR(CheckKey(key, "once key"));
      RETURN_IF_ERROR(Writable());
      return s_.once.emplace(key).second;
    }

    // The table's constraints (migrations/0004_documents.sql): (kind, period, version) is one
    // document's, and an issued document's (kind, number, version) too. A violation fails the unit of
    // work, as PostgreSQL's does.
    absl::Status PutDocument(const pb::Document& d) override {
      RETURN_IF_ERROR(CheckKey(d.id(), "document.id"));
      RETURN_IF_ERROR(Writable());
      const auto taken_number = [](const pb::Document& x) {
        return x.state() == pb::DOCUMENT_STATE_ISSUED && !x.number().empty();
      };
      for (const auto& [id, other] : s_.documents) {
        if (id == d.id() || other.kind() != d.kind() || other.version() != d.version()) continue;
        if (other.period() == d.period()) {
          failure_ = absl::AlreadyExistsError(absl::StrFormat(
              "document '%s' is already %s %s version %d", id, pb::DocumentKind_Name(d.kind()), d.period(),
              d.version()));
          return failure_;
        }
        if (taken_number(d) && taken_number(other) && other.number() == d.number()) {
          failure_ = absl::AlreadyExistsError(absl::StrFormat(
              "document '%s' has number '%s' version %d already", id, d.number(), d.version()));
          return failure_;
        }
      }
      s_.documents[d.id()] = d;
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<pb::Document>> Document(std::string_view id) override {
      if (!failure_.ok()) return failure_;
      auto it = s_.documents.find(id);
      if (it == s_.documents.end()) return std::nullopt;
      return std::optional<pb::Document>(it->second);
    }
    absl::StatusOr<std::vector<pb::Document>> Documents(const DocumentFilter& f) override {
      RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
      if (!failure_.ok()) return failure_;
      std::vector<pb::Document> out;
      for (const auto& [id, d] : s_.documents) {
        if (f.kind != pb::DOCUMENT_KIND_UNSPECIFIED && d.kind() != f.kind) continue;
        if (!f.period.empty() && d.period() != f.period) continue;
        if (!f.number.empty() && d.number() != f.number) continue;
        if (f.state != pb::DOCUMENT_STATE_UNSPECIFIED && d.state() != f.state) continue;
        if (f.items_pending && !ItemsPending(d)) continue;
        out.push_back(d);
      }
      // Newest first: period descending, version descending, then id.
      std::sort(out.begin(), out.end(), [](const pb::Document& a, const pb::Document& b) {
        if (a.period() != b.period()) return a.period() > b.period();
        if (a.version() != b.version()) return a.version() > b.version();
        return a.id() < b.id();
      });
      return Page(std::move(out), f.offset, f.limit);
    }
    absl::Status PutDocumentFile(std::string_view document_id, pb::RenderFormat format,
                                 const std::string& data) override {
      RETURN_IF_ERROR(CheckKey(document_id, "document_id"));
      if (format == pb::RENDER_FORMAT_UNSPECIFIED) return absl::InvalidArgumentError("format is unspecified");
      RETURN_IF_ERROR(Writable());
      if (s_.documents.find(document_id) == s_.documents.end()) {
        return absl::NotFoundError(absl::StrFormat("document '%s' does not exist", document_id));
      }
      s_.document_files[{std::string(document_id), format}] = data;
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<std::string>> DocumentFile(std::string_view document_id,
                                                            pb::RenderFormat format) override {
      if (!failure_.ok()) return failure_;
      auto it = s_.document_files.find({std::string(document_id), format});
      if (it == s_.document_files.end()) return std::nullopt;
      return std::optional<std::string>(it->second);
    }
    absl::Status LockDocuments() override { return failure_; }  // Writes serialize here already

    absl::Status Emit(const pb::Delivery& delivery, std::string_view key) override {
      RETURN_IF_ERROR(CheckKey(delivery.id(), "delivery.id"));
      if (!delivery.has_updated_at()) return absl::InvalidArgumentError("delivery.updated_at is unset");
      RETURN_IF_ERROR(Writable());
      emitted_.push_back({delivery, std::string(key)});
      return absl::OkStatus();
    }

   private:
    // Newest first: created_at descending (unset last), then id descending.
    template <typename M>
    static void NewestFirst(std::vector<M>& rows) {
      std::sort(rows.begin(), rows.end(), [](const M& a, const M& b) {
        if (a.has_created_at() != b.has_created_at()) return a.has_created_at();
        const absl::Time ta = FromProtoTime(a.created_at()), tb = FromProtoTime(b.created_at());
        if (ta != tb) return ta > tb;
        return a.id() > b.id();
      });
    }
    absl::StatusOr<std::vector<pb::Notification>> MatchingNotifications(const NotificationFilter& f) {
      RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
      if (!failure_.ok()) return failure_;
      std::vector<pb::Notification> out;
      for (const auto& [id, n] : s_.notifications) {
        if (!f.event_type.empty() && n.event_type() != f.event_type) continue;
        if (!f.event_id.empty() && n.event_id() != f.event_id) continue;
        if (!f.recipient_id.empty() &&
            std::find(n.receivers().begin(), n.receivers().end(), f.recipient_id) == n.receivers().end()) {
          continue;
        }
        if ((f.from.has_value() || f.to.has_value()) && !n.has_created_at()) continue;
        const absl::Time at = FromProtoTime(n.created_at());
        if (f.from.has_value() && at < *f.from) continue;
        if (f.to.has_value() && at >= *f.to) continue;
        out.push_back(n);
      }
      NewestFirst(out);
      return out;
    }
    absl::StatusOr<std::vector<pb::Delivery>> MatchingDeliveries(const DeliveryFilter& f) {
      RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
      if (!failure_.ok()) return failure_;
      std::vector<pb::Delivery> out;
      for (const auto& [id, stored] : s_.deliveries) {
        const pb::Delivery& d = stored.delivery;
        if (!f.notification_id.empty() && d.notification_id() != f.notification_id) continue;
        if (!f.recipient_id.empty() && d.recipient_id() != f.recipient_id) continue;
        if (!f.event_id.empty() && d.event_id() != f.event_id) continue;
        if (f.state != pb::DELIVERY_STATE_UNSPECIFIED && d.state() != f.state) continue;
        out.push_back(d);
      }
      NewestFirst(out);
      return out;
    }
    absl::StatusOr<std::vector<pb::InboxItem>> MatchingInbox(const InboxFilter& f) {
      RETURN_IF_ERROR(CheckKey(f.recipient_id, "filter.recipient_id"));
      RETURN_IF_ERROR(CheckPage(f.offset, f.limit));
      if (!failure_.ok()) return failure_;
      std::vector<pb::InboxItem> out;
      for (const auto& [id, item] : s_.inbox) {
        if (item.recipient_id() != f.recipient_id) continue;
        if (f.unread_only && item.has_read_at()) continue;
        out.push_back(item);
      }
      NewestFirst(out);
      return out;
    }
    template <typename P>
    absl::StatusOr<std::vector<pb::Silence>> SilencesWhere(P keep) {
      if (!failure_.ok()) return failure_;
      std::vector<pb::Silence> out;
      for (const auto& [id, s] : s_.silences) {
        if (keep(s)) out.push_back(s);
      }
      std::stable_sort(out.begin(), out.end(), [](const pb::Silence& a, const pb::Silence& b) {
        return FromProtoTime(a.ends_at()) < FromProtoTime(b.ends_at());
      });
      return out;
    }
    // Issued, with a 督办事项 whose case is not opened yet.
    static bool ItemsPending(const pb::Document& d) {
      return d.state() == pb::DOCUMENT_STATE_ISSUED &&
             std::any_of(d.items().begin(), d.items().end(),
                         [](const pb::SupervisionItem& item) { return item.case_id().empty(); });
    }
    template <typename M>
    static std::vector<M> Page(std::vector<M> rows, int offset, int limit) {
      const size_t begin = std::min(rows.size(), static_cast<size_t>(offset));
      const size_t end = limit > 0 ? std::min(rows.size(), begin + static_cast<size_t>(limit)) : rows.size();
      return std::vector<M>(std::make_move_iterator(rows.begin() + begin),
                            std::make_move_iterator(rows.begin() + end));
    }
    // timestamptz keeps microseconds.
    static std::optional<absl::Time> Micros(std::optional<absl::Time> t) {
      if (!t.has_value()) return t;
      return absl::FromUnixMicros(absl::ToUnixMicros(*t));
    }
    absl::Status Writable() {
      if (!failure_.ok()) return failure_;
      if (read_only_) failure_ = absl::FailedPreconditionError("a Read cannot write");
      return failure_;
    }
    template <typename M>
    absl::StatusOr<std::optional<M>> Find(const std::map<std::string, M>& table, const std::string& key) {
      if (!failure_.ok()) return failure_;
      auto it = table.find(key);
      if (it == table.end()) return std::nullopt;
      return std::optional<M>(it->second);
    }
    static absl::Status CheckKey(std::string_view value, std::string_view field) {
      if (value.empty()) return absl::InvalidArgumentError(absl::StrFormat("%s is empty", field));
      return absl::OkStatus();
    }
    static absl::Status CheckPage(int offset, int limit) {
      if (offset < 0) return absl::InvalidArgumentError("filter.offset is negative");
      if (limit < 0) return absl::InvalidArgumentError("filter.limit is negative");
      return absl::OkStatus();
    }

    State& s_;
    const bool read_only_;
    absl::Status failure_;
    std::vector<EmittedDelivery> emitted_;
  };

  std::mutex write_mu_;
  mutable std::mutex mu_;  // guards what follows
  State state_;
  std::vector<EmittedDelivery> events_;
  absl::Status fail_;
};

}  // namespace ys::notify::testing
