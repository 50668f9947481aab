#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/grpc/channel.h"
#include "grpcpp/grpcpp.h"

namespace ys::ysctl {

// How ysctl reaches a service: --address (or YS_<SERVICE>_ADDRESS), and the API key from --key,
// YS_API_KEY, or the development office key that `make up` wrote ($YS_VAR or ./var)/keys/office.key.
// TLS (a service with grpc.tls.*): --tls-ca, --tls-cert/--tls-key (mTLS), --tls-server-name, or
// YSCTL_TLS_CA, YSCTL_TLS_CERT, YSCTL_TLS_KEY, YSCTL_TLS_SERVER_NAME; none set: plaintext.
struct ClientOptions {
  std::string address;
  std::string key;
  int timeout_seconds = 30;
  ClientTlsOptions tls;
  std::shared_ptr<grpc::ChannelCredentials> credentials;  // set by ResolveClient; null: plaintext

  std::shared_ptr<grpc::Channel> Channel() const;
  // A context with the bearer key and a deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;
};

// Adds --tls-ca, --tls-cert, --tls-key and --tls-server-name to a command.
void AddTlsFlags(CLI::App* cmd, ClientTlsOptions* tls);
// The same flags before the command (`ysctl --tls-ca ca.pem health`), for every command: each sets
// its YSCTL_TLS_* variable for this run, which the command reads when its own flag is not given.
void AddGlobalTlsFlags(CLI::App& app);
// The flags, else YSCTL_TLS_*, checked (files readable, certificate with key; errors name the flag),
// as channel credentials: plaintext when none is set.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ResolveTls(ClientTlsOptions* tls);

// Adds --address, --key and the TLS flags to a command; defaults resolved when the command runs.
void AddClientFlags(CLI::App* cmd, ClientOptions* options, const std::string& service,
                    const std::string& default_address);
// Resolves defaults (environment, key file) and the TLS credentials; an error when no key can be found
// or the TLS settings are wrong.
absl::Status ResolveClient(ClientOptions* options, const std::string& service,
                           const std::string& default_address);

// Prints "ysctl: <message>" and sets the exit code from a gRPC status (2 for INVALID_ARGUMENT).
void ReportError(std::ostream& err, const grpc::Status& s, int* exit_code);
void ReportError(std::ostream& err, const absl::Status& s, int* exit_code);

}  // namespace ys::ysctl
