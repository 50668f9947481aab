#include "tools/ysctl/csv.h"

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::ysctl {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Fields = std::vector<std::string>;
using std::string_literals::operator""s;

// The records as (line, fields) pairs, for one EXPECT.
std::vector<std::pair<int, Fields>> Records(const CsvFile& file) {
  std::vector<std::pair<int, Fields>> out;
  for (const auto& r : file.records) out.emplace_back(r.line, r.fields);
  return out;
}

auto ProblemAt(int line, const std::string& part) {
  return AllOf(Field(&CsvProblem::line, line), Field(&CsvProblem::message, HasSubstr(part)));
}

TEST(CsvTest, PlainRecordsWithTheirLines) {
  CsvFile f = ReadCsv("a,b,c\n1,2,3\n");
  EXPECT_THAT(f.problems, IsEmpty());
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b", "c"}}, std::pair{2, Fields{"1", "2", "3"}}));
}

TEST(CsvTest, QuotedFieldHoldsCommasAndDoubledQuotes) {
  CsvFile f = ReadCsv("name,note\n\"上饶市, 信州区\",\"he said \"\"no\"\"\"\n\"\",\"\"\"\"\n");
  EXPECT_THAT(f.problems, IsEmpty());
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"name", "note"}},
                                      std::pair{2, Fields{"上饶市, 信州区", "he said \"no\""}},
                                      std::pair{3, Fields{"", "\""}}));
}

TEST(CsvTest, QuotedFieldHoldsLineBreaksAndLaterLinesStillCount) {
  CsvFile f = ReadCsv("a,b\n\"one\ntwo\",\"x\r\ny\"\n3,4\n\"p\rq\",5\n6,7\n");
  EXPECT_THAT(f.problems, IsEmpty());
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"one\ntwo", "x\r\ny"}},
                                      std::pair{5, Fields{"3", "4"}}, std::pair{6, Fields{"p\rq", "5"}},
                                      std::pair{8, Fields{"6", "7"}}));
}

TEST(CsvTest, ByteOrderMarkIsSkippedOnlyAtTheStart) {
  CsvFile f = ReadCsv("\xEF\xBB\xBFperiod,scope\r\n2022-09,\xEF\xBB\xBF" "city\r\n");
  EXPECT_THAT(f.problems, IsEmpty());
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"period", "scope"}},
                                      std::pair{2, Fields{"2022-09", "\xEF\xBB\xBF" "city"}}));
}

TEST(CsvTest, CrlfLfAndLoneCrEndLines) {
  CsvFile f = ReadCsv("a,b\r\n1,2\n3,4\r5,6\r\n");
  EXPECT_THAT(f.problems, IsEmpty());
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"1", "2"}},
                                      std::pair{3, Fields{"3", "4"}}, std::pair{4, Fields{"5", "6"}}));
}

TEST(CsvTest, LastLineWithoutLineBreak) {
  EXPECT_THAT(Records(ReadCsv("a,b\n1,2")),
              ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"1", "2"}}));
  EXPECT_THAT(Records(ReadCsv("a,b\n1,\"2\"")),
              ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"1", "2"}}));
  EXPECT_THAT(Records(ReadCsv("a,b\n1,")), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"1", ""}}));
}

TEST(CsvTest, EmptyLinesAreSkippedAndEmptyFieldsKept) {
  CsvFile f = ReadCsv("a,b,c\n\n,,\r\n1,,3\n\r\n\n");
  EXPECT_THAT(f.problems, IsEmpty());
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b", "c"}}, std::pair{3, Fields{"", "", ""}},
                                      std::pair{4, Fields{"1", "", "3"}}));
  EXPECT_THAT(ReadCsv("").records, IsEmpty());
  EXPECT_THAT(ReadCsv("\xEF\xBB\xBF\r\n").records, IsEmpty());
}

TEST(CsvTest, ChineseTextIsKeptByteForByte) {
  const std::string text = "单位,备注\n市生态环境局,\"空气质量综合指数排名第11位，“倒数第一”\"\n";
  CsvFile f = ReadCsv(text);
  EXPECT_THAT(f.problems, IsEmpty());
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[1].fields[0], "市生态环境局");
  EXPECT_EQ(f.records[1].fields[1], "空气质量综合指数排名第11位，“倒数第一”");
}

TEST(CsvTest, UnterminatedQuoteNamesTheLineItOpensOn) {
  CsvFile f = ReadCsv("a,b\n1,2\n3,\"four\n5,6\n7,8\n");
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(3, "field 2 opens a quote that is never closed")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"1", "2"}}));

  // The record starts on line 2; its second field's quote opens on line 3.
  f = ReadCsv("a,b,c\n\"x\ny\",\"z\n");
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(2, "field 2 opens a quote on line 3 that is never closed")));
}

TEST(CsvTest, QuoteInsideAnUnquotedFieldIsAProblemAndReadingGoesOn) {
  CsvFile f = ReadCsv("a,b\n1,5\"3\n4,\"\"\"ok\"\"\"\n 7,\"8\"\n");
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(2, "field 2 has a quote but does not start with one")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{3, Fields{"4", "\"ok\""}},
                                      std::pair{4, Fields{" 7", "8"}}));

  f = ReadCsv("a,b\n1, \"2\"\n");  // a space before the quote makes it part of an unquoted field
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(2, "field 2 has a quote")));
}

TEST(CsvTest, TextAfterAClosingQuoteIsAProblem) {
  CsvFile f = ReadCsv("a,b\n\"1\"x,2\n3,4\n");
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(2, "field 1 has text after its closing quote")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{3, Fields{"3", "4"}}));
}

TEST(CsvTest, WrongNumberOfFields) {
  CsvFile f = ReadCsv("a,b,c\n1,2\n1,2,3\n1,2,3,4\n");
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(2, "has 2 field(s), the first line has 3"),
                                      ProblemAt(4, "has 4 field(s), the first line has 3")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b", "c"}}, std::pair{3, Fields{"1", "2", "3"}}));

  f = ReadCsv("a,b\n1,2,3\n", {.fields = 3});
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(1, "has 2 field(s), expected 3")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{2, Fields{"1", "2", "3"}}));
}

TEST(CsvTest, TextThatIsNotUtf8OrHoldsNulIsAProblem) {
  // "上饶" in GBK, as a spreadsheet in a Chinese locale saves "CSV".
  CsvFile f = ReadCsv("a,b\n1,\xC9\xCF\xC8\xC4\n2,ok\n");
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(2, "field 2 is not UTF-8 text")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{3, Fields{"2", "ok"}}));

  EXPECT_THAT(ReadCsv("a,b\nx\0y,2\n"s).problems, ElementsAre(ProblemAt(2, "field 1 holds a NUL byte")));
  EXPECT_THAT(ReadCsv("a\n\xED\xA0\x80\n").problems, ElementsAre(ProblemAt(2, "not UTF-8")));  // a surrogate
  EXPECT_THAT(ReadCsv("a\n\xC0\xAF\n").problems, ElementsAre(ProblemAt(2, "not UTF-8")));      // overlong '/'
  EXPECT_THAT(ReadCsv("a\n\xE4\xB8\n").problems, ElementsAre(ProblemAt(2, "not UTF-8")));      // cut short
  EXPECT_THAT(ReadCsv("a\n\xF0\x9F\x98\x80\n").problems, IsEmpty());                            // U+1F600
}

TEST(CsvTest, FieldLongerThanTheLimitNamesItsLine) {
  const std::string long_field(100, 'x');
  CsvFile f = ReadCsv("a,b\n1,2\n3,\"" + long_field + "\"\n5,6\n", {.max_field_bytes = 99});
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(3, "field 2 is longer than 99 bytes")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"1", "2"}},
                                      std::pair{4, Fields{"5", "6"}}));
  EXPECT_THAT(ReadCsv("a\n" + std::string(99, 'y') + "\n", {.max_field_bytes = 99}).problems, IsEmpty());
}

TEST(CsvTest, FileLongerThanTheLimitNamesTheLineItIsCutOn) {
  CsvFile f = ReadCsv("a,b\n1,2\n3,4\n", {.max_file_bytes = 10});  // cut inside "3,4"
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(3, "the file is longer than 10 bytes")));
  EXPECT_THAT(Records(f), ElementsAre(std::pair{1, Fields{"a", "b"}}, std::pair{2, Fields{"1", "2"}}));
}

TEST(CsvTest, TooManyRecordsStopsReading) {
  CsvFile f = ReadCsv("a\n1\n2\n3\n", {.max_records = 3});
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(4, "more than 3 records")));
  EXPECT_EQ(f.records.size(), 3u);
}

TEST(CsvTest, StopsAfterTooManyProblems) {
  std::string text = "a,b\n";
  for (int i = 0; i < 50; ++i) text += "1\n";
  CsvFile f = ReadCsv(text, {.max_problems = 5});
  ASSERT_EQ(f.problems.size(), 6u);
  EXPECT_THAT(f.problems.back(), ProblemAt(6, "stopped reading after 5 problems"));
}

// Half a million doubled quotes in one field: one pass, each byte looked at once.
TEST(CsvTest, MegabyteOfDoubledQuotesInOneField) {
  std::string text = "a,b\n1,\"";
  for (int i = 0; i < 512 * 1024; ++i) text += "\"\"";
  text += "\"\n2,3\n";
  CsvFile f = ReadCsv(text, {.max_file_bytes = 2 << 20, .max_field_bytes = 1 << 20});
  EXPECT_THAT(f.problems, IsEmpty());
  ASSERT_EQ(f.records.size(), 3u);
  EXPECT_EQ(f.records[1].fields[1], std::string(512 * 1024, '"'));
  EXPECT_EQ(f.records[2].line, 3);

  // With the default limits the field is too long, and that is a problem named by line, not a crash.
  f = ReadCsv(text);
  EXPECT_THAT(f.problems, ElementsAre(ProblemAt(2, "field 2 is longer than 65536 bytes")));
}

TEST(CsvTest, ManyShortRecords) {
  std::string text = "a,b\n";
  for (int i = 0; i < 100'000; ++i) text += "\"x\",y\r\n";
  CsvFile f = ReadCsv(text);
  EXPECT_THAT(f.problems, IsEmpty());
  ASSERT_EQ(f.records.size(), 100'001u);
  EXPECT_EQ(f.records.back().line, 100'001);
}

TEST(CsvTest, ReadCsvTextReadsAtMostOneByteBeyondTheLimit) {
  const std::string path = ::testing::TempDir() + "/csv_test_long.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(200'000, 'x');
  }
  absl::StatusOr<std::string> text = ReadCsvText(path, {.max_file_bytes = 100'000});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->size(), 100'001u);
  EXPECT_THAT(ReadCsv(*text, {.max_file_bytes = 100'000}).problems,
              ElementsAre(ProblemAt(1, "the file is longer than 100000 bytes")));

  text = ReadCsvText(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->size(), 200'000u);

  EXPECT_EQ(ReadCsvText(::testing::TempDir() + "/no_such_file.csv").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ys::ysctl
