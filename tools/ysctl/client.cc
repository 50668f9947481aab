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
  return MakeChannel(address, credentials != nullptr ? credentials : grpc::InsecureChannelCredentials(),
                     tls.server_name);
}

std::unique_ptr<grpc::ClientContext> ClientOptions::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + key);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
  return ctx;
}

void AddTlsFlags(CLI::App* cmd, ClientTlsOptions* tls) {
  cmd->add_option("--tls-ca", tls->ca_file,
                  "CA file the service's certificate must be signed by; turns TLS on (default: $YSCTL_TLS_CA)");
  cmd->add_option("--tls-cert", tls->cert_file,
                  "client certificate for a service that requires one (mTLS) (default: $YSCTL_TLS_CERT)");
  cmd->add_option("--tls-key", tls->key_file, "the client certificate's key (default: $YSCTL_TLS_KEY)");
  cmd->add_option("--tls-server-name", tls->server_name,
                  "name to check in the service's certificate instead of the address's host "
                  "(default: $YSCTL_TLS_SERVER_NAME)");
}

void AddGlobalTlsFlags(CLI::App& app) {
  for (auto [flag, env] : {std::pair{"--tls-ca", "YSCTL_TLS_CA"}, std::pair{"--tls-cert", "YSCTL_TLS_CERT"},
                           std::pair{"--tls-key", "YSCTL_TLS_KEY"},
                           std::pair{"--tls-server-name", "YSCTL_TLS_SERVER_NAME"}}) {
    // Option callbacks of the top level run before any command's callback.
    app.add_option_function<std::string>(
        flag, [env = std::string(env)](const std::string& v) { setenv(env.c_str(), v.c_str(), 1); },
        absl::StrFormat("for every command: the same as $%s (see a command's --help)", env));
  }
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ResolveTls(ClientTlsOptions* tls) {
  for (auto [field, env] : {std::pair{&tls->ca_file, "YSCTL_TLS_CA"}, std::pair{&tls->cert_file, "YSCTL_TLS_CERT"},
                            std::pair{&tls->key_file, "YSCTL_TLS_KEY"},
                            std::pair{&tls->server_name, "YSCTL_TLS_SERVER_NAME"}}) {
    if (field->empty()) *field = Env(env);
  }
  if (tls->ca_file.empty() && tls->cert_file.empty() && tls->key_file.empty() && tls->server_name.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  static const ClientTlsSettingNames kFlags{"--tls-ca (YSCTL_TLS_CA)", "--tls-cert (YSCTL_TLS_CERT)",
                                            "--tls-key (YSCTL_TLS_KEY)",
                                            "--tls-server-name (YSCTL_TLS_SERVER_NAME)"};
  if (absl::Status s = CheckClientTls(*tls, kFlags); !s.ok()) return s;
  return ChannelCredentialsFor(*tls);
}

void AddClientFlags(CLI::App* cmd, ClientOptions* options, const std::string& service,
                    const std::string& default_address) {
  cmd->add_option("--address", options->address,
                  absl::StrFormat("%s service host:port (default: $YS_%s_ADDRESS or %s)", service,
                                  absl::AsciiStrToUpper(service), default_address));
  cmd->add_option("--key", options->key,
                  "API key (default: $YS_API_KEY or var/keys/office.key written by make up)");
  AddTlsFlags(cmd, &options->tls);
}

absl::Status ResolveClient(ClientOptions* options, const std::string& service,
                           const std::string& default_address) {
  if (options->address.empty()) options->address = Env("YS_" + absl::AsciiStrToUpper(service) + "_ADDRESS");
  if (options->address.empty()) options->address = default_address;
  auto credentials = ResolveTls(&options->tls);
  if (!credentials.ok()) return credentials.status();
  options->credentials = *credentials;
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
