#include "services/ranking/fact_json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/str_format.h"
#include "common/input/text_rules.h"
#include "common/pg/inbox.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace ys::ranking {
namespace {

// One flat JSON object, read left to right. Every method returns false for anything the direct
// path does not take on (the caller then hands the whole input to protobuf).
class FlatObjectReader {
 public:
  explicit FlatObjectReader(absl::string_view s) : s_(s) {}

  bool Begin() {
    SkipSpace();
    if (!Eat('{')) return false;
    SkipSpace();
    return true;
  }
  // The next key, or "" at the closing brace (then End() must follow).
  bool NextKey(absl::string_view* key, bool* done) {
    SkipSpace();
    if (Eat('}')) {
      *done = true;
      return true;
    }
    if (!first_ && !Eat(',')) return false;
    first_ = false;
    SkipSpace();
    if (!String(key) || key->empty()) return false;
    SkipSpace();
    if (!Eat(':')) return false;
    SkipSpace();
    *done = false;
    return true;
  }
  bool End() {
    SkipSpace();
    return pos_ == s_.size();
  }

  enum class Kind { kString, kNumber, kNull, kOther };
  Kind Peek() const {
    if (pos_ >= s_.size()) return Kind::kOther;
    const char c = s_[pos_];
    if (c == '"') return Kind::kString;
    if (c == '-' || (c >= '0' && c <= '9')) return Kind::kNumber;
    if (s_.substr(pos_, 4) == "null") return Kind::kNull;
    return Kind::kOther;
  }
  void Null() { pos_ += 4; }
  // A string of printable ASCII without escapes.
  bool String(absl::string_view* out) {
    if (!Eat('"')) return false;
    const size_t start = pos_;
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        *out = s_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++pos_;
    }
    return false;
  }
  // An integer literal (no fraction or exponent) within [min, max].
  bool Integer(int64_t min, int64_t max, int64_t* out) {
    const size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    const size_t digits = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == digits || (pos_ - digits > 1 && s_[digits] == '0')) return false;
    if (pos_ < s_.size() && (s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E')) return false;
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, v);
    if (ec != std::errc() || end != s_.data() + pos_ || v < min || v > max) return false;
    *out = v;
    return true;
  }
  // A JSON number, read as a double.
  bool Number(double* out) {
    const size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    const size_t digits = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == digits || (pos_ - digits > 1 && s_[digits] == '0')) return false;
    bool fraction_or_exponent = false;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      fraction_or_exponent = true;
      const size_t frac = ++pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == frac) return false;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      fraction_or_exponent = true;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      const size_t exp = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == exp) return false;
    }
    if (!fraction_or_exponent) {
      // Read as an integer and converted, like protobuf (strtod would keep the sign of "-0").
      int64_t v = 0;
      const auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, v);
      if (ec != std::errc() || end != s_.data() + pos_) return false;
      *out = static_cast<double>(v);
      return true;
    }
    const std::string text(s_.substr(start, pos_ - start));
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(v)) return false;
    *out = v;
    return true;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  absl::string_view s_;
  size_t pos_ = 0;
  bool first_ = true;
};

enum Field : unsigned {
  kSource = 1u << 0,
  kEvaluation = 1u << 1,
  kIndicator = 1u << 2,
  kScope = 1u << 3,
  kRegion = 1u << 4,
  kPeriod = 1u << 5,
  kRank = 1u << 6,
  kTotal = 1u << 7,
  kScore = 1u << 8,
  kRevision = 1u << 9,
  kPublishedAt = 1u << 10,
  kTotalReason = 1u << 11,
  kUnknown = 0,
};

// Both spellings the proto3 JSON mapping accepts: the lowerCamel JSON name and the field's name.
Field FieldOf(absl::string_view key) {
  if (key == "source") return kSource;
  if (key == "evaluation") return kEvaluation;
  if (key == "indicatorCode" || key == "indicator_code") return kIndicator;
  if (key == "scope") return kScope;
  if (key == "regionCode" || key == "region_code") return kRegion;
  if (key == "period") return kPeriod;
  if (key == "rank") return kRank;
  if (key == "total") return kTotal;
  if (key == "score") return kScore;
  if (key == "revision") return kRevision;
  if (key == "publishedAt" || key == "published_at") return kPublishedAt;
  if (key == "totalReason" || key == "total_reason") return kTotalReason;
  return kUnknown;
}

}  // namespace

bool DecodeFactJsonFast(absl::string_view json, pb::RankingFact* fact) {
  fact->Clear();
  FlatObjectReader r(json);
  if (!r.Begin()) return false;
  unsigned seen = 0;
  for (;;) {
    absl::string_view key;
    bool done = false;
    if (!r.NextKey(&key, &done)) return false;
    if (done) break;
    const Field field = FieldOf(key);
    if (field == kUnknown) return false;  // ignored by protobuf, but its value may be anything
    if ((seen & field) != 0) return false;
    seen |= field;
    const auto kind = r.Peek();
    if (kind == FlatObjectReader::Kind::kNull) {  // null is the field's default
      r.Null();
      continue;
    }
    absl::string_view text;
    int64_t n = 0;
    switch (field) {
      case kSource:
      case kIndicator:
      case kRegion:
      case kPeriod:
      case kTotalReason:
        if (kind != FlatObjectReader::Kind::kString || !r.String(&text)) return false;
        if (field == kSource) fact->set_source(text.data(), text.size());
        if (field == kIndicator) fact->set_indicator_code(text.data(), text.size());
        if (field == kRegion) fact->set_region_code(text.data(), text.size());
        if (field == kPeriod) fact->set_period(text.data(), text.size());
        if (field == kTotalReason) fact->set_total_reason(text.data(), text.size());
        break;
      case kEvaluation: {
        pb::Evaluation e;
        if (kind != FlatObjectReader::Kind::kString || !r.String(&text) ||
            !pb::Evaluation_Parse(std::string(text), &e)) {
          return false;
        }
        fact->set_evaluation(e);
        break;
      }
      case kScope: {
        pb::Scope s;
        if (kind != FlatObjectReader::Kind::kString || !r.String(&text) ||
            !pb::Scope_Parse(std::string(text), &s)) {
          return false;
        }
        fact->set_scope(s);
        break;
      }
      case kRank:
      case kTotal:
        if (kind != FlatObjectReader::Kind::kNumber ||
            !r.Integer(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &n)) {
          return false;
        }
        if (field == kRank) fact->set_rank(static_cast<int32_t>(n));
        if (field == kTotal) fact->set_total(static_cast<int32_t>(n));
        break;
      case kRevision:
        // int64 is a string in proto3 JSON ("7"); a bare number is accepted too.
        if (kind == FlatObjectReader::Kind::kString) {
          if (!r.String(&text) || text.empty() || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return false;
          for (char c : text) {
            if (c < '0' || c > '9') return false;
          }
          const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
          if (ec != std::errc() || end != text.data() + text.size()) return false;
        } else if (kind != FlatObjectReader::Kind::kNumber ||
                   !r.Integer(-999999999999999999, 999999999999999999, &n)) {
          return false;
        }
        fact->set_revision(n);
        break;
      case kScore: {
        double v = 0;
        if (kind != FlatObjectReader::Kind::kNumber || !r.Number(&v)) return false;
        fact->set_score(v);
        break;
      }
      case kPublishedAt:
        if (kind != FlatObjectReader::Kind::kString || !r.String(&text) ||
            !google::protobuf::util::TimeUtil::FromString(std::string(text), fact->mutable_published_at())) {
          return false;
        }
        break;
      case kUnknown:
        return false;
    }
  }
  return r.End();
}

absl::StatusOr<pb::RankingFact> DecodeFactJson(absl::string_view json) {
  pb::RankingFact f;
  if (DecodeFactJsonFast(json, &f)) return f;
  f.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (auto s = google::protobuf::util::JsonStringToMessage(std::string(json), &f, options); !s.ok()) {
    // protobuf's message quotes the input around the error.
    return WithRejectionReason(absl::InvalidArgumentError(
                                   absl::StrFormat("body is not a RankingFact in proto3 JSON: %s",
                                                   input::QuoteInput(std::string(s.message()), 200))),
                               "malformed");
  }
  return f;
}

}  // namespace ys::ranking
