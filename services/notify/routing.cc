#include "services/notify/routing.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/macros.h"
#include "yaml-cpp/yaml.h"

namespace ys::notify {
namespace {

using config_yaml::Error;
using config_yaml::LineOf;

constexpr std::string_view kAllLabels = "...";

// --- receiver templates ------------------------------------------------------------------------

// A receiver cut into literal text and {{label}} placeholders.
struct TemplatePart {
  std::string text;
  bool is_label = false;
};

absl::StatusOr<std::vector<TemplatePart>> SplitTemplate(std::string_view receiver) {
  std::vector<TemplatePart> parts;
  std::string literal;
  size_t i = 0;
  while (i < receiver.size()) {
    if (receiver.substr(i, 2) == "}}") {
      return absl::InvalidArgumentError(absl::StrCat("receiver \"", std::string(receiver),
                                                     "\": '}}' without an opening '{{'"));
    }
    if (receiver.substr(i, 2) != "{{") {
      literal.push_back(receiver[i++]);
      continue;
    }
    const size_t close = receiver.find("}}", i + 2);
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("receiver \"", std::string(receiver), "\": '{{' is not closed by '}}'"));
    }
    const std::string name(absl::StripAsciiWhitespace(
        absl::string_view(receiver.data() + i + 2, close - i - 2)));
    if (!config_yaml::IsLabelName(name)) {
      return absl::InvalidArgumentError(absl::StrCat("receiver \"", std::string(receiver), "\": {{",
                                                     name, "}} is not a label name"));
    }
    if (!literal.empty()) parts.push_back({std::move(literal), false});
    literal.clear();
    parts.push_back({name, true});
    i = close + 2;
  }
  if (!literal.empty()) parts.push_back({std::move(literal), false});
  return parts;
}

// --- durations ---------------------------------------------------------------------------------

// Alertmanager's (Prometheus's) durations: "30s", "5m", "4h", "1h30m", and also "1d" and "1w", which
// absl::ParseDuration alone does not take. A day is 24 hours here (grouping timers, not calendar days).
absl::StatusOr<absl::Duration> ParseConfigDuration(std::string_view text) {
  const std::string s(absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  const absl::Status bad = absl::InvalidArgumentError(
      absl::StrCat("\"", s, "\" is not a duration (such as 30s, 5m, 4h, 1h30m, 1d)"));
  if (s.empty()) return bad;
  if (s.front() == '-') return absl::InvalidArgumentError(absl::StrCat("\"", s, "\" must not be negative"));
  absl::Duration total = absl::ZeroDuration();
  size_t i = 0;
  // Leading whole weeks and days, then what absl parses.
  for (const auto& [unit, length] : {std::pair<char, absl::Duration>{'w', absl::Hours(24 * 7)},
                                     std::pair<char, absl::Duration>{'d', absl::Hours(24)}}) {
    size_t j = i;
    while (j < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i || j >= s.size() || s[j] != unit) continue;
    int64_t n = 0;
    if (!absl::SimpleAtoi(absl::string_view(s.data() + i, j - i), &n)) return bad;
    total += n * length;
    i = j + 1;
  }
  if (i < s.size()) {
    absl::Duration rest;
    if (!absl::ParseDuration(absl::string_view(s.data() + i, s.size() - i), &rest)) return bad;
    if (rest < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", s, "\" must not be negative"));
    }
    total += rest;
  }
  if (total == absl::InfiniteDuration()) return bad;
  return total;
}

// --- the tree ----------------------------------------------------------------------------------

const std::set<std::string, std::less<>> kNodeKeys = {
    "receivers", "group_by", "group_wait", "group_interval", "repeat_interval",
    "routes",    "matchers", "continue"};

// "event_type=\"ranking_alert\"": a matcher as one unambiguous text, for the route's key.
std::string MatcherText(const Matcher& m) {
  std::string_view op = "=";
  switch (m.op) {
    case Matcher::Op::kEqual:
      op = "=";
      break;
    case Matcher::Op::kNotEqual:
      op = "!=";
      break;
    case Matcher::Op::kRegex:
      op = "=~";
      break;
    case Matcher::Op::kNotRegex:
      op = "!~";
      break;
  }
  std::string value;
  for (char c : m.value) {
    if (c == '"' || c == '\\') value.push_back('\\');
    value.push_back(c);
  }
  return absl::StrCat(m.name, std::string(op), "\"", value, "\"");
}

absl::Status ParseDurationKey(const YAML::Node& n, std::string_view key, const std::string& path,
                              absl::Duration* out) {
  const YAML::Node v = n[std::string(key)];
  if (!v) return absl::OkStatus();
  const std::string p = absl::StrCat(path, ".", std::string(key));
  if (!v.IsScalar()) return Error(p, "must be a duration such as 5m", LineOf(v));
  auto d = ParseConfigDuration(v.Scalar());
  if (!d.ok()) return Error(p, d.status().message(), LineOf(v));
  *out = *d;
  return absl::OkStatus();
}

absl::Status ParseReceivers(const YAML::Node& v, const std::string& path, std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, config_yaml::StringList(v, path));
  if (names.empty()) {
    return Error(path, "must name at least one receiver (leave the key out to inherit the parent's)",
                 LineOf(v));
  }
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string p = absl::StrCat(path, "[", i, "]");
    if (auto parts = SplitTemplate(names[i]); !parts.ok()) {
      return Error(p, parts.status().message(), LineOf(v[i]));
    }
    if (!seen.insert(names[i]).second) {
      return Error(p, absl::StrCat("\"", names[i], "\" is listed twice"), LineOf(v[i]));
    }
  }
  *out = std::move(names);
  return absl::OkStatus();
}

absl::Status ParseGroupBy(const YAML::Node& v, const std::string& path, GroupBy* out) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, config_yaml::StringList(v, path));
  GroupBy g;
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string p = absl::StrCat(path, "[", i, "]");
    if (names[i] == kAllLabels) {
      if (names.size() > 1) {
        return Error(p, "\"...\" (group by every label) cannot be combined with other labels", LineOf(v[i]));
      }
      g.all = true;
      continue;
    }
    if (!config_yaml::IsLabelName(names[i])) {
      return Error(p, absl::StrCat("\"", names[i], "\" is not a label name"), LineOf(v[i]));
    }
    if (!seen.insert(names[i]).second) {
      return Error(p, absl::StrCat("\"", names[i], "\" is listed twice"), LineOf(v[i]));
    }
    g.labels.push_back(names[i]);
  }
  *out = std::move(g);
  return absl::OkStatus();
}

// `siblings` counts the keys of the node's earlier siblings (nullptr for the root).
absl::Status ParseNode(const YAML::Node& n, const std::string& path, const RouteNode* parent,
                       std::map<std::string, int>* siblings, RouteNode* out);

absl::Status ParseChildren(const YAML::Node& v, const std::string& path, RouteNode* node) {
  if (v.IsNull()) return absl::OkStatus();
  if (!v.IsSequence()) return Error(path, "must be a list of routes", LineOf(v));
  std::map<std::string, int> siblings;
  for (size_t i = 0; i < v.size(); ++i) {
    RouteNode child;
    RETURN_IF_ERROR(ParseNode(v[i], absl::StrCat(path, "[", i, "]"), node, &siblings, &child));
    node->routes.push_back(std::move(child));
  }
  return absl::OkStatus();
}

absl::Status ParseNode(const YAML::Node& n, const std::string& path, const RouteNode* parent,
                       std::map<std::string, int>* siblings, RouteNode* out) {
  if (!n.IsMap()) return Error(path, "must be a mapping (matchers, receivers, group_by, ...)", LineOf(n));
  RETURN_IF_ERROR(config_yaml::KnownKeys(n, path, kNodeKeys));
  RouteNode node;
  node.path = path;
  node.line = LineOf(n);
  if (parent != nullptr) {
    node.receivers = parent->receivers;
    node.group_by = parent->group_by;
    node.timings = parent->timings;
  }
  if (const YAML::Node v = n["matchers"]) {
    if (parent == nullptr) {
      return Error(path + ".matchers", "the root route matches every event and takes no matchers", LineOf(v));
    }
    ASSIGN_OR_RETURN(std::vector<std::string> texts, config_yaml::StringList(v, path + ".matchers"));
    for (size_t i = 0; i < texts.size(); ++i) {
      auto m = ParseMatcher(texts[i]);
      if (!m.ok()) return Error(absl::StrCat(path, ".matchers[", i, "]"), m.status().message(), LineOf(v[i]));
      node.matchers.push_back(*std::move(m));
    }
  }
  if (const YAML::Node v = n["continue"]) {
    if (parent == nullptr) {
      return Error(path + ".continue", "the root route has no siblings to continue to", LineOf(v));
    }
    bool b = false;
    if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
      return Error(path + ".continue", "must be true or false", LineOf(v));
    }
    node.continue_matching = b;
  }
  if (const YAML::Node v = n["receivers"]) {
    RETURN_IF_ERROR(ParseReceivers(v, path + ".receivers", &node.receivers));
  }
  if (const YAML::Node v = n["group_by"]) RETURN_IF_ERROR(ParseGroupBy(v, path + ".group_by", &node.group_by));
  RETURN_IF_ERROR(ParseDurationKey(n, "group_wait", path, &node.timings.group_wait));
  RETURN_IF_ERROR(ParseDurationKey(n, "group_interval", path, &node.timings.group_interval));
  RETURN_IF_ERROR(ParseDurationKey(n, "repeat_interval", path, &node.timings.repeat_interval));
  // group_wait may exceed group_interval (a slow first message, quick follow-ups is a fair choice);
  // an interval of zero would send on every event, and a repeat shorter than the interval would
  // repeat an unchanged group more often than a changed one is sent.
  if (node.timings.group_interval <= absl::ZeroDuration()) {
    return Error(path + ".group_interval", "must be more than 0",
                 LineOf(n["group_interval"] ? n["group_interval"] : n));
  }
  if (node.timings.repeat_interval < node.timings.group_interval) {
    return Error(path + ".repeat_interval",
                 absl::StrCat("(", absl::FormatDuration(node.timings.repeat_interval),
                              ") must be at least group_interval (",
                              absl::FormatDuration(node.timings.group_interval), ")"),
                 LineOf(n["repeat_interval"] ? n["repeat_interval"] : n));
  }
  if (node.receivers.empty()) {
    return Error(path, "no receivers on this path (set receivers here or on a parent route)", node.line);
  }
  std::vector<std::string> matcher_texts;
  for (const Matcher& m : node.matchers) matcher_texts.push_back(MatcherText(m));
  node.key = parent == nullptr ? "{}"
                               : absl::StrCat(parent->key, "/{", absl::StrJoin(matcher_texts, ","), "}");
  // Two siblings with the same matchers stay distinct groups: the second is "…#2", and so are the
  // keys of its descendants, which are built on it.
  if (siblings != nullptr) {
    if (const int seen = ++(*siblings)[node.key]; seen > 1) absl::StrAppend(&node.key, "#", seen);
  }
  if (const YAML::Node v = n["routes"]) RETURN_IF_ERROR(ParseChildren(v, path + ".routes", &node));
  *out = std::move(node);
  return absl::OkStatus();
}

// --- matching ----------------------------------------------------------------------------------

RouteMatch Resolve(const RouteNode& node, const Labels& labels) {
  RouteMatch m;
  m.path = node.path;
  m.key = node.key;
  m.group_by = node.group_by;
  m.timings = node.timings;
  std::set<std::string, std::less<>> seen;
  for (const std::string& r : node.receivers) {
    auto name = ResolveReceiver(r, labels);
    if (!name.ok()) {
      m.dropped.push_back({r, std::string(name.status().message())});
      continue;
    }
    // "head:{{unit}}" and a literal "head:市商务局" are one recipient: told once.
    if (seen.insert(*name).second) m.receivers.push_back(*std::move(name));
  }
  return m;
}

// Alertmanager's Route.Match, node for node.
bool Walk(const RouteNode& node, const Labels& labels, std::vector<RouteMatch>* out) {
  if (!MatchesAll(node.matchers, labels)) return false;
  const size_t before = out->size();
  for (const RouteNode& child : node.routes) {
    if (Walk(child, labels, out) && !child.continue_matching) break;
  }
  if (out->size() == before) out->push_back(Resolve(node, labels));
  return true;
}

std::string GroupByText(const GroupBy& g) {
  return g.all ? "[...]" : absl::StrCat("[", absl::StrJoin(g.labels, ", "), "]");
}

}  // namespace

namespace config_yaml {

int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

absl::Status Error(absl::string_view path, absl::string_view message, int line) {
  std::string text = absl::StrCat(path, ": ", message);
  if (line > 0) absl::StrAppend(&text, " (line ", line, ")");
  return absl::InvalidArgumentError(text);
}

absl::StatusOr<YAML::Node> Load(std::string_view yaml) {
  try {
    return YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not valid YAML: ", e.msg, e.mark.is_null() ? "" : absl::StrCat(" (line ", e.mark.line + 1, ")")));
  }
}

absl::Status ShapeError(const YAML::Exception& e) {
  // A scalar where a mapping was expected, for instance: yaml-cpp throws when it is indexed.
  return absl::InvalidArgumentError(absl::StrCat(
      "not the shape this section takes: ", e.msg,
      e.mark.is_null() ? "" : absl::StrCat(" (line ", e.mark.line + 1, ")")));
}

absl::Status KnownKeys(const YAML::Node& n, absl::string_view path,
                       const std::set<std::string, std::less<>>& known) {
  for (const auto& kv : n) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (!known.contains(key)) {
      return Error(absl::StrCat(path, ".", key),
                   absl::StrCat("unknown key (known: ", absl::StrJoin(known, ", "), ")"), LineOf(kv.first));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> StringList(const YAML::Node& n, absl::string_view path) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) return Error(path, "must be a list", LineOf(n));
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string value = n[i].IsScalar() ? std::string(absl::StripAsciiWhitespace(n[i].Scalar())) : "";
    if (value.empty()) {
      return Error(absl::StrCat(path, "[", i, "]"), "must be a non-empty text", LineOf(n[i]));
    }
    out.push_back(value);
  }
  return out;
}

bool IsLabelName(absl::string_view name) {
  if (name.empty()) return false;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace config_yaml

absl::StatusOr<std::string> ResolveReceiver(std::string_view receiver, const Labels& labels) {
  ASSIGN_OR_RETURN(std::vector<TemplatePart> parts, SplitTemplate(receiver));
  std::string out;
  for (const TemplatePart& p : parts) {
    if (!p.is_label) {
      out += p.text;
      continue;
    }
    auto it = labels.find(p.text);
    if (it == labels.end() || it->second.empty()) {
      return absl::NotFoundError(absl::StrCat("label ", p.text, " is missing or empty"));
    }
    out += it->second;
  }
  return out;
}

absl::StatusOr<RouteTree> ParseRouteTree(std::string_view yaml) {
  ASSIGN_OR_RETURN(const YAML::Node doc, config_yaml::Load(yaml));
  try {
    if (!doc.IsMap() || !doc["route"]) return Error("route", "is required (the root of the routing tree)", 0);
    RouteTree tree;
    RETURN_IF_ERROR(ParseNode(doc["route"], "route", nullptr, nullptr, &tree.root));
    return tree;
  } catch (const YAML::Exception& e) {
    return config_yaml::ShapeError(e);
  }
}

std::vector<RouteMatch> Route(const RouteTree& tree, const Labels& labels) {
  std::vector<RouteMatch> out;
  Walk(tree.root, labels, &out);
  return out;
}

std::string DescribeRoute(const RouteMatch& match) {
  std::string out =
      absl::StrCat(match.path, " -> ",
                   match.receivers.empty() ? "(no receiver)" : absl::StrJoin(match.receivers, ", "));
  for (const DroppedReceiver& d : match.dropped) {
    absl::StrAppend(&out, "; dropped ", d.receiver, " (", d.reason, ")");
  }
  absl::StrAppend(&out, "; group_by ", GroupByText(match.group_by), "; group_wait ",
                  absl::FormatDuration(match.timings.group_wait), ", group_interval ",
                  absl::FormatDuration(match.timings.group_interval), ", repeat_interval ",
                  absl::FormatDuration(match.timings.repeat_interval));
  return out;
}

}  // namespace ys::notify
