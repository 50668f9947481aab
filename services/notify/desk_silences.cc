// Silences (the office's "not now") and `ysctl notify test`: where labels would go, and which silence
// would hold them.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/input/text_rules.h"
#include "common/status/macros.h"
#include "common/time/proto_time.h"
#include "services/notify/desk.h"
#include "services/notify/desk_paging.h"
#include "services/notify/inhibition.h"
#include "services/notify/routing.h"
#include "services/notify/silence_proto.h"

namespace ys::notify {
namespace {

constexpr char kSilenceIdPrefix[] = "S-";

absl::Status RequireOffice(const Actor& actor, absl::string_view what) {
  if (actor.office) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(what, " is the office's (role office)"));
}

// n of "S-<n>"; 0 for an id of another shape.
int64_t SilenceNumber(const std::string& id) {
  absl::string_view rest = id;
  int64_t n = 0;
  if (!absl::ConsumePrefix(&rest, kSilenceIdPrefix) || !absl::SimpleAtoi(rest, &n)) return 0;
  return n;
}

}  // namespace

absl::StatusOr<pb::Silence> NotifyDesk::CreateSilence(const Actor& actor, const pb::CreateSilenceRequest& request) {
  RETURN_IF_ERROR(RequireOffice(actor, "a silence"));
  const absl::Time now = clock_.Now();
  pb::Silence out;
  for (const std::string& m : request.matchers()) out.add_matchers(m);
  *out.mutable_starts_at() = request.has_starts_at() ? request.starts_at() : ToProtoTime(now);
  if (!request.has_ends_at()) return absl::InvalidArgumentError("ends_at: is required (a silence must end)");
  *out.mutable_ends_at() = request.ends_at();
  out.set_created_by(actor.name);
  out.set_comment(request.comment());
  *out.mutable_created_at() = ToProtoTime(now);
  // Matchers that do not parse are named by index: "matchers[1]: …".
  ASSIGN_OR_RETURN(Silence silence, SilenceFromProto(out));
  if (absl::Status s = CheckSilence(silence, now, settings_.silences); !s.ok()) {
    // The domain names the silence's field ("silence.comment: …"); the request's is the same name.
    absl::string_view message = s.message();
    absl::ConsumePrefix(&message, "silence.");
    return absl::Status(s.code(), message);
  }
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    // Ids are taken one at a time (the imports lock), each one more than any before.
    RETURN_IF_ERROR(tx.LockImports());
    ASSIGN_OR_RETURN(std::vector<pb::Silence> all, tx.Silences(now, /*include_expired=*/true));
    int64_t highest = 0;
    for (const pb::Silence& s : all) highest = std::max(highest, SilenceNumber(s.id()));
    out.set_id(absl::StrCat(kSilenceIdPrefix, highest + 1));
    return tx.PutSilence(out);
  }));
  return out;
}

absl::StatusOr<pb::Silence> NotifyDesk::ExpireSilence(const Actor& actor, const pb::ExpireSilenceRequest& request) {
  RETURN_IF_ERROR(RequireOffice(actor, "a silence"));
  if (request.id().empty()) return absl::InvalidArgumentError("id: is required");
  pb::Silence out;
  RETURN_IF_ERROR(store_.Write([&](NotifyTx& tx) -> absl::Status {
    // A silence that has ended already is returned as it was (the store leaves it).
    ASSIGN_OR_RETURN(out, tx.ExpireSilence(request.id(), clock_.Now(), actor.name));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<pb::ListSilencesResponse> NotifyDesk::ListSilences(const Actor& actor,
                                                                  const pb::ListSilencesRequest& request) {
  RETURN_IF_ERROR(RequireOffice(actor, "the list of silences"));
  ASSIGN_OR_RETURN(PageWindow window, ParseStorePage(request.page()));
  const absl::Time now = clock_.Now();
  std::vector<pb::Silence> silences;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(silences, tx.Silences(now, request.include_expired()));
    return absl::OkStatus();
  }));
  // notify.proto: active and pending first, by ends_at (as the store gives them); then the ended
  // ones, the most recently ended first.
  auto ended = [now](const pb::Silence& s) { return FromProtoTime(s.ends_at()) <= now; };
  std::stable_sort(silences.begin(), silences.end(), [&](const pb::Silence& a, const pb::Silence& b) {
    if (ended(a) != ended(b)) return !ended(a);
    if (!ended(a)) return false;  // keep the store's order
    return FromProtoTime(a.ends_at()) > FromProtoTime(b.ends_at());
  });
  pb::ListSilencesResponse out;
  out.mutable_page()->set_next_page_token(
      PageOf(silences, window, [&](const pb::Silence& s) { *out.add_silences() = s; }));
  return out;
}

absl::StatusOr<pb::TestRouteResponse> NotifyDesk::TestRoute(const Actor& actor, const pb::TestRouteRequest& request) {
  RETURN_IF_ERROR(RequireOffice(actor, "testing a route"));
  Labels labels;
  for (const auto& [name, value] : request.labels()) {
    if (!config_yaml::IsLabelName(name)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "labels[%s]: not a label name ([A-Za-z_][A-Za-z0-9_]*)", input::QuoteInput(name)));
    }
    labels.emplace(name, value);
  }
  const absl::Time now = clock_.Now();
  const std::shared_ptr<const Recipients> current = book_.Current();
  pb::TestRouteResponse out;
  for (const RouteMatch& match : Route(settings_.routes, labels)) {
    pb::RouteDecision* decision = out.add_routes();
    decision->set_path(match.path);
    for (const std::string& receiver : match.receivers) {
      absl::StatusOr<const Recipient*> r = ResolveReceiver(receiver, *current);
      if (!r.ok()) {
        decision->add_unknown_receivers(receiver);
        continue;
      }
      // Two names of one recipient ("unit:市营商办", "office") are one receiver, as the dispatcher sends.
      const auto& ids = decision->receivers();
      if (std::find(ids.begin(), ids.end(), (*r)->id) == ids.end()) decision->add_receivers((*r)->id);
    }
    for (const DroppedReceiver& d : match.dropped) decision->add_dropped(absl::StrCat(d.receiver, " (", d.reason, ")"));
    decision->set_description(DescribeRoute(match));
  }
  std::vector<pb::Silence> active;
  RETURN_IF_ERROR(store_.Read([&](NotifyTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(active, tx.ActiveSilences(now));
    return absl::OkStatus();
  }));
  const std::vector<Silence> silences = SilencesFromProto(active);
  if (const Silence* s = FindSilence(labels, silences, now); s != nullptr) out.set_silenced_by(s->id);
  return out;
}

}  // namespace ys::notify
