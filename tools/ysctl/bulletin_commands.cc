// `ysctl bulletin …`: the quarterly bulletin (通报, §四(四)) from draft to issue and correction, and
// its 督办事项 with the cases rectification opened for them (§四(五) "以一个月为时限").
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/ysctl/document_print.h"
#include "tools/ysctl/document_session.h"
#include "yingshang/rectification/v1/rectification.grpc.pb.h"

namespace ys::ysctl::document_cli {

namespace {

namespace rpb = ::yingshang::rectification::v1;

// The rectification service, where the 督办事项 become cases (as `ysctl cases` reaches it).
constexpr char kCasesService[] = "rectification";
constexpr char kCasesAddress[] = "127.0.0.1:7103";
constexpr pb::DocumentKind kKind = pb::DOCUMENT_KIND_BULLETIN;

void AddRender(CLI::App* bulletin, const std::string& name, pb::RenderFormat format, std::shared_ptr<Args> args,
               std::ostream& out, std::ostream& err, int* exit_code) {
  CLI::App* cmd = AddCommand(bulletin, name, absl::StrFormat("Render a version as .%s", name), kBulletin, args.get());
  cmd->add_option("--version", args->version, "the version (default: the latest)");
  cmd->add_option("--out", args->out_file, "the file (default: the server's file name, here)");
  cmd->add_option("--for", args->extract_for, "a recipient's extract: unit:市商务局 or county:361102");
  cmd->callback([format, args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter, extract_for;
    pb::Document d;
    if (!s.Parsed(ParseQuarter(args->period), &quarter) ||
        !s.Parsed(ParseExtractFor(args->extract_for), &extract_for) || !s.Connect() ||
        !s.Get(kKind, quarter, args->version, &d)) {
      return;
    }
    s.Render(d, format, extract_for);
  });
}

// The latest issued bulletin's items; each case as rectification has it now.
void AddItems(CLI::App* bulletin, std::shared_ptr<Args> args, std::ostream& out, std::ostream& err,
              int* exit_code) {
  CLI::App* items =
      AddCommand(bulletin, "items", "The latest issued bulletin's 督办事项 and their cases", kBulletin, args.get());
  items->add_option("--cases-address", args->cases.address,
                    "rectification service host:port (default: $YS_RECTIFICATION_ADDRESS or 127.0.0.1:7103)");
  items->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    if (!s.Parsed(ParseQuarter(args->period), &quarter) || !s.Connect()) return;
    pb::ListItemsRequest req;
    req.set_kind(kKind);
    req.set_period(quarter);
    pb::ListItemsResponse resp;
    if (!s.Call(&Stub::ListItems, req, &resp)) return;
    args->cases.key = args->client.key;  // the same key, already resolved
    args->cases.tls = args->client.tls;  // and the same TLS settings
    if (absl::Status r = ResolveClient(&args->cases, kCasesService, kCasesAddress); !r.ok()) {
      s.Fail(r);
      return;
    }
    auto cases = rpb::RectificationService::NewStub(args->cases.Channel());
    out << absl::StrFormat("%s  %s  督办事项 %d 项\n", resp.document_id(), resp.number(), resp.items_size());
    int unread = 0;
    for (const pb::SupervisionItem& item : resp.items()) {
      out << "  " << document_print::ItemLine(item) << "\n";
      std::vector<std::string> who;
      if (!item.head().empty()) who.push_back("带班领导 " + item.head());
      if (!item.lead().empty()) who.push_back("领班 " + item.lead());
      if (!who.empty()) out << "     " << absl::StrJoin(who, "，") << "\n";
      if (!item.description().empty()) out << "     " << item.description() << "\n";
      if (item.case_id().empty()) continue;
      rpb::GetCaseRequest get;
      get.set_id(item.case_id());
      rpb::Case c;
      auto ctx = args->cases.Context();
      grpc::Status got = cases->GetCase(ctx.get(), get, &c);
      if (!got.ok()) ++unread;
      out << "     案件 " << document_print::CaseLine(got.ok() ? &c : nullptr, got.error_message()) << "\n";
    }
    // The items are printed either way; a case that could not be read still fails the command.
    if (unread > 0) {
      err << absl::StrFormat("ysctl: %d case(s) could not be read from %s at %s\n", unread, kCasesService,
                             args->cases.address);
      *exit_code = 1;
    }
  });
}

// pick, unpick: the office's choice of 督办事项 on the draft (read, change, SetItems).
void AddPicks(CLI::App* bulletin, std::shared_ptr<Args> args, std::ostream& out, std::ostream& err,
              int* exit_code) {
  CLI::App* pick = AddCommand(bulletin, "pick", "Add a 督办事项 to the draft", kBulletin, args.get());
  pick->add_option("--unit", args->unit, "the responsible unit, e.g. 市商务局")->required();
  pick->add_option("--title", args->title, "what is to be rectified")->required();
  pick->add_option("--indicator", args->indicator, "indicator code, e.g. I05");
  pick->add_option("--region", args->region, "region code, e.g. 361102");
  pick->add_option("--description", args->description, "details");
  pick->add_option("--head", args->head, "带班领导");
  pick->add_option("--lead", args->lead, "领班");
  pick->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    pb::Document d;
    if (!s.Parsed(ParseQuarter(args->period), &quarter) || !s.Connect() || !s.LatestDraft(kKind, quarter, &d)) {
      return;
    }
    std::vector<pb::SupervisionItem> items(d.items().begin(), d.items().end());
    pb::SupervisionItem& item = items.emplace_back();
    item.set_unit(args->unit);
    item.set_title(args->title);
    item.set_indicator_code(args->indicator);
    item.set_region_code(args->region);
    item.set_description(args->description);
    item.set_head(args->head);
    item.set_lead(args->lead);
    s.SetItems(d, items);
  });

  CLI::App* unpick = AddCommand(bulletin, "unpick", "Remove a 督办事项 from the draft", kBulletin, args.get());
  unpick->add_option("--seq", args->seq, "its number in the draft (bulletin show)")->required();
  unpick->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    pb::Document d;
    if (!s.Parsed(ParseQuarter(args->period), &quarter) || !s.Connect() || !s.LatestDraft(kKind, quarter, &d)) {
      return;
    }
    std::vector<pb::SupervisionItem> kept;
    std::vector<int> seqs;
    for (const pb::SupervisionItem& item : d.items()) {
      seqs.push_back(item.seq());
      if (item.seq() != args->seq) kept.push_back(item);
    }
    if (kept.size() == seqs.size()) {
      s.Fail(absl::InvalidArgumentError(absl::StrFormat("--seq %d: %s has no 督办事项 %d (it has: %s)", args->seq,
                                                        d.id(), args->seq,
                                                        seqs.empty() ? "none" : absl::StrJoin(seqs, ", "))));
      return;
    }
    s.SetItems(d, kept);
  });
}

}  // namespace

void AddBulletinCommands(CLI::App& app, std::shared_ptr<Args> args, std::ostream& out, std::ostream& err,
                         int* exit_code) {
  CLI::App* bulletin = app.add_subcommand("bulletin", "The quarterly bulletin (通报, §四(四))");
  bulletin->require_subcommand(1);
  AddDraft(bulletin, kBulletin, args, out, err, exit_code);

  CLI::App* show = AddCommand(bulletin, "show", "A version: state, number, hashes, sections, 督办事项", kBulletin,
                              args.get());
  show->add_option("--version", args->version, "the version (default: the latest)");
  show->add_flag("--sections", args->sections, "every summary line, the tables and charts, the commentary");
  show->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    pb::Document d;
    if (!s.Parsed(ParseQuarter(args->period), &quarter) || !s.Connect() ||
        !s.Get(kKind, quarter, args->version, &d)) {
      return;
    }
    document_print::PrintDocument(out, d, args->sections);
  });

  CLI::App* list = AddCommand(bulletin, "list", "Every version of every bulletin, newest first", kBulletin,
                              args.get(), /*period_required=*/false);
  list->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    if (!args->period.empty() && !s.Parsed(ParseQuarter(args->period), &quarter)) return;
    if (!s.Connect()) return;
    pb::ListDocumentsRequest req;
    req.set_kind(kKind);
    req.set_period(quarter);
    int n = 0;
    do {
      pb::ListDocumentsResponse resp;
      if (!s.Call(&Stub::ListDocuments, req, &resp)) return;
      for (const pb::Document& d : resp.documents()) {
        out << document_print::ListLine(d) << "\n";
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " document(s)\n";
  });

  CLI::App* comment = AddCommand(bulletin, "comment", "Set the office's commentary (按语) on a section of the draft",
                                 kBulletin, args.get());
  comment->add_option("--section", args->section, "the section key: ranks, actions, tasks, reforms, redemptions …")
      ->required();
  comment->add_option("--text", args->text, "the commentary (empty: none)")->required();
  comment->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    pb::Document d;
    if (!s.Parsed(ParseQuarter(args->period), &quarter) || !s.Connect() || !s.LatestDraft(kKind, quarter, &d)) {
      return;
    }
    pb::SetCommentaryRequest req;
    req.set_id(d.id());
    req.set_section_key(args->section);
    req.set_commentary(args->text);
    pb::Document updated;
    if (!s.Call(&Stub::SetCommentary, req, &updated)) return;
    for (const pb::Section& section : updated.content().sections()) {
      if (section.key() != args->section) continue;
      out << absl::StrFormat("%s  [%s] %s\n  按语：%s\n", updated.id(), section.key(), section.title(),
                             section.commentary().empty() ? "—" : section.commentary());
      return;
    }
    out << absl::StrFormat("%s  [%s] 按语已提交（返回的草稿无此章节）\n", updated.id(), args->section);
  });

  AddPicks(bulletin, args, out, err, exit_code);

  CLI::App* issue = AddCommand(bulletin, "issue", "Issue the draft: numbered, hashed, delivered, cases opened",
                               kBulletin, args.get());
  issue->add_option("--number", args->number, "e.g. 2022年第3期 (default: the service's for the quarter)");
  issue->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    pb::Document d;
    if (!s.Parsed(ParseQuarter(args->period), &quarter) || !s.Connect() || !s.Get(kKind, quarter, 0, &d)) return;
    pb::IssueDocumentRequest req;
    req.set_id(d.id());
    req.set_number(args->number);
    pb::Document issued;
    if (!s.Call(&Stub::IssueDocument, req, &issued)) return;
    document_print::PrintSummary(out, issued);
  });

  CLI::App* correct = AddCommand(bulletin, "correct", "Correct the issued bulletin: a new draft version (更正)",
                                 kBulletin, args.get());
  correct->add_option("--reason", args->reason, "why (printed on the correction)")->required();
  correct->callback([args, &out, &err, exit_code] {
    Session s(*args, out, err, exit_code);
    std::string quarter;
    pb::Document d;
    if (absl::StripAsciiWhitespace(args->reason).empty()) {
      s.Fail(absl::InvalidArgumentError("--reason is required: why the bulletin is corrected"));
      return;
    }
    if (!s.Parsed(ParseQuarter(args->period), &quarter) || !s.Connect() || !s.Get(kKind, quarter, 0, &d)) return;
    if (d.state() != pb::DOCUMENT_STATE_ISSUED) {
      s.Fail(absl::FailedPreconditionError(absl::StrFormat(
          "%s, %s's latest version, is a draft: nothing issued to correct (edit it, or issue it)", d.id(), quarter)));
      return;
    }
    pb::CorrectDocumentRequest req;
    req.set_id(d.id());
    req.set_reason(args->reason);
    pb::Document draft;
    if (!s.Call(&Stub::CorrectDocument, req, &draft)) return;
    document_print::PrintSummary(out, draft);
  });

  AddRender(bulletin, "pdf", pb::RENDER_FORMAT_PDF, args, out, err, exit_code);
  AddRender(bulletin, "xlsx", pb::RENDER_FORMAT_XLSX, args, out, err, exit_code);
  AddRender(bulletin, "html", pb::RENDER_FORMAT_HTML, args, out, err, exit_code);
  AddItems(bulletin, args, out, err, exit_code);
}

}  // namespace ys::ysctl::document_cli
