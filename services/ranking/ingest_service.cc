#include "services/ranking/ingest_service.h"

#include "absl/strings/str_format.h"
#include "common/grpc/status.h"
#include "common/log/log.h"
#include "common/pg/inbox.h"

namespace ys::ranking {
namespace {

pb::SubmitResult::Outcome ToOutcome(RevisionOutcome o) {
  switch (o) {
    case RevisionOutcome::kNew: return pb::SubmitResult::OUTCOME_NEW;
    case RevisionOutcome::kSupersedes: return pb::SubmitResult::OUTCOME_SUPERSEDES;
    case RevisionOutcome::kSame: return pb::SubmitResult::OUTCOME_UNCHANGED;
    case RevisionOutcome::kOlder: return pb::SubmitResult::OUTCOME_OLDER;
  }
  return pb::SubmitResult::OUTCOME_UNSPECIFIED;
}

class SubmitReactor final : public grpc::ServerReadReactor<pb::SubmitRequest> {
 public:
  SubmitReactor(RankingIngestImpl* service, grpc::CallbackServerContext* ctx,
                const ApiKeyAuthenticator& auth, pb::SubmitResponse* resp)
      : service_(service), resp_(resp) {
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
      requests_.push_back(std::move(request_));
      if (requests_.size() > RankingIngestImpl::kMaxFactsPerCall) {
        Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            absl::StrFormat("at most %d facts per Submit call; split the stream",
                                            RankingIngestImpl::kMaxFactsPerCall)));
        return;
      }
      request_.Clear();
      StartRead(&request_);
      return;
    }
    Finish(ToGrpcStatus(service_->Process(who_, requests_, resp_)));
  }
  void OnDone() override { delete this; }

 private:
  RankingIngestImpl* service_;
  pb::SubmitResponse* resp_;
  Principal who_;
  pb::SubmitRequest request_;
  std::vector<pb::SubmitRequest> requests_;
};

}  // namespace

grpc::ServerReadReactor<pb::SubmitRequest>* RankingIngestImpl::Submit(grpc::CallbackServerContext* ctx,
                                                                      pb::SubmitResponse* resp) {
  return new SubmitReactor(this, ctx, auth_, resp);
}

absl::Status RankingIngestImpl::Process(const Principal& who,
                                        const std::vector<pb::SubmitRequest>& requests,
                                        pb::SubmitResponse* resp) {
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
  std::vector<pb::RankingFact> changed;
  {
    std::lock_guard lock(mu_);
    absl::Status s = pool_.WithTransaction([&](pqxx::work& tx) {
      return ingest_.ApplyFacts(tx, inputs, options, &results, &outcomes);
    });
    if (!s.ok()) return s;
    changed = ingest_.changed();
  }
  if (!options.validate_only) {
    if (auto w = cache_.Write(changed); !w.ok()) {
      // PostgreSQL has it; the cache is rebuilt when Redis is back (reads fall back meanwhile).
      log::Warn("ranking cache write failed after Submit", {{"error", std::string(w.message())}});
    }
  }
  resp->set_validate_only(options.validate_only);
  for (size_t i = 0; i < inputs.size(); ++i) {
    pb::SubmitResult* r = resp->add_results();
    r->set_index(static_cast<int>(i));
    r->set_fact_key(FactKey(inputs[i].fact));
    if (results[i].ok()) {
      r->set_outcome(ToOutcome(outcomes[i]));
      resp->set_accepted(resp->accepted() + 1);
    } else {
      r->set_outcome(pb::SubmitResult::OUTCOME_REJECTED);
      r->set_error(std::string(results[i].message()));
      r->set_code(RejectionReason(results[i]));
      resp->set_rejected(resp->rejected() + 1);
    }
  }
  return absl::OkStatus();
}

}  // namespace ys::ranking
