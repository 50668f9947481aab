#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "grpcpp/grpcpp.h"

namespace ys::ysctl {

// How ysctl reaches a service: --address (or YS_<SERVICE>_ADDRESS), and the API key from --key,
// YS_API_KEY, or the development office key that `make up` wrote ($YS_VAR or ./var)/keys/office.key.
struct ClientOptions {
  std::string address;
  std::string key;
  int timeout_seconds = 30;

  std::shared_ptr<grpc::Channel> Channel() const;
  // A context with the bearer key and a deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;
};

// Adds --address and --key to a command; defaults resolved when the command runs.
void AddClientFlags(CLI::App* cmd, ClientOptions* options, const std::string& service,
                    const std::string& default_address);
// Resolves defaults (environment, key file); an error when no key can be found.
absl::Status ResolveClient(ClientOptions* options, const std::string& service,
                           const std::string& default_address);

// Prints "ysctl: <message>" and sets the exit code from a gRPC status (2 for INVALID_ARGUMENT).
void ReportError(std::ostream& err, const grpc::Status& s, int* exit_code);
void ReportError(std::ostream& err, const absl::Status& s, int* exit_code);

}  // namespace ys::ysctl
