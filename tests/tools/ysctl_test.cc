#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/ysctl_run.h"
#include "tools/ysctl/calendar_commands.h"
#include "tools/ysctl/ranking_commands.h"

namespace ys::ysctl {
namespace {

using testing::CliRun;

CliRun Ysctl(std::vector<std::string> args) {
  return testing::RunYsctl(
      [](CLI::App& app, std::ostream& out, std::ostream& err, int* code) {
        AddCalendarCommands(app, out, err, code);
        AddRankingCommands(app, out, err, code);
      },
      std::move(args));
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

// A file with a problem is refused before any connection: no server is needed, and nothing is sent.
TEST(YsctlRankingsImportTest, FileWithProblemsIsRefusedWholeAndEveryLineNamed) {
  const std::string path = ::testing::TempDir() + "/ysctl_test_rankings.csv";
  {
    std::ofstream csv(path, std::ios::binary);
    csv << "\xEF\xBB\xBFperiod,scope,indicator,region,rank,total,score,source,evaluation,revision\r\n"
           "2022-09,city,I05,3611,11,11,,jxyshj,official,1\r\n"
           "2022-09,city,I05,3611,eleven,11,,jxyshj,official,1\r\n"
           "2022-09,county,I05,\"361102\n\",99,100,,jxyshj,official,1\r\n"
           "2022-09,county,I05,361102,99,100,,jxyshj,official\r\n";
  }
  CliRun r = Ysctl({"rankings", "import", path, "--address", "127.0.0.1:1", "--key", "unused"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out,
            "line 3: rank 'eleven' is not a number\n"
            "line 6: has 9 field(s), expected 10\n" +
                path + ": refused whole, nothing sent and nothing stored; fix the lines above\n");

  CliRun missing = Ysctl({"rankings", "import", path + ".missing"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, ::testing::HasSubstr("cannot read"));
}

}  // namespace
}  // namespace ys::ysctl
