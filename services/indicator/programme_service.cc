#include "services/indicator/programme_service.h"

#include "common/input/text_rules.h"
#include "services/indicator/audit.h"

#include <pqxx/pqxx>

#include "absl/strings/str_format.h"
#include "common/grpc/paging.h"
#include "common/grpc/status.h"
#include "common/grpc/unary.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace ys::indicator {
namespace {

pb::ProgressReport FromRow(const pqxx::row& r) {
  pb::ProgressReport p;
  p.set_item_code(r[0].as<std::string>());
  p.set_month(r[1].as<std::string>());
  p.set_unit(r[2].as<std::string>());
  pb::ProgressStatus status = pb::PROGRESS_STATUS_UNSPECIFIED;
  pb::ProgressStatus_Parse(r[3].as<std::string>(), &status);
  p.set_status(status);
  p.set_percent(r[4].as<int>());
  p.set_text(r[5].as<std::string>());
  p.set_reported_by(r[6].as<std::string>());
  *p.mutable_reported_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      static_cast<int64_t>(r[7].as<double>() * 1e6));
  p.set_version(r[8].as<int64_t>());
  return p;
}

constexpr char kColumns[] =
    "item_code, month, unit, status, percent, text, reported_by, "
    "extract(epoch FROM reported_at)::float8, version";

}  // namespace

absl::StatusOr<pb::ProgressReport> ValidateProgressReport(const Catalog& catalog,
                                                          const Principal& who, absl::Time now,
                                                          pb::ProgressReport report) {
  auto item = catalog.programme_items.find(report.item_code());
  if (report.item_code().empty()) return absl::InvalidArgumentError("field 'report.item_code' is required");
  if (item == catalog.programme_items.end() || item->second.retired()) {
    return absl::NotFoundError(absl::StrFormat(
        "field 'report.item_code': %s is not a programme item of the catalog", report.item_code()));
  }
  // Local policy (the plan dispatches the "五大环境30项具体任务" by task, §四(三) 三): an environment
  // is the heading its tasks fall under, not work a unit reports on.
  if (item->second.kind() == pb::PROGRAMME_ITEM_KIND_ENVIRONMENT) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "field 'report.item_code': %s is one of the five environments (五大环境); report on its tasks",
        report.item_code()));
  }
  auto month = Period::Parse(report.month());
  if (!month.ok() || month->kind() != Period::Kind::kMonth) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'report.month': '%s' is not a month such as 2022-09", report.month()));
  }
  if (month->Start() > now) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'report.month': %s has not started yet", report.month()));
  }
  const pb::Unit* unit = catalog.ResolveUnit(report.unit());
  if (unit == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'report.unit': unknown unit '%s'", report.unit()));
  }
  if (!who.IsOffice()) {
    const pb::Unit* own = who.Unit() ? catalog.ResolveUnit(*who.Unit()) : nullptr;
    if (own == nullptr || own->name() != unit->name()) {
      return absl::PermissionDeniedError(absl::StrFormat(
          "role '%s' may report only for its own unit, not %s", who.role, unit->name()));
    }
  }
  report.set_unit(unit->name());
  if (report.status() == pb::PROGRESS_STATUS_UNSPECIFIED || !pb::ProgressStatus_IsValid(report.status())) {
    return absl::InvalidArgumentError(
        "field 'report.status' must be NOT_STARTED, IN_PROGRESS, DONE or BLOCKED");
  }
  if (report.percent() < 0 || report.percent() > 100) {
    return absl::InvalidArgumentError(
        absl::StrFormat("field 'report.percent': %d is not between 0 and 100", report.percent()));
  }
  if (report.status() == pb::PROGRESS_STATUS_DONE && report.percent() != 100) {
    return absl::InvalidArgumentError("field 'report.percent' must be 100 when the status is DONE");
  }
  return report;
}

grpc::ServerUnaryReactor* ProgrammeServiceImpl::ReportProgress(grpc::CallbackServerContext* ctx,
                                                               const pb::ReportProgressRequest* req,
                                                               pb::ProgressReport* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Principal who, auth_.Require(*ctx, {"office", "unit:*"}));
    ASSIGN_OR_RETURN(StoredCatalog stored, catalog_.Load());
    const absl::Time now = clock_.Now();
    ASSIGN_OR_RETURN(pb::ProgressReport report,
                     ValidateProgressReport(Catalog::FromEntities(stored.entities), who, now,
                                            req->report()));
    report.set_reported_by(who.name);
    *report.mutable_reported_at() =
        ToProtoTime(now);
    return pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      const pqxx::result before = tx.exec_params(
          absl::StrFormat("SELECT %s FROM programme_progress WHERE item_code = $1 AND month = $2 "
                          "AND unit = $3 FOR UPDATE",
                          kColumns),
          report.item_code(), report.month(), report.unit());
      report.set_version(before.empty() ? 1 : before[0][8].as<int64_t>() + 1);
      tx.exec_params(
          "INSERT INTO programme_progress VALUES ($1,$2,$3,$4,$5,$6,$7,$8::timestamptz,$9) "
          "ON CONFLICT (item_code, month, unit) DO UPDATE SET status = EXCLUDED.status, "
          "percent = EXCLUDED.percent, text = EXCLUDED.text, reported_by = EXCLUDED.reported_by, "
          "reported_at = EXCLUDED.reported_at, version = EXCLUDED.version",
          report.item_code(), report.month(), report.unit(), pb::ProgressStatus_Name(report.status()),
          report.percent(), report.text(), report.reported_by(), SqlTime(now), report.version());
      WriteAudit(tx, now, who, "progress.report", "progress",
                 report.item_code() + "/" + report.month() + "/" + report.unit(),
                 before.empty() ? std::nullopt : std::optional(AuditJson(FromRow(before[0]))),
                 AuditJson(report));
      *resp = report;
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* ProgrammeServiceImpl::ListProgress(grpc::CallbackServerContext* ctx,
                                                             const pb::ListProgressRequest* req,
                                                             pb::ListProgressResponse* resp) {
  return FinishUnaryOn(executor_, ctx, [=, this]() -> absl::Status {
    RETURN_IF_ERROR(auth_.Require(*ctx, {"office", "unit:*", "viewer", "leader:*", "county:*"}).status());
    auto month = Period::Parse(req->month());
    if (!month.ok() || month->kind() != Period::Kind::kMonth) {
      return absl::InvalidArgumentError(
          absl::StrFormat("field 'month': %s is not a month such as 2022-09", input::QuoteInput(req->month())));
    }
    ASSIGN_OR_RETURN(PageWindow page, ParsePage(req->page()));
    return pool_.WithTransaction([&](pqxx::work& tx) -> absl::Status {
      const pqxx::result rows = tx.exec_params(
          absl::StrFormat("SELECT %s, count(*) OVER () FROM programme_progress WHERE month = $1 "
                          "AND ($2 = '' OR item_code = $2) AND ($3 = '' OR unit = $3) "
                          "ORDER BY item_code, unit LIMIT $4 OFFSET $5",
                          kColumns),
          month->ToString(), req->item_code(), req->unit(), static_cast<int64_t>(page.size),
          static_cast<int64_t>(page.offset));
      for (const auto& r : rows) *resp->add_reports() = FromRow(r);
      const size_t total = rows.empty() ? 0 : rows[0][9].as<size_t>();
      resp->mutable_page()->set_next_page_token(NextPageToken(page, total));
      return absl::OkStatus();
    });
  });
}

}  // namespace ys::indicator
