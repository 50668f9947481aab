#include <sstream>

#include "gtest/gtest.h"
#include "tools/ysctl/calendar_commands.h"

namespace ys::ysctl {
namespace {

struct CliRun {
  int code = 0;
  std::string out;
  std::string err;
};

CliRun Ysctl(std::vector<std::string> args) {
  CLI::App app;
  app.require_subcommand(1);
  std::ostringstream out, err;
  CliRun r;
  AddCalendarCommands(app, out, err, &r.code);
  args.insert(args.begin(), "ysctl");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    r.code = e.get_exit_code();
  }
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(YsctlCalendarTest, IsWorkingDay) {
  CliRun r = Ysctl({"calendar", "is-working-day", "2022-10-08"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "yes (国庆节 调休上班)\n");
  r = Ysctl({"calendar", "is-working-day", "2022-10-03"});
  EXPECT_EQ(r.out, "no (国庆节 放假)\n");
  r = Ysctl({"calendar", "is-working-day", "2022-10-11"});
  EXPECT_EQ(r.out, "yes\n");
}

TEST(YsctlCalendarTest, FirstWorkingDayPrintsAnIsoDate) {
  CliRun r = Ysctl({"calendar", "first-working-day", "--week-of", "2022-10-03"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "2022-10-08\n");
}

TEST(YsctlCalendarTest, ErrorsAreOneLine) {
  CliRun bad = Ysctl({"calendar", "is-working-day", "2022-13-01"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
  CliRun unpublished = Ysctl({"calendar", "is-working-day", "2027-03-01"});
  EXPECT_EQ(unpublished.code, 1);
  EXPECT_NE(unpublished.err.find("2027"), std::string::npos);
}

}  // namespace
}  // namespace ys::ysctl
