#pragma once

// Who is told of an event: a routing tree shaped like Alertmanager's, read from YAML.
//
//   route:
//     receivers: [office]                    # the root's default receivers (recipient names)
//     group_by: [event_type, unit]
//     group_wait: 30s
//     group_interval: 5m
//     repeat_interval: 4h
//     routes:
//       - matchers: ["event_type=ranking_alert", "severity=critical"]
//         receivers: ["unit:{{unit}}", "head:{{unit}}", "lead:{{lead}}"]
//         continue: true
//       - matchers: ["event_type=duty_roster_published"]
//         receivers: [政务网站, 微信公众号, 大厅显示屏]
//
// What it decides, as Alertmanager does (dispatch/route.go): the tree is walked depth-first from the
// root; among a node's children the first that matches wins and the walk stops there, unless that
// child has `continue: true`; a node none of whose children match is itself the match. A child
// inherits receivers, group_by and the three timings from its parent unless it sets them.
//
// Where it departs from Alertmanager:
// - A route names a LIST of receivers, and a receiver may be a template: "unit:{{unit}}" becomes
//   "unit:市商务局" from the event's labels. A receiver whose placeholder label is missing or empty is
//   dropped — and the match says which and why (`RouteMatch::dropped`), so `ysctl notify test` shows
//   it instead of a message silently going nowhere.
// - A route's identity (`RouteNode::key`) is built from its matchers, not from its position, so
//   inserting an unrelated route does not reset the grouping state (and the repeat timers) of the
//   others; the position (`RouteNode::path`, "route.routes[1]") is what errors and people see.
// - Configuration errors are refused at load, each naming its path and line: unknown keys, bad or
//   negative durations, repeat_interval < group_interval (Alertmanager only warns), a node with no
//   receivers on its path, a matcher that does not parse.

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/notify/labels.h"
#include "yaml-cpp/yaml.h"

namespace ys::notify {

// When a group of events is sent (grouping.h applies them); the defaults are Alertmanager's.
struct RouteTimings {
  absl::Duration group_wait = absl::Seconds(30);       // the first message of a new group
  absl::Duration group_interval = absl::Minutes(5);    // the next one, when the group changed
  absl::Duration repeat_interval = absl::Hours(4);     // again, when nothing changed
};

// Which labels split events into groups; `all` is Alertmanager's special value "...".
struct GroupBy {
  std::vector<std::string> labels;
  bool all = false;
};

// One node of the tree, with everything inherited already applied.
struct RouteNode {
  std::string path;  // "route", "route.routes[1]", "route.routes[1].routes[0]"
  // Stable identity for grouping state: "{}" for the root, then "/" and the node's matchers
  // ("{}/{event_type=ranking_alert,severity=critical}"), with "#2" for a second sibling whose
  // matchers are the same text.
  std::string key;
  int line = 0;  // in the YAML, 1-based; 0 when unknown
  std::vector<Matcher> matchers;
  std::vector<std::string> receivers;  // templates, e.g. "unit:{{unit}}"
  GroupBy group_by;
  RouteTimings timings;
  bool continue_matching = false;  // `continue: true`
  std::vector<RouteNode> routes;
};

struct RouteTree {
  RouteNode root;
};

// Reads the document's `route:` section (other top-level sections — inhibit_rules, … — belong to
// other parsers and are not looked at). INVALID_ARGUMENT naming the path and line of the first error:
// "route.routes[1].matchers[0]: matcher "x": … (line 9)".
absl::StatusOr<RouteTree> ParseRouteTree(std::string_view yaml);

// A receiver template that could not be filled.
struct DroppedReceiver {
  std::string receiver;  // the template, "lead:{{lead}}"
  std::string reason;    // "label lead is missing or empty"
};

// One matched node and what to do with the event there.
struct RouteMatch {
  std::string path;
  std::string key;
  std::vector<std::string> receivers;  // resolved, in the configured order, without duplicates
  std::vector<DroppedReceiver> dropped;
  GroupBy group_by;
  RouteTimings timings;
};

// The matched nodes in the order of the walk; never empty (the root matches everything). A match may
// have no receivers left when every template was dropped: the caller records it as undeliverable.
std::vector<RouteMatch> Route(const RouteTree& tree, const Labels& labels);

// Fills the {{label}} placeholders of one receiver ("{{ unit }}" with spaces is the same). NOT_FOUND
// when a placeholder's label is missing or empty (the message is the DroppedReceiver reason),
// INVALID_ARGUMENT when the template itself is malformed (ParseRouteTree refuses those at load).
absl::StatusOr<std::string> ResolveReceiver(std::string_view receiver, const Labels& labels);

// For `ysctl notify test`, e.g.
//   route.routes[0] -> unit:市商务局, head:市商务局; dropped lead:{{lead}} (label lead is missing or
//   empty); group_by [event_type, unit]; group_wait 30s, group_interval 5m, repeat_interval 4h
std::string DescribeRoute(const RouteMatch& match);

// What the parsers of notify's configuration sections share (this one, and inhibit_rules in
// inhibition.h): one error shape, "path: message (line N)", INVALID_ARGUMENT, and yaml-cpp's
// exceptions caught here, never let out.
namespace config_yaml {

// The 1-based line of a node, 0 when it is absent or has no mark.
int LineOf(const YAML::Node& n);
absl::Status Error(absl::string_view path, absl::string_view message, int line);
// Parses a document; INVALID_ARGUMENT "not valid YAML: … (line N)".
absl::StatusOr<YAML::Node> Load(std::string_view yaml);
// A yaml-cpp exception thrown while reading a section of the wrong shape, as an error.
absl::Status ShapeError(const YAML::Exception& e);
// Every key of mapping `n` is one of `known`; else "path.key: unknown key (known: …)".
absl::Status KnownKeys(const YAML::Node& n, absl::string_view path,
                       const std::set<std::string, std::less<>>& known);
// A list of non-empty scalars.
absl::StatusOr<std::vector<std::string>> StringList(const YAML::Node& n, absl::string_view path);
// [A-Za-z_][A-Za-z0-9_]*, the label names events carry.
bool IsLabelName(absl::string_view name);

}  // namespace config_yaml

}  // namespace ys::notify
