// `ysctl dispatch …` and `ysctl bulletin …` (issue #16): the flag checks and the printers on plain
// values, then the commands in-process against fake DocumentService and RectificationService servers
// (what they send, what they print, where the rendered files land).
#include "tools/ysctl/document_commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/grpc/auth.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/ysctl_run.h"
#include "tools/ysctl/document_print.h"
#include "yingshang/notify/v1/documents.grpc.pb.h"
#include "yingshang/rectification/v1/rectification.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::notify::v1;
namespace rpb = ::yingshang::rectification::v1;
using ::testing::HasSubstr;
using ::testing::Not;
using ::ys::testing::CliRun;

google::protobuf::Timestamp ShanghaiStamp(int y, int m, int d, int hh, int mm) {
  return ToProtoTime(absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), Shanghai()));
}

pb::SupervisionItem Item(int seq, const std::string& unit, const std::string& title, const std::string& case_id = "",
                         const std::string& case_error = "") {
  pb::SupervisionItem item;
  item.set_seq(seq);
  item.set_unit(unit);
  item.set_indicator_code("I05");
  item.set_title(title);
  item.set_case_id(case_id);
  item.set_case_error(case_error);
  return item;
}

pb::Document Bulletin(int version, pb::DocumentState state) {
  pb::Document d;
  d.set_id(absl::StrCat("BUL-2022Q3-v", version));
  d.set_kind(pb::DOCUMENT_KIND_BULLETIN);
  d.set_period("2022Q3");
  d.set_version(version);
  d.set_state(state);
  d.mutable_content()->set_title("上饶市优化营商环境工作通报");
  d.mutable_content()->set_subtitle("2022年第三季度");
  pb::Section* ranks = d.mutable_content()->add_sections();
  ranks->set_key("ranks");
  ranks->set_title("一、18项一级指标、86项二级指标全省排名情况");
  ranks->add_summary("我市一级指标第6名，较上季度上升1名。");
  ranks->add_summary("二级指标有12项进入前三。");
  pb::Table* table = ranks->add_tables();
  table->set_key("l1_ranks");
  table->set_title("一级指标排名");
  table->add_rows();
  table->add_rows();
  ranks->set_commentary("排名稳中有升。");
  if (state == pb::DOCUMENT_STATE_ISSUED) {
    d.set_number("2022年第3期");
    d.set_issued_by("office-dev");
    *d.mutable_issued_at() = ShanghaiStamp(2022, 10, 10, 9, 30);
  }
  return d;
}

// --- the flag checks ---

TEST(DocumentCliTest, QuarterIsCanonicalAndABadOneNamesTheFlag) {
  EXPECT_EQ(*document_cli::ParseQuarter("2022Q3"), "2022Q3");
  EXPECT_EQ(*document_cli::ParseQuarter("2022q4"), "2022Q4");
  absl::StatusOr<std::string> bad = document_cli::ParseQuarter("2022Q5");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--quarter 2022Q5 is not a quarter"));
  EXPECT_FALSE(document_cli::ParseQuarter("2022-09").ok());  // a month is not a quarter
}

TEST(DocumentCliTest, MonthIsCheckedAndABadOneNamesTheFlag) {
  EXPECT_EQ(*document_cli::ParseMonth("2022-09"), "2022-09");
  EXPECT_THAT(std::string(document_cli::ParseMonth("2022-13").status().message()), HasSubstr("--month 2022-13"));
  EXPECT_FALSE(document_cli::ParseMonth("2022Q3").ok());
}

TEST(DocumentCliTest, CutOffIsRfc3339OrShanghaiLocal) {
  const absl::Time want = absl::FromCivil(absl::CivilMinute(2022, 10, 8, 18, 0), Shanghai());
  EXPECT_EQ(*document_cli::ParseCutOff("2022-10-08T18:00:00+08:00"), want);
  EXPECT_EQ(*document_cli::ParseCutOff("2022-10-08 18:00"), want);
  EXPECT_THAT(std::string(document_cli::ParseCutOff("yesterday").status().message()), HasSubstr("--cut-off yesterday"));
}

TEST(DocumentCliTest, ExtractForIsAUnitOrACountyCode) {
  EXPECT_EQ(*document_cli::ParseExtractFor(""), "");
  EXPECT_EQ(*document_cli::ParseExtractFor("unit:市商务局"), "unit:市商务局");
  EXPECT_EQ(*document_cli::ParseExtractFor("county:361102"), "county:361102");
  for (const char* bad : {"unit:", "county:信州区", "city:3611", "市商务局"}) {
    absl::StatusOr<std::string> r = document_cli::ParseExtractFor(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(absl::StrCat("--for ", bad, " is not"))) << bad;
  }
}

TEST(DocumentCliTest, FormatIsPdfXlsxOrHtml) {
  EXPECT_EQ(*document_cli::ParseFormat("pdf"), pb::RENDER_FORMAT_PDF);
  EXPECT_EQ(*document_cli::ParseFormat("XLSX"), pb::RENDER_FORMAT_XLSX);
  EXPECT_EQ(*document_cli::ParseFormat("html"), pb::RENDER_FORMAT_HTML);
  EXPECT_EQ(document_cli::ParseFormat("docx").status().message(), "--format docx is not one of pdf, xlsx, html");
}

TEST(DocumentCliTest, OutputPathPrefersOutThenTheServersBaseNameThenTheId) {
  using document_cli::OutputPath;
  EXPECT_EQ(OutputPath("/tmp/x.pdf", "通报.pdf", "BUL-2022Q3-v1", "", pb::RENDER_FORMAT_PDF), "/tmp/x.pdf");
  EXPECT_EQ(OutputPath("", "上饶市优化营商环境工作通报-2022年第3期.pdf", "BUL-2022Q3-v1", "", pb::RENDER_FORMAT_PDF),
            "上饶市优化营商环境工作通报-2022年第3期.pdf");
  EXPECT_EQ(OutputPath("", "../../etc/通报.xlsx", "BUL-2022Q3-v1", "", pb::RENDER_FORMAT_XLSX), "通报.xlsx");
  EXPECT_EQ(OutputPath("", "", "BUL-2022Q3-v1", "unit:市商务局", pb::RENDER_FORMAT_HTML),
            "BUL-2022Q3-v1-unit-市商务局.html");
  EXPECT_EQ(OutputPath("", "a/..", "DSP-2022-09-v2", "", pb::RENDER_FORMAT_PDF), "DSP-2022-09-v2.pdf");
}

TEST(DocumentCliTest, WriteRenderedChecksTheServersHashBeforeWriting) {
  const std::string path = ::testing::TempDir() + "/document_cli_test_write.pdf";
  std::filesystem::remove(path);
  pb::RenderDocumentResponse r;
  r.set_data("abc");
  r.set_sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256("abc")
  absl::StatusOr<std::string> line = document_cli::WriteRendered(r, path);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "wrote " + path + " (3 bytes, sha256 ba7816bf8f01)");
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "abc");

  std::filesystem::remove(path);
  r.set_data("abd");
  absl::StatusOr<std::string> refused = document_cli::WriteRendered(r, path);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("not written"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

// --- the printers ---

TEST(DocumentPrintTest, SummaryOfAnIssuedCorrectionSaysSoWithItsReasonAndNumber) {
  pb::Document d = Bulletin(2, pb::DOCUMENT_STATE_ISSUED);
  d.set_correction(true);
  d.set_corrects_id("BUL-2022Q3-v1");
  d.set_correction_reason("市场监管局数据口径调整");
  d.set_content_sha256("0123456789abcdef");
  d.set_pdf_sha256("fedcba");
  d.set_pdf_bytes(123456);
  d.add_delivered_to("unit:市商务局");
  d.add_delivered_to("body:市人大");
  *d.add_items() = Item(1, "市商务局", "一级指标连续两季度下降", "RC-000123");
  std::ostringstream out;
  document_print::PrintSummary(out, d);
  const std::string s = out.str();
  EXPECT_THAT(s, HasSubstr("BUL-2022Q3-v2  上饶市优化营商环境工作通报  2022年第三季度  2022Q3\n"));
  EXPECT_THAT(s, HasSubstr("  版本 2  状态 已签发  编号 2022年第3期\n"));
  EXPECT_THAT(s, HasSubstr("  更正：市场监管局数据口径调整（更正 BUL-2022Q3-v1）\n"));
  EXPECT_THAT(s, HasSubstr("  签发 office-dev 2022-10-10 09:30:00\n"));
  EXPECT_THAT(s, HasSubstr("  内容 sha256 0123456789abcdef\n"));
  EXPECT_THAT(s, HasSubstr("  PDF sha256 fedcba（123456 字节）\n"));
  EXPECT_THAT(s, HasSubstr("  分发 2 个收件人\n"));
  EXPECT_THAT(s, HasSubstr("    ranks         一、18项一级指标、86项二级指标全省排名情况：我市一级指标第6名，较上季度上升1名。\n"));
  EXPECT_THAT(s, Not(HasSubstr("二级指标有12项进入前三")));  // one summary line per section
  EXPECT_THAT(s, HasSubstr("  督办事项 1 项：\n    1  市商务局  I05  一级指标连续两季度下降  → RC-000123\n"));
}

TEST(DocumentPrintTest, DraftShowsMissingSourcesAndWithSectionsEverything) {
  pb::Document d = Bulletin(1, pb::DOCUMENT_STATE_DRAFT);
  d.mutable_content()->add_missing("ranking: UNAVAILABLE connection refused");
  *d.add_items() = Item(1, "市自然资源局", "审批超时", "", "rectification: UNAVAILABLE");
  std::ostringstream out;
  document_print::PrintDocument(out, d, /*all_sections=*/true);
  const std::string s = out.str();
  EXPECT_THAT(s, HasSubstr("状态 草稿  编号 —"));
  EXPECT_THAT(s, Not(HasSubstr("  签发 ")));  // no issuer line on a draft
  EXPECT_THAT(s, Not(HasSubstr("更正")));
  EXPECT_THAT(s, HasSubstr("  ⚠ 缺少数据源：ranking: UNAVAILABLE connection refused（不能签发：待其恢复后重新起草）\n"));
  EXPECT_THAT(s, HasSubstr("      二级指标有12项进入前三。\n"));
  EXPECT_THAT(s, HasSubstr("      表 l1_ranks 一级指标排名：2 行\n"));
  EXPECT_THAT(s, HasSubstr("      按语：排名稳中有升。\n"));
  EXPECT_THAT(s, HasSubstr("    1  市自然资源局  I05  审批超时  待立案（rectification: UNAVAILABLE）\n"));
}

TEST(DocumentPrintTest, ListLineAndCaseLine) {
  EXPECT_EQ(document_print::ListLine(Bulletin(1, pb::DOCUMENT_STATE_ISSUED)),
            "BUL-2022Q3-v1    2022Q3   v1   已签发  2022年第3期  2022-10-10 09:30:00");
  rpb::Case c;
  c.set_id("RC-000123");
  c.set_state(rpb::STATE_IN_PROGRESS);
  c.set_due_date("2022-11-10");
  EXPECT_EQ(document_print::CaseLine(&c, ""), "RC-000123 整改中  截止 2022-11-10");
  c.set_overdue(true);
  c.set_days_overdue(3);
  EXPECT_EQ(document_print::CaseLine(&c, ""), "RC-000123 整改中  截止 2022-11-10（逾期 3 天）");
  EXPECT_EQ(document_print::CaseLine(nullptr, "not found"), "案件查询失败：not found");
}

// --- the commands against fake servers ---

// DocumentService over a list of versions; records what it was asked.
class FakeDocuments final : public pb::DocumentService::Service {
 public:
  std::mutex mu;
  std::vector<pb::Document> docs;
  std::vector<std::string> calls;
  pb::SetItemsRequest set_items;
  pb::RenderDocumentRequest render;
  pb::CorrectDocumentRequest correct;
  pb::ListItemsResponse items;
  std::string file_name = "上饶市优化营商环境工作通报-2022年第3期.pdf";

  grpc::Status GetDocument(grpc::ServerContext*, const pb::GetDocumentRequest* r, pb::Document* d) override {
    std::lock_guard lock(mu);
    calls.push_back("Get");
    const pb::Document* found = Find(r->kind(), r->period(), r->version());
    if (found == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such document");
    *d = *found;
    return grpc::Status::OK;
  }
  grpc::Status DraftDocument(grpc::ServerContext*, const pb::DraftDocumentRequest* r, pb::Document* d) override {
    std::lock_guard lock(mu);
    calls.push_back("Draft");
    const pb::Document* latest = Find(r->kind(), r->period(), 0);
    if (latest != nullptr && latest->state() == pb::DOCUMENT_STATE_ISSUED) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "issued");
    }
    if (latest == nullptr) {
      pb::Document& made = docs.emplace_back();
      made.set_id(absl::StrCat(r->kind() == pb::DOCUMENT_KIND_BULLETIN ? "BUL-" : "DSP-", r->period(), "-v1"));
      made.set_kind(r->kind());
      made.set_period(r->period());
      made.set_version(1);
      made.set_state(pb::DOCUMENT_STATE_DRAFT);
      latest = &made;
    }
    *d = *latest;
    return grpc::Status::OK;
  }
  grpc::Status SetItems(grpc::ServerContext*, const pb::SetItemsRequest* r, pb::Document* d) override {
    std::lock_guard lock(mu);
    calls.push_back("SetItems");
    set_items = *r;
    for (pb::Document& doc : docs) {
      if (doc.id() != r->id()) continue;
      *doc.mutable_items() = r->items();
      for (int i = 0; i < doc.items_size(); ++i) doc.mutable_items(i)->set_seq(i + 1);
      *d = doc;
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such document");
  }
  grpc::Status RenderDocument(grpc::ServerContext*, const pb::RenderDocumentRequest* r,
                              pb::RenderDocumentResponse* resp) override {
    std::lock_guard lock(mu);
    calls.push_back("Render");
    render = *r;
    resp->set_file_name(file_name);
    resp->set_data("%PDF-1.4 fake");
    resp->set_sha256(Sha256Hex(resp->data()));
    return grpc::Status::OK;
  }
  grpc::Status CorrectDocument(grpc::ServerContext*, const pb::CorrectDocumentRequest* r, pb::Document* d) override {
    std::lock_guard lock(mu);
    calls.push_back("Correct");
    correct = *r;
    *d = Bulletin(2, pb::DOCUMENT_STATE_DRAFT);
    d->set_number("2022年第3期");
    d->set_correction(true);
    d->set_corrects_id(r->id());
    d->set_correction_reason(r->reason());
    return grpc::Status::OK;
  }
  grpc::Status ListItems(grpc::ServerContext*, const pb::ListItemsRequest*, pb::ListItemsResponse* resp) override {
    std::lock_guard lock(mu);
    *resp = items;
    return grpc::Status::OK;
  }

 private:
  const pb::Document* Find(pb::DocumentKind kind, const std::string& period, int version) const {
    const pb::Document* best = nullptr;
    for (const pb::Document& d : docs) {
      if (d.kind() != kind || d.period() != period || (version != 0 && d.version() != version)) continue;
      if (best == nullptr || d.version() > best->version()) best = &d;
    }
    return best;
  }
};

class FakeCases final : public rpb::RectificationService::Service {
  grpc::Status GetCase(grpc::ServerContext*, const rpb::GetCaseRequest* r, rpb::Case* c) override {
    if (r->id() != "RC-000123") return grpc::Status(grpc::StatusCode::NOT_FOUND, "no case " + r->id());
    c->set_id(r->id());
    c->set_state(rpb::STATE_IN_PROGRESS);
    c->set_due_date("2022-11-10");
    return grpc::Status::OK;
  }
};

class DocumentCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&documents_);
    builder.RegisterService(&cases_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = absl::StrCat("127.0.0.1:", port);
  }
  void TearDown() override { server_->Shutdown(); }

  CliRun Ysctl(std::vector<std::string> args) {
    for (const std::string& a : {std::string("--address"), address_, std::string("--key"), std::string("k")}) {
      args.push_back(a);
    }
    return ::ys::testing::RunYsctl(AddDocumentCommands, std::move(args));
  }
  std::vector<std::string> Calls() {
    std::lock_guard lock(documents_.mu);
    return documents_.calls;
  }

  FakeDocuments documents_;
  FakeCases cases_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(DocumentCommandsTest, BadFlagsAreOneLineNamingTheFlagAndCallNothing) {
  CliRun q = Ysctl({"bulletin", "show", "--quarter", "2022Q5"});
  EXPECT_EQ(q.code, 2);
  EXPECT_EQ(q.out, "");
  EXPECT_EQ(q.err, "ysctl: --quarter 2022Q5 is not a quarter (e.g. 2022Q3)\n");
  CliRun f = Ysctl({"dispatch", "render", "--month", "2022-09", "--format", "docx"});
  EXPECT_EQ(f.code, 2);
  EXPECT_EQ(f.err, "ysctl: --format docx is not one of pdf, xlsx, html\n");
  CliRun w = Ysctl({"bulletin", "pdf", "--quarter", "2022Q3", "--for", "city:3611"});
  EXPECT_EQ(w.code, 2);
  EXPECT_THAT(w.err, HasSubstr("--for city:3611"));
  EXPECT_TRUE(Calls().empty());
}

TEST_F(DocumentCommandsTest, PickAppendsToTheDraftsItemsAndUnpickRemovesOne) {
  documents_.docs.push_back(Bulletin(1, pb::DOCUMENT_STATE_DRAFT));
  *documents_.docs[0].add_items() = Item(1, "市自然资源局", "审批超时");
  CliRun pick = Ysctl({"bulletin", "pick", "--quarter", "2022Q3", "--unit", "市商务局", "--title", "外资到位下降",
                       "--indicator", "I07", "--head", "王副市长"});
  ASSERT_EQ(pick.code, 0) << pick.err;
  ASSERT_EQ(documents_.set_items.items_size(), 2);
  EXPECT_EQ(documents_.set_items.id(), "BUL-2022Q3-v1");
  EXPECT_EQ(documents_.set_items.items(0).title(), "审批超时");
  EXPECT_EQ(documents_.set_items.items(1).unit(), "市商务局");
  EXPECT_EQ(documents_.set_items.items(1).indicator_code(), "I07");
  EXPECT_EQ(documents_.set_items.items(1).head(), "王副市长");
  EXPECT_EQ(pick.out, "BUL-2022Q3-v1  督办事项 2 项\n  1  市自然资源局  I05  审批超时  待立案\n"
                      "  2  市商务局  I07  外资到位下降  待立案\n");

  CliRun unpick = Ysctl({"bulletin", "unpick", "--quarter", "2022Q3", "--seq", "1"});
  ASSERT_EQ(unpick.code, 0) << unpick.err;
  ASSERT_EQ(documents_.set_items.items_size(), 1);
  EXPECT_EQ(documents_.set_items.items(0).unit(), "市商务局");

  CliRun missing = Ysctl({"bulletin", "unpick", "--quarter", "2022Q3", "--seq", "9"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "ysctl: --seq 9: BUL-2022Q3-v1 has no 督办事项 9 (it has: 1)\n");
}

TEST_F(DocumentCommandsTest, AnIssuedBulletinIsNotEditedButCorrected) {
  documents_.docs.push_back(Bulletin(1, pb::DOCUMENT_STATE_ISSUED));
  CliRun pick = Ysctl({"bulletin", "pick", "--quarter", "2022Q3", "--unit", "市商务局", "--title", "t"});
  EXPECT_EQ(pick.code, 1);
  EXPECT_THAT(pick.err, HasSubstr("correct it first"));
  EXPECT_EQ(Calls(), std::vector<std::string>{"Get"});

  CliRun correct = Ysctl({"bulletin", "correct", "--quarter", "2022Q3", "--reason", "数据口径调整"});
  ASSERT_EQ(correct.code, 0) << correct.err;
  EXPECT_EQ(documents_.correct.id(), "BUL-2022Q3-v1");
  EXPECT_THAT(correct.out, HasSubstr("版本 2  状态 草稿  编号 2022年第3期"));
  EXPECT_THAT(correct.out, HasSubstr("更正：数据口径调整（更正 BUL-2022Q3-v1）"));
}

TEST_F(DocumentCommandsTest, DispatchRenderRendersAnIssuedPackAsIssuedAndDraftsOtherwise) {
  const std::string path = ::testing::TempDir() + "/document_commands_test_dispatch.pdf";
  CliRun fresh = Ysctl({"dispatch", "render", "--month", "2022-09", "--out", path, "--for", "county:361102"});
  ASSERT_EQ(fresh.code, 0) << fresh.err;
  EXPECT_EQ(Calls(), (std::vector<std::string>{"Get", "Draft", "Render"}));
  EXPECT_EQ(documents_.render.id(), "DSP-2022-09-v1");
  EXPECT_EQ(documents_.render.extract_for(), "county:361102");
  EXPECT_EQ(documents_.render.format(), pb::RENDER_FORMAT_PDF);
  EXPECT_EQ(fresh.out, "DSP-2022-09-v1  草稿\nwrote " + path + " (13 bytes, sha256 " +
                           Sha256Hex("%PDF-1.4 fake").substr(0, 12) + ")\n");

  documents_.docs[0].set_state(pb::DOCUMENT_STATE_ISSUED);
  documents_.calls.clear();
  CliRun issued = Ysctl({"dispatch", "render", "--month", "2022-09", "--format", "xlsx", "--out", path});
  ASSERT_EQ(issued.code, 0) << issued.err;
  EXPECT_EQ(Calls(), (std::vector<std::string>{"Get", "Render"}));
  EXPECT_EQ(documents_.render.format(), pb::RENDER_FORMAT_XLSX);
}

TEST_F(DocumentCommandsTest, RenderedFileTakesTheServersNameInTheCurrentDirectoryOnly) {
  documents_.docs.push_back(Bulletin(1, pb::DOCUMENT_STATE_ISSUED));
  documents_.file_name = "../上饶市优化营商环境工作通报-2022年第3期.pdf";
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "document_commands_test_cwd";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  CliRun r = Ysctl({"bulletin", "pdf", "--quarter", "2022Q3", "--version", "1"});
  std::filesystem::current_path(before);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "上饶市优化营商环境工作通报-2022年第3期.pdf"));
  EXPECT_THAT(r.out, HasSubstr("wrote 上饶市优化营商环境工作通报-2022年第3期.pdf (13 bytes"));
}

TEST_F(DocumentCommandsTest, ItemsPrintTheirCasesFromRectification) {
  documents_.items.set_document_id("BUL-2022Q3-v1");
  documents_.items.set_number("2022年第3期");
  *documents_.items.add_items() = Item(1, "市商务局", "外资到位下降", "RC-000123");
  *documents_.items.add_items() = Item(2, "市自然资源局", "审批超时", "", "rectification: UNAVAILABLE");
  CliRun r = Ysctl({"bulletin", "items", "--quarter", "2022Q3", "--cases-address", address_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "BUL-2022Q3-v1  2022年第3期  督办事项 2 项\n"
            "  1  市商务局  I05  外资到位下降  → RC-000123\n"
            "     案件 RC-000123 整改中  截止 2022-11-10\n"
            "  2  市自然资源局  I05  审批超时  待立案（rectification: UNAVAILABLE）\n");

  *documents_.items.add_items() = Item(3, "市住建局", "x", "RC-404");
  CliRun unread = Ysctl({"bulletin", "items", "--quarter", "2022Q3", "--cases-address", address_});
  EXPECT_EQ(unread.code, 1);
  EXPECT_THAT(unread.out, HasSubstr("     案件 案件查询失败：no case RC-404\n"));
  EXPECT_THAT(unread.err, HasSubstr("1 case(s) could not be read from rectification"));
}

}  // namespace
}  // namespace ys::ysctl
