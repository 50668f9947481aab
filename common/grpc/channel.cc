#include "common/grpc/channel.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"

namespace ys {
namespace {

// The file's contents; `what` says which file it is when it cannot be read.
absl::StatusOr<std::string> ReadPem(const std::string& what, const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrFormat("%s '%s' cannot be read", what, path));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

absl::Status CheckReadable(const std::string& name, const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  if (std::ifstream(path)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat("%s: file '%s' cannot be read", name, path));
}

}  // namespace

absl::Status CheckClientTls(const ClientTlsOptions& tls, const ClientTlsSettingNames& names) {
  // Half a key pair would silently connect without a client certificate, and an mTLS server
  // would then refuse every call with a TLS error that does not say why.
  if (!tls.cert_file.empty() && tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is set but %s is not: a client certificate needs its key", names.cert_file,
                        names.key_file));
  }
  if (tls.cert_file.empty() && !tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is set but %s is not: a client key needs its certificate", names.key_file,
                        names.cert_file));
  }
  if (absl::Status s = CheckReadable(names.ca_file, tls.ca_file); !s.ok()) return s;
  if (absl::Status s = CheckReadable(names.cert_file, tls.cert_file); !s.ok()) return s;
  return CheckReadable(names.key_file, tls.key_file);
}

absl::StatusOr<std::optional<ClientTlsOptions>> ClientTlsOptionsFromConfig(const Config& config) {
  const ClientTlsSettingNames& keys = kClientTlsConfigKeys;
  ClientTlsOptions tls;
  for (auto [key, field] : {std::pair{&keys.ca_file, &tls.ca_file}, std::pair{&keys.cert_file, &tls.cert_file},
                            std::pair{&keys.key_file, &tls.key_file},
                            std::pair{&keys.server_name, &tls.server_name}}) {
    if (!config.Has(*key)) continue;
    auto value = config.GetString(*key);
    if (!value.ok()) return value.status();
    *field = *value;
  }
  if (tls.ca_file.empty() && tls.cert_file.empty() && tls.key_file.empty() && tls.server_name.empty()) {
    return std::nullopt;
  }
  if (absl::Status s = CheckClientTls(tls, keys); !s.ok()) return s;
  return tls;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const std::optional<ClientTlsOptions>& tls) {
  if (!tls.has_value()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  if (!tls->ca_file.empty()) {
    auto ca = ReadPem("TLS CA file", tls->ca_file);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
  }
  if (!tls->cert_file.empty() || !tls->key_file.empty()) {
    auto cert = ReadPem("TLS client certificate file", tls->cert_file);
    if (!cert.ok()) return cert.status();
    auto key = ReadPem("TLS client key file", tls->key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  return grpc::SslCredentials(ssl);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                                           const std::string& server_name) {
  grpc::ChannelArguments args;
  if (!server_name.empty()) args.SetString(GRPC_SSL_TARGET_NAME_OVERRIDE_ARG, server_name);
  return grpc::CreateCustomChannel(address, credentials, args);
}

}  // namespace ys
