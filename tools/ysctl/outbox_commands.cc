#include "tools/ysctl/outbox_commands.h"

#include <map>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"
#include "tools/ysctl/client.h"
#include "yingshang/admin/v1/outbox.grpc.pb.h"

namespace ys::ysctl {
namespace {

namespace pb = ::yingshang::admin::v1;

// Every service serves OutboxAdmin on its own port; --service picks that port (or
// $YS_<SERVICE>_ADDRESS), --address any.
const std::map<std::string, std::string>& DefaultAddresses() {
  static const auto* const addresses = new std::map<std::string, std::string>{
      {"indicator", "127.0.0.1:7101"}, {"ranking", "127.0.0.1:7102"}, {"rectification", "127.0.0.1:7103"}};
  return *addresses;
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTime(t), Shanghai());
}

}  // namespace

void AddOutboxCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    ClientOptions client;
    std::string service;
    std::vector<int64_t> ids;
    bool all = false;
  };
  auto args = std::make_shared<Args>();
  // The address and key, or false after reporting why not.
  auto resolve = [args, &err, exit_code] {
    if (args->client.address.empty() && args->service.empty()) {
      err << "ysctl: name the service: --service indicator|ranking|rectification, or --address HOST:PORT\n";
      *exit_code = 2;
      return false;
    }
    std::string service = args->service.empty() ? "outbox" : args->service;
    std::string address;
    if (!args->service.empty()) address = DefaultAddresses().at(args->service);
    absl::Status s = ResolveClient(&args->client, service, address);
    if (!s.ok()) ReportError(err, s, exit_code);
    return s.ok();
  };
  auto add_flags = [args](CLI::App* cmd) {
    std::vector<std::string> names;
    for (const auto& [name, address] : DefaultAddresses()) names.push_back(name);
    cmd->add_option("--service", args->service, "the service whose outbox (its default address)")
        ->check(CLI::IsMember(names));
    cmd->add_option("--address", args->client.address, "host:port of the service (instead of --service)");
    cmd->add_option("--key", args->client.key,
                    "API key, office role (default: $YS_API_KEY or var/keys/office.key written by make up)");
  };

  CLI::App* outbox = app.add_subcommand("outbox", "Outbox rows Kafka refused for good (parked)");
  outbox->require_subcommand(1);

  CLI::App* parked = outbox->add_subcommand("parked", "List a service's parked outbox rows, in id order");
  add_flags(parked);
  parked->callback([args, resolve, &out, &err, exit_code] {
    if (!resolve()) return;
    auto stub = pb::OutboxAdmin::NewStub(args->client.Channel());
    pb::ListParkedRequest req;
    int64_t total = 0;
    bool header = false;
    do {
      pb::ListParkedResponse resp;
      auto ctx = args->client.Context();
      grpc::Status s = stub->ListParked(ctx.get(), req, &resp);
      if (!s.ok()) return ReportError(err, s, exit_code);
      if (!header && resp.events_size() > 0) {
        out << absl::StrFormat("%-8s %-19s %-28s %10s  %s\n", "ID", "PARKED", "TOPIC", "BYTES", "ERROR");
        header = true;
      }
      for (const pb::ParkedEvent& e : resp.events()) {
        out << absl::StrFormat("%-8d %-19s %-28s %10d  %s (%d)\n", e.id(), Time(e.parked_at()), e.topic(),
                               e.size_bytes(), e.error(), e.error_code());
        out << absl::StrFormat("         key %s  ce_id %s  type %s\n", e.key(), e.ce_id(), e.ce_type());
      }
      total = resp.total();
      req.mutable_page()->set_page_token(resp.page().next_page_token());
    } while (!req.page().page_token().empty());
    out << total << " parked row(s)\n";
  });

  CLI::App* requeue = outbox->add_subcommand(
      "requeue", "Put parked rows back in the outbox with their ids (published next, before later events)");
  requeue->add_option("ids", args->ids, "outbox ids, as `outbox parked` lists them");
  requeue->add_flag("--all", args->all, "every parked row");
  add_flags(requeue);
  requeue->callback([args, resolve, &out, &err, exit_code] {
    if (args->all == !args->ids.empty()) {
      err << "ysctl: name the rows to requeue (IDs), or --all\n";
      *exit_code = 2;
      return;
    }
    if (!resolve()) return;
    auto stub = pb::OutboxAdmin::NewStub(args->client.Channel());
    pb::RequeueParkedRequest req;
    for (int64_t id : args->ids) req.add_ids(id);
    req.set_all(args->all);
    pb::RequeueParkedResponse resp;
    auto ctx = args->client.Context();
    grpc::Status s = stub->RequeueParked(ctx.get(), req, &resp);
    if (!s.ok()) return ReportError(err, s, exit_code);
    out << "requeued " << resp.requeued_ids_size() << " row(s)";
    if (resp.requeued_ids_size() > 0) out << ": " << absl::StrJoin(resp.requeued_ids(), " ");
    out << "\n";
    if (resp.not_found_ids_size() > 0) {
      err << "ysctl: not parked: " << absl::StrJoin(resp.not_found_ids(), " ") << "\n";
      *exit_code = 1;
    }
  });
}

}  // namespace ys::ysctl
