#include "tools/ysctl/health_command.h"

#include <memory>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tools/ysctl/client.h"

namespace ys::ysctl {

void AddHealthCommand(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  struct Args {
    std::string address = "127.0.0.1:7102";
    std::string service;
    ClientTlsOptions tls;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("health", "Check a service's grpc.health.v1 status");
  cmd->add_option("--address", args->address, "host:port of the service")->capture_default_str();
  cmd->add_option("--service", args->service, "service name (default: the whole server)");
  AddTlsFlags(cmd, &args->tls);
  cmd->callback([args, &out, &err, exit_code] {
    auto credentials = ResolveTls(&args->tls);
    if (!credentials.ok()) {
      ReportError(err, credentials.status(), exit_code);
      return;
    }
    auto channel = MakeChannel(args->address, *credentials, args->tls.server_name);
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(args->service);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, req, &resp);
    if (!s.ok()) {
      err << "ysctl: " << args->address << ": " << s.error_message() << "\n";
      *exit_code = 1;
      return;
    }
    out << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
    *exit_code = resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
  });
}

}  // namespace ys::ysctl
