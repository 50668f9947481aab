#pragma once

// What a sitting's hours count as. The work plan says "每次不少于半天" (细则 二1) and "每周坐班不少于一天"
// (细则 二2) and gives no hours: the half days are the centre's choice (duty.hours, local policy,
// default 09:00–12:00 and 14:00–17:30).

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "yingshang/duty/v1/duty.pb.h"

namespace ys::duty {

namespace pb = ::yingshang::duty::v1;

// Minutes since midnight, Asia/Shanghai.
struct Span {
  int start = 0;
  int end = 0;
};

struct DutyHours {
  Span morning{9 * 60, 12 * 60};
  Span afternoon{14 * 60, 17 * 60 + 30};
  // "上午 09:00–12:00，下午 14:00–17:30（中心确定的坐班时段，本地规定）"
  std::string Describe() const;
  // The hours a registered session stands for (a whole day: morning start to afternoon end).
  Span Of(pb::Session session) const;
};

// "09:00" -> 540; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int> ParseClockTime(std::string_view text, std::string_view field);
std::string FormatClockTime(int minutes);

// WHOLE_DAY when [start, end) covers both half days, HALF_DAY when it covers one, else UNSPECIFIED.
pb::Coverage CoverageOf(const DutyHours& hours, Span sitting);

}  // namespace ys::duty
