#include "common/time/period.h"

#include <charconv>

#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "common/time/clock.h"

namespace ys {
namespace {

// Years the programme can meaningfully talk about; keeps arithmetic and formatting simple.
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

bool ParseInt(absl::string_view s, int* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

absl::Status Invalid(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "period %s is not a month (2022-09), a quarter (2022Q3) or a year (2022)", input::QuoteInput(text)));
}

absl::Status CheckYear(int year) {
  if (year < kMinYear || year > kMaxYear) {
    return absl::InvalidArgumentError(absl::StrFormat("year %d is out of range", year));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Period> Period::Month(int year, int month) {
  if (auto s = CheckYear(year); !s.ok()) return s;
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError(absl::StrFormat("month %d is not in 1..12", month));
  }
  return Period(Kind::kMonth, year, month);
}

absl::StatusOr<Period> Period::Quarter(int year, int quarter) {
  if (auto s = CheckYear(year); !s.ok()) return s;
  if (quarter < 1 || quarter > 4) {
    return absl::InvalidArgumentError(absl::StrFormat("quarter %d is not in 1..4", quarter));
  }
  return Period(Kind::kQuarter, year, quarter);
}

absl::StatusOr<Period> Period::Year(int year) {
  if (auto s = CheckYear(year); !s.ok()) return s;
  return Period(Kind::kYear, year, 0);
}

absl::StatusOr<Period> Period::Parse(absl::string_view text) {
  int year = 0;
  int index = 0;
  if (text.size() == 4) {
    if (!ParseInt(text, &year)) return Invalid(text);
    return Year(year);
  }
  if (text.size() == 7 && text[4] == '-') {
    if (!ParseInt(text.substr(0, 4), &year) || !ParseInt(text.substr(5, 2), &index)) {
      return Invalid(text);
    }
    auto p = Month(year, index);
    if (!p.ok()) return Invalid(text);
    return p;
  }
  if (text.size() == 6 && (text[4] == 'Q' || text[4] == 'q')) {
    if (!ParseInt(text.substr(0, 4), &year) || !ParseInt(text.substr(5, 1), &index)) {
      return Invalid(text);
    }
    auto p = Quarter(year, index);
    if (!p.ok()) return Invalid(text);
    return p;
  }
  return Invalid(text);
}

Period Period::Containing(absl::CivilDay day, Kind kind) {
  const int year = static_cast<int>(day.year());
  switch (kind) {
    case Kind::kMonth:
      return Period(Kind::kMonth, year, day.month());
    case Kind::kQuarter:
      return Period(Kind::kQuarter, year, (day.month() - 1) / 3 + 1);
    case Kind::kYear:
      break;
  }
  return Period(Kind::kYear, year, 0);
}

Period Period::Containing(absl::Time t, Kind kind) {
  return Containing(absl::ToCivilDay(t, Shanghai()), kind);
}

std::string Period::ToString() const {
  switch (kind_) {
    case Kind::kMonth:
      return absl::StrFormat("%04d-%02d", year_, index_);
    case Kind::kQuarter:
      return absl::StrFormat("%04dQ%d", year_, index_);
    case Kind::kYear:
      break;
  }
  return absl::StrFormat("%04d", year_);
}

Period Period::Next() const {
  switch (kind_) {
    case Kind::kMonth:
      return index_ == 12 ? Period(kind_, year_ + 1, 1) : Period(kind_, year_, index_ + 1);
    case Kind::kQuarter:
      return index_ == 4 ? Period(kind_, year_ + 1, 1) : Period(kind_, year_, index_ + 1);
    case Kind::kYear:
      break;
  }
  return Period(kind_, year_ + 1, 0);
}

Period Period::Previous() const {
  switch (kind_) {
    case Kind::kMonth:
      return index_ == 1 ? Period(kind_, year_ - 1, 12) : Period(kind_, year_, index_ - 1);
    case Kind::kQuarter:
      return index_ == 1 ? Period(kind_, year_ - 1, 4) : Period(kind_, year_, index_ - 1);
    case Kind::kYear:
      break;
  }
  return Period(kind_, year_ - 1, 0);
}

absl::CivilDay Period::FirstDay() const {
  switch (kind_) {
    case Kind::kMonth:
      return absl::CivilDay(year_, index_, 1);
    case Kind::kQuarter:
      return absl::CivilDay(year_, (index_ - 1) * 3 + 1, 1);
    case Kind::kYear:
      break;
  }
  return absl::CivilDay(year_, 1, 1);
}

absl::CivilDay Period::LastDay() const { return Next().FirstDay() - 1; }

absl::Time Period::Start() const { return absl::FromCivil(FirstDay(), Shanghai()); }

absl::Time Period::End() const { return absl::FromCivil(Next().FirstDay(), Shanghai()); }

Period Period::ContainingQuarter() const {
  if (kind_ == Kind::kMonth) return Period(Kind::kQuarter, year_, (index_ - 1) / 3 + 1);
  return *this;
}

Period Period::ContainingYear() const { return Period(Kind::kYear, year_, 0); }

std::vector<Period> Period::Months() const {
  std::vector<Period> months;
  for (Period m = Containing(FirstDay(), Kind::kMonth); m.FirstDay() <= LastDay(); m = m.Next()) {
    months.push_back(m);
  }
  return months;
}

bool Period::Contains(const Period& other) const {
  return FirstDay() <= other.FirstDay() && other.LastDay() <= LastDay();
}

std::strong_ordering operator<=>(const Period& a, const Period& b) {
  if (a.FirstDay() < b.FirstDay()) return std::strong_ordering::less;
  if (b.FirstDay() < a.FirstDay()) return std::strong_ordering::greater;
  return static_cast<int>(a.kind_) <=> static_cast<int>(b.kind_);
}

}  // namespace ys
