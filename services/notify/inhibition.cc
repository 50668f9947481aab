#include "services/notify/inhibition.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/macros.h"
#include "services/notify/routing.h"
#include "yaml-cpp/yaml.h"

namespace ys::notify {
namespace {

using config_yaml::Error;
using config_yaml::LineOf;

const std::set<std::string, std::less<>> kRuleKeys = {"source_matchers", "target_matchers", "equal"};

absl::StatusOr<std::vector<Matcher>> Matchers(const YAML::Node& rule, std::string_view key,
                                              const std::string& path) {
  const std::string p = absl::StrCat(path, ".", std::string(key));
  const YAML::Node v = rule[std::string(key)];
  ASSIGN_OR_RETURN(std::vector<std::string> texts, config_yaml::StringList(v, p));
  if (texts.empty()) {
    return Error(p, "is required (an empty list would match every event)", LineOf(v ? v : rule));
  }
  std::vector<Matcher> out;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto m = ParseMatcher(texts[i]);
    if (!m.ok()) return Error(absl::StrCat(p, "[", i, "]"), m.status().message(), LineOf(v[i]));
    out.push_back(*std::move(m));
  }
  return out;
}

absl::StatusOr<InhibitRule> ParseRule(const YAML::Node& n, const std::string& path) {
  if (!n.IsMap()) {
    return Error(path, "must be a mapping {source_matchers, target_matchers, equal}", LineOf(n));
  }
  RETURN_IF_ERROR(config_yaml::KnownKeys(n, path, kRuleKeys));
  InhibitRule rule;
  ASSIGN_OR_RETURN(rule.source_matchers, Matchers(n, "source_matchers", path));
  ASSIGN_OR_RETURN(rule.target_matchers, Matchers(n, "target_matchers", path));
  const YAML::Node equal = n["equal"];
  ASSIGN_OR_RETURN(rule.equal, config_yaml::StringList(equal, path + ".equal"));
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < rule.equal.size(); ++i) {
    const std::string p = absl::StrCat(path, ".equal[", i, "]");
    if (!config_yaml::IsLabelName(rule.equal[i])) {
      return Error(p, absl::StrCat("\"", rule.equal[i], "\" is not a label name"), LineOf(equal[i]));
    }
    if (!seen.insert(rule.equal[i]).second) {
      return Error(p, absl::StrCat("\"", rule.equal[i], "\" is listed twice"), LineOf(equal[i]));
    }
  }
  return rule;
}

// Both carry the label, non-empty, with the same value.
bool SameKey(const Labels& a, const Labels& b, const std::vector<std::string>& equal) {
  for (const std::string& name : equal) {
    auto ia = a.find(name);
    auto ib = b.find(name);
    if (ia == a.end() || ib == b.end() || ia->second.empty() || ia->second != ib->second) return false;
  }
  return true;
}

// Whether the matcher accepts an event that lacks its label. A silence made only of such matchers
// ("unit=~.*", "unit!=x") would silence events that do not even carry the label.
bool MatchesEmpty(const Matcher& m) { return m.Matches(Labels{}); }

absl::Status Invalid(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("silence.", std::string(field), ": ", std::string(message)));
}

}  // namespace

absl::StatusOr<std::vector<InhibitRule>> ParseInhibitRules(std::string_view yaml) {
  ASSIGN_OR_RETURN(const YAML::Node doc, config_yaml::Load(yaml));
  try {
    std::vector<InhibitRule> rules;
    if (!doc.IsMap() || !doc["inhibit_rules"] || doc["inhibit_rules"].IsNull()) return rules;
    const YAML::Node list = doc["inhibit_rules"];
    if (!list.IsSequence()) return Error("inhibit_rules", "must be a list of rules", LineOf(list));
    for (size_t i = 0; i < list.size(); ++i) {
      ASSIGN_OR_RETURN(InhibitRule rule, ParseRule(list[i], absl::StrCat("inhibit_rules[", i, "]")));
      rules.push_back(std::move(rule));
    }
    return rules;
  } catch (const YAML::Exception& e) {
    return config_yaml::ShapeError(e);
  }
}

std::optional<Inhibition> FindInhibition(const Labels& target, const std::vector<Labels>& active,
                                         const std::vector<InhibitRule>& rules) {
  for (size_t r = 0; r < rules.size(); ++r) {
    const InhibitRule& rule = rules[r];
    if (!MatchesAll(rule.target_matchers, target)) continue;
    for (const Labels& source : active) {
      if (source == target) continue;  // an event never inhibits itself
      if (MatchesAll(rule.source_matchers, source) && SameKey(source, target, rule.equal)) {
        return Inhibition{r, source};
      }
    }
  }
  return std::nullopt;
}

bool Inhibited(const Labels& target, const std::vector<Labels>& active,
               const std::vector<InhibitRule>& rules) {
  return FindInhibition(target, active, rules).has_value();
}

std::vector<Labels> InhibitionKeys(const Labels& target, const std::vector<InhibitRule>& rules) {
  std::vector<Labels> keys;
  for (const InhibitRule& rule : rules) {
    if (!MatchesAll(rule.target_matchers, target)) continue;
    Labels key;
    bool complete = true;
    for (const std::string& name : rule.equal) {
      auto it = target.find(name);
      complete = complete && it != target.end() && !it->second.empty();
      if (!complete) break;
      key.emplace(name, it->second);
    }
    if (complete && std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  }
  return keys;
}

const Silence* FindSilence(const Labels& labels, const std::vector<Silence>& silences, absl::Time now) {
  for (const Silence& s : silences) {
    // A silence with no matchers is invalid (CheckSilence); should one be stored it silences nothing.
    if (s.ActiveAt(now) && !s.matchers.empty() && MatchesAll(s.matchers, labels)) return &s;
  }
  return nullptr;
}

bool Silenced(const Labels& labels, const std::vector<Silence>& silences, absl::Time now) {
  return FindSilence(labels, silences, now) != nullptr;
}

absl::Status CheckSilence(const Silence& silence, absl::Time now, const SilencePolicy& policy) {
  if (silence.matchers.empty()) return Invalid("matchers", "at least one is required");
  bool narrows = false;
  for (const Matcher& m : silence.matchers) narrows = narrows || !MatchesEmpty(m);
  if (!narrows) {
    return Invalid("matchers", "at least one must not match an empty label (else it silences every event)");
  }
  if (silence.ends_at <= silence.starts_at) return Invalid("ends_at", "must be after starts_at");
  if (silence.ends_at <= now) return Invalid("ends_at", "must be in the future");
  if (silence.ends_at - silence.starts_at > policy.max_duration) {
    return Invalid("ends_at", absl::StrCat("a silence lasts at most ",
                                           absl::FormatDuration(policy.max_duration), " (local policy)"));
  }
  if (absl::StripAsciiWhitespace(silence.created_by).empty()) return Invalid("created_by", "is required");
  if (absl::StripAsciiWhitespace(silence.comment).empty()) {
    return Invalid("comment", "is required (say why, so whoever finds it knows whether it may end)");
  }
  return absl::OkStatus();
}

}  // namespace ys::notify
