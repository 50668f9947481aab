#include "services/notify/labels.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "re2/re2.h"

namespace ys::notify {
namespace {

bool IsNameStart(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || absl::ascii_isdigit(static_cast<unsigned char>(c)); }

std::string_view Strip(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

absl::Status Bad(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("matcher \"", std::string(text), "\": ", std::string(why)));
}

// The label's value, a missing label being the empty string (Alertmanager's rule).
std::string_view ValueOf(const Labels& labels, std::string_view name) {
  auto it = labels.find(name);
  return it == labels.end() ? std::string_view() : std::string_view(it->second);
}

// RE2 with the whole value anchored, as Alertmanager anchors its regex matchers ("I0[1-3]" does not
// match "I011").
bool FullMatch(std::string_view value, const std::string& pattern) {
  // Compiled per call: the header keeps Matcher a plain value. Patterns are short and routes few, so
  // this costs microseconds per event; parsing already proved the pattern compiles.
  const RE2 re(pattern, RE2::Quiet);
  return re.ok() && RE2::FullMatch(re2::StringPiece(value.data(), value.size()), re);
}

}  // namespace

bool Matcher::Matches(const Labels& labels) const {
  const std::string_view v = ValueOf(labels, name);
  switch (op) {
    case Op::kEqual:
      return v == value;
    case Op::kNotEqual:
      return v != value;
    case Op::kRegex:
      return FullMatch(v, value);
    case Op::kNotRegex:
      return !FullMatch(v, value);
  }
  return false;
}

absl::StatusOr<Matcher> ParseMatcher(std::string_view text) {
  const std::string_view s = Strip(text);
  size_t i = 0;
  while (i < s.size() && IsNameChar(s[i])) ++i;
  Matcher m;
  m.name = std::string(s.substr(0, i));
  if (m.name.empty()) {
    return Bad(text, "must start with a label name (name=value, name!=value, name=~re, name!~re)");
  }
  if (!IsNameStart(m.name.front())) return Bad(text, "a label name starts with a letter or '_'");
  std::string_view rest = Strip(s.substr(i));
  if (rest.starts_with("=~")) {
    m.op = Matcher::Op::kRegex;
    rest.remove_prefix(2);
  } else if (rest.starts_with("!~")) {
    m.op = Matcher::Op::kNotRegex;
    rest.remove_prefix(2);
  } else if (rest.starts_with("!=")) {
    m.op = Matcher::Op::kNotEqual;
    rest.remove_prefix(2);
  } else if (rest.starts_with("=")) {
    m.op = Matcher::Op::kEqual;
    rest.remove_prefix(1);
  } else {
    return Bad(text, "expected one of =, !=, =~, !~ after the label name");
  }
  rest = Strip(rest);
  // A value may be double-quoted, as Alertmanager writes it (unit="市商务局"), with \" and \\ inside.
  if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
    std::string unquoted;
    for (size_t k = 1; k + 1 < rest.size(); ++k) {
      if (rest[k] == '\\' && k + 2 < rest.size()) ++k;
      else if (rest[k] == '"') return Bad(text, "a quote inside a quoted value must be written \\\"");
      unquoted.push_back(rest[k]);
    }
    m.value = std::move(unquoted);
  } else if (!rest.empty() && rest.front() == '"') {
    return Bad(text, "the quoted value is not closed");
  } else {
    m.value = std::string(rest);
  }
  if (m.op == Matcher::Op::kRegex || m.op == Matcher::Op::kNotRegex) {
    const RE2 re(m.value, RE2::Quiet);
    if (!re.ok()) return Bad(text, absl::StrCat("the regex does not compile: ", re.error()));
  }
  return m;
}

bool MatchesAll(const std::vector<Matcher>& matchers, const Labels& labels) {
  for (const Matcher& m : matchers) {
    if (!m.Matches(labels)) return false;
  }
  return true;
}

std::string FormatLabels(const Labels& labels) {
  return absl::StrCat("{",
                      absl::StrJoin(labels, ", ",
                                    [](std::string* out, const auto& kv) {
                                      absl::StrAppend(out, kv.first, "=", kv.second);
                                    }),
                      "}");
}

}  // namespace ys::notify
