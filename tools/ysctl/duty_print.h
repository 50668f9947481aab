#pragma once

// How the duty commands print the service's answers: the centre's forms and reports in Chinese.

#include <ostream>
#include <string>
#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::ysctl::duty_print {

namespace pb = ::yingshang::duty::v1;

// The command line's words for a session and a form, in the enum's order after UNSPECIFIED.
const std::vector<std::string>& SessionWords();
const std::vector<std::string>& FormWords();
std::string RoleName(pb::LeaderRole r);
std::string SessionName(pb::Session s);
std::string CoverageName(pb::Coverage c);
std::string RuleName(pb::DutyRule r);
std::string VerdictName(pb::Verdict v);
std::string Time(const google::protobuf::Timestamp& t);
std::string WindowText(const std::string& code, const std::string& name);
std::string Hours(const pb::DutyRecord& r);
std::string OrDash(const std::string& text);

void PrintRegistration(std::ostream& out, const pb::Registration& r);
std::string RegistrationLine(const pb::Registration& r);
void PrintRecord(std::ostream& out, const pb::DutyRecord& r);
std::string RecordLine(const pb::DutyRecord& r);
void PrintDirectory(std::ostream& out, const pb::Directory& d);
void PrintRoster(std::ostream& out, const pb::Roster& r);
void PrintCompliance(std::ostream& out, const pb::ComplianceReport& r);

}  // namespace ys::ysctl::duty_print
