#pragma once

// The client side of gRPC's transport security (issue #17): how the gateway, notify and ysctl open a
// channel to a service whose listener has grpc.tls.* set. Plaintext unless TLS is configured.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/config/config.h"
#include "grpcpp/grpcpp.h"

namespace ys {

struct ClientTlsOptions {
  std::string ca_file;      // trusted roots for the server's certificate; empty: gRPC's default roots
  std::string cert_file;    // with key_file: this client's certificate, for a server that asks (mTLS)
  std::string key_file;
  std::string server_name;  // the name checked in the server's certificate; empty: the address's host
};

// What each setting was given as (config keys or command-line flags): errors name it.
struct ClientTlsSettingNames {
  std::string ca_file, cert_file, key_file, server_name;
};
inline const ClientTlsSettingNames kClientTlsConfigKeys{
    "grpc.client.tls.ca_file", "grpc.client.tls.cert_file", "grpc.client.tls.key_file",
    "grpc.client.tls.server_name"};

// Every file readable; a certificate and its key given together. One line naming the setting otherwise.
absl::Status CheckClientTls(const ClientTlsOptions& tls, const ClientTlsSettingNames& names);

// grpc.client.tls.{ca_file,cert_file,key_file,server_name}: nullopt (plaintext) when none is set,
// checked by CheckClientTls otherwise.
absl::StatusOr<std::optional<ClientTlsOptions>> ClientTlsOptionsFromConfig(const Config& config);

// TLS credentials with the files' contents (read now), or plaintext ones for nullopt.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const std::optional<ClientTlsOptions>& tls);

// A channel to `address` (connects lazily); `server_name` non-empty replaces the host checked in the
// server's certificate (GRPC_SSL_TARGET_NAME_OVERRIDE_ARG), e.g. a service reached by IP whose
// certificate names its DNS name.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                           const std::string& server_name = "");

}  // namespace ys
