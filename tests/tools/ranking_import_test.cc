#include "tools/ysctl/ranking_import.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::ranking::v1;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

auto ProblemAt(int line, const std::string& part) {
  return AllOf(Field(&CsvProblem::line, line), Field(&CsvProblem::message, HasSubstr(part)));
}

const std::string kHeader = std::string(kRankingCsvHeader) + "\n";

TEST(RankingCsvTest, FactsCarryTheLinesTheyStartOn) {
  RankingCsv csv = ParseRankingCsv(kHeader +
                                   "2022-09,city,I05,3611,11,11,,jxyshj,official,1\n"
                                   "\n"
                                   "2022-09,county,I05,361102,99,100,87.5,jxyshj,official,\n");
  EXPECT_THAT(csv.problems, IsEmpty());
  ASSERT_EQ(csv.facts.size(), 2u);
  EXPECT_THAT(csv.lines, ElementsAre(2, 4));
  EXPECT_EQ(csv.facts[0].scope(), pb::SCOPE_CITY);
  EXPECT_EQ(csv.facts[0].rank(), 11);
  EXPECT_FALSE(csv.facts[0].has_score());
  EXPECT_EQ(csv.facts[1].region_code(), "361102");
  EXPECT_DOUBLE_EQ(csv.facts[1].score(), 87.5);
  EXPECT_EQ(csv.facts[1].revision(), 1);  // empty: the first revision
}

// What Excel's "CSV UTF-8" writes: a byte order mark, CRLF, quotes around what it likes.
TEST(RankingCsvTest, ExcelStyleFileWithQuotesAndEmptyRows) {
  RankingCsv csv = ParseRankingCsv("\xEF\xBB\xBF" + std::string(kRankingCsvHeader) +
                                   "\r\n"
                                   "\"2022-09\",\"city\",\"I05\",\"3611\",\"11\",\"11\",\"\",\"jxyshj\",\"official\",\"2\"\r\n"
                                   ",,,,,,,,,\r\n"
                                   " 2022-09 , county ,I05,361102, 7 ,100,,jxyshj,third_party,1\r\n");
  EXPECT_THAT(csv.problems, IsEmpty());
  EXPECT_THAT(csv.lines, ElementsAre(2, 4));
  EXPECT_EQ(csv.facts[0].revision(), 2);
  EXPECT_EQ(csv.facts[1].period(), "2022-09");
  EXPECT_EQ(csv.facts[1].rank(), 7);
  EXPECT_EQ(csv.facts[1].evaluation(), pb::EVALUATION_THIRD_PARTY);
}

TEST(RankingCsvTest, ChineseSourceIsKept) {
  RankingCsv csv = ParseRankingCsv(kHeader + "2022-09,city,I05,3611,11,11,,\"省生态环境厅, 月报\",official,1\n");
  EXPECT_THAT(csv.problems, IsEmpty());
  ASSERT_EQ(csv.facts.size(), 1u);
  EXPECT_EQ(csv.facts[0].source(), "省生态环境厅, 月报");
}

TEST(RankingCsvTest, EveryProblemNamedByLineInFileOrder) {
  RankingCsv csv = ParseRankingCsv(kHeader +
                                   "2022-09,town,I05,3611,11,11,,jxyshj,official,1\n"     // 2: scope
                                   "2022-09,city,I05,3611,11\n"                            // 3: 5 fields
                                   "2022-09,city,I05,3611,x,11,,jxyshj,official,1\n"      // 4: rank
                                   "2022-09,city,I05,3611,1,11,nan,jxyshj,official,1\n"   // 5: score
                                   "2022-09,city,I05,3611,1,11,,jxyshj,official,1\n"      // 6: good
                                   "2022-09,city,I05,3611,1,11,,jx\"y,official,1\n"       // 7: stray quote
                                   "2022-09,city,I05,3611,1,11,,jxyshj,rumour,1\n"        // 8: evaluation
                                   "2022-09,city,I05,3611,1,11,,jxyshj,official,\"1\n");  // 9: never closed
  EXPECT_THAT(csv.problems,
              ElementsAre(ProblemAt(2, "scope must be city or county, got 'town'"),
                          ProblemAt(3, "has 5 field(s), expected 10"), ProblemAt(4, "rank 'x' is not a number"),
                          ProblemAt(5, "score 'nan' is not a number"), ProblemAt(7, "field 8 has a quote"),
                          ProblemAt(8, "evaluation must be"), ProblemAt(9, "field 10 opens a quote")));
  EXPECT_THAT(csv.lines, ElementsAre(6));
}

TEST(RankingCsvTest, ValuesInMessagesShowLineBreaksAndAreCut) {
  RankingCsv csv = ParseRankingCsv(kHeader + "2022-09,\"ci\nty\",I05,3611,1,11,,jxyshj,official,1\n" +
                                   "2022-09,city,I05,3611," + std::string(100, '9') + ",11,,jxyshj,official,1\n");
  EXPECT_THAT(csv.problems, ElementsAre(ProblemAt(2, "got 'ci\\u000aty'"),
                                        ProblemAt(4, "rank '" + std::string(60, '9') + "'… (100 bytes) is not a number")));
}

TEST(RankingCsvTest, HeaderMustComeFirst) {
  EXPECT_THAT(ParseRankingCsv("2022-09,city,I05,3611,11,11,,jxyshj,official,1\n").problems,
              ElementsAre(ProblemAt(1, "the first line must be the header period,scope,")));
  EXPECT_THAT(ParseRankingCsv("").problems, ElementsAre(ProblemAt(1, "the file is empty")));
  // A header that is itself malformed is reported as such, once.
  EXPECT_THAT(ParseRankingCsv("period,scope\n").problems, ElementsAre(ProblemAt(1, "has 2 field(s), expected 10")));
  RankingCsv only_header = ParseRankingCsv(kHeader);
  EXPECT_THAT(only_header.problems, IsEmpty());
  EXPECT_THAT(only_header.facts, IsEmpty());
}

pb::SubmitResponse Results(const std::vector<pb::SubmitResult::Outcome>& outcomes) {
  pb::SubmitResponse resp;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    pb::SubmitResult* r = resp.add_results();
    r->set_index(static_cast<int>(i));
    r->set_outcome(outcomes[i]);
    if (outcomes[i] == pb::SubmitResult::OUTCOME_REJECTED) {
      r->set_code("RV05");
      r->set_error("field 'rank': 12 is beyond total 11");
    }
  }
  return resp;
}

constexpr auto kNew = pb::SubmitResult::OUTCOME_NEW;
constexpr auto kSupersedes = pb::SubmitResult::OUTCOME_SUPERSEDES;
constexpr auto kUnchanged = pb::SubmitResult::OUTCOME_UNCHANGED;
constexpr auto kRejected = pb::SubmitResult::OUTCOME_REJECTED;

TEST(ImportReportTest, AllApplied) {
  ImportReport r = ReportImport({2, 3, 5}, {{0, 3, grpc::Status::OK, Results({kNew, kSupersedes, kUnchanged})}}, false);
  EXPECT_EQ(r.text, "applied all 3 facts, lines 2-5 (1 new, 1 superseding, 1 unchanged, 0 older revisions kept)\n");
  EXPECT_EQ(r.exit_code, 0);
}

TEST(ImportReportTest, RejectedLinesAreListedAndLeftOut) {
  ImportReport r = ReportImport({2, 3, 5}, {{0, 3, grpc::Status::OK, Results({kNew, kRejected, kNew})}}, false);
  EXPECT_EQ(r.text,
            "line 3: rejected (RV05): field 'rank': 12 is beyond total 11\n"
            "applied 2 of 3 facts, lines 2-5 except the 1 listed above (2 new, 0 superseding, 0 unchanged, 0 "
            "older revisions kept); 1 rejected\n");
  EXPECT_EQ(r.exit_code, 1);
}

TEST(ImportReportTest, DryRunSaysNothingWasStored) {
  ImportReport r = ReportImport({2, 3}, {{0, 2, grpc::Status::OK, Results({kNew, kRejected})}}, true);
  EXPECT_EQ(r.text,
            "line 3: rejected (RV05): field 'rank': 12 is beyond total 11\n"
            "dry run, nothing stored: would apply 1 of 2 facts, lines 2-3 except the 1 listed above (1 new, 0 "
            "superseding, 0 unchanged, 0 older revisions kept); 1 would be rejected\n");
}

// The second of three calls is refused by the server: the first call's lines are applied, the
// second's are not (one transaction a call), the third's were never sent.
TEST(ImportReportTest, RefusedCallMidwayNamesWhatWasAppliedAndWhatWasNot) {
  ImportReport r = ReportImport(
      {2, 3, 4, 5, 7, 8},
      {{0, 2, grpc::Status::OK, Results({kNew, kRejected})},
       {2, 4,
        grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "a correction of a locked period needs the office role"),
        {}}},
      false);
  EXPECT_EQ(r.text,
            "line 3: rejected (RV05): field 'rank': 12 is beyond total 11\n"
            "lines 4-5: not applied: the Submit call failed (PERMISSION_DENIED: a correction of a locked period "
            "needs the office role); the server stores the facts of a call together or none of them\n"
            "lines 7-8: not sent\n"
            "applied 1 of 6 facts, lines 2-3 except the 1 listed above (1 new, 0 superseding, 0 unchanged, 0 older "
            "revisions kept); 1 rejected; lines 4-5 not applied; lines 7-8 not sent\n");
  EXPECT_EQ(r.exit_code, 1);
}

// A broken connection or a deadline: the server may have stored the call before (or while) it
// failed, so the report does not claim either way.
TEST(ImportReportTest, TransportFailureLeavesTheCallUnknown) {
  ImportReport r = ReportImport(
      {2, 3}, {{0, 2, grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"), {}}}, false);
  EXPECT_EQ(r.text,
            "lines 2-3: unknown whether applied: the Submit call failed (DEADLINE_EXCEEDED: Deadline Exceeded), and "
            "the server may have stored some or all of them first; importing the same file again is safe (a fact "
            "already stored comes back unchanged)\n"
            "applied 0 of 2 facts; lines 2-3 unknown\n");
  EXPECT_EQ(r.exit_code, 1);

  r = ReportImport({2, 3}, {{0, 2, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad"), {}}}, false);
  EXPECT_THAT(r.text, HasSubstr("lines 2-3: not applied"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(ImportReportTest, FactWithoutAResultIsNotCountedAsApplied) {
  ImportReport r = ReportImport({2, 3}, {{0, 2, grpc::Status::OK, Results({kNew})}}, false);
  EXPECT_EQ(r.text,
            "line 3: not applied: the server returned no result for it\n"
            "applied 1 of 2 facts, lines 2-3 except the 1 listed above (1 new, 0 superseding, 0 unchanged, 0 older "
            "revisions kept); 1 without a result\n");
  EXPECT_EQ(r.exit_code, 1);
}

TEST(ImportReportTest, NoFacts) {
  EXPECT_EQ(ReportImport({}, {}, false).text, "no facts after the header: nothing sent\n");
}

}  // namespace
}  // namespace ys::ysctl
