#pragma once

#include <compare>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ys {

// A reporting period: a month ("2022-09"), a quarter ("2022Q3") or a year ("2022"), in Asia/Shanghai.
class Period {
 public:
  enum class Kind { kMonth = 1, kQuarter = 2, kYear = 3 };

  static absl::StatusOr<Period> Parse(absl::string_view text);
  static absl::StatusOr<Period> Month(int year, int month);
  static absl::StatusOr<Period> Quarter(int year, int quarter);
  static absl::StatusOr<Period> Year(int year);
  // The period of the given kind that contains the instant, in Asia/Shanghai.
  static Period Containing(absl::Time t, Kind kind);
  static Period Containing(absl::CivilDay day, Kind kind);

  Kind kind() const { return kind_; }
  int year() const { return year_; }
  // Month 1..12, quarter 1..4, or 0 for a year.
  int index() const { return index_; }

  std::string ToString() const;
  Period Next() const;
  Period Previous() const;

  absl::CivilDay FirstDay() const;
  absl::CivilDay LastDay() const;
  // [Start, End) as instants in Asia/Shanghai.
  absl::Time Start() const;
  absl::Time End() const;

  Period ContainingQuarter() const;  // a month's quarter; a quarter itself; invalid for a year
  Period ContainingYear() const;
  std::vector<Period> Months() const;
  bool Contains(const Period& other) const;

  friend bool operator==(const Period&, const Period&) = default;
  // Ordered by start, then by length (a month sorts before its quarter and year).
  friend std::strong_ordering operator<=>(const Period& a, const Period& b);

 private:
  Period(Kind kind, int year, int index) : kind_(kind), year_(year), index_(index) {}

  Kind kind_;
  int year_;
  int index_;
};

}  // namespace ys
