#include "tools/ysctl/document_commands.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "tools/ysctl/document_print.h"
#include "tools/ysctl/document_session.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::notify::v1;
using document_cli::Args;
using document_cli::Session;

void AddDispatchCommands(CLI::App& app, std::shared_ptr<Args> args, std::ostream& out, std::ostream& err,
                         int* exit_code) {
  CLI::App* dispatch = app.add_subcommand("dispatch", "The monthly dispatch pack (调度会材料, §四(三))");
  dispatch->require_subcommand(1);
  document_cli::AddDraft(dispatch, document_cli::kDispatch, args, out, err, exit_code);

  CLI::App* render =
      document_cli::AddCommand(dispatch, "render",
                               "Render the month's pack (re-drafted now, unless its latest version is issued)",
                               document_cli::kDispatch, args.get());
  render->add_option("--format", args->format, "pdf (default), xlsx or html");
  render->add_option("--out", args->out_file, "the file (default: the server's file name, here)");
  render->add_option("--for", args->extract_for, "a recipient's extract: unit:市商务局 or county:361102");
  render->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string month, extract_for;
    pb::RenderFormat format = pb::RENDER_FORMAT_PDF;
    if (!s.Parsed(document_cli::ParseMonth(args->period), &month) ||
        !s.Parsed(document_cli::ParseFormat(args->format), &format) ||
        !s.Parsed(document_cli::ParseExtractFor(args->extract_for), &extract_for) || !s.Connect()) {
      return;
    }
    // An issued pack is the record and is rendered as issued; otherwise the draft is brought up to date.
    pb::Document d;
    grpc::Status got = s.RawGet(pb::DOCUMENT_KIND_DISPATCH_PACK, month, 0, &d);
    if (!got.ok() && got.error_code() != grpc::StatusCode::NOT_FOUND) return ReportError(err, got, exit_code);
    if (!got.ok() || d.state() != pb::DOCUMENT_STATE_ISSUED) {
      if (!s.Draft(pb::DOCUMENT_KIND_DISPATCH_PACK, month, std::nullopt, &d)) return;
    }
    out << absl::StrFormat("%s  %s%s\n", d.id(), document_print::StateName(d.state()),
                           d.number().empty() ? "" : "  " + d.number());
    s.Render(d, format, extract_for);
  });
}

}  // namespace

void AddDocumentCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  auto args = std::make_shared<Args>();
  AddDispatchCommands(app, args, out, err, exit_code);
  document_cli::AddBulletinCommands(app, args, out, err, exit_code);
}

}  // namespace ys::ysctl
