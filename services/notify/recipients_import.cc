#include "services/notify/recipients.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "services/notify/recipients_internal.h"
#include "yaml-cpp/yaml.h"

namespace ys::notify {
namespace {

using recipients_internal::CheckChannel;
using recipients_internal::Find;
using recipients_internal::FindBare;
using recipients_internal::FindCounty;
using recipients_internal::kIdHelp;
using recipients_internal::Make;
using recipients_internal::Quote;
using recipients_internal::SplitId;

// --- the recipients file -----------------------------------------------------------------------

int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

// Where a recipient of the file lands: an existing one, or one the file adds.
struct FileTarget {
  std::string id;
  bool added = false;
  RecipientKind kind = RecipientKind::kGovernmentBody;
  std::string bare;  // an added one's name after the prefix
};

class FileParser {
 public:
  FileParser(absl::string_view file_name, const Recipients& derived, const UnitDirectory& units)
      : file_(file_name), out_(derived), units_(units) {}

  absl::StatusOr<Recipients> Run(absl::string_view yaml) {
    YAML::Node doc;
    try {
      doc = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      return Error(e.mark.is_null() ? 0 : e.mark.line + 1, "", absl::StrCat("not valid YAML: ", e.msg));
    }
    try {
      return Document(doc);
    } catch (const YAML::Exception& e) {  // a list where a mapping belongs, and the like
      return Error(e.mark.is_null() ? 0 : e.mark.line + 1, "",
                   absl::StrCat("not the shape a recipients file takes: ", e.msg));
    }
  }

 private:
  absl::Status Error(int line, absl::string_view path, absl::string_view message) const {
    std::string text(file_);
    if (line > 0) absl::StrAppend(&text, ":", line);
    absl::StrAppend(&text, ": ", path, path.empty() ? "" : ": ", message);
    return absl::InvalidArgumentError(text);
  }

  absl::Status KnownKeys(const YAML::Node& map, absl::string_view path, const std::set<std::string>& known) const {
    for (const auto& kv : map) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (!known.contains(key)) {
        return Error(LineOf(kv.first), absl::StrCat(path, path.empty() ? "" : ".", key),
                     absl::StrCat("unknown key (known: ", absl::StrJoin(known, ", "), ")"));
      }
    }
    return absl::OkStatus();
  }

  // An optional scalar; "" when absent or null.
  absl::StatusOr<std::string> Scalar(const YAML::Node& map, const std::string& key, absl::string_view path) const {
    const YAML::Node v = map[key];
    if (!v.IsDefined() || v.IsNull()) return std::string();
    if (!v.IsScalar()) return Error(LineOf(v), absl::StrCat(path, ".", key), "must be a single value");
    return v.Scalar();
  }

  absl::StatusOr<Recipients> Document(const YAML::Node& doc) {
    if (!doc.IsMap()) return Error(LineOf(doc), "", "the file must be a mapping with a list 'recipients'");
    RETURN_IF_ERROR(KnownKeys(doc, "", {"provenance", "recipients"}));
    ASSIGN_OR_RETURN(const std::string provenance, Scalar(doc, "provenance", "provenance"));
    if (!provenance.empty() && provenance != "SAMPLE" && provenance != "DRAFT" && provenance != "OFFICIAL") {
      return Error(LineOf(doc["provenance"]), "provenance",
                   absl::StrCat("must be SAMPLE, DRAFT or OFFICIAL, not ", Quote(provenance)));
    }
    out_.provenance = provenance;
    const YAML::Node list = doc["recipients"];
    if (!list.IsDefined() || !list.IsSequence()) {
      return Error(LineOf(list.IsDefined() ? list : doc), "recipients", "is required: a list of recipients");
    }
    for (size_t i = 0; i < list.size(); ++i) RETURN_IF_ERROR(Entry(list[i], absl::StrCat("recipients[", i, "]")));
    for (const auto& [id, r] : out_.by_id) {
      if (absl::Status s = ValidateRecipient(r); !s.ok()) return Error(0, "", s.message());
    }
    return std::move(out_);
  }

  absl::Status Entry(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) return Error(LineOf(node), path, "must be a mapping with an id");
    RETURN_IF_ERROR(KnownKeys(node, path, {"id", "name", "channels", "digest", "digest_time"}));
    ASSIGN_OR_RETURN(const std::string id, Scalar(node, "id", path));
    const int id_line = LineOf(node["id"]);
    if (id.empty()) return Error(LineOf(node), path + ".id", "is required");
    if (absl::Status s = input::CheckText("id", id, input::TextKind::kName, {}); !s.ok()) {
      return Error(id_line, path + ".id", s.message());
    }
    absl::StatusOr<FileTarget> target = Resolve(id);
    if (!target.ok()) return Error(id_line, path + ".id", target.status().message());
    if (auto [it, fresh] = seen_.try_emplace(target->id, path, id_line); !fresh) {
      return Error(id_line, path + ".id",
                   absl::StrFormat("%s is the recipient %s already listed at %s (line %d)", Quote(id),
                                   target->id, it->second.first, it->second.second));
    }

    Recipient r;
    if (target->added) {
      r = Make(target->id, target->bare, target->kind, target->bare);
    } else {
      r = out_.by_id.at(target->id);
    }
    ASSIGN_OR_RETURN(const std::string name, Scalar(node, "name", path));
    if (!name.empty()) {
      if (!target->added) {
        return Error(LineOf(node["name"]), path + ".name",
                     absl::StrCat("the catalog names this recipient (", r.name,
                                  "): the file sets only its channels and digest"));
      }
      if (absl::Status s = input::CheckText("name", name, input::TextKind::kName, {}); !s.ok()) {
        return Error(LineOf(node["name"]), path + ".name", s.message());
      }
      r.name = name;
    }
    if (const YAML::Node channels = node["channels"]; channels.IsDefined() && !channels.IsNull()) {
      ASSIGN_OR_RETURN(r.channels, Channels(channels, path + ".channels"));
    }
    RETURN_IF_ERROR(Digest(node, path, &r));
    out_.by_id[r.id] = std::move(r);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Channel>> Channels(const YAML::Node& list, const std::string& path) const {
    if (!list.IsSequence()) return Error(LineOf(list), path, "must be a list of channels");
    std::vector<Channel> out;
    std::map<int, std::string> orders;                              // order -> path of its channel
    std::map<std::pair<ChannelKind, std::string>, std::string> seen;  // (kind, target) -> path
    bool inbox = false;
    for (size_t j = 0; j < list.size(); ++j) {
      const YAML::Node c = list[j];
      const std::string at = absl::StrCat(path, "[", j, "]");
      if (!c.IsMap()) return Error(LineOf(c), at, "must be a mapping {kind, target, secret_ref, order}");
      RETURN_IF_ERROR(KnownKeys(c, at, {"kind", "target", "secret_ref", "order"}));
      ASSIGN_OR_RETURN(const std::string kind, Scalar(c, "kind", at));
      if (kind.empty()) return Error(LineOf(c), at + ".kind", "is required");
      absl::StatusOr<ChannelKind> parsed = ParseChannelKind(kind);
      if (!parsed.ok()) return Error(LineOf(c["kind"]), at + ".kind", parsed.status().message());
      Channel channel;
      channel.kind = *parsed;
      ASSIGN_OR_RETURN(channel.target, Scalar(c, "target", at));
      ASSIGN_OR_RETURN(channel.secret_ref, Scalar(c, "secret_ref", at));
      ASSIGN_OR_RETURN(const std::string order, Scalar(c, "order", at));
      channel.order = static_cast<int>(j) + 1;
      if (!order.empty() && (!absl::SimpleAtoi(order, &channel.order) || channel.order < 1 || channel.order > 1000)) {
        return Error(LineOf(c["order"]), at + ".order",
                     absl::StrCat("must be a whole number from 1 to 1000, not ", Quote(order)));
      }
      if (auto problem = CheckChannel(channel)) {
        const YAML::Node field = c[problem->field];
        return Error(LineOf(field.IsDefined() ? field : c), absl::StrCat(at, ".", problem->field), problem->message);
      }
      const int line = LineOf(c);
      if (auto [it, fresh] = orders.try_emplace(channel.order, at); !fresh) {
        return Error(LineOf(c["order"].IsDefined() ? c["order"] : c), at + ".order",
                     absl::StrCat("order ", channel.order, " is ", it->second,
                                  "'s too: each channel needs its own place in the failover order"));
      }
      if (auto [it, fresh] = seen.try_emplace(std::make_pair(channel.kind, channel.target), at); !fresh) {
        return Error(line, at, absl::StrCat("the same channel as ", it->second));
      }
      inbox = inbox || channel.kind == ChannelKind::kInbox;
      out.push_back(std::move(channel));
    }
    if (!inbox) {  // a person can always read their inbox
      const int last = orders.empty() ? 0 : orders.rbegin()->first;
      out.push_back(Channel{ChannelKind::kInbox, "", "", last + 1});
    }
    std::stable_sort(out.begin(), out.end(), [](const Channel& a, const Channel& b) { return a.order < b.order; });
    return out;
  }

  absl::Status Digest(const YAML::Node& node, const std::string& path, Recipient* r) const {
    ASSIGN_OR_RETURN(const std::string digest, Scalar(node, "digest", path));
    ASSIGN_OR_RETURN(const std::string time, Scalar(node, "digest_time", path));
    if (!digest.empty()) {
      if (digest == "none") {
        r->digest.cadence = DigestCadence::kNone;
      } else if (digest == "daily") {
        r->digest.cadence = DigestCadence::kDaily;
      } else if (digest == "weekly") {
        r->digest.cadence = DigestCadence::kWeekly;
      } else {
        return Error(LineOf(node["digest"]), path + ".digest",
                     absl::StrCat("must be none, daily or weekly, not ", Quote(digest)));
      }
      if (r->kind == RecipientKind::kPublication && r->digest.cadence != DigestCadence::kNone) {
        return Error(LineOf(node["digest"]), path + ".digest",
                     "a publication takes no digest: the roster appears on the day it is published");
      }
    }
    if (time.empty()) return absl::OkStatus();
    const int line = LineOf(node["digest_time"]);
    if (r->digest.cadence == DigestCadence::kNone) {
      return Error(line, path + ".digest_time", "is only for digest daily or weekly");
    }
    int hours = -1;
    int minutes = -1;
    const bool shape = time.size() == 5 && time[2] == ':' && absl::ascii_isdigit(time[0]) &&
                       absl::ascii_isdigit(time[1]) && absl::ascii_isdigit(time[3]) && absl::ascii_isdigit(time[4]);
    if (!shape || !absl::SimpleAtoi(time.substr(0, 2), &hours) || !absl::SimpleAtoi(time.substr(3, 2), &minutes) ||
        hours > 23 || minutes > 59) {
      return Error(line, path + ".digest_time", absl::StrCat("must be HH:MM from 00:00 to 23:59, not ", Quote(time)));
    }
    r->digest.time_of_day = absl::Hours(hours) + absl::Minutes(minutes);
    return absl::OkStatus();
  }

  // The recipient an id of the file names; the message says why it names none.
  absl::StatusOr<FileTarget> Resolve(const std::string& id) const {
    const auto [prefix, rest] = SplitId(id);
    auto existing = [&](const std::string& key) -> std::optional<FileTarget> {
      if (const Recipient* r = Find(out_, key)) return FileTarget{r->id, false, r->kind, ""};
      return std::nullopt;
    };
    if (prefix.empty()) {  // an id, or a body's bare name as routing trees write it ("政务网站")
      if (auto t = existing(id)) return *t;
      if (const Recipient* r = FindBare(out_, id)) return FileTarget{r->id, false, r->kind, ""};
      return absl::InvalidArgumentError(absl::StrCat("unknown id ", Quote(id), ": ", kIdHelp));
    }
    if (prefix == "unit" || prefix == "head") {
      if (rest.empty()) return absl::InvalidArgumentError("names no unit");
      const std::optional<std::string> canonical = units_.Resolve(rest);
      if (!canonical) {
        if (const Recipient* county = FindCounty(out_, rest)) {
          return absl::InvalidArgumentError(absl::StrCat(rest, " is a county: name it ", county->id));
        }
        return absl::InvalidArgumentError(
            absl::StrCat("unit ", Quote(rest), " is not in the catalog (nor an alias of one)"));
      }
      if (auto t = existing(absl::StrCat(prefix, ":", *canonical))) return *t;
      if (const Recipient* county = FindCounty(out_, *canonical)) {
        return absl::InvalidArgumentError(absl::StrCat(*canonical, " is a county: name it ", county->id));
      }
      if (prefix == "head") {
        return absl::InvalidArgumentError(absl::StrCat(
            "the catalog names no 带班领导 for ", *canonical, " (an indicator's units[].head): add it there"));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unit ", *canonical, " is in the units file but not among the catalog's units"));
    }
    if (prefix == "lead") {
      if (auto t = existing(id)) return *t;
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(rest), " is not the 领班 of any indicator in the catalog: add it there"));
    }
    if (prefix == "county") {
      if (const Recipient* county = FindCounty(out_, rest)) return FileTarget{county->id, false, county->kind, ""};
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(rest), " is not one of Shangrao's counties (give its code, e.g. county:361102)"));
    }
    if (prefix == "body" || prefix == "publication") {
      if (auto t = existing(id)) return *t;
      if (rest.empty()) return absl::InvalidArgumentError(absl::StrCat("names no ", prefix));
      if (units_.Canonical(rest) || out_.units.Canonical(rest)) {
        const std::string unit = units_.Canonical(rest).value_or(out_.units.Canonical(rest).value_or(rest));
        return absl::InvalidArgumentError(absl::StrCat(rest, " is a unit of the catalog: name it unit:", unit));
      }
      if (const Recipient* other = FindBare(out_, rest)) {
        return absl::InvalidArgumentError(absl::StrCat(rest, " already names ", other->id));
      }
      return FileTarget{id, true, prefix == "body" ? RecipientKind::kGovernmentBody : RecipientKind::kPublication,
                        rest};
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown id ", Quote(id), ": ", kIdHelp));
  }

  std::string file_;
  Recipients out_;
  const UnitDirectory& units_;
  std::map<std::string, std::pair<std::string, int>> seen_;  // resolved id -> (path, line)
};

}  // namespace

absl::StatusOr<Recipients> ParseRecipientsYaml(absl::string_view yaml, absl::string_view file_name,
                                               const Recipients& derived, const UnitDirectory& units) {
  return FileParser(file_name, derived, units).Run(yaml);
}

}  // namespace ys::notify
