#include "services/duty/hours.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"

namespace ys::duty {

std::string DutyHours::Describe() const {
  return absl::StrFormat("上午 %s–%s，下午 %s–%s（中心确定的坐班时段，本地规定）",
                         FormatClockTime(morning.start), FormatClockTime(morning.end),
                         FormatClockTime(afternoon.start), FormatClockTime(afternoon.end));
}

Span DutyHours::Of(pb::Session session) const {
  switch (session) {
    case pb::SESSION_MORNING:
      return morning;
    case pb::SESSION_AFTERNOON:
      return afternoon;
    case pb::SESSION_WHOLE_DAY:
      return Span{morning.start, afternoon.end};
    default:
      return Span{};  // no session: no hours (an empty span covers nothing)
  }
}

absl::StatusOr<int> ParseClockTime(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrFormat("field '%s': %s is not a time of day (HH:MM, 00:00–23:59)", field,
                        input::QuoteInput(absl::string_view(text.data(), text.size()))));
  };
  // "9:00" is how people write it on paper; "09:00" is how we print it.
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon < 1 || colon > 2 || text.size() != colon + 3) {
    return bad();
  }
  int hours = 0;
  int minutes = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == colon) continue;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return bad();
    int& part = i < colon ? hours : minutes;
    part = part * 10 + (text[i] - '0');
  }
  if (hours > 23 || minutes > 59) return bad();
  return hours * 60 + minutes;
}

std::string FormatClockTime(int minutes) {
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

pb::Coverage CoverageOf(const DutyHours& hours, Span sitting) {
  auto covers = [&](Span half) { return sitting.start <= half.start && sitting.end >= half.end; };
  // 细则 二1 "每次不少于半天"; 二2 "每周坐班不少于一天": a whole day is both half days.
  if (covers(hours.morning) && covers(hours.afternoon)) return pb::COVERAGE_WHOLE_DAY;
  if (covers(hours.morning) || covers(hours.afternoon)) return pb::COVERAGE_HALF_DAY;
  return pb::COVERAGE_UNSPECIFIED;
}

}  // namespace ys::duty
