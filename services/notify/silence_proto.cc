#include "services/notify/silence_proto.h"

#include "absl/strings/str_cat.h"
#include "common/time/proto_time.h"

namespace ys::notify {

absl::StatusOr<Silence> SilenceFromProto(const ::yingshang::notify::v1::Silence& silence) {
  Silence out;
  out.id = silence.id();
  for (int i = 0; i < silence.matchers_size(); ++i) {
    absl::StatusOr<Matcher> m = ParseMatcher(silence.matchers(i));
    if (!m.ok()) return absl::InvalidArgumentError(absl::StrCat("matchers[", i, "]: ", m.status().message()));
    out.matchers.push_back(*std::move(m));
  }
  out.starts_at = FromProtoTime(silence.starts_at());
  out.ends_at = FromProtoTime(silence.ends_at());
  out.created_by = silence.created_by();
  out.comment = silence.comment();
  return out;
}

::yingshang::notify::v1::Silence SilenceToProto(const Silence& silence) {
  ::yingshang::notify::v1::Silence out;
  out.set_id(silence.id);
  for (const Matcher& m : silence.matchers) {
    const char* op = m.op == Matcher::Op::kEqual ? "=" : m.op == Matcher::Op::kNotEqual ? "!=" : m.op == Matcher::Op::kRegex ? "=~" : "!~";
    out.add_matchers(absl::StrCat(m.name, op, m.value));
  }
  *out.mutable_starts_at() = ToProtoTime(silence.starts_at);
  *out.mutable_ends_at() = ToProtoTime(silence.ends_at);
  out.set_created_by(silence.created_by);
  out.set_comment(silence.comment);
  return out;
}

std::vector<Silence> SilencesFromProto(const std::vector<::yingshang::notify::v1::Silence>& silences) {
  std::vector<Silence> out;
  for (const auto& s : silences) {
    if (absl::StatusOr<Silence> one = SilenceFromProto(s); one.ok()) out.push_back(*std::move(one));
  }
  return out;
}

}  // namespace ys::notify
