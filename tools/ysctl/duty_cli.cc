#include "tools/ysctl/duty_cli.h"

#include <fstream>
#include <sstream>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "common/time/period.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "yingshang/duty/v1/duty.grpc.pb.h"

namespace ys::ysctl {

namespace duty_cli {

bool CheckDate(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (value.empty() || ParseIsoDate(value).ok()) return true;
  err << "ysctl: " << flag << " " << value << " is not a date (YYYY-MM-DD)\n";
  *exit_code = 2;
  return false;
}

bool CheckMonth(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (value.empty()) return true;
  absl::StatusOr<Period> p = Period::Parse(value);
  if (p.ok() && p->kind() == Period::Kind::kMonth) return true;
  err << "ysctl: " << flag << " " << value << " is not a month (YYYY-MM)\n";
  *exit_code = 2;
  return false;
}

bool CheckClockTime(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (value.empty()) return true;
  auto digit = [&](size_t i) { return absl::ascii_isdigit(static_cast<unsigned char>(value[i])); };
  if (value.size() == 5 && digit(0) && digit(1) && value[2] == ':' && digit(3) && digit(4)) {
    const int hours = (value[0] - '0') * 10 + (value[1] - '0');
    const int minutes = (value[3] - '0') * 10 + (value[4] - '0');
    if (hours < 24 && minutes < 60) return true;
  }
  err << "ysctl: " << flag << " " << value << " is not a time of day (HH:MM)\n";
  *exit_code = 2;
  return false;
}

int CheckChoice(std::string_view flag, const std::string& value, const std::vector<std::string>& choices,
                std::ostream& err, int* exit_code) {
  for (size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == value) return static_cast<int>(i);
  }
  err << "ysctl: " << flag << " " << value << " is not one of " << absl::StrJoin(choices, ", ") << "\n";
  *exit_code = 2;
  return -1;
}

bool CheckRequired(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code) {
  if (!value.empty()) return true;
  err << "ysctl: " << flag << " is required\n";
  *exit_code = 2;
  return false;
}

bool ReadWholeFile(const std::string& path, std::string* contents, std::ostream& err, int* exit_code) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "ysctl: cannot read " << path << "\n";
    *exit_code = 2;
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  *contents = buf.str();
  return true;
}

bool WriteWholeFile(const std::string& path, const std::string& contents, std::ostream& err, int* exit_code) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  file.close();
  if (!file) {
    err << "ysctl: cannot write " << path << "\n";
    *exit_code = 1;
    return false;
  }
  return true;
}

}  // namespace duty_cli

}  // namespace ys::ysctl
