#include "tools/ysctl/client.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace ys::ysctl {
namespace {

std::string Env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v == nullptr ? "" : v;
}

}  // namespace

std::shared_ptr<grpc::Channel> ClientOptions::Channel() const {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> ClientOptions::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + key);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
  return ctx;
}

void AddClientFlags(CLI::App* cmd, ClientOptions* options, const std::string& service,
                    const std::string& default_address) {
  cmd->add_option("--address", options->address,
                  absl::StrFormat("%s service host:port (default: $YS_%s_ADDRESS or %s)", service,
                                  absl::AsciiStrToUpper(service), default_address));
  cmd->add_option("--key", options->key,
                  "API key (default: $YS_API_KEY or var/keys/office.key written by make up)");
}

absl::Status ResolveClient(ClientOptions* options, const std::string& service,
                           const std::string& default_address) {
  if (options->address.empty()) options->address = Env("YS_" + absl::AsciiStrToUpper(service) + "_ADDRESS");
  if (options->address.empty()) options->address = default_address;
  if (options->key.empty()) options->key = Env("YS_API_KEY");
  if (options->key.empty()) {
    const std::string var = Env("YS_VAR").empty() ? "var" : Env("YS_VAR");
    const std::string path = var + "/keys/office.key";
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    options->key = std::string(absl::StripAsciiWhitespace(buf.str()));
    if (options->key.empty()) {
      return absl::UnauthenticatedError(absl::StrFormat(
          "no API key: pass --key, set YS_API_KEY, or run `make up` to write %s", path));
    }
  }
  return absl::OkStatus();
}

void ReportError(std::ostream& err, const grpc::Status& s, int* exit_code) {
  // Refusals say so by their code: a person reads "not allowed", not just the reason.
  if (s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    err << "ysctl: PERMISSION_DENIED: " << s.error_message() << "\n";
  } else if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    err << "ysctl: UNAUTHENTICATED: " << s.error_message() << "\n";
  } else {
    err << "ysctl: " << s.error_message() << "\n";
  }
  *exit_code = s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 2 : 1;
}

void ReportError(std::ostream& err, const absl::Status& s, int* exit_code) {
  err << "ysctl: " << s.message() << "\n";
  *exit_code = s.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace ys::ysctl
