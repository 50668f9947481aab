#pragma once

// Internal to the document commands (document_commands.cc, bulletin_commands.cc): their shared flags,
// and one command's conversation with notify's DocumentService.

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/ysctl/client.h"
#include "tools/ysctl/document_commands.h"
#include "yingshang/notify/v1/documents.grpc.pb.h"

namespace ys::ysctl::document_cli {

using Stub = pb::DocumentService::Stub;

// Every document command's flags; one subcommand runs, so they share the fields.
struct Args {
  ClientOptions client;
  ClientOptions cases;  // `bulletin items`: the rectification service
  std::string period, cut_off, format = "pdf", out_file, extract_for, section, text, unit, title, indicator,
      region, description, head, lead, number, reason;
  int version = 0, seq = 0;
  bool sections = false;
};

// How a tree names its period: the dispatch pack by --month, the bulletin by --quarter.
struct KindSpec {
  pb::DocumentKind kind;
  const char* flag;
  const char* help;
  absl::StatusOr<std::string> (*parse)(const std::string&);
};

inline constexpr KindSpec kDispatch{pb::DOCUMENT_KIND_DISPATCH_PACK, "--month", "the month, e.g. 2022-09",
                                    &ParseMonth};
inline constexpr KindSpec kBulletin{pb::DOCUMENT_KIND_BULLETIN, "--quarter", "the quarter, e.g. 2022Q3",
                                    &ParseQuarter};

// One command's conversation with DocumentService. Each failure is printed once (ReportError: one
// line; exit code 2 for a bad flag or INVALID_ARGUMENT, 1 otherwise) and answered as false.
class Session {
 public:
  Session(Args& args, std::ostream& out, std::ostream& err, int* exit_code)
      : args_(args), out_(out), err_(err), exit_code_(exit_code) {}

  bool Fail(const absl::Status& s);
  template <typename T>
  bool Parsed(absl::StatusOr<T> v, T* value) {
    if (!v.ok()) return Fail(v.status());
    *value = *std::move(v);
    return true;
  }
  // --cut-off, when given.
  bool CutOff(std::optional<absl::Time>* cut_off);
  // Resolves the address and the key (as `ysctl notify`); false after printing why.
  bool Connect();

  template <typename Req, typename Resp>
  grpc::Status Raw(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                   Resp* resp) {
    auto ctx = args_.client.Context();
    return (stub_.get()->*method)(ctx.get(), req, resp);
  }
  template <typename Req, typename Resp>
  bool Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req, Resp* resp) {
    grpc::Status s = Raw(method, req, resp);
    if (!s.ok()) ReportError(err_, s, exit_code_);
    return s.ok();
  }

  // GetDocument by kind and period; version 0 is the latest.
  grpc::Status RawGet(pb::DocumentKind kind, const std::string& period, int version, pb::Document* d);
  bool Get(pb::DocumentKind kind, const std::string& period, int version, pb::Document* d);
  // The latest version, which must be the draft: what the office edits (an issued one is immutable).
  bool LatestDraft(pb::DocumentKind kind, const std::string& period, pb::Document* d);
  bool Draft(pb::DocumentKind kind, const std::string& period, const std::optional<absl::Time>& cut_off,
             pb::Document* d);
  // Renders `d` and writes the file (--out, or the server's file name here); prints the "wrote" line.
  bool Render(const pb::Document& d, pb::RenderFormat format, const std::string& extract_for);
  // Replaces the draft's 督办事项 and prints them as the service numbered them.
  bool SetItems(const pb::Document& draft, const std::vector<pb::SupervisionItem>& items);

 private:
  Args& args_;
  std::ostream& out_;
  std::ostream& err_;
  int* exit_code_;
  std::unique_ptr<Stub> stub_;
};

// A subcommand with the tree's period flag (required unless said) and the client flags.
CLI::App* AddCommand(CLI::App* parent, const std::string& name, const std::string& help, const KindSpec& spec,
                     Args* args, bool period_required = true);
// `draft`: DraftDocument, then the summary.
void AddDraft(CLI::App* parent, const KindSpec& spec, std::shared_ptr<Args> args, std::ostream& out,
              std::ostream& err, int* exit_code);
// The `bulletin` tree (bulletin_commands.cc).
void AddBulletinCommands(CLI::App& app, std::shared_ptr<Args> args, std::ostream& out, std::ostream& err,
                         int* exit_code);

}  // namespace ys::ysctl::document_cli
