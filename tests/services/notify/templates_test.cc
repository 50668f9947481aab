// The shipped templates (services/notify/templates/) and the template rules (templates.h).
//
// Golden files: tests/services/notify/golden/<event_type>.<channel>.txt are the templates rendered
// with SampleData() below, byte for byte, and <event_type>.<form>.<channel>.txt each second form of
// Samples(). After changing a template or the sample on purpose:
//   YS_UPDATE_GOLDEN=1 build/tests/notify_unit_test --gtest_filter='TemplatesGolden*'
// rewrites them; review the diff before committing.

#include "services/notify/templates.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

const std::string kTemplateDir = std::string(YS_SOURCE_DIR) + "/services/notify/templates";
const std::string kGoldenDir = std::string(YS_SOURCE_DIR) + "/tests/services/notify/golden";

// What each event type's data holds: fixed SAMPLE values (names of people are placeholders).
TemplateData SampleData(std::string_view event_type) {
  TemplateData data;
  const std::vector<TemplateValues> followers = {{{"unit", "市市场监管局"}, {"head", "王某某"}}};
  if (event_type == "ranking_alert") {
    data.values = {{"region_name", "上饶市"},
                   {"indicator_name", "开办企业"},
                   {"period", "2022-09"},
                   {"rank", "11"},
                   {"total", "11"},
                   {"previous_rank", "9"},
                   {"rule_name", "全省倒数第一"},
                   {"consequence",
                    "【预警】若全年考核结果如此：扣发牵头市直单位和责任单位年终绩效奖金的5%，"
                    "取消其单位主要领导、分管领导及班子评优评先资格"},
                   {"lead", "张某某"},
                   {"opens_case", "1"},
                   {"withdrawn", ""},
                   {"opened_case", ""}};
    data.lists["units"] = {{{"unit", "市市场监管局"}, {"head", "王某某"}},
                           {{"unit", "市行政审批局"}, {"head", "李某某"}}};
  } else if (event_type == "case_opened") {
    data.values = {{"case_id", "RC-000124"},       {"unit", "玉山县"},
                   {"head", ""},                   {"title", "开办企业指标2022-09全省倒数第一"},
                   {"origin_name", "排名预警"},    {"due_date", "2022-11-10"},
                   {"indicator_name", "开办企业"}, {"period", "2022-09"},
                   {"lead", "张某某"}};
    data.lists["followers"] = followers;
  } else if (event_type == "case_overdue") {
    data.values = {{"case_id", "RC-000123"}, {"unit", "市市场监管局"},
                   {"head", "王某某"},       {"title", "开办企业指标2022-09全省倒数第一"},
                   {"due_date", "2022-11-10"}, {"as_of_date", "2022-11-11"},
                   {"lead", "张某某"}};
    data.lists["followers"] = {{{"unit", "市行政审批局"}, {"head", "李某某"}}};
  } else if (event_type == "case_reported") {
    data.values = {{"case_id", "RC-000123"},
                   {"unit", "市市场监管局"},
                   {"title", "开办企业指标2022-09全省倒数第一"},
                   {"reported_date", "2022-11-05"},
                   {"report_excerpt", "已压缩开办时限至1个工作日，企业开办“一网通办”上线。"}};
  } else if (event_type == "case_verified") {
    data.values = {{"case_id", "RC-000123"},
                   {"unit", "市市场监管局"},
                   {"title", "开办企业指标2022-09全省倒数第一"},
                   {"verdict", "未通过"},
                   {"passed", ""},
                   {"comment", "未附开办时限的统计数据。"}};
  } else if (event_type == "case_closed") {
    data.values = {{"case_id", "RC-000123"},
                   {"unit", "市市场监管局"},
                   {"title", "开办企业指标2022-09全省倒数第一"},
                   {"closed_date", "2022-11-20"},
                   {"resolution", "整改到位，核验通过。"}};
  } else if (event_type == "case_referred") {
    data.values = {{"case_id", "RC-000123"},
                   {"unit", "市市场监管局"},
                   {"title", "开办企业指标2022-09全省倒数第一"},
                   {"referred_date", "2022-12-15"},
                   {"reason", "督办后逾期仍未整改。"}};
  } else if (event_type == "duty_roster_published") {
    data.values = {{"week_start", "2022-10-10"}, {"week_end", "2022-10-16"}};
    data.lists["entries"] = {
        {{"date", "2022-10-10（周一）"}, {"session", "上午"}, {"unit", "市市场监管局"},
         {"window_name", "企业开办窗口"}, {"leader_name", "王某某"}, {"title", "副局长"}},
        {{"date", "2022-10-12（周三）"}, {"session", "全天"}, {"unit", "市行政审批局"},
         {"window_name", "综合受理窗口"}, {"leader_name", "李某某"}, {"title", "局长"}},
    };
  } else if (event_type == "duty_reminder") {
    data.values = {{"leader_name", "王某某"},       {"title", "副局长"},  {"unit", "市市场监管局"},
                   {"date", "2022-10-17（周一）"}, {"session", "上午"},  {"window_name", "企业开办窗口"},
                   {"days_before", "7"}};
  } else if (event_type == "duty_compliance_report") {
    data.values = {{"addressees", "市政务服务管理局、市政府分管领导"},
                   {"month", "2022年10月"},
                   {"as_of_date", "2022-11-10"},
                   {"kept", "40"},
                   {"broken", "1"},
                   {"exempt", "1"},
                   {"not_over", "0"},
                   {"hours_policy", "半天为上午 09:00–12:00 或下午 14:00–17:30（本地规定）"}};
    data.lists["broken_lines"] = {{{"unit", "市住房和城乡建设局"},
                                   {"leader_name", "赵某某"},
                                   {"title", "副局长"},
                                   {"rule", "分管领导每周坐班不少于一天"},
                                   {"period", "2022-W42"},
                                   {"reason", "本周无坐班记录"}}};
  } else if (event_type == "duty_violation") {
    data.values = {{"unit", "市住房和城乡建设局"},
                   {"leader_name", "赵某某"},
                   {"title", "副局长"},
                   {"rule", "分管领导每周坐班不少于一天"},
                   {"period", "2022-W42"},
                   {"reason", "第42周 (10月17日—10月21日) 无全天坐班记录"},
                   {"plan_words", "高频事项的部门分管领导到中心每周坐班不少于一天"}};
  } else if (event_type == "duty_record_overdue") {
    data.values = {{"unit", "市市场监管局"},       {"leader_name", "王某某"},
                   {"title", "副局长"},            {"date", "2022-10-10（周一）"},
                   {"session", "上午"},            {"window_name", "企业开办窗口"},
                   {"record_due_date", "2022-10-13"}};
  } else if (event_type == "duty_replacement_overdue") {
    data.values = {{"unit", "市市场监管局"},
                   {"name", "周某某"},
                   {"dismissal_id", "QT-000001"},
                   {"replacement_due_date", "2022-10-21"}};
  }
  return data;
}

// One rendering a golden file holds: an event type's sample, or a second form of it.
struct Sample {
  std::string form;  // empty for the main form
  TemplateData data;
};

// The main form of each type, and the second form its templates have.
std::vector<Sample> Samples(std::string_view event_type) {
  std::vector<Sample> samples = {{"", SampleData(event_type)}};
  if (event_type == "ranking_alert") {
    // Withdrawn by a later revision: events.cc clears opens_case and sets opened_case for a rule
    // that opens cases.
    TemplateData withdrawn = SampleData(event_type);
    withdrawn.values["withdrawn"] = "1";
    withdrawn.values["opens_case"] = "";
    withdrawn.values["opened_case"] = "1";
    samples.push_back({"withdrawn", std::move(withdrawn)});
  }
  return samples;
}

std::string GoldenName(std::string_view event_type, const Sample& sample, TextPart channel) {
  return absl::StrCat(std::string(event_type), sample.form.empty() ? "" : ".", sample.form, ".",
                      std::string(TextPartName(channel)), ".txt");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(TemplatesTest, EveryShippedTemplateLoads) {
  const absl::StatusOr<TemplateSet> set = TemplateSet::LoadDirectory(kTemplateDir);
  ASSERT_TRUE(set.ok()) << set.status();
}

TEST(TemplatesTest, EveryPlaceholderIsProvidedByItsEventsSampleData) {
  const absl::StatusOr<TemplateSet> set = TemplateSet::LoadDirectory(kTemplateDir);
  ASSERT_TRUE(set.ok()) << set.status();
  for (const char* event_type : kEventTypes) {
    for (const TextPart channel : kTextParts) {
      const absl::StatusOr<std::string> text = set->Text(event_type, channel);
      ASSERT_TRUE(text.ok()) << text.status();
      for (const Sample& sample : Samples(event_type)) {
        const absl::StatusOr<std::vector<std::string>> missing = MissingPlaceholders(*text, sample.data);
        ASSERT_TRUE(missing.ok()) << TemplateFileName(event_type, channel) << ": " << missing.status();
        EXPECT_TRUE(missing->empty()) << TemplateFileName(event_type, channel) << " " << sample.form << " uses "
                                      << ::testing::PrintToString(*missing);
      }
    }
  }
}

TEST(TemplatesTest, SubjectsAreOneLineAndEveryRenderingIsNonEmpty) {
  const TemplateSet set = *TemplateSet::LoadDirectory(kTemplateDir);
  for (const char* event_type : kEventTypes) {
    for (const Sample& sample : Samples(event_type)) {
      const std::string subject = *set.Render(event_type, TextPart::kMailSubject, sample.data);
      EXPECT_EQ(subject.find('\n'), std::string::npos) << event_type << " " << sample.form;
      EXPECT_EQ(subject.rfind("【", 0), 0u) << event_type << ": a subject starts with its kind: " << subject;
      for (const TextPart channel : kTextParts) {
        EXPECT_FALSE(set.Render(event_type, channel, sample.data)->empty()) << event_type << " " << sample.form;
      }
    }
  }
}

TEST(TemplatesGoldenTest, RenderingsMatchTheGoldenFiles) {
  const bool update = std::getenv("YS_UPDATE_GOLDEN") != nullptr &&
                      std::string_view(std::getenv("YS_UPDATE_GOLDEN")) == "1";
  const TemplateSet set = *TemplateSet::LoadDirectory(kTemplateDir);
  for (const char* event_type : kEventTypes) {
    for (const Sample& sample : Samples(event_type)) {
      for (const TextPart channel : kTextParts) {
        const std::string rendered = *set.Render(event_type, channel, sample.data) + "\n";
        const std::string path = absl::StrCat(kGoldenDir, "/", GoldenName(event_type, sample, channel));
        if (update) {
          std::filesystem::create_directories(kGoldenDir);
          std::ofstream(path, std::ios::binary) << rendered;
          continue;
        }
        ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing: run with YS_UPDATE_GOLDEN=1";
        EXPECT_EQ(rendered, ReadFile(path)) << path << " differs (YS_UPDATE_GOLDEN=1 rewrites it)";
      }
    }
  }
}

// A golden file no sample renders (a renamed type or form) would be kept and reviewed for nothing.
TEST(TemplatesGoldenTest, EveryGoldenFileBelongsToASample) {
  std::set<std::string> expected;
  for (const char* event_type : kEventTypes) {
    for (const Sample& sample : Samples(event_type)) {
      for (const TextPart channel : kTextParts) expected.insert(GoldenName(event_type, sample, channel));
    }
  }
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(kGoldenDir)) {
    found.insert(entry.path().filename().string());
  }
  EXPECT_EQ(found, expected);
  EXPECT_EQ(expected.size(), (std::size(kEventTypes) + 1) * std::size(kTextParts));  // + ranking_alert.withdrawn
}

// A withdrawn alert is not a new alert: its own kind in the subject, and nobody is asked to rectify.
TEST(TemplatesTest, AWithdrawnRankingAlertReadsAsAWithdrawal) {
  const TemplateSet set = *TemplateSet::LoadDirectory(kTemplateDir);
  TemplateData data = Samples("ranking_alert").at(1).data;
  ASSERT_EQ(data.values.at("withdrawn"), "1");
  EXPECT_EQ(*set.Render("ranking_alert", TextPart::kMailSubject, data), "【预警撤回】上饶市开办企业 2022-09：全省倒数第一");
  for (const TextPart channel : kTextParts) {
    const std::string text = *set.Render("ranking_alert", channel, data);
    EXPECT_EQ(text.find("限期整改"), std::string::npos) << TextPartName(channel) << ": " << text;
    EXPECT_EQ(text.find("排名预警】"), std::string::npos) << TextPartName(channel) << ": " << text;
  }
  // A rule that opened no case has nothing for the office to decide.
  data.values["opened_case"] = "";
  EXPECT_EQ(*set.Render("ranking_alert", TextPart::kMarkdown, data),
            "因全省排名更正，上饶市开办企业指标 2022-09 的排名预警（原为全省第11名/共11名，全省倒数第一）**予以撤回**。");
  // The standing form never shows the withdrawal's words.
  EXPECT_EQ(set.Render("ranking_alert", TextPart::kMailText, SampleData("ranking_alert"))->find("撤回"),
            std::string::npos);
}

TEST(TemplatesTest, RenderIsLiteralAndTrimmed) {
  const absl::StatusOr<TemplateSet> set = TemplateSet::LoadDirectory(kTemplateDir);
  ASSERT_TRUE(set.ok()) << set.status();
  TemplateData data = SampleData("case_referred");
  data.values["reason"] = "A&B <不> \"C\"";
  data.values["unit"] = "市市场\n监管局";
  EXPECT_EQ(*set->Render("case_referred", TextPart::kMarkdown, data),
            "市营商办于 2022-12-15 决定将整改事项 RC-000123「开办企业指标2022-09全省倒数第一」（市市场\n监管局）"
            "移交市纪委监委。\n理由：A&B <不> \"C\"");
  // A value's line break never makes a second header line.
  EXPECT_EQ(*set->Render("case_referred", TextPart::kMailSubject, data),
            "【移交纪委监委】市市场 监管局：开办企业指标2022-09全省倒数第一（RC-000123）");
}

TEST(TemplatesTest, ConditionalsFollowEmptyStrings) {
  const TemplateSet set = *TemplateSet::LoadDirectory(kTemplateDir);
  TemplateData data = SampleData("case_verified");
  EXPECT_NE(set.Render("case_verified", TextPart::kMarkdown, data)->find("重新报送"), std::string::npos);
  data.values["passed"] = "1";
  data.values["verdict"] = "通过";
  data.values["comment"] = "";
  EXPECT_EQ(*set.Render("case_verified", TextPart::kMarkdown, data),
            "整改事项 RC-000123「开办企业指标2022-09全省倒数第一」（市市场监管局）经市营商办核验**通过**。");
}

TEST(TemplatesTest, MissingPlaceholdersNamesListItemsAndOuterNames) {
  TemplateData data;
  data.values = {{"week", "2022-W41"}};
  data.lists["entries"] = {{{"unit", "A"}, {"leader", "x"}}, {{"unit", "B"}}};
  const absl::StatusOr<std::vector<std::string>> missing = MissingPlaceholders(
      "{{week}} {{month}}{{#entries}}{{unit}}{{leader}}{{week}}{{!comment}}{{{title}}}{{/entries}}"
      "{{^entries}}{{none}}{{/entries}}{{#flag}}{{inside}}{{/flag}}{{&month}}",
      data);
  ASSERT_TRUE(missing.ok()) << missing.status();
  // leader: not every item has it. flag: missing, and what it encloses is checked outside any list.
  EXPECT_EQ(*missing, (std::vector<std::string>{"month", "entries.leader", "entries.title", "none", "flag",
                                                "inside"}));
  data.lists["entries"].clear();
  EXPECT_EQ(*MissingPlaceholders("{{#entries}}{{unit}}{{/entries}}", data),
            std::vector<std::string>{"entries.unit"});
}

TEST(TemplatesTest, MissingPlaceholdersRefusesWhatItCannotFollow) {
  EXPECT_EQ(MissingPlaceholders("{{#a}}x", {}).status().message(), "{{#a}} is not closed");
  EXPECT_EQ(MissingPlaceholders("{{#a}}{{/b}}", {}).status().message(), "{{/b}} closes {{#a}}");
  EXPECT_EQ(MissingPlaceholders("{{/b}}", {}).status().message(), "{{/b}} closes no section");
  EXPECT_EQ(MissingPlaceholders("{{> footer}}", {}).status().message(), "partial {{>footer}} is not supported");
  EXPECT_EQ(MissingPlaceholders("{{=<% %>=}}", {}).status().message(),
            "delimiter changes ({{=…=}}) are not supported");
  EXPECT_EQ(MissingPlaceholders("abc {{name", {}).status().message(), "unclosed tag at byte 4");
}

std::map<std::string, std::string> AllTexts() {
  std::map<std::string, std::string> files;
  for (const char* event_type : kEventTypes) {
    for (const TextPart channel : kTextParts) files[TemplateFileName(event_type, channel)] = "x";
  }
  return files;
}

TEST(TemplatesTest, AMissingTemplateIsAnErrorNamingTheFile) {
  std::map<std::string, std::string> files = AllTexts();
  files.erase("case_overdue.mail_text.mustache");
  const absl::StatusOr<TemplateSet> set = TemplateSet::FromTexts(files);
  EXPECT_EQ(set.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(set.status().message(), "case_overdue.mail_text.mustache: template missing");
}

TEST(TemplatesTest, UnknownOrBrokenFilesAreRefusedNamingTheFileAndOthersIgnored) {
  std::map<std::string, std::string> files = AllTexts();
  files["README.md"] = "{{#not a template";
  EXPECT_TRUE(TemplateSet::FromTexts(files).ok());
  files["case_overdu.markdown.mustache"] = "x";
  EXPECT_EQ(TemplateSet::FromTexts(files).status().message(),
            "case_overdu.markdown.mustache: not <event_type>.<channel>.mustache for a known event type and channel");
  files = AllTexts();
  files["case_closed.markdown.mustache"] = "{{#resolution}}";
  EXPECT_EQ(TemplateSet::FromTexts(files).status().message(),
            "case_closed.markdown.mustache: {{#resolution}} is not closed");
}

TEST(TemplatesTest, LoadDirectoryNamesTheDirectory) {
  const std::string dir = testing::TempDir() + "/notify_templates_partial";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : AllTexts()) {
    if (name != "ranking_alert.markdown.mustache") std::ofstream(dir + "/" + name) << text;
  }
  EXPECT_EQ(TemplateSet::LoadDirectory(dir).status().message(),
            dir + "/ranking_alert.markdown.mustache: template missing");
  EXPECT_EQ(TemplateSet::LoadDirectory(dir + "/nowhere").status().code(), absl::StatusCode::kNotFound);
}

TEST(TemplatesTest, RenderOfAnUnknownEventNamesTheFile) {
  const TemplateSet set = *TemplateSet::FromTexts(AllTexts());
  EXPECT_EQ(set.Render("bulletin", TextPart::kMarkdown, {}).status().message(),
            "bulletin.markdown.mustache: no such template");
}

}  // namespace
}  // namespace ys::notify
