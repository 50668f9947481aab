#include "tools/ysctl/notify_commands.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "tools/ysctl/duty_cli.h"
#include "tools/ysctl/notify_print.h"
#include "yingshang/notify/v1/notify.grpc.pb.h"

namespace ys::ysctl {

namespace notify_cli {

absl::StatusOr<absl::Duration> ParseEndsIn(const std::string& text) {
  absl::string_view days = text;
  int64_t n = 0;
  if (absl::ConsumeSuffix(&days, "d") && absl::SimpleAtoi(days, &n) && n > 0) return absl::Hours(24 * n);
  absl::Duration d;
  if (absl::ParseDuration(text, &d) && d > absl::ZeroDuration()) return d;
  return absl::InvalidArgumentError(
      absl::StrFormat("--ends-in %s is not a duration (e.g. 2h, 90m, 1h30m, 7d)", text));
}

absl::StatusOr<absl::Time> ParseUntil(const std::string& text) {
  absl::Time t;
  std::string ignored;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &ignored)) return t;
  if (absl::ParseTime("%Y-%m-%d %H:%M", text, Shanghai(), &t, &ignored)) return t;
  return absl::InvalidArgumentError(absl::StrFormat(
      "--until %s is not a time (RFC 3339, e.g. 2022-10-17T18:00:00+08:00, or \"2022-10-17 18:00\" in "
      "Asia/Shanghai)", text));
}

}  // namespace notify_cli

namespace {

namespace pb = ::yingshang::notify::v1;
using notify_cli::kDefaultAddress;
using notify_cli::kService;

}  // namespace

void AddNotifyCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string notification, recipient, event, state, type, ends_in, until, comment, id, file, kind;
    std::vector<std::string> ids, matchers, labels;
    bool unread = false, all = false, include_expired = false, dry_run = false, retired = false;
  };
  auto args = std::make_shared<Args>();
  auto stub = [args] { return pb::NotifyService::NewStub(args->client.Channel()); };
  auto resolve = [args, &err, exit_code] {
    absl::Status s = ResolveClient(&args->client, kService, kDefaultAddress);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };

  CLI::App* notify = app.add_subcommand("notify", "Notifications: delivery history, inbox, silences, recipients");
  notify->require_subcommand(1);

  // --- the history ---
  CLI::App* history = notify->add_subcommand("history", "Deliveries with every attempt, newest first");
  history->add_option("--notification", args->notification, "one notification, e.g. N-12");
  history->add_option("--recipient", args->recipient, "one recipient, e.g. unit:市商务局 (a unit key: its own)");
  history->add_option("--event", args->event, "every delivery one event (ce_id) caused");
  history->add_option("--state", args->state,
                      "pending, held, sending, delivered, failed, dead or failed_over (dead: the dead letters)");
  AddClientFlags(history, &args->client, kService, kDefaultAddress);
  history->callback([args, stub, resolve, &out, &err, exit_code] {
    pb::ListDeliveriesRequest req;
    if (!args->state.empty()) {
      const int state = duty_cli::CheckChoice("--state", args->state, notify_print::StateWords(), err, exit_code);
      if (state < 0) return;
      req.set_state(static_cast<pb::DeliveryState>(state + 1));
    }
    if (!resolve()) return;
    req.set_notification_id(args->notification);
    req.set_recipient_id(args->recipient);
    req.set_event_id(args->event);
    int n = 0;
    do {
      pb::ListDeliveriesResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListDeliveries(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& d : resp.deliveries()) {
        notify_print::PrintDelivery(out, d);
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " delivery(ies)\n";
  });

  CLI::App* notifications = notify->add_subcommand("notifications", "Notifications sent, held or silenced, newest first");
  notifications->add_option("--recipient", args->recipient, "those a recipient was among the receivers of");
  notifications->add_option("--type", args->type, "event type, e.g. ranking_alert, case_overdue, duty_reminder");
  notifications->add_option("--event", args->event, "one event (ce_id)");
  AddClientFlags(notifications, &args->client, kService, kDefaultAddress);
  notifications->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListNotificationsRequest req;
    req.set_recipient_id(args->recipient);
    req.set_event_type(args->type);
    req.set_event_id(args->event);
    int n = 0;
    do {
      pb::ListNotificationsResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListNotifications(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& item : resp.notifications()) {
        notify_print::PrintNotification(out, item);
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " notification(s)\n";
  });

  // --- the inbox ---
  CLI::App* inbox = notify->add_subcommand("inbox", "An in-app inbox, newest first (● unread)");
  inbox->add_option("--recipient", args->recipient, "whose (office; default its own); a unit key reads its own");
  inbox->add_flag("--unread", args->unread, "unread items only");
  AddClientFlags(inbox, &args->client, kService, kDefaultAddress);
  inbox->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListInboxRequest req;
    req.set_recipient_id(args->recipient);
    req.set_unread_only(args->unread);
    int n = 0, unread = 0;
    do {
      pb::ListInboxResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListInbox(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& item : resp.items()) {
        out << notify_print::InboxLine(item) << "\n";
        ++n;
      }
      unread = resp.unread();
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << absl::StrFormat("%d item(s), %d unread\n", n, unread);
  });

  CLI::App* read = notify->add_subcommand("read", "Mark inbox items read");
  read->add_option("ID", args->ids, "inbox item ids");
  read->add_flag("--all", args->all, "every unread item");
  read->add_option("--recipient", args->recipient, "whose inbox (office); a unit key marks its own");
  AddClientFlags(read, &args->client, kService, kDefaultAddress);
  read->callback([args, stub, resolve, &out, &err, exit_code] {
    if (args->all == !args->ids.empty()) {
      err << "ysctl: give inbox item ids, or --all\n";
      *exit_code = 2;
      return;
    }
    if (!resolve()) return;
    pb::MarkReadRequest req;
    req.set_recipient_id(args->recipient);
    for (const std::string& id : args->ids) req.add_ids(id);
    req.set_all(args->all);
    pb::MarkReadResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->MarkRead(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << absl::StrFormat("%d item(s) marked read\n", resp.marked());
  });

  // --- silences ---
  CLI::App* silence = notify->add_subcommand("silence", "Silences: \"not now\" for the events matchers select (office)");
  silence->require_subcommand(1);
  CLI::App* add = silence->add_subcommand("add", "Silence matching events until a time (at most 30 days by default)");
  add->add_option("--matcher", args->matchers, "label matcher, repeatable: unit=市商务局, indicator=~I0[1-3]")
      ->required();
  auto* until = add->add_option_group("end");
  until->add_option("--ends-in", args->ends_in, "from now: 2h, 90m, 7d");
  until->add_option("--until", args->until, "RFC 3339, or \"2022-10-17 18:00\" (Asia/Shanghai)");
  until->require_option(1);
  add->add_option("--comment", args->comment, "why (required: whoever finds it must know whether it may end)")
      ->required();
  AddClientFlags(add, &args->client, kService, kDefaultAddress);
  add->callback([args, stub, resolve, &out, &err, exit_code] {
    pb::CreateSilenceRequest req;
    const absl::Time now = absl::Now();
    if (!args->ends_in.empty()) {
      absl::StatusOr<absl::Duration> d = notify_cli::ParseEndsIn(args->ends_in);
      if (!d.ok()) return ReportError(err, d.status(), exit_code);
      *req.mutable_ends_at() = ToProtoTime(now + *d);
    } else {
      absl::StatusOr<absl::Time> t = notify_cli::ParseUntil(args->until);
      if (!t.ok()) return ReportError(err, t.status(), exit_code);
      *req.mutable_ends_at() = ToProtoTime(*t);
    }
    if (!resolve()) return;
    for (const std::string& m : args->matchers) req.add_matchers(m);
    req.set_comment(args->comment);
    pb::Silence resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->CreateSilence(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << notify_print::SilenceLine(resp, ToProtoTime(now)) << "\n";
  });

  CLI::App* silences = silence->add_subcommand("list", "Silences in force or pending, by end; --all: ended ones too");
  silences->add_flag("--all", args->include_expired, "ended silences too");
  AddClientFlags(silences, &args->client, kService, kDefaultAddress);
  silences->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ListSilencesRequest req;
    req.set_include_expired(args->include_expired);
    const google::protobuf::Timestamp now = ToProtoTime(absl::Now());
    int n = 0;
    do {
      pb::ListSilencesResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListSilences(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& one : resp.silences()) {
        out << notify_print::SilenceLine(one, now) << "\n";
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " silence(s)\n";
  });

  CLI::App* expire = silence->add_subcommand("expire", "End a silence now");
  expire->add_option("ID", args->id, "e.g. S-3")->required();
  AddClientFlags(expire, &args->client, kService, kDefaultAddress);
  expire->callback([args, stub, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    pb::ExpireSilenceRequest req;
    req.set_id(args->id);
    pb::Silence resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ExpireSilence(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << notify_print::SilenceLine(resp, ToProtoTime(absl::Now())) << "\n";
  });

  // --- route tests ---
  CLI::App* test = notify->add_subcommand("test", "Where an event with these labels would go, and why (sends nothing)");
  test->add_option("LABEL", args->labels, "key=value, e.g. event_type=ranking_alert severity=critical unit=市商务局")
      ->required();
  AddClientFlags(test, &args->client, kService, kDefaultAddress);
  test->callback([args, stub, resolve, &out, &err, exit_code] {
    pb::TestRouteRequest req;
    for (const std::string& label : args->labels) {
      std::pair<std::string, std::string> kv = absl::StrSplit(label, absl::MaxSplits('=', 1));
      if (kv.first.empty() || label.find('=') == std::string::npos) {
        err << "ysctl: " << label << " is not key=value\n";
        *exit_code = 2;
        return;
      }
      (*req.mutable_labels())[kv.first] = kv.second;
    }
    if (!resolve()) return;
    pb::TestRouteResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->TestRoute(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    notify_print::PrintTestRoute(out, resp);
  });

  // --- recipients ---
  CLI::App* recipients = notify->add_subcommand("recipients", "Who notify tells: the catalog's and the office's file");
  recipients->require_subcommand(1);
  CLI::App* import = recipients->add_subcommand("import", "Import the office's recipients YAML (office)");
  import->add_option("FILE", args->file, "e.g. data/notify/recipients.sample.yaml")->required();
  import->add_flag("--dry-run", args->dry_run, "validate and show the changes; apply nothing");
  AddClientFlags(import, &args->client, kService, kDefaultAddress);
  import->callback([args, stub, resolve, &out, &err, exit_code] {
    pb::ImportRecipientsRequest req;
    if (!duty_cli::ReadWholeFile(args->file, req.mutable_yaml(), err, exit_code)) return;
    if (!resolve()) return;
    req.set_file_name(args->file);
    req.set_validate_only(args->dry_run);
    pb::ImportRecipientsResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub()->ImportRecipients(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << args->file << ":\n";
    for (const auto& c : resp.changes()) out << "  " << c << "\n";
    out << (resp.changes().empty() ? std::string("no changes") : absl::StrFormat("%d change(s)", resp.changes_size()))
        << "\n";
    out << absl::StrFormat("%s: %d recipient(s) in force\n", resp.applied() ? "applied" : "nothing applied",
                           resp.recipients());
  });

  CLI::App* show = recipients->add_subcommand("show", "The recipients in force, by id, with their channels");
  show->add_option("--kind", args->kind,
                   "unit, head, lead, county, office, centre, government_body or publication");
  show->add_flag("--retired", args->retired, "stored ones the catalog no longer has too");
  AddClientFlags(show, &args->client, kService, kDefaultAddress);
  show->callback([args, stub, resolve, &out, &err, exit_code] {
    pb::ListRecipientsRequest req;
    if (!args->kind.empty()) {
      const int kind = duty_cli::CheckChoice("--kind", args->kind, notify_print::KindWords(), err, exit_code);
      if (kind < 0) return;
      req.set_kind(static_cast<pb::RecipientKind>(kind + 1));
    }
    if (!resolve()) return;
    req.set_include_retired(args->retired);
    int n = 0;
    do {
      pb::ListRecipientsResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub()->ListRecipients(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      for (const auto& r : resp.recipients()) {
        notify_print::PrintRecipient(out, r);
        ++n;
      }
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << n << " recipient(s)\n";
  });
}

}  // namespace ys::ysctl
