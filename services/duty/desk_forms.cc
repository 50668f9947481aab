// The directory, 表1 registrations, 表2 records and the centre's exemptions.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/grpc/paging.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "google/protobuf/util/json_util.h"
#include "services/duty/compliance.h"
#include "services/duty/desk.h"
#include "services/duty/directory.h"

namespace ys::duty {
namespace {

std::string Json(const google::protobuf::Message* m) {
  if (m == nullptr) return "";
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(*m, &out, options);
  return out;
}

}  // namespace

absl::CivilDay DutyDesk::Today() const { return absl::ToCivilDay(clock_.Now(), Shanghai()); }

pb::AuditEntry DutyDesk::AuditLine(const Actor& actor, std::string action, std::string subject,
                                   const google::protobuf::Message* before,
                                   const google::protobuf::Message* after) const {
  pb::AuditEntry e;
  *e.mutable_at() = ToProtoTime(clock_.Now());
  e.set_actor(actor.name);
  e.set_action(std::move(action));
  e.set_subject(std::move(subject));
  e.set_before(Json(before));
  e.set_after(Json(after));
  return e;
}

pb::DutyEvent DutyDesk::NewEvent(std::string id, std::string message) const {
  pb::DutyEvent e;
  e.set_id(std::move(id));
  *e.mutable_at() = ToProtoTime(clock_.Now());
  e.set_message(std::move(message));
  return e;
}

absl::StatusOr<std::string> DutyDesk::ResolveUnit(absl::string_view name, absl::string_view field) const {
  if (name.empty()) return std::string();
  return units_.ResolveField(std::string_view(name.data(), name.size()), std::string_view(field.data(), field.size()));
}

absl::StatusOr<pb::ImportDirectoryResponse> DutyDesk::ImportDirectory(const Actor& actor,
                                                                      const pb::ImportDirectoryRequest& request) {
  if (!actor.centre) return absl::PermissionDeniedError("the directory is the service centre's (role centre)");
  const std::string file = request.file_name().empty() ? "directory.yaml" : request.file_name();
  ASSIGN_OR_RETURN(pb::Directory next, ParseDirectoryYaml(request.yaml(), file, units_, settings_.high_frequency));
  pb::ImportDirectoryResponse out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::Directory before, tx.Directory());
    for (std::string& line : DiffDirectories(before, next)) out.add_changes(std::move(line));
    out.set_version(before.version());
    if (request.validate_only() || out.changes().empty()) return absl::OkStatus();
    next.set_version(before.version() + 1);
    *next.mutable_imported_at() = ToProtoTime(clock_.Now());
    *next.mutable_first_imported_at() = before.version() == 0 ? next.imported_at() : before.first_imported_at();
    next.set_imported_by(actor.name);
    RETURN_IF_ERROR(tx.PutDirectory(next));
    pb::AuditEntry audit = AuditLine(actor, "directory_imported", absl::StrCat("directory v", next.version()),
                                     nullptr, nullptr);
    audit.set_after(absl::StrJoin(out.changes(), "\n"));
    RETURN_IF_ERROR(tx.Audit(audit));
    out.set_version(next.version());
    out.set_applied(true);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::Directory> DutyDesk::GetDirectory(const pb::GetDirectoryRequest& request) {
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  pb::Directory out;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, tx.Directory());
    return absl::OkStatus();
  }));
  if (unit.empty()) return out;
  const pb::ResidentUnit* found = FindUnit(out, unit);
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrFormat("field 'unit': %s is not resident at the service centre", unit));
  }
  pb::ResidentUnit one = *found;
  out.clear_units();
  *out.add_units() = std::move(one);
  return out;
}

absl::StatusOr<pb::Registration> DutyDesk::Register(const Actor& actor, const pb::RegisterRequest& request) {
  pb::RegisterRequest req = request;
  ASSIGN_OR_RETURN(*req.mutable_unit(), ResolveUnit(request.unit(), "unit"));
  pb::Registration out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
    // Every live registration of the date: the domain finds the leader and checks double booking.
    std::vector<pb::Registration> same_day;
    if (ParseIsoDate(req.date()).ok()) {
      RegistrationFilter f;
      f.from = f.to = req.date();
      ASSIGN_OR_RETURN(same_day, tx.Registrations(f));
    }
    ASSIGN_OR_RETURN(out, DecideRegistration(req, directory, calendar_, same_day, actor, Today(),
                                             settings_.registration));
    ASSIGN_OR_RETURN(*out.mutable_id(), tx.NextId("DR"));
    *out.mutable_registered_at() = ToProtoTime(clock_.Now());
    out.set_registered_by(actor.name);
    RETURN_IF_ERROR(tx.PutRegistration(out));
    return tx.Audit(AuditLine(actor, "registered", out.id(), nullptr, &out));
  }));
  return out;
}

absl::StatusOr<pb::Registration> DutyDesk::Cancel(const Actor& actor, const pb::CancelRegistrationRequest& request) {
  pb::Registration out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<pb::Registration> found, tx.Registration(request.id()));
    if (!found.has_value()) {
      return absl::NotFoundError(absl::StrFormat("field 'id': no registration %s", input::QuoteInput(request.id())));
    }
    RETURN_IF_ERROR(CheckCancellation(*found, request.reason(), actor, Today()));
    out = *found;
    out.set_cancelled(true);
    out.set_cancel_reason(request.reason());
    *out.mutable_cancelled_at() = ToProtoTime(clock_.Now());
    out.set_cancelled_by(actor.name);
    RETURN_IF_ERROR(tx.PutRegistration(out));
    return tx.Audit(AuditLine(actor, "cancelled", out.id(), &*found, &out));
  }));
  return out;
}

absl::StatusOr<pb::ListRegistrationsResponse> DutyDesk::ListRegistrations(const pb::ListRegistrationsRequest& request) {
  ASSIGN_OR_RETURN(PageWindow window, ParsePage(request.page()));
  RegistrationFilter f;
  ASSIGN_OR_RETURN(f.unit, ResolveUnit(request.unit(), "unit"));
  f.from = request.from();
  f.to = request.to();
  for (const auto& [field, value] : {std::pair{"from", f.from}, std::pair{"to", f.to}}) {
    if (!value.empty() && !ParseIsoDate(value).ok()) {
      return absl::InvalidArgumentError(absl::StrFormat("field '%s': %s is not a date YYYY-MM-DD", field,
                                                        input::QuoteInput(value)));
    }
  }
  f.include_cancelled = request.include_cancelled();
  f.offset = static_cast<int>(window.offset);
  f.limit = static_cast<int>(window.size);
  pb::ListRegistrationsResponse out;
  std::vector<pb::Registration> page;
  int64_t total = 0;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(total, tx.CountRegistrations(f));
    ASSIGN_OR_RETURN(page, tx.Registrations(f));
    return absl::OkStatus();
  }));
  const absl::CivilDay today = Today();
  for (pb::Registration& r : page) {
    r.set_record_overdue(RecordOverdue(r, today));
    *out.add_registrations() = std::move(r);
  }
  out.mutable_page()->set_next_page_token(NextPageToken(window, static_cast<size_t>(total)));
  return out;
}

absl::StatusOr<pb::DutyRecord> DutyDesk::FileRecord(const Actor& actor, const pb::FileRecordRequest& request) {
  pb::FileRecordRequest req = request;
  ASSIGN_OR_RETURN(*req.mutable_unit(), ResolveUnit(request.unit(), "unit"));
  pb::DutyRecord out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
    std::optional<pb::Registration> registration;
    if (!req.registration_id().empty()) {
      ASSIGN_OR_RETURN(registration, tx.Registration(req.registration_id()));
      if (!registration.has_value()) {
        return absl::NotFoundError(absl::StrFormat("field 'registration_id': no registration %s",
                                                   input::QuoteInput(req.registration_id())));
      }
    }
    // The records of that date (the domain refuses an overlapping one of the same leader), and the
    // leader's open registration of the day: a record without a registration id goes to it, so that
    // the registration is not flagged as missing its 表2.
    std::vector<pb::DutyRecord> same_day_records;
    const std::string date = registration.has_value() ? registration->date() : req.date();
    if (ParseIsoDate(date).ok()) {
      RecordFilter records;
      records.from = records.to = date;
      ASSIGN_OR_RETURN(same_day_records, tx.Records(records));
      const std::string unit = !req.unit().empty() ? req.unit() : actor.unit.value_or("");
      auto leader = FindLeader(directory, req.leader(), unit);
      if (!registration.has_value() && leader.ok()) {
        RegistrationFilter open;
        open.leader_id = leader->second->id();
        open.from = open.to = date;
        ASSIGN_OR_RETURN(std::vector<pb::Registration> day, tx.Registrations(open));
        for (const pb::Registration& r : day) {
          if (r.record_id().empty() && (req.window().empty() || req.window() == r.window())) {
            registration = r;
            req.set_registration_id(r.id());
            break;
          }
        }
      }
    }
    ASSIGN_OR_RETURN(out, DecideRecord(req, registration, directory, settings_.hours, calendar_, same_day_records,
                                       actor, Today()));
    ASSIGN_OR_RETURN(*out.mutable_id(), tx.NextId("DK"));
    *out.mutable_filed_at() = ToProtoTime(clock_.Now());
    out.set_filed_by(actor.name);
    RETURN_IF_ERROR(tx.PutRecord(out));
    if (registration.has_value()) {
      pb::Registration before = *registration;
      registration->set_record_id(out.id());
      RETURN_IF_ERROR(tx.PutRegistration(*registration));
      RETURN_IF_ERROR(tx.Audit(AuditLine(actor, "recorded", registration->id(), &before, &*registration)));
    }
    return tx.Audit(AuditLine(actor, "record_filed", out.id(), nullptr, &out));
  }));
  return out;
}

absl::StatusOr<pb::ListRecordsResponse> DutyDesk::ListRecords(const pb::ListRecordsRequest& request) {
  ASSIGN_OR_RETURN(PageWindow window, ParsePage(request.page()));
  RecordFilter f;
  ASSIGN_OR_RETURN(f.unit, ResolveUnit(request.unit(), "unit"));
  f.from = request.from();
  f.to = request.to();
  for (const auto& [field, value] : {std::pair{"from", f.from}, std::pair{"to", f.to}}) {
    if (!value.empty() && !ParseIsoDate(value).ok()) {
      return absl::InvalidArgumentError(absl::StrFormat("field '%s': %s is not a date YYYY-MM-DD", field,
                                                        input::QuoteInput(value)));
    }
  }
  f.offset = static_cast<int>(window.offset);
  f.limit = static_cast<int>(window.size);
  pb::ListRecordsResponse out;
  int64_t total = 0;
  RETURN_IF_ERROR(store_.Read([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(total, tx.CountRecords(f));
    ASSIGN_OR_RETURN(std::vector<pb::DutyRecord> page, tx.Records(f));
    for (pb::DutyRecord& r : page) *out.add_records() = std::move(r);
    return absl::OkStatus();
  }));
  out.mutable_page()->set_next_page_token(NextPageToken(window, static_cast<size_t>(total)));
  return out;
}

absl::StatusOr<pb::Exemption> DutyDesk::GrantExemption(const Actor& actor, const pb::GrantExemptionRequest& request) {
  if (!actor.centre) {
    return absl::PermissionDeniedError("an exemption (细则 二1 \"原则上\") is granted by the service centre (role centre)");
  }
  ASSIGN_OR_RETURN(std::string unit, ResolveUnit(request.unit(), "unit"));
  RETURN_IF_ERROR(input::CheckText("reason", request.reason(), input::TextKind::kFreeText, input::InputLimits{}));
  pb::Exemption out;
  RETURN_IF_ERROR(store_.Write([&](DutyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pb::Directory directory, tx.Directory());
    ASSIGN_OR_RETURN(auto found, FindLeader(directory, request.leader(), unit));
    RETURN_IF_ERROR(CheckExemption(*found.second, request.month(), request.reason()));
    out.set_leader_id(found.second->id());
    out.set_leader_name(found.second->name());
    out.set_unit(found.first->name());
    out.set_month(request.month());
    out.set_reason(request.reason());
    *out.mutable_granted_at() = ToProtoTime(clock_.Now());
    out.set_granted_by(actor.name);
    RETURN_IF_ERROR(tx.PutExemption(out));
    return tx.Audit(AuditLine(actor, "exemption_granted", out.leader_id(), nullptr, &out));
  }));
  return out;
}

}  // namespace ys::duty
