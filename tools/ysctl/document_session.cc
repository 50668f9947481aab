#include "tools/ysctl/document_session.h"

#include "absl/strings/str_format.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/document_print.h"
#include "tools/ysctl/notify_commands.h"

namespace ys::ysctl::document_cli {

bool Session::Fail(const absl::Status& s) {
  ReportError(err_, s, exit_code_);
  return false;
}

bool Session::CutOff(std::optional<absl::Time>* cut_off) {
  if (args_.cut_off.empty()) return true;
  absl::Time t;
  if (!Parsed(ParseCutOff(args_.cut_off), &t)) return false;
  *cut_off = t;
  return true;
}

bool Session::Connect() {
  absl::Status s = ResolveClient(&args_.client, notify_cli::kService, notify_cli::kDefaultAddress);
  if (!s.ok()) return Fail(s);
  stub_ = pb::DocumentService::NewStub(args_.client.Channel());
  return true;
}

grpc::Status Session::RawGet(pb::DocumentKind kind, const std::string& period, int version, pb::Document* d) {
  pb::GetDocumentRequest req;
  req.set_kind(kind);
  req.set_period(period);
  req.set_version(version);
  return Raw(&Stub::GetDocument, req, d);
}

bool Session::Get(pb::DocumentKind kind, const std::string& period, int version, pb::Document* d) {
  grpc::Status s = RawGet(kind, period, version, d);
  if (!s.ok()) ReportError(err_, s, exit_code_);
  return s.ok();
}

bool Session::LatestDraft(pb::DocumentKind kind, const std::string& period, pb::Document* d) {
  if (!Get(kind, period, 0, d)) return false;
  if (d->state() == pb::DOCUMENT_STATE_DRAFT) return true;
  return Fail(absl::FailedPreconditionError(absl::StrFormat(
      "%s, %s's latest version, is issued (%s) and cannot change: correct it first (ysctl bulletin correct "
      "--quarter %s --reason …)",
      d->id(), period, d->number(), period)));
}

bool Session::Draft(pb::DocumentKind kind, const std::string& period, const std::optional<absl::Time>& cut_off,
                    pb::Document* d) {
  pb::DraftDocumentRequest req;
  req.set_kind(kind);
  req.set_period(period);
  if (cut_off.has_value()) *req.mutable_cut_off() = ToProtoTime(*cut_off);
  return Call(&Stub::DraftDocument, req, d);
}

bool Session::Render(const pb::Document& d, pb::RenderFormat format, const std::string& extract_for) {
  pb::RenderDocumentRequest req;
  req.set_id(d.id());
  req.set_format(format);
  req.set_extract_for(extract_for);
  pb::RenderDocumentResponse resp;
  if (!Call(&Stub::RenderDocument, req, &resp)) return false;
  std::string line;
  const std::string path = OutputPath(args_.out_file, resp.file_name(), d.id(), extract_for, format);
  if (!Parsed(WriteRendered(resp, path), &line)) return false;
  out_ << line << "\n";
  return true;
}

bool Session::SetItems(const pb::Document& draft, const std::vector<pb::SupervisionItem>& items) {
  pb::SetItemsRequest req;
  req.set_id(draft.id());
  for (const pb::SupervisionItem& item : items) *req.add_items() = item;
  pb::Document d;
  if (!Call(&Stub::SetItems, req, &d)) return false;
  out_ << absl::StrFormat("%s  督办事项 %d 项\n", d.id(), d.items_size());
  for (const pb::SupervisionItem& item : d.items()) out_ << "  " << document_print::ItemLine(item) << "\n";
  return true;
}

CLI::App* AddCommand(CLI::App* parent, const std::string& name, const std::string& help, const KindSpec& spec,
                     Args* args, bool period_required) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  CLI::Option* period = cmd->add_option(spec.flag, args->period, spec.help);
  if (period_required) period->required();
  AddClientFlags(cmd, &args->client, notify_cli::kService, notify_cli::kDefaultAddress);
  return cmd;
}

void AddDraft(CLI::App* parent, const KindSpec& spec, std::shared_ptr<Args> args, std::ostream& out,
              std::ostream& err, int* exit_code) {
  CLI::App* draft = AddCommand(parent, "draft", "Assemble (or re-assemble) the draft; keeps commentary and 督办事项",
                               spec, args.get());
  draft->add_option("--cut-off", args->cut_off,
                    "data as of: RFC 3339, or \"2022-10-08 18:00\" (Asia/Shanghai); default now");
  draft->callback([spec, args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string period;
    std::optional<absl::Time> cut_off;
    pb::Document d;
    if (!s.Parsed(spec.parse(args->period), &period) || !s.CutOff(&cut_off) || !s.Connect() ||
        !s.Draft(spec.kind, period, cut_off, &d)) {
      return;
    }
    document_print::PrintSummary(out, d);
  });
}

}  // namespace ys::ysctl::document_cli
