#include "tools/ysctl/ranking_import.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/input/text_rules.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::ranking::v1;

// A value in a message: quoted, escaped and cut (common/input).
std::string Quote(absl::string_view value) { return input::QuoteInput(value, 60); }

// One record (10 fields, trimmed) as a fact; an error names the column.
absl::StatusOr<pb::RankingFact> FactFromRecord(const std::vector<std::string>& c) {
  pb::RankingFact f;
  f.set_period(c[0]);
  if (c[1] == "city") {
    f.set_scope(pb::SCOPE_CITY);
  } else if (c[1] == "county") {
    f.set_scope(pb::SCOPE_COUNTY);
  } else {
    return absl::InvalidArgumentError("scope must be city or county, got " + Quote(c[1]));
  }
  f.set_indicator_code(c[2]);
  f.set_region_code(c[3]);
  int rank = 0, total = 0;
  if (!absl::SimpleAtoi(c[4], &rank)) return absl::InvalidArgumentError("rank " + Quote(c[4]) + " is not a number");
  if (!absl::SimpleAtoi(c[5], &total)) return absl::InvalidArgumentError("total " + Quote(c[5]) + " is not a number");
  f.set_rank(rank);
  f.set_total(total);
  if (!c[6].empty()) {
    double score = 0;
    if (!absl::SimpleAtod(c[6], &score) || !std::isfinite(score)) {
      return absl::InvalidArgumentError("score " + Quote(c[6]) + " is not a number");
    }
    f.set_score(score);
  }
  f.set_source(c[7]);
  static const auto* const kEvaluations = new std::map<std::string, pb::Evaluation, std::less<>>{
      {"official", pb::EVALUATION_OFFICIAL},
      {"third_party", pb::EVALUATION_THIRD_PARTY},
      {"enterprise", pb::EVALUATION_ENTERPRISE},
      {"department", pb::EVALUATION_DEPARTMENT}};
  auto e = kEvaluations->find(c[8]);
  if (e == kEvaluations->end()) {
    return absl::InvalidArgumentError("evaluation must be official, third_party, enterprise or department, got " +
                                      Quote(c[8]));
  }
  f.set_evaluation(e->second);
  int64_t revision = 1;
  if (!c[9].empty() && !absl::SimpleAtoi(c[9], &revision)) {
    return absl::InvalidArgumentError("revision " + Quote(c[9]) + " is not a number");
  }
  f.set_revision(revision);
  return f;
}

// "line 7" or "lines 2-1201".
std::string Lines(int first, int last) {
  return first == last ? absl::StrFormat("line %d", first) : absl::StrFormat("lines %d-%d", first, last);
}

// Whether the server may have committed some of a call that failed this way: the transport broke or
// the time ran out, possibly after (or while) the server read the facts it had and stored them.
// Any other code is the server's answer before it stored anything.
bool MayHaveStored(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return true;
    default:
      return false;
  }
}

std::string CodeName(grpc::StatusCode code) {
  // gRPC and absl status codes share their numbers.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace

RankingCsv ParseRankingCsv(absl::string_view text, CsvOptions options) {
  const std::vector<std::string> header = absl::StrSplit(kRankingCsvHeader, ',');
  options.fields = header.size();
  CsvFile csv = ReadCsv(text, options);
  RankingCsv out;
  out.problems = std::move(csv.problems);
  for (auto& record : csv.records) {
    for (auto& field : record.fields) absl::StripAsciiWhitespace(&field);
  }
  auto record = csv.records.begin();
  // The header is the first record, unless the first record had a problem (already reported).
  const bool first_is_well_formed =
      record != csv.records.end() && (out.problems.empty() || out.problems.front().line > record->line);
  if (first_is_well_formed) {
    if (record->fields != header) {
      out.problems.insert(out.problems.begin(),
                          {record->line, absl::StrFormat("the first line must be the header %s", kRankingCsvHeader)});
    }
    ++record;
  } else if (csv.records.empty() && out.problems.empty()) {
    out.problems.push_back({1, absl::StrFormat("the file is empty; the first line must be the header %s",
                                               kRankingCsvHeader)});
  }
  std::vector<CsvProblem> fact_problems;
  for (; record != csv.records.end(); ++record) {
    if (std::all_of(record->fields.begin(), record->fields.end(), [](const std::string& f) { return f.empty(); })) {
      continue;
    }
    absl::StatusOr<pb::RankingFact> fact = FactFromRecord(record->fields);
    if (!fact.ok()) {
      fact_problems.push_back({record->line, std::string(fact.status().message())});
      continue;
    }
    out.facts.push_back(*std::move(fact));
    out.lines.push_back(record->line);
  }
  // Both lists are in file order; one list in file order reads best.
  std::vector<CsvProblem> all;
  std::merge(out.problems.begin(), out.problems.end(), fact_problems.begin(), fact_problems.end(),
             std::back_inserter(all), [](const CsvProblem& a, const CsvProblem& b) { return a.line < b.line; });
  out.problems = std::move(all);
  return out;
}

ImportReport ReportImport(const std::vector<int>& lines, const std::vector<SubmitCall>& calls, bool dry_run) {
  ImportReport report;
  if (lines.empty()) {
    report.text = "no facts after the header: nothing sent\n";
    return report;
  }
  std::map<pb::SubmitResult::Outcome, int> outcomes;
  int rejected = 0;
  int unanswered = 0;  // cannot happen: the server answers every fact it read
  size_t done = 0;   // facts [0, done) went in calls that succeeded
  const SubmitCall* failed = nullptr;
  for (const SubmitCall& call : calls) {
    if (!call.status.ok()) {
      failed = &call;
      break;
    }
    std::vector<const pb::SubmitResult*> result_of(call.end - call.first, nullptr);
    for (const pb::SubmitResult& r : call.response.results()) {
      if (r.index() >= 0 && static_cast<size_t>(r.index()) < result_of.size()) result_of[r.index()] = &r;
    }
    for (size_t k = 0; k < result_of.size(); ++k) {
      const pb::SubmitResult* r = result_of[k];
      const int line = lines[call.first + k];
      if (r == nullptr) {
        // A fact the server did not answer it did not read, so did not store.
        absl::StrAppendFormat(&report.text, "line %d: not applied: the server returned no result for it\n", line);
        ++unanswered;
      } else if (r->outcome() == pb::SubmitResult::OUTCOME_REJECTED) {
        absl::StrAppendFormat(&report.text, "line %d: rejected%s: %s\n", line,
                              r->code().empty() ? "" : " (" + r->code() + ")", r->error());
        ++rejected;
      } else {
        ++outcomes[r->outcome()];
      }
    }
    done = call.end;
  }

  std::vector<std::string> summary;
  const int left_out = rejected + unanswered;
  const size_t applied = done - static_cast<size_t>(left_out);
  std::string head = dry_run ? "dry run, nothing stored: would apply " : "applied ";
  if (applied == lines.size()) {
    absl::StrAppendFormat(&head, "all %d facts", lines.size());
  } else {
    absl::StrAppendFormat(&head, "%d of %d facts", applied, lines.size());
  }
  if (done > 0) {
    absl::StrAppend(&head, ", ", Lines(lines.front(), lines[done - 1]));
    if (left_out > 0) absl::StrAppendFormat(&head, " except the %d listed above", left_out);
    absl::StrAppendFormat(&head, " (%d new, %d superseding, %d unchanged, %d older revisions kept)",
                          outcomes[pb::SubmitResult::OUTCOME_NEW], outcomes[pb::SubmitResult::OUTCOME_SUPERSEDES],
                          outcomes[pb::SubmitResult::OUTCOME_UNCHANGED], outcomes[pb::SubmitResult::OUTCOME_OLDER]);
  }
  summary.push_back(head);
  if (rejected > 0) summary.push_back(absl::StrFormat("%d %s", rejected, dry_run ? "would be rejected" : "rejected"));
  if (unanswered > 0) summary.push_back(absl::StrFormat("%d without a result", unanswered));
  if (left_out > 0) report.exit_code = 1;
  if (failed != nullptr) {
    const std::string range = Lines(lines[failed->first], lines[failed->end - 1]);
    const std::string why = absl::StrFormat("the Submit call failed (%s: %s)", CodeName(failed->status.error_code()),
                                            failed->status.error_message());
    if (MayHaveStored(failed->status.error_code()) && !dry_run) {
      absl::StrAppendFormat(&report.text,
                            "%s: unknown whether applied: %s, and the server may have stored some or all of "
                            "them first; importing the same file again is safe (a fact already stored comes "
                            "back unchanged)\n",
                            range, why);
      summary.push_back(range + " unknown");
    } else if (dry_run) {
      absl::StrAppendFormat(&report.text, "%s: not checked: %s\n", range, why);
      summary.push_back(range + " not checked");
    } else {
      absl::StrAppendFormat(&report.text,
                            "%s: not applied: %s; the server stores the facts of a call together or none "
                            "of them\n",
                            range, why);
      summary.push_back(range + " not applied");
    }
    if (failed->end < lines.size()) {
      const std::string unsent = Lines(lines[failed->end], lines.back());
      absl::StrAppendFormat(&report.text, "%s: not sent\n", unsent);
      summary.push_back(unsent + " not sent");
    }
    report.exit_code = failed->status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 2 : 1;
  }
  report.text += absl::StrJoin(summary, "; ") + "\n";
  return report;
}

}  // namespace ys::ysctl
