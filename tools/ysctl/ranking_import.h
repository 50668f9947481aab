#pragma once

// `ysctl rankings import`: a ranking CSV read into facts, each with the file line it starts on, and
// the report of what the Submit calls did with them, line by line. Pure: no I/O.
//
// A file with any problem is refused whole: nothing is sent. Otherwise its facts go in Submit calls
// of at most kFactsPerSubmitCall. The server stores the accepted facts of one call in one
// transaction and refuses a call whole when it fails, so a file of up to that many facts is applied
// whole, less the facts it rejects one by one; a longer one is applied call by call, and the report
// names the lines of each.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "tools/ysctl/csv.h"
#include "yingshang/ranking/v1/ingest.pb.h"

namespace ys::ysctl {

inline constexpr char kRankingCsvHeader[] =
    "period,scope,indicator,region,rank,total,score,source,evaluation,revision";

// RankingIngestImpl::kMaxFactsPerCall (services/ranking/ingest_service.h): the most one call takes.
inline constexpr size_t kFactsPerSubmitCall = 50'000;

struct RankingCsv {
  std::vector<yingshang::ranking::v1::RankingFact> facts;
  std::vector<int> lines;            // lines[i]: the file line facts[i] starts on
  std::vector<CsvProblem> problems;  // in file order; any one refuses the file
};

// The header line first, then a fact a record. A record of empty fields only (a spreadsheet's
// empty row) is skipped. `options.fields` is set to the header's 10.
RankingCsv ParseRankingCsv(absl::string_view text, CsvOptions options = {});

// What one Submit call did with facts [first, end).
struct SubmitCall {
  size_t first = 0;
  size_t end = 0;
  grpc::Status status;
  yingshang::ranking::v1::SubmitResponse response;  // when status is OK
};

struct ImportReport {
  std::string text;
  int exit_code = 0;  // 0; 1 when a fact was rejected or a call failed; 2 when the call was INVALID_ARGUMENT
};

// `lines` as RankingCsv::lines; `calls` in order from fact 0, each but the last OK; the facts after
// the last call were not sent.
ImportReport ReportImport(const std::vector<int>& lines, const std::vector<SubmitCall>& calls, bool dry_run);

}  // namespace ys::ysctl
