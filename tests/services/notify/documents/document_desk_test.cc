// The documents desk (document_desk.h) on notify's in-memory store, the sample 2022Q3 answers
// (fake_document_sources.h), a fake printer and a fake case opener: draft, comment, pick, issue (the
// snapshot, its PDF, the deliveries to §四(四)'s seven bodies and each unit's extract, the 督办 cases
// of §四(五)), correct, render, and who may read what.
#include "services/notify/documents/document_desk.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/grpc/auth.h"
#include "common/status/macros.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/documents/document_deliveries.h"
#include "services/notify/documents/lifecycle.h"
#include "services/notify/recipients_proto.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_document_sources.h"
#include "tests/services/notify/fake_notify_store.h"

namespace ys::notify::documents {
namespace {

namespace cpb = ::yingshang::rectification::v1;

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kUnit[] = "市市场监管局";
constexpr char kUnitId[] = "unit:市市场监管局";
// A unit of the sample whose rows (办理破产, its alert, its cases) are not 市市场监管局's.
constexpr char kOtherUnit[] = "市中级人民法院";
constexpr char kBulletinId[] = "BUL-2022Q3-v1";
constexpr char kNumber[] = "2022年第3期";

// "%PDF-1.4 fake <sha of the page>": the bytes say which page was printed.
class FakePdfPrinter final : public PdfPrinter {
 public:
  absl::StatusOr<std::string> Print(std::string_view html) override {
    ++calls;
    if (fail) return absl::InternalError("chromium exited 1 (fake)");
    return absl::StrCat("%PDF-1.4 fake ", Sha256Hex(absl::string_view(html.data(), html.size())));
  }
  int calls = 0;
  bool fail = false;
};

// As rectification's OpenCase: the same origin_ref answers the same case.
class FakeCaseOpener final : public CaseOpener {
 public:
  absl::StatusOr<std::string> Open(const cpb::OpenCaseRequest& request) override {
    requests.push_back(request);
    if (fail) return absl::UnavailableError("rectification is down (fake)");
    auto found = ids_.find(request.origin_ref());
    if (found != ids_.end()) return found->second;
    const std::string id = absl::StrCat("RC-", ids_.size() + 1);
    ids_.emplace(request.origin_ref(), id);
    return id;
  }
  std::set<std::string> DistinctRefs() const {
    std::set<std::string> out;
    for (const cpb::OpenCaseRequest& r : requests) out.insert(r.origin_ref());
    return out;
  }
  std::vector<cpb::OpenCaseRequest> requests;
  bool fail = false;

 private:
  std::map<std::string, std::string> ids_;
};

// The sample's units (市住房和城乡建设局 by its alias too) and counties, so every extract has its
// recipient; e-mail for the seven bodies, the office and 市市场监管局 only.
CatalogView SampleCatalog() {
  CatalogView v;
  v.units = {{"市市场监管局", {}}, {"市住房和城乡建设局", {"市住建局"}}, {"市中级人民法院", {}}, {"市商务局", {}},
             {"市工信局", {}}, {"信州区", {}}};
  v.counties = {{"361102", "信州区"}, {"361103", "广丰区"}};
  return v;
}

std::vector<std::string> SevenBodies() {
  std::vector<std::string> out;
  for (const char* body : kBulletinBodies) out.push_back(absl::StrCat("body:", body));
  return out;
}

Actor Office() { return {.name = "office-dev", .office = true}; }
Actor Viewer() { return {.name = "viewer-dev", .viewer = true}; }
Actor UnitActor(std::string unit) { return {.name = "unit-key", .unit = std::move(unit)}; }

pb::SupervisionItem Item(const std::string& unit, const std::string& indicator, const std::string& title) {
  pb::SupervisionItem item;
  item.set_unit(unit);
  item.set_indicator_code(indicator);
  item.set_title(title);
  item.set_seq(99);  // the desk numbers them
  return item;
}

class DocumentDeskTest : public ::testing::Test {
 protected:
  DocumentDeskTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2022, 10, 17, 10, 0, 0), Shanghai())),
        desk_(store_, sources_, printer_, cases_, book_, clock_) {}

  void SetUp() override {
    ys::testing::LoadSample2022Q3(sources_);
    absl::StatusOr<Recipients> derived = DeriveRecipients(SampleCatalog());
    ASSERT_TRUE(derived.ok()) << derived.status();
    std::vector<std::string> mailed = SevenBodies();
    mailed.push_back("office");
    mailed.push_back(kUnitId);
    RecipientsVersion version{1, {}};
    int n = 0;
    for (const std::string& id : mailed) {
      auto it = derived->by_id.find(id);
      ASSERT_NE(it, derived->by_id.end()) << id;
      Recipient r = it->second;
      r.channels = {{ChannelKind::kEmail, absl::StrCat("r", ++n, "@example.invalid"), "", 1},
                    {ChannelKind::kInbox, "", "", 2}};
      version.recipients.push_back(RecipientToProto(r));
    }
    std::sort(version.recipients.begin(), version.recipients.end(),
              [](const pb::Recipient& a, const pb::Recipient& b) { return a.id() < b.id(); });
    ASSERT_TRUE(book_.Rebuild(SampleCatalog(), version).ok());
    ASSERT_THAT(book_.skipped(), IsEmpty());
  }

  pb::Document MustDraft(const std::string& period = "2022Q3") {
    pb::DraftDocumentRequest r;
    r.set_kind(pb::DOCUMENT_KIND_BULLETIN);
    r.set_period(period);
    absl::StatusOr<pb::Document> doc = desk_.Draft(Office(), r);
    EXPECT_TRUE(doc.ok()) << doc.status();
    return doc.ok() ? *doc : pb::Document();
  }
  absl::StatusOr<pb::Document> SetItems(const std::string& id, const std::vector<pb::SupervisionItem>& items) {
    pb::SetItemsRequest r;
    r.set_id(id);
    for (const pb::SupervisionItem& i : items) *r.add_items() = i;
    return desk_.SetItems(Office(), r);
  }
  // Two 督办事项 of the sample's alerts.
  void PickTwoItems(const std::string& id) {
    absl::StatusOr<pb::Document> doc =
        SetItems(id, {Item(kOtherUnit, "I15", "办理破产排名全省倒数第一"),
                      Item("市住房和城乡建设局", "I03", "办理建筑许可排名全省后三位")});
    ASSERT_TRUE(doc.ok()) << doc.status();
  }
  absl::StatusOr<pb::Document> Issue(const std::string& id, const std::string& number = "") {
    pb::IssueDocumentRequest r;
    r.set_id(id);
    r.set_number(number);
    return desk_.Issue(Office(), r);
  }
  // Drafted, two items picked, issued as 2022年第3期.
  pb::Document MustIssueBulletin() {
    MustDraft();
    PickTwoItems(kBulletinId);
    absl::StatusOr<pb::Document> issued = Issue(kBulletinId);
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? *issued : pb::Document();
  }
  absl::StatusOr<pb::Document> Get(const Actor& actor, const std::string& id) {
    pb::GetDocumentRequest r;
    r.set_id(id);
    return desk_.Get(actor, r);
  }
  absl::StatusOr<pb::RenderDocumentResponse> Render(const Actor& actor, const std::string& id,
                                                    pb::RenderFormat format, const std::string& extract_for = "") {
    pb::RenderDocumentRequest r;
    r.set_id(id);
    r.set_format(format);
    r.set_extract_for(extract_for);
    return desk_.Render(actor, r);
  }

  std::optional<pb::Document> Stored(const std::string& id) {
    std::optional<pb::Document> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Document(id));
      return absl::OkStatus();
    }).ok());
    return out;
  }
  std::optional<std::string> KeptPdf(const std::string& id) {
    std::optional<std::string> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.DocumentFile(id, pb::RENDER_FORMAT_PDF));
      return absl::OkStatus();
    }).ok());
    return out;
  }
  std::optional<pb::Notification> NotificationById(const std::string& id) {
    std::optional<pb::Notification> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Notification(id));
      return absl::OkStatus();
    }).ok());
    return out;
  }
  std::vector<pb::Delivery> DeliveriesOf(const std::string& notification_id) {
    std::vector<pb::Delivery> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Deliveries({.notification_id = notification_id}));
      return absl::OkStatus();
    }).ok());
    return out;
  }
  std::vector<pb::Document> PendingItemDocuments() {
    std::vector<pb::Document> out;
    EXPECT_TRUE(store_.Read([&](NotifyTx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, tx.Documents({.state = pb::DOCUMENT_STATE_ISSUED, .items_pending = true}));
      return absl::OkStatus();
    }).ok());
    return out;
  }

  ys::notify::testing::FakeNotifyStore store_;
  ys::testing::FakeDocumentSources sources_;
  FakePdfPrinter printer_;
  FakeCaseOpener cases_;
  RecipientBook book_;
  ys::testing::FakeClock clock_;
  DocumentDesk desk_;
};

// --- 1. Drafting ---

TEST_F(DocumentDeskTest, OfficeDraftsVersionOneWithThePlansParts) {
  const pb::Document doc = MustDraft();
  EXPECT_EQ(doc.id(), kBulletinId);
  EXPECT_EQ(doc.kind(), pb::DOCUMENT_KIND_BULLETIN);
  EXPECT_EQ(doc.period(), "2022Q3");
  EXPECT_EQ(doc.version(), 1);
  EXPECT_EQ(doc.state(), pb::DOCUMENT_STATE_DRAFT);
  EXPECT_EQ(doc.drafted_by(), "office-dev");
  EXPECT_TRUE(doc.number().empty());
  EXPECT_TRUE(doc.content_sha256().empty());
  EXPECT_THAT(doc.content().missing(), IsEmpty());
  std::vector<std::string> keys;
  for (const pb::Section& s : doc.content().sections()) keys.push_back(s.key());
  // §四(四)'s order: ranks, 五大环境 tasks, 八大行动, reforms, 惠企通; then the annexes.
  EXPECT_THAT(keys, ElementsAre("ranks", "tasks", "actions", "reforms", "redemptions", "alerts", "consequences",
                                "cases", "duty"));
  // Kept: Get answers the same draft.
  absl::StatusOr<pb::Document> got = Get(Office(), kBulletinId);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->content().sections_size(), 9);
}

TEST_F(DocumentDeskTest, OnlyTheOfficeDrafts) {
  pb::DraftDocumentRequest r;
  r.set_kind(pb::DOCUMENT_KIND_BULLETIN);
  r.set_period("2022Q3");
  EXPECT_EQ(desk_.Draft(Viewer(), r).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(desk_.Draft(UnitActor(kUnit), r).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(Stored(kBulletinId).has_value());
  EXPECT_THAT(sources_.calls, IsEmpty());  // refused before the assembly
}

TEST_F(DocumentDeskTest, BadPeriodIsNamed) {
  pb::DraftDocumentRequest r;
  r.set_kind(pb::DOCUMENT_KIND_BULLETIN);
  r.set_period("2022-09");  // a month, not a quarter
  absl::Status s = desk_.Draft(Office(), r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'period'"));
  r.set_period("2022Q5");
  s = desk_.Draft(Office(), r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("'period'"));
}

// --- 2. Commentary and 督办事项 ---

TEST_F(DocumentDeskTest, CommentarySurvivesRedraftAndItemsAreNumbered) {
  MustDraft();
  pb::SetCommentaryRequest c;
  c.set_id(kBulletinId);
  c.set_section_key("ranks");
  c.set_commentary("综合排名进入全省前三，须巩固。");
  absl::StatusOr<pb::Document> commented = desk_.SetCommentary(Office(), c);
  ASSERT_TRUE(commented.ok()) << commented.status();
  EXPECT_EQ(commented->content().sections(0).commentary(), "综合排名进入全省前三，须巩固。");
  EXPECT_EQ(desk_.SetCommentary(Viewer(), c).status().code(), absl::StatusCode::kPermissionDenied);

  const pb::Document again = MustDraft();
  EXPECT_EQ(again.id(), kBulletinId);
  EXPECT_EQ(again.version(), 1);
  ASSERT_EQ(again.content().sections(0).key(), "ranks");
  EXPECT_EQ(again.content().sections(0).commentary(), "综合排名进入全省前三，须巩固。");

  absl::StatusOr<pb::Document> picked =
      SetItems(kBulletinId, {Item(kOtherUnit, "I15", "办理破产排名全省倒数第一"),
                             Item("市住房和城乡建设局", "I03", "办理建筑许可排名全省后三位"),
                             Item("信州区", "", "逾期整改案件")});
  ASSERT_TRUE(picked.ok()) << picked.status();
  ASSERT_EQ(picked->items_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(picked->items(i).seq(), i + 1);
    EXPECT_TRUE(picked->items(i).case_id().empty());
  }
  EXPECT_EQ(picked->items(2).unit(), "信州区");
  // A redraft keeps the items too.
  EXPECT_EQ(MustDraft().items_size(), 3);
  // An item without a unit is named.
  absl::Status bad = SetItems(kBulletinId, {Item("", "I15", "无单位")}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("items[0].unit"));
}

// --- 3. Issuing ---

TEST_F(DocumentDeskTest, IssueSnapshotsPrintsDeliversAndOpensCases) {
  const pb::Document issued = MustIssueBulletin();
  EXPECT_EQ(issued.id(), kBulletinId);
  EXPECT_EQ(issued.state(), pb::DOCUMENT_STATE_ISSUED);
  EXPECT_EQ(issued.number(), kNumber);
  EXPECT_EQ(issued.issued_by(), "office-dev");
  ASSERT_EQ(issued.content_sha256().size(), 64u);
  EXPECT_TRUE(std::all_of(issued.content_sha256().begin(), issued.content_sha256().end(),
                          [](char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'); }));
  EXPECT_EQ(issued.content_sha256(), ContentHash(issued));

  // The PDF printed once and kept as printed.
  EXPECT_EQ(printer_.calls, 1);
  const std::optional<std::string> pdf = KeptPdf(kBulletinId);
  ASSERT_TRUE(pdf.has_value());
  EXPECT_THAT(*pdf, StartsWith("%PDF-1.4 fake "));
  EXPECT_EQ(issued.pdf_sha256(), Sha256Hex(*pdf));
  EXPECT_EQ(issued.pdf_bytes(), static_cast<int64_t>(pdf->size()));

  // §四(四)'s seven bodies, the office and the unit with rows.
  for (const std::string& body : SevenBodies()) EXPECT_THAT(issued.delivered_to(), Contains(body));
  EXPECT_THAT(issued.delivered_to(), Contains("office"));
  EXPECT_THAT(issued.delivered_to(), Contains(kUnitId));
  EXPECT_THAT(issued.delivered_to(), Contains(absl::StrCat("unit:", kOtherUnit)));
  for (const std::string& body : SevenBodies()) {
    const std::string id = absl::StrCat("DOC/", kBulletinId, "/", body);
    const std::optional<pb::Notification> n = NotificationById(id);
    ASSERT_TRUE(n.has_value()) << id;
    EXPECT_EQ(n->event_type(), kDocumentIssued);
    EXPECT_THAT(n->attachments(), ElementsAre("document:BUL-2022Q3-v1:pdf"));
    EXPECT_THAT(n->receivers(), ElementsAre(body));
    const std::vector<pb::Delivery> d = DeliveriesOf(id);
    ASSERT_EQ(d.size(), 1u) << id;
    EXPECT_EQ(d[0].recipient_id(), body);
    EXPECT_EQ(d[0].channel(), pb::CHANNEL_KIND_EMAIL);
    EXPECT_EQ(d[0].state(), pb::DELIVERY_STATE_PENDING);
  }

  // The unit's extract: its own rows, no attachment.
  const std::optional<pb::Notification> unit = NotificationById(absl::StrCat("DOC/", kBulletinId, "/", kUnitId));
  ASSERT_TRUE(unit.has_value());
  EXPECT_THAT(unit->attachments(), IsEmpty());
  EXPECT_THAT(unit->title(), HasSubstr(absl::StrCat(kUnit, "摘录")));
  EXPECT_THAT(unit->mail_text(), HasSubstr("开办企业"));  // I01, 市市场监管局's indicator
  EXPECT_THAT(unit->mail_text(), Not(HasSubstr(kOtherUnit)));
  EXPECT_THAT(unit->mail_text(), Not(HasSubstr("办理破产")));  // the court's indicator
  const std::vector<pb::Delivery> unit_mail = DeliveriesOf(unit->id());
  ASSERT_EQ(unit_mail.size(), 1u);
  EXPECT_EQ(unit_mail[0].channel(), pb::CHANNEL_KIND_EMAIL);
  EXPECT_EQ(unit_mail[0].state(), pb::DELIVERY_STATE_PENDING);
  // The court has no e-mail: its extract waits in its inbox, no delivery.
  const std::optional<pb::Notification> court =
      NotificationById(absl::StrCat("DOC/", kBulletinId, "/unit:", kOtherUnit));
  ASSERT_TRUE(court.has_value());
  EXPECT_THAT(court->mail_text(), HasSubstr("办理破产"));
  EXPECT_THAT(DeliveriesOf(court->id()), IsEmpty());

  // §四(五): each 督办事项 a case, origin BULLETIN, "<number>#<seq>".
  ASSERT_EQ(cases_.requests.size(), 2u);
  EXPECT_EQ(cases_.requests[0].origin(), cpb::ORIGIN_BULLETIN);
  EXPECT_EQ(cases_.requests[0].origin_ref(), "2022年第3期#1");
  EXPECT_EQ(cases_.requests[0].unit(), kOtherUnit);
  EXPECT_EQ(cases_.requests[0].period(), "2022Q3");
  EXPECT_EQ(cases_.requests[1].origin(), cpb::ORIGIN_BULLETIN);
  EXPECT_EQ(cases_.requests[1].origin_ref(), "2022年第3期#2");
  ASSERT_EQ(issued.items_size(), 2);
  EXPECT_EQ(issued.items(0).case_id(), "RC-1");
  EXPECT_EQ(issued.items(1).case_id(), "RC-2");
  EXPECT_TRUE(issued.items(0).case_error().empty());
  EXPECT_THAT(PendingItemDocuments(), IsEmpty());
}

// --- 4. An issued document is never edited ---

TEST_F(DocumentDeskTest, IssuedIsNeitherIssuedAgainNorEdited) {
  const pb::Document issued = MustIssueBulletin();
  const std::set<std::string> refs = cases_.DistinctRefs();
  const int printed = printer_.calls;

  const absl::Status again = Issue(kBulletinId).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("is issued"));
  EXPECT_EQ(cases_.DistinctRefs(), refs);
  EXPECT_EQ(printer_.calls, printed);

  pb::SetCommentaryRequest c;
  c.set_id(kBulletinId);
  c.set_section_key("ranks");
  c.set_commentary("签发后改动");
  EXPECT_EQ(desk_.SetCommentary(Office(), c).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SetItems(kBulletinId, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  pb::DraftDocumentRequest d;
  d.set_kind(pb::DOCUMENT_KIND_BULLETIN);
  d.set_period("2022Q3");
  EXPECT_EQ(desk_.Draft(Office(), d).status().code(), absl::StatusCode::kFailedPrecondition);

  const std::optional<pb::Document> stored = Stored(kBulletinId);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->content_sha256(), issued.content_sha256());
  EXPECT_TRUE(stored->content().sections(0).commentary().empty());
}

// --- 5. A number is issued once ---

TEST_F(DocumentDeskTest, NumberHeldByAnotherDocumentIsRefused) {
  MustIssueBulletin();
  const pb::Document q2 = MustDraft("2022Q2");
  EXPECT_EQ(q2.id(), "BUL-2022Q2-v1");
  const int printed = printer_.calls;
  const absl::Status s = Issue(q2.id(), kNumber).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(s.message(), HasSubstr(kBulletinId));
  EXPECT_EQ(printer_.calls, printed);  // refused before printing
  EXPECT_EQ(Stored(q2.id())->state(), pb::DOCUMENT_STATE_DRAFT);
  // Its own number is free.
  absl::StatusOr<pb::Document> own = Issue(q2.id());
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->number(), "2022年第2期");
}

// --- 6. Corrections ---

TEST_F(DocumentDeskTest, CorrectionIsANewVersionKeepingTheNumber) {
  const pb::Document v1 = MustIssueBulletin();
  pb::CorrectDocumentRequest c;
  c.set_id(kBulletinId);
  EXPECT_EQ(desk_.Correct(Office(), c).status().code(), absl::StatusCode::kInvalidArgument);  // no reason
  c.set_reason("市中级人民法院排名数据更正");
  absl::StatusOr<pb::Document> v2 = desk_.Correct(Office(), c);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->id(), "BUL-2022Q3-v2");
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->state(), pb::DOCUMENT_STATE_DRAFT);
  EXPECT_TRUE(v2->correction());
  EXPECT_EQ(v2->corrects_id(), kBulletinId);
  EXPECT_EQ(v2->correction_reason(), "市中级人民法院排名数据更正");
  EXPECT_EQ(desk_.Correct(Office(), c).status().code(), absl::StatusCode::kFailedPrecondition);  // not latest

  pb::SetCommentaryRequest comment;
  comment.set_id("BUL-2022Q3-v2");
  comment.set_section_key("ranks");
  comment.set_commentary("更正：办理破产排名。");
  ASSERT_TRUE(desk_.SetCommentary(Office(), comment).ok());

  const size_t refs_before = cases_.DistinctRefs().size();
  absl::StatusOr<pb::Document> issued2 = Issue("BUL-2022Q3-v2");
  ASSERT_TRUE(issued2.ok()) << issued2.status();
  EXPECT_EQ(issued2->number(), kNumber);
  EXPECT_EQ(issued2->state(), pb::DOCUMENT_STATE_ISSUED);
  EXPECT_NE(issued2->content_sha256(), v1.content_sha256());
  // The items carried their case ids over: no new case for the same 督办事项.
  ASSERT_EQ(issued2->items_size(), 2);
  EXPECT_EQ(issued2->items(0).case_id(), "RC-1");
  EXPECT_EQ(cases_.DistinctRefs().size(), refs_before);

  pb::GetDocumentRequest get;
  get.set_kind(pb::DOCUMENT_KIND_BULLETIN);
  get.set_period("2022Q3");
  get.set_version(1);
  absl::StatusOr<pb::Document> got1 = desk_.Get(Office(), get);
  ASSERT_TRUE(got1.ok()) << got1.status();
  EXPECT_EQ(got1->content_sha256(), v1.content_sha256());
  EXPECT_EQ(got1->state(), pb::DOCUMENT_STATE_ISSUED);
  EXPECT_FALSE(got1->correction());
  get.set_version(2);
  absl::StatusOr<pb::Document> got2 = desk_.Get(Office(), get);
  ASSERT_TRUE(got2.ok()) << got2.status();
  EXPECT_EQ(got2->id(), "BUL-2022Q3-v2");
  EXPECT_EQ(got2->content_sha256(), issued2->content_sha256());
  get.set_version(0);  // the latest
  EXPECT_EQ(desk_.Get(Office(), get)->id(), "BUL-2022Q3-v2");
  // Both PDFs kept.
  EXPECT_TRUE(KeptPdf(kBulletinId).has_value());
  EXPECT_TRUE(KeptPdf("BUL-2022Q3-v2").has_value());
}

// --- 7. Cases opened later when rectification is down ---

TEST_F(DocumentDeskTest, CasesRefusedAtIssueAreOpenedByTheWorker) {
  cases_.fail = true;
  const pb::Document issued = MustIssueBulletin();
  EXPECT_EQ(issued.state(), pb::DOCUMENT_STATE_ISSUED);  // issuing does not wait for rectification
  ASSERT_EQ(issued.items_size(), 2);
  for (const pb::SupervisionItem& item : issued.items()) {
    EXPECT_TRUE(item.case_id().empty());
    EXPECT_THAT(item.case_error(), HasSubstr("UNAVAILABLE"));
  }
  ASSERT_EQ(PendingItemDocuments().size(), 1u);

  absl::StatusOr<int> still_down = desk_.OpenPendingCases();
  ASSERT_TRUE(still_down.ok()) << still_down.status();
  EXPECT_EQ(*still_down, 0);

  cases_.fail = false;
  absl::StatusOr<int> opened = desk_.OpenPendingCases();
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, 2);
  const std::optional<pb::Document> stored = Stored(kBulletinId);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->items(0).case_id(), "RC-1");
  EXPECT_EQ(stored->items(1).case_id(), "RC-2");
  EXPECT_TRUE(stored->items(0).case_error().empty());
  EXPECT_EQ(stored->content_sha256(), issued.content_sha256());  // case ids are not content
  EXPECT_THAT(PendingItemDocuments(), IsEmpty());

  const size_t asked = cases_.requests.size();
  absl::StatusOr<int> none = desk_.OpenPendingCases();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);
  EXPECT_EQ(cases_.requests.size(), asked);
}

// --- 8. A source that did not answer ---

TEST_F(DocumentDeskTest, MissingSourceBlocksIssue) {
  sources_.failing.insert("rectification");
  const pb::Document draft = MustDraft();
  ASSERT_EQ(draft.content().missing_size(), 1);
  EXPECT_THAT(draft.content().missing(0), StartsWith("rectification"));
  const absl::Status s = Issue(kBulletinId).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("rectification"));
  EXPECT_EQ(printer_.calls, 0);
  EXPECT_EQ(Stored(kBulletinId)->state(), pb::DOCUMENT_STATE_DRAFT);

  // Assembled again when it answers: issued.
  sources_.failing.clear();
  EXPECT_THAT(MustDraft().content().missing(), IsEmpty());
  absl::StatusOr<pb::Document> issued = Issue(kBulletinId);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->number(), kNumber);
}

TEST_F(DocumentDeskTest, PrinterFailureIssuesNothing) {
  MustDraft();
  printer_.fail = true;
  EXPECT_FALSE(Issue(kBulletinId).ok());
  EXPECT_EQ(Stored(kBulletinId)->state(), pb::DOCUMENT_STATE_DRAFT);
  EXPECT_FALSE(KeptPdf(kBulletinId).has_value());
  EXPECT_FALSE(NotificationById(absl::StrCat("DOC/", kBulletinId, "/body:市委")).has_value());
}

// --- 9. Rendering and who reads what ---

TEST_F(DocumentDeskTest, OfficePdfOfTheIssuedIsTheKeptOne) {
  MustIssueBulletin();
  const int printed = printer_.calls;
  absl::StatusOr<pb::RenderDocumentResponse> pdf = Render(Office(), kBulletinId, pb::RENDER_FORMAT_PDF);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->data(), *KeptPdf(kBulletinId));
  EXPECT_EQ(pdf->sha256(), Stored(kBulletinId)->pdf_sha256());
  EXPECT_EQ(pdf->content_type(), "application/pdf");
  EXPECT_THAT(pdf->file_name(), HasSubstr(kNumber));
  EXPECT_EQ(printer_.calls, printed);
}

TEST_F(DocumentDeskTest, UnitRendersItsOwnExtractWhateverItAsks) {
  MustIssueBulletin();
  const int printed = printer_.calls;
  const std::string kept = *KeptPdf(kBulletinId);
  for (const std::string& asked : {std::string(), absl::StrCat("unit:", kOtherUnit)}) {
    absl::StatusOr<pb::RenderDocumentResponse> pdf =
        Render(UnitActor(kUnit), kBulletinId, pb::RENDER_FORMAT_PDF, asked);
    ASSERT_TRUE(pdf.ok()) << pdf.status();
    EXPECT_THAT(pdf->file_name(), HasSubstr(kUnit)) << asked;
    EXPECT_THAT(pdf->file_name(), Not(HasSubstr(kOtherUnit))) << asked;
    EXPECT_NE(pdf->data(), kept) << asked;
    absl::StatusOr<pb::RenderDocumentResponse> html =
        Render(UnitActor(kUnit), kBulletinId, pb::RENDER_FORMAT_HTML, asked);
    ASSERT_TRUE(html.ok()) << html.status();
    EXPECT_THAT(html->data(), Not(HasSubstr(kOtherUnit))) << asked;
    EXPECT_THAT(html->data(), HasSubstr("开办企业")) << asked;
  }
  EXPECT_EQ(printer_.calls, printed + 2);
  // The office asking for the court's extract gets that one, printed afresh.
  absl::StatusOr<pb::RenderDocumentResponse> court =
      Render(Office(), kBulletinId, pb::RENDER_FORMAT_PDF, absl::StrCat("unit:", kOtherUnit));
  ASSERT_TRUE(court.ok()) << court.status();
  EXPECT_THAT(court->file_name(), HasSubstr(kOtherUnit));
  EXPECT_EQ(printer_.calls, printed + 3);
}

TEST_F(DocumentDeskTest, UnitsReadIssuedDocumentsOnly) {
  MustDraft();
  const absl::Status draft = Get(UnitActor(kUnit), kBulletinId).status();
  EXPECT_EQ(draft.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Render(UnitActor(kUnit), kBulletinId, pb::RENDER_FORMAT_HTML).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(Viewer(), kBulletinId).ok());  // a viewer reads drafts

  MustDraft("2022Q2");
  PickTwoItems(kBulletinId);
  ASSERT_TRUE(Issue(kBulletinId).ok());

  pb::ListDocumentsRequest list;
  absl::StatusOr<pb::ListDocumentsResponse> unit_list = desk_.List(UnitActor(kUnit), list);
  ASSERT_TRUE(unit_list.ok()) << unit_list.status();
  ASSERT_EQ(unit_list->documents_size(), 1);
  EXPECT_EQ(unit_list->documents(0).id(), kBulletinId);
  EXPECT_FALSE(unit_list->documents(0).has_content());
  absl::StatusOr<pb::ListDocumentsResponse> office_list = desk_.List(Office(), list);
  ASSERT_TRUE(office_list.ok()) << office_list.status();
  ASSERT_EQ(office_list->documents_size(), 2);
  EXPECT_EQ(office_list->documents(0).id(), kBulletinId);  // newest period first
  EXPECT_EQ(office_list->documents(1).id(), "BUL-2022Q2-v1");

  // The unit's Get: its extract, without the 督办事项 of others.
  absl::StatusOr<pb::Document> got = Get(UnitActor(kUnit), kBulletinId);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(got->items(), IsEmpty());
  EXPECT_THAT(got->content().DebugString(), Not(HasSubstr(kOtherUnit)));
  // The unit's ListItems: none of the two is its own.
  pb::ListItemsRequest items;
  items.set_id(kBulletinId);
  absl::StatusOr<pb::ListItemsResponse> own = desk_.ListItems(UnitActor(kUnit), items);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_THAT(own->items(), IsEmpty());
  absl::StatusOr<pb::ListItemsResponse> courts = desk_.ListItems(UnitActor(kOtherUnit), items);
  ASSERT_TRUE(courts.ok()) << courts.status();
  ASSERT_EQ(courts->items_size(), 1);
  EXPECT_EQ(courts->items(0).case_id(), "RC-1");
  EXPECT_EQ(courts->number(), kNumber);
}

TEST_F(DocumentDeskTest, XlsxIsAWorkbook) {
  MustIssueBulletin();
  absl::StatusOr<pb::RenderDocumentResponse> xlsx = Render(Office(), kBulletinId, pb::RENDER_FORMAT_XLSX);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_THAT(xlsx->data(), StartsWith("PK"));
  EXPECT_THAT(xlsx->file_name(), ::testing::EndsWith(".xlsx"));
  EXPECT_EQ(xlsx->sha256(), Sha256Hex(xlsx->data()));
  EXPECT_EQ(Render(Office(), kBulletinId, pb::RENDER_FORMAT_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// --- An addressee the recipients in force lack ---

// One the recipients in force lack is skipped, and the snapshot stays what was hashed and printed
// (it once gained a note after hashing: found by this test).
TEST_F(DocumentDeskTest, SkippedAddresseeLeavesTheHashedSnapshotAsItWas) {
  CatalogView without_court = SampleCatalog();
  std::erase_if(without_court.units, [](const CatalogView::Unit& u) { return u.name == kOtherUnit; });
  RecipientBook book;
  ASSERT_TRUE(book.Rebuild(without_court, RecipientsVersion{}).ok());
  DocumentDesk desk(store_, sources_, printer_, cases_, book, clock_);
  pb::DraftDocumentRequest d;
  d.set_kind(pb::DOCUMENT_KIND_BULLETIN);
  d.set_period("2022Q3");
  ASSERT_TRUE(desk.Draft(Office(), d).ok());
  pb::IssueDocumentRequest r;
  r.set_id(kBulletinId);
  absl::StatusOr<pb::Document> issued = desk.Issue(Office(), r);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_THAT(issued->delivered_to(), Not(Contains(absl::StrCat("unit:", kOtherUnit))));
  EXPECT_THAT(issued->delivered_to(), Contains(kUnitId));
  EXPECT_THAT(issued->content().notes(), Not(Contains(HasSubstr(kOtherUnit))));
  // What is kept is what was hashed.
  EXPECT_EQ(issued->content_sha256(), ContentHash(*issued));
}

// --- 10. The e-mail attachment ---

TEST_F(DocumentDeskTest, AttachmentIsTheKeptPdf) {
  MustIssueBulletin();
  DocumentAttachments attachments(store_);
  absl::StatusOr<MailAttachment> file = attachments.Get("document:BUL-2022Q3-v1:pdf");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->content, *KeptPdf(kBulletinId));
  EXPECT_EQ(file->content_type, "application/pdf");
  EXPECT_THAT(file->file_name, ::testing::EndsWith(".pdf"));
  EXPECT_THAT(file->file_name, HasSubstr(kNumber));
  EXPECT_EQ(attachments.Get("document:BUL-2022Q3-v9:pdf").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(attachments.Get("case:RC-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(attachments.Get("document::pdf").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ys::notify::documents
