#include "services/ranking/ingest_service.h"

#include "absl/strings/str_format.h"
#include "common/grpc/status.h"
#include "common/log/log.h"
#include "common/grpc/paging.h"
#include "common/grpc/unary.h"
#include "common/pg/inbox.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"

namespace ys::ranking {
namespace {

// Collects a Submit stream, then applies it on the executor in one transaction. What one stream may
// hold is bounded twice: gRPC refuses a message over grpc.max_receive_bytes, and the reactor refuses
// the stream once its messages pass grpc.stream_budget_bytes in all or kMaxFactsPerCall facts,
// dropping what it collected instead of reading on.
class SubmitReactor final : public grpc::ServerReadReactor<pb::SubmitRequest> {
 public:
  SubmitReactor(RankingIngestImpl* service, grpc::CallbackServerContext* ctx,
                const ApiKeyAuthenticator& auth, CallExecutor& executor, size_t budget_bytes,
                pb::SubmitResponse* resp)
      : service_(service), ctx_(ctx), executor_(executor), budget_bytes_(budget_bytes), resp_(resp) {
    auto who = auth.Require(*ctx, {"office", "platform:*"});
    if (!who.ok()) {
      Finish(ToGrpcStatus(who.status()));
      return;
    }
    who_ = *who;
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (ok) {
      received_bytes_ += request_.ByteSizeLong();
      if (received_bytes_ > budget_bytes_) {
        Refuse(absl::StrFormat("the stream passed its budget of %d bytes (grpc.stream_budget_bytes) "
                               "at fact %d; split it into several Submit calls",
                               budget_bytes_, requests_.size()));
        return;
      }
      requests_.push_back(std::move(request_));
      if (requests_.size() > RankingIngestImpl::kMaxFactsPerCall) {
        Refuse(absl::StrFormat("at most %d facts per Submit call; split the stream",
                               RankingIngestImpl::kMaxFactsPerCall));
        return;
      }
      request_.Clear();
      StartRead(&request_);
      return;
    }
    // The end of the stream, or a broken call (a message over grpc.max_receive_bytes, the client
    // cancelled, the connection lost): a partial stream must not be stored, and IsCancelled() can
    // lag behind the failed read by milliseconds. A send settles it: gRPC has cancelled a broken
    // call before it reports the read, so the initial metadata fails to go out on it and only on it.
    StartSendInitialMetadata();
  }
  void OnSendInitialMetadataDone(bool ok) override {
    if (!ok) {
      Drop();
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the call broke before the stream ended"));
      return;
    }
    // The transaction blocks: it runs on the executor, off gRPC's callback threads.
    const bool queued = executor_.TrySchedule([this] {
      const absl::Status s = ctx_->IsCancelled() ? absl::CancelledError("the call was cancelled")
                                                 : service_->Process(who_, requests_, resp_);
      Drop();
      Finish(ToGrpcStatus(s));
    });
    if (!queued) {
      Drop();
      Finish(ToGrpcStatus(executor_.BusyError()));
    }
  }
  void OnDone() override { delete this; }

 private:
  void Refuse(const std::string& message) {
    Drop();
    Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message));
  }
  // Frees what the stream brought now, not when the call is done.
  void Drop() {
    std::vector<pb::SubmitRequest>().swap(requests_);
    request_ = pb::SubmitRequest();
  }

  RankingIngestImpl* service_;
  grpc::CallbackServerContext* ctx_;
  CallExecutor& executor_;
  const size_t budget_bytes_;
  pb::SubmitResponse* resp_;
  Principal who_;
  pb::SubmitRequest request_;
  std::vector<pb::SubmitRequest> requests_;
  size_t received_bytes_ = 0;
};

}  // namespace

grpc::ServerReadReactor<pb::SubmitRequest>* RankingIngestImpl::Submit(grpc::CallbackServerContext* ctx,
                                                                      pb::SubmitResponse* resp) {
  return new SubmitReactor(this, ctx, auth_, executor_, stream_budget_bytes_, resp);
}

absl::Status RankingIngestImpl::Process(const Principal& who,
                                        const std::vector<pb::SubmitRequest>& requests,
                                        pb::SubmitResponse* resp) {
  if (!ready_) return absl::UnavailableError("the catalog replica is still loading; try again shortly");
  FactIngest::Options options;
  if (!requests.empty()) {
    options.validate_only = requests.front().validate_only();
    options.correction = requests.front().correction();
  }
  if (options.correction && !who.IsOffice()) {
    return absl::PermissionDeniedError("a correction of a locked period needs the office role");
  }
  std::vector<FactIngest::Input> inputs;
  for (const auto& r : requests) inputs.push_back({r.fact(), who.PlatformSource().value_or("")});
  std::vector<absl::Status> results(inputs.size());
  std::vector<RevisionOutcome> outcomes(inputs.size());
  // Submits run side by side (and beside the Kafka consumers): FactIngest keeps no state between
  // calls, and writers of the same new key are decided again through ABORTED.
  FactChanges changes;
  absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) {
    // A retried transaction starts from nothing: no result of the aborted attempt survives.
    results.assign(inputs.size(), absl::OkStatus());
    outcomes.assign(inputs.size(), RevisionOutcome::kNew);
    changes = FactChanges();
    return ingest_.ApplyFacts(tx, inputs, options, &results, &outcomes, &changes);
  });
  if (!s.ok()) return s;
  if (!options.validate_only) {
    if (auto w = cache_.Write(changes.current); !w.ok()) {
      // PostgreSQL has it; the cache is rebuilt when Redis is back (reads fall back meanwhile).
      log::Warn("ranking cache write failed after Submit", {{"error", std::string(w.message())}});
    }
  }
  resp->set_validate_only(options.validate_only);
  for (size_t i = 0; i < inputs.size(); ++i) {
    pb::SubmitResult* r = resp->add_results();
    *r = MakeResult(FactKey(inputs[i].fact), results[i], outcomes[i]);
    r->set_index(static_cast<int>(i));
    if (results[i].ok()) {
      resp->set_accepted(resp->accepted() + 1);
    } else {
      resp->set_rejected(resp->rejected() + 1);
    }
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RankingIngestImpl::ListRejected(grpc::CallbackServerContext* ctx,
                                                         const pb::ListRejectedRequest* req,
                                                         pb::ListRejectedResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    ASSIGN_OR_RETURN(PageWindow page, ParsePage(req->page()));
    return pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      const pqxx::result rows = tx.exec_params(
          "SELECT id, event_id, header_names, header_values, record_key, body, error, code, "
          "(extract(epoch FROM rejected_at) * 1e6)::bigint, attempts, "
          "(extract(epoch FROM replayed_at) * 1e6)::bigint, count(*) OVER () FROM rejected_submissions "
          "WHERE ($1 OR replayed_at IS NULL) AND ($2 = '' OR code = $2) "
          "ORDER BY rejected_at, id LIMIT $3 OFFSET $4",
          req->include_replayed(), req->code(), static_cast<int64_t>(page.size),
          static_cast<int64_t>(page.offset));
      for (const auto& row : rows) {
        pb::RejectedSubmission* r = resp->add_rejected();
        r->set_id(row[0].as<std::string>());
        r->set_event_id(row[1].as<std::string>());
        const auto names = PgTextArray(row[2]);
        const auto values = PgTextArray(row[3]);
        for (size_t h = 0; h < names.size() && h < values.size(); ++h) {
          if (names[h] == "ce_source") r->set_platform(values[h]);
          if (names[h] == "content-type") r->set_content_type(values[h]);
        }
        r->set_key(row[4].as<std::string>());
        r->set_body(pqxx::binarystring(row[5]).str());
        r->set_error(row[6].as<std::string>());
        r->set_code(row[7].as<std::string>());
        *r->mutable_rejected_at() = ToProtoTime(absl::FromUnixMicros(row[8].as<int64_t>()));
        r->set_attempts(row[9].as<int>());
        if (!row[10].is_null()) {
          r->set_replayed(true);
          *r->mutable_replayed_at() = ToProtoTime(absl::FromUnixMicros(row[10].as<int64_t>()));
        }
      }
      const size_t total = rows.empty() ? 0 : rows[0][11].as<size_t>();
      resp->set_total(static_cast<int>(total));
      resp->mutable_page()->set_next_page_token(NextPageToken(page, total));
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* RankingIngestImpl::FinaliseYear(grpc::CallbackServerContext* ctx,
                                                         const pb::FinaliseYearRequest* req,
                                                         pb::FinaliseYearResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, {"office"}));
    if (req->year() < 2000 || req->year() > 2100) {
      return absl::InvalidArgumentError(
          absl::StrFormat("field 'year': %d is not a year of the programme", req->year()));
    }
    if (req->reason().empty()) {
      return absl::InvalidArgumentError("field 'reason' is required: the finalisation is audited");
    }
    RETURN_IF_ERROR(input::CheckText("reason", req->reason(), input::TextKind::kFreeText, {}));
    ASSIGN_OR_RETURN(*resp, ingest_.ledger().FinaliseYear(who, req->year(), req->reason(), req->dry_run(),
                                                          ingest_.clock().Now()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RankingIngestImpl::Replay(grpc::CallbackServerContext* ctx,
                                                   const pb::ReplayRequest* req,
                                                   pb::ReplayResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office"}).status());
    if (!ready_) return absl::UnavailableError("the catalog replica is still loading; try again shortly");
    if (req->ids().empty() && !req->all()) {
      return absl::InvalidArgumentError("field 'ids': name the rejected submissions, or set 'all'");
    }
    const std::vector<std::string> ids(req->ids().begin(), req->ids().end());
    std::vector<pb::SubmitResult> results;
    FactChanges changes;
    RETURN_IF_ERROR(pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      changes = FactChanges();
      ASSIGN_OR_RETURN(results, ingest_.Replay(tx, ids, req->all(), req->validate_only(), &changes));
      return absl::OkStatus();
    }));
    if (!req->validate_only()) {
      if (auto w = cache_.Write(changes.current); !w.ok()) {
        log::Warn("ranking cache write failed after Replay", {{"error", std::string(w.message())}});
      }
    }
    resp->set_validate_only(req->validate_only());
    for (size_t i = 0; i < results.size(); ++i) {
      results[i].set_index(static_cast<int>(i));
      if (results[i].outcome() == pb::SubmitResult::OUTCOME_REJECTED) {
        resp->set_rejected(resp->rejected() + 1);
      } else {
        resp->set_accepted(resp->accepted() + 1);
      }
      *resp->add_results() = std::move(results[i]);
    }
    return absl::OkStatus();
  });
}

}  // namespace ys::ranking
