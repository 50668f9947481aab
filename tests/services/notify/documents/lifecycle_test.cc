// The documents' lifecycle rules (services/notify/documents/lifecycle.h): ids, numbers, the hash, what
// a draft and an issued document allow, corrections, the 督办事项 and their cases, the addressees.
#include "services/notify/documents/lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "common/time/proto_time.h"

namespace ys::notify::documents {
namespace {

namespace rpb = ::yingshang::rectification::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

pb::Document Bulletin() {
  pb::Document doc = FirstDraft(pb::DOCUMENT_KIND_BULLETIN, "2022Q3");
  pb::Section* s = doc.mutable_content()->add_sections();
  s->set_key("ranks");
  s->set_title("一、18项一级指标、86项二级指标全省排名情况");
  s->add_summary("综合排名全省第6名");
  doc.mutable_content()->add_sections()->set_key("actions");
  return doc;
}

pb::SupervisionItem Item(std::string unit, std::string title, std::string indicator = "I05") {
  pb::SupervisionItem item;
  item.set_unit(std::move(unit));
  item.set_title(std::move(title));
  item.set_indicator_code(std::move(indicator));
  return item;
}

const absl::Time kAt = absl::FromCivil(absl::CivilSecond(2022, 10, 12, 9, 30, 0), absl::FixedTimeZone(8 * 3600));

TEST(Lifecycle, KindAndPeriodAgree) {
  EXPECT_TRUE(ValidateKindPeriod(pb::DOCUMENT_KIND_BULLETIN, "2022Q3").ok());
  EXPECT_TRUE(ValidateKindPeriod(pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09").ok());
  absl::Status month_bulletin = ValidateKindPeriod(pb::DOCUMENT_KIND_BULLETIN, "2022-09");
  EXPECT_EQ(month_bulletin.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(month_bulletin.message(), HasSubstr("field 'period'"));
  EXPECT_THAT(ValidateKindPeriod(pb::DOCUMENT_KIND_DISPATCH_PACK, "2022Q5").message(), HasSubstr("'period'"));
  EXPECT_THAT(ValidateKindPeriod(pb::DOCUMENT_KIND_UNSPECIFIED, "2022Q3").message(), HasSubstr("'kind'"));
}

TEST(Lifecycle, IdsAndDefaultNumbers) {
  EXPECT_EQ(DocumentId(pb::DOCUMENT_KIND_BULLETIN, "2022Q3", 2), "BUL-2022Q3-v2");
  EXPECT_EQ(DocumentId(pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09", 1), "DSP-2022-09-v1");
  EXPECT_EQ(*DefaultNumber(pb::DOCUMENT_KIND_BULLETIN, "2022Q3"), "2022年第3期");
  EXPECT_EQ(*DefaultNumber(pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09"), "2022年9月");
  EXPECT_FALSE(DefaultNumber(pb::DOCUMENT_KIND_BULLETIN, "2022-09").ok());
}

TEST(Lifecycle, HashFollowsWhatAReaderReadsNotTheCasesOpenedLater) {
  pb::Document doc = Issue(Bulletin(), "2022年第3期", "office", kAt);
  const std::string hash = doc.content_sha256();
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(ContentHash(doc), hash);
  pb::Document with_case = doc;
  with_case.add_items()->set_case_id("RC-000001");
  pb::Document with_item = doc;
  with_item.add_items();
  EXPECT_EQ(ContentHash(with_case), ContentHash(with_item));  // a case id is not what was issued
  pb::Document commented = doc;
  commented.mutable_content()->mutable_sections(0)->set_commentary("继续保持");
  EXPECT_NE(ContentHash(commented), hash);
  pb::Document renumbered = doc;
  renumbered.set_number("2022年第4期");
  EXPECT_NE(ContentHash(renumbered), hash);
}

TEST(Lifecycle, AnIssuedDocumentIsNeverEdited) {
  pb::Document issued = Issue(Bulletin(), "2022年第3期", "office", kAt);
  absl::Status edit = ApplyCommentary(issued, "ranks", "改一下");
  EXPECT_EQ(edit.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(edit.message(), HasSubstr("BUL-2022Q3-v1（2022年第3期） is issued"));
  EXPECT_EQ(PickItems(issued, {Item("市商务局", "整改")}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckIssue(issued, "2022年第3期", {}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Lifecycle, CommentaryGoesToItsSectionAndSurvivesReassembly) {
  pb::Document doc = Bulletin();
  ASSERT_TRUE(ApplyCommentary(doc, "ranks", "综合排名须保住前六。").ok());
  EXPECT_EQ(doc.content().sections(0).commentary(), "综合排名须保住前六。");
  EXPECT_EQ(ApplyCommentary(doc, "nowhere", "x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ApplyCommentary(doc, "ranks", std::string(4001, 'x')).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ApplyCommentary(doc, "ranks", std::string(4000, 'x')).ok());
  ASSERT_TRUE(ApplyCommentary(doc, "ranks", "综合排名须保住前六。").ok());

  pb::DocumentContent fresh;
  pb::Section* ranks = fresh.add_sections();
  ranks->set_key("ranks");
  ranks->add_summary("综合排名全省第5名");
  fresh.add_sections()->set_key("redemptions");
  doc.add_items()->set_title("kept");
  pb::Document again = Redraft(doc, fresh, "王科长", kAt);
  EXPECT_EQ(again.content().sections(0).commentary(), "综合排名须保住前六。");
  EXPECT_EQ(again.content().sections(0).summary(0), "综合排名全省第5名");
  EXPECT_EQ(again.content().sections(1).commentary(), "");
  EXPECT_EQ(again.items_size(), 1);
  EXPECT_EQ(again.drafted_by(), "王科长");
}

TEST(Lifecycle, ItemsAreNumberedValidatedAndKeepTheirCases) {
  pb::Document doc = Bulletin();
  auto picked = PickItems(doc, {Item("市商务局", "外贸指标倒数"), Item("市住建局", "办理建筑许可")});
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ((*picked)[0].seq(), 1);
  EXPECT_EQ((*picked)[1].seq(), 2);
  absl::Status no_unit = PickItems(doc, {Item("市商务局", "a"), Item("", "b")}).status();
  EXPECT_EQ(no_unit.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_unit.message(), HasSubstr("items[1].unit"));
  EXPECT_THAT(PickItems(doc, {Item("市商务局", "")}).status().message(), HasSubstr("items[0].title"));

  pb::SupervisionItem opened = Item("市住建局", "办理建筑许可");
  opened.set_case_id("RC-000042");
  *doc.add_items() = opened;
  auto again = PickItems(doc, {Item("市住建局", "办理建筑许可"), Item("市商务局", "外贸指标倒数")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].case_id(), "RC-000042");
  EXPECT_EQ((*again)[0].seq(), 1);
  EXPECT_EQ((*again)[1].case_id(), "");

  pb::Document pack = FirstDraft(pb::DOCUMENT_KIND_DISPATCH_PACK, "2022-09");
  EXPECT_EQ(PickItems(pack, {Item("市商务局", "x")}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(PickItems(pack, {}).ok());
}

TEST(Lifecycle, ANumberIsIssuedOnce) {
  pb::Document first = Issue(Bulletin(), "2022年第3期", "王科长", kAt);
  pb::Document other = Bulletin();
  other.set_id("BUL-2022Q3-v9");
  absl::Status again = CheckIssue(other, "2022年第3期", {first});
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.message(), HasSubstr("BUL-2022Q3-v1 by 王科长 at 2022-10-12 09:30"));
  EXPECT_TRUE(CheckIssue(Bulletin(), "2022年第3期", {}).ok());
  EXPECT_EQ(CheckIssue(Bulletin(), "", {}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(Lifecycle, AMissingSourceOrNoAssemblyIsNotIssued) {
  pb::Document doc = Bulletin();
  doc.mutable_content()->add_missing("rectification: UNAVAILABLE: connection refused");
  absl::Status s = CheckIssue(doc, "2022年第3期", {});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("rectification: UNAVAILABLE"));
  EXPECT_EQ(CheckIssue(FirstDraft(pb::DOCUMENT_KIND_BULLETIN, "2022Q3"), "2022年第3期", {}).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Lifecycle, ACorrectionIsANewVersionKeepingTheNumber) {
  pb::Document issued = Issue(Bulletin(), "2022年第3期", "王科长", kAt);
  issued.set_pdf_sha256("abc");
  issued.add_delivered_to("body:市委");
  EXPECT_EQ(CorrectionOf(issued, "", 1, "王科长", kAt).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CorrectionOf(issued, "数字有误", 2, "王科长", kAt).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CorrectionOf(Bulletin(), "x", 1, "王科长", kAt).status().code(), absl::StatusCode::kFailedPrecondition);
  auto v2 = CorrectionOf(issued, "第二部分数字有误", 1, "李主任", kAt);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->id(), "BUL-2022Q3-v2");
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->state(), pb::DOCUMENT_STATE_DRAFT);
  EXPECT_TRUE(v2->correction());
  EXPECT_EQ(v2->corrects_id(), "BUL-2022Q3-v1");
  EXPECT_EQ(v2->correction_reason(), "第二部分数字有误");
  EXPECT_EQ(v2->pdf_sha256(), "");
  EXPECT_EQ(v2->delivered_to_size(), 0);
  // The correction is issued under the number it corrects; nobody else may take it.
  EXPECT_TRUE(CheckIssue(*v2, "2022年第3期", {issued}).ok());
  pb::Document issued_v2 = Issue(*v2, "2022年第3期", "李主任", kAt);
  EXPECT_NE(issued_v2.content_sha256(), issued.content_sha256());
  pb::Document stranger = Bulletin();
  stranger.set_id("BUL-2022Q4-v1");
  stranger.set_period("2022Q4");
  EXPECT_EQ(CheckIssue(stranger, "2022年第3期", {issued, issued_v2}).code(), absl::StatusCode::kAlreadyExists);
}

TEST(Lifecycle, AnItemOpensACaseKeyedSoARetryOpensNothingNew) {
  pb::Document doc = Issue(Bulletin(), "2022年第3期", "王科长", kAt);
  pb::SupervisionItem item = Item("市商务局", "外贸进出口指标连续两月倒数");
  item.set_seq(2);
  item.set_region_code("3611");
  item.set_description("请对照省厅口径核实数据。");
  item.set_lead("饶清华");
  const rpb::OpenCaseRequest req = CaseRequest(doc, item);
  EXPECT_EQ(req.origin(), rpb::ORIGIN_BULLETIN);
  EXPECT_EQ(req.origin_ref(), "2022年第3期#2");
  EXPECT_EQ(req.unit(), "市商务局");
  EXPECT_EQ(req.indicator_code(), "I05");
  EXPECT_EQ(req.period(), "2022Q3");
  EXPECT_EQ(req.title(), "【2022年第3期通报督办】外贸进出口指标连续两月倒数");
  EXPECT_THAT(req.description(), HasSubstr("请对照省厅口径核实数据。"));
  EXPECT_THAT(req.description(), HasSubstr("§四(五)“以一个月为时限"));
  EXPECT_EQ(req.lead(), "饶清华");
  EXPECT_EQ(CaseRequest(doc, item).SerializeAsString(), req.SerializeAsString());
}

TEST(Lifecycle, TheBulletinGoesToTheSevenBodiesOfThePlan) {
  const Addressees a = AddresseesOf(pb::DOCUMENT_KIND_BULLETIN, {"unit:市商务局", "office", "county:361102"});
  EXPECT_THAT(a.whole, ElementsAre("body:市委", "body:市人大", "body:市政府", "body:市政协", "body:市纪委监委",
                                   "body:市委组织部", "body:市委宣传部", "office"));
  EXPECT_THAT(a.extracts, ElementsAre("unit:市商务局", "county:361102"));
  const Addressees pack = AddresseesOf(pb::DOCUMENT_KIND_DISPATCH_PACK, {});
  EXPECT_THAT(pack.whole, ElementsAre("body:市优化营商环境工作领导小组", "office"));
}

}  // namespace
}  // namespace ys::notify::documents
