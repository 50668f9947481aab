#include "services/rectification/service.h"

#include "absl/strings/str_format.h"
#include "common/grpc/paging.h"
#include "common/grpc/unary.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"

namespace ys::rectification {
namespace {

// Who reads cases, and with them the office's referrals to 市纪委监委 (Case.referral): not a data
// platform, 惠企通 or the centre, whose roles need no case (issue #17, tests/authz/matrix.yaml).
constexpr std::initializer_list<absl::string_view> kCaseReaders = {"office", "unit:*", "viewer", "leader:*", "county:*"};

}  // namespace

absl::StatusOr<std::pair<std::vector<pb::Case>, size_t>> RectificationImpl::ListFor(const CaseReader& reader,
                                                                                     const CaseStore::ListQuery& q) {
  if (!PickedInMemory(reader)) return store_.List(q);
  // A 领班's or a county's cases: the store loads every match, the domain picks (VisibleTo), the page
  // is cut here. Case counts are hundreds a year, so this stays cheap without a SQL rule.
  ASSIGN_OR_RETURN(std::vector<pb::Case> loaded, store_.ListAll(q));
  std::vector<pb::Case> visible = VisibleOnly(std::move(loaded), reader);
  const size_t total = visible.size();
  std::vector<pb::Case> page;
  for (size_t i = q.offset; i < total && page.size() < q.limit; ++i) page.push_back(std::move(visible[i]));
  return std::make_pair(std::move(page), total);
}

template <typename Req>
grpc::ServerUnaryReactor* RectificationImpl::OfficeChange(
    grpc::CallbackServerContext* ctx, const Req* req, pb::Case* resp,
    absl::StatusOr<pb::Case> (CaseStore::*change)(const Principal&, const Req&)) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, {"office"}));
    ASSIGN_OR_RETURN(*resp, (store_.*change)(who, *req));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RectificationImpl::OpenCase(grpc::CallbackServerContext* ctx,
                                                      const pb::OpenCaseRequest* req, pb::Case* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, {"office"}));
    pb::OpenCaseRequest open = *req;
    if (!open.unit().empty()) {
      ASSIGN_OR_RETURN(*open.mutable_unit(), auth_.units().ResolveField(open.unit(), "unit"));
    }
    ASSIGN_OR_RETURN(*resp, store_.Open(who, open));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RectificationImpl::ReferCase(grpc::CallbackServerContext* ctx,
                                                       const pb::ReferCaseRequest* req, pb::Case* resp) {
  return OfficeChange(ctx, req, resp, &CaseStore::Refer);
}

grpc::ServerUnaryReactor* RectificationImpl::ReviewWithdrawal(grpc::CallbackServerContext* ctx,
                                                              const pb::ReviewWithdrawalRequest* req,
                                                              pb::Case* resp) {
  return OfficeChange(ctx, req, resp, &CaseStore::ReviewWithdrawal);
}

grpc::ServerUnaryReactor* RectificationImpl::VerifyCase(grpc::CallbackServerContext* ctx,
                                                        const pb::VerifyCaseRequest* req, pb::Case* resp) {
  return OfficeChange(ctx, req, resp, &CaseStore::Verify);
}

grpc::ServerUnaryReactor* RectificationImpl::CloseCase(grpc::CallbackServerContext* ctx,
                                                       const pb::CloseCaseRequest* req, pb::Case* resp) {
  return OfficeChange(ctx, req, resp, &CaseStore::Close);
}

grpc::ServerUnaryReactor* RectificationImpl::ReopenCase(grpc::CallbackServerContext* ctx,
                                                        const pb::ReopenCaseRequest* req, pb::Case* resp) {
  return OfficeChange(ctx, req, resp, &CaseStore::Reopen);
}

grpc::ServerUnaryReactor* RectificationImpl::ExtendDeadline(grpc::CallbackServerContext* ctx,
                                                            const pb::ExtendDeadlineRequest* req,
                                                            pb::Case* resp) {
  return OfficeChange(ctx, req, resp, &CaseStore::Extend);
}

grpc::ServerUnaryReactor* RectificationImpl::GetCase(grpc::CallbackServerContext* ctx,
                                                     const pb::GetCaseRequest* req, pb::Case* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, kCaseReaders));
    const CaseReader reader = ReaderOfRole(who.role);
    ASSIGN_OR_RETURN(pb::Case c, store_.Get(req->id()));
    // A unit its own and followed cases, a 领班 those it leads, a county its county's (domain).
    RETURN_IF_ERROR(CheckMayRead(c, reader));
    if (reader.kind == CaseReader::Kind::kUnit) {
      c.set_following(AccessOf(c, reader.name) == UnitAccess::kFollower);
    }
    if (!SeesReferralDetails(reader)) RemoveReferralDetails(c);
    *resp = std::move(c);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RectificationImpl::ReportProgress(grpc::CallbackServerContext* ctx,
                                                            const pb::ReportProgressRequest* req,
                                                            pb::Case* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    // A 领班 only reads: not among the roles (and CheckMayReport refuses one too).
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, {"office", "unit:*", "county:*"}));
    const CaseReader reader = ReaderOfRole(who.role);
    if (reader.kind != CaseReader::Kind::kOffice) {
      // A unit reports on its own cases, a county on its county's (the county answers them).
      ASSIGN_OR_RETURN(pb::Case c, store_.Get(req->id()));
      RETURN_IF_ERROR(CheckMayReport(c, reader));
    }
    ASSIGN_OR_RETURN(*resp, store_.Report(who, *req));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RectificationImpl::ListCases(grpc::CallbackServerContext* ctx,
                                                       const pb::ListCasesRequest* req,
                                                       pb::ListCasesResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, kCaseReaders));
    ASSIGN_OR_RETURN(PageWindow page, ParsePage(req->page()));
    if (req->state() != pb::STATE_UNSPECIFIED && !pb::State_IsValid(req->state())) {
      return absl::InvalidArgumentError("field 'state': unknown state");
    }
    CaseStore::ListQuery q;
    // A unit key sees its own (and followed) cases, whatever it asks; an alias finds the canonical
    // unit's cases, a name the directory does not know is looked up as given. A 领班 or a county may
    // name a unit too: its own cases of that unit (ListFor).
    q.unit = who.Unit().value_or(auth_.units().Canonical(req->unit()).value_or(req->unit()));
    q.state = req->state();
    q.overdue_only = req->overdue_only();
    q.as_of = req->has_as_of() ? FromProtoTime(req->as_of()) : clock_.Now();
    q.offset = page.offset;
    q.limit = page.size;
    const CaseReader reader = ReaderOfRole(who.role);
    ASSIGN_OR_RETURN(auto listed, ListFor(reader, q));
    for (auto& c : listed.first) {
      if (!SeesReferralDetails(reader)) RemoveReferralDetails(c);
      *resp->add_cases() = std::move(c);
    }
    resp->set_total(static_cast<int>(listed.second));
    resp->mutable_page()->set_next_page_token(NextPageToken(page, listed.second));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RectificationImpl::ListOverdue(grpc::CallbackServerContext* ctx,
                                                         const pb::OverdueRequest* req,
                                                         pb::OverdueResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, kCaseReaders));
    ASSIGN_OR_RETURN(PageWindow page, ParsePage(req->page()));
    absl::Time as_of = clock_.Now();
    if (!req->as_of().empty()) {
      auto day = ParseIsoDate(req->as_of());
      if (!day.ok()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("field 'as_of': %s is not a date (2022-11-20)", input::QuoteInput(req->as_of())));
      }
      as_of = EndOfDay(*day) - absl::Seconds(1);  // at the end of that day
    }
    CaseStore::ListQuery q;
    q.unit = who.Unit().value_or("");
    q.overdue_only = true;
    q.as_of = as_of;
    q.offset = page.offset;
    q.limit = page.size;
    const CaseReader reader = ReaderOfRole(who.role);
    ASSIGN_OR_RETURN(auto listed, ListFor(reader, q));  // a 领班's, a county's: their own
    resp->set_as_of(req->as_of().empty() ? FormatIsoDate(absl::ToCivilDay(as_of, Shanghai())) : req->as_of());
    for (auto& c : listed.first) {
      pb::OverdueCase* o = resp->add_cases();
      const LadderStep step = StepAt(FromProtoTime(c.due_at()), as_of, store_.policies().escalation);
      o->set_level_at(step.level);
      o->set_step_at(step.name);
      if (!SeesReferralDetails(reader)) RemoveReferralDetails(c);
      *o->mutable_case_() = std::move(c);
    }
    resp->mutable_page()->set_next_page_token(NextPageToken(page, listed.second));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RectificationImpl::GetStats(grpc::CallbackServerContext* ctx,
                                                      const pb::StatsRequest* req, pb::StatsResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, kCaseReaders));
    const CaseReader reader = ReaderOfRole(who.role);
    if (PickedInMemory(reader)) {
      // A 领班 or a county: the lines of its own cases (VisibleTo), counted in memory (StatsOf).
      ASSIGN_OR_RETURN(std::vector<pb::Case> opened, store_.OpenedIn(req->period()));
      *resp = StatsOf(req->period(), VisibleOnly(std::move(opened), reader), clock_.Now());
      return absl::OkStatus();
    }
    // A unit sees its own line (and a total of it); the office and viewers see every unit.
    ASSIGN_OR_RETURN(*resp, store_.Stats(req->period(), who.Unit().value_or("")));
    return absl::OkStatus();
  });
}

}  // namespace ys::rectification
