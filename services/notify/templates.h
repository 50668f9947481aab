#pragma once

// The texts people read, from logic-less mustache templates in files (Debian's libmstch), one per
// event type and channel: <dir>/<event_type>.<channel>.mustache, e.g. case_overdue.markdown.mustache.
// Text parts (TextPart; what the delivery channels take from them):
//   markdown      the body for the webhook robots (WeCom, DingTalk, Feishu) and the in-app inbox
//   mail_subject  one line: the e-mail's Subject, and the title every channel shows
//   mail_text     the e-mail's text/plain body
// The office edits wording without a build; the service reads the directory at startup.
//
// What it decides, and where it improves on Alertmanager's Go templates and Novu's editor:
// - Every (event type, channel) must have its file: a missing one stops the load with an error naming
//   the file, at startup rather than at the first event of that type (Alertmanager falls back to
//   its default text; a missing Chinese text is a defect here, not a default).
// - A *.mustache file whose name is not a known (event type, channel) is refused too, naming it: a
//   misspelt file would otherwise silently never be used. Other files (README.md) are ignored.
// - Mustache renders an unknown placeholder as empty. MissingPlaceholders lists the names a template
//   uses that the data does not provide, so a test (templates_test.cc) proves every shipped template
//   is fed by its event's data; the service can run the same check on each event in debug builds.
// - Values are inserted as they are: no HTML escaping (every channel is markdown or plain text; the
//   mail's HTML part is built from text elsewhere and escapes there). libmstch's escape function is
//   process-wide; this file sets it to the identity once and nothing else in notify uses mstch.
// - Partials ({{> x}}) and delimiter changes ({{=<% %>=}}) are refused at load: the check could not
//   follow them, and no template needs them.
// - Output is trimmed of trailing whitespace; a mail_subject's line breaks (from a value) become
//   spaces, so a subject is always one line.
//
// Data: a flat map of strings, plus lists of string maps for what repeats (a roster's entries, an
// alert's responsible units). An empty string is false for {{#x}}…{{/x}} and true for {{^x}}…{{/x}}.
// A type with two forms keeps both in one file per channel, chosen by a value: ranking_alert's
// {{#withdrawn}}…{{/withdrawn}}{{^withdrawn}}…{{/withdrawn}} (a withdrawn alert must not read like a
// new one: 【预警撤回】, and no request to rectify).
//
// Golden tests: tests/services/notify/golden/<event_type>.<channel>.txt hold each template rendered
// with the fixed sample data of templates_test.cc, byte for byte; a second form has its own,
// <event_type>.<form>.<channel>.txt (ranking_alert.withdrawn.markdown.txt). After changing a template on
// purpose, run the test with YS_UPDATE_GOLDEN=1 to rewrite them, and review the diff:
//   YS_UPDATE_GOLDEN=1 build/tests/notify_unit_test --gtest_filter='Templates*'

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace ys::notify {

enum class TextPart { kMarkdown, kMailSubject, kMailText };
inline constexpr TextPart kTextParts[] = {TextPart::kMarkdown, TextPart::kMailSubject, TextPart::kMailText};
std::string_view TextPartName(TextPart channel);  // "markdown", "mail_subject", "mail_text"

// The event types notify tells people about, as the routing labels' event_type.
inline constexpr const char* kEventTypes[] = {
    "ranking_alert",          // ys.rankings.alerts.v1
    "case_opened",            // ys.rectification.v1: a rectification case opened (限期整改)
    "case_overdue",           // not reported by its due date: 督办
    "case_reported",          // the unit reported its rectification
    "case_verified",          // the office verified the report (passed or not)
    "case_closed",
    "case_referred",          // the office referred the case to 市纪委监委
    "duty_roster_published",  // ys.duty.v1: the week's 坐班 roster
    "duty_reminder",          // 7 and 1 days before a registered sitting
    "duty_compliance_report", // the month's 坐班 report
    "duty_violation",         // a broken 坐班 rule (细则 二), once its period is decided
    "duty_record_overdue",    // no 表2 (坐班情况记录单) by its due date
    "duty_replacement_overdue",  // 一票清退: the unit has not replaced the worker by the due date
};

using TemplateValues = std::map<std::string, std::string, std::less<>>;
struct TemplateData {
  TemplateValues values;
  std::map<std::string, std::vector<TemplateValues>, std::less<>> lists;
};

// "<event_type>.<channel>.mustache".
std::string TemplateFileName(std::string_view event_type, TextPart channel);

// The names a template uses that `data` does not provide, in order of first use, each once. Inside a
// list's section a name is provided when every item of the list has it or an enclosing context does;
// it is reported as "<list>.<name>" (so an empty sample list provides nothing). INVALID_ARGUMENT for
// a template that does not parse: an unclosed or mismatched section, a partial, a delimiter change.
absl::StatusOr<std::vector<std::string>> MissingPlaceholders(std::string_view template_text,
                                                             const TemplateData& data);

class TemplateSet {
 public:
  // Reads every template of kEventTypes × kTextParts from `directory`. NOT_FOUND naming the file when
  // one is missing; INVALID_ARGUMENT naming the file for an unknown *.mustache name or a template
  // that does not parse.
  static absl::StatusOr<TemplateSet> LoadDirectory(const std::string& directory);
  // From texts already read, keyed by file name (tests; a later embedded copy).
  static absl::StatusOr<TemplateSet> FromTexts(const std::map<std::string, std::string>& files);

  // NOT_FOUND naming the file for an event type or channel it has no template for.
  absl::StatusOr<std::string> Render(std::string_view event_type, TextPart channel,
                                     const TemplateData& data) const;
  // The template's text; NOT_FOUND as Render.
  absl::StatusOr<std::string> Text(std::string_view event_type, TextPart channel) const;

 private:
  std::map<std::string, std::string, std::less<>> texts_;  // by file name
};

}  // namespace ys::notify
