// KafkaOptionsFromConfig: the transport-security keys become librdkafka properties, and every
// misconfiguration stops startup with the key's name. No broker needed.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "common/kafka/kafka.h"
#include "gtest/gtest.h"
#include "tests/support/fake_env.h"

namespace ys {
namespace {

using ::ys::testing::FakeEnv;

// A file under the test's temporary directory, removed with the fixture.
class KafkaOptionsTest : public ::testing::Test {
 protected:
  ~KafkaOptionsTest() override {
    for (const std::string& path : files_) std::remove(path.c_str());
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "kafka_options_test_" + std::to_string(getpid()) + "_" + name;
    std::ofstream(path, std::ios::binary) << text;
    files_.push_back(path);
    return path;
  }

  absl::StatusOr<KafkaOptions> Parse(const std::string& yaml, std::map<std::string, std::string> env = {}) {
    auto config = Config::FromString(yaml, FakeEnv(std::move(env)));
    if (!config.ok()) return config.status();
    return KafkaOptionsFromConfig(*config);
  }

  // A SASL_SSL configuration with a CA file and a password file; `more` is appended under kafka:.
  std::string SaslSsl(const std::string& password_text, const std::string& more = "") {
    ca_file_ = WriteFile("ca.pem", "-----BEGIN CERTIFICATE-----\n");  // not a certificate
    const std::string password = WriteFile("password", password_text);
    return "kafka:\n"
           "  brokers: 127.0.0.1:27092\n"
           "  security_protocol: SASL_SSL\n"
           "  sasl:\n"
           "    username: ys-service\n"
           "    password_file: " + password + "\n"
           "  tls:\n"
           "    ca_file: " + ca_file_ + "\n" + more;
  }

  std::vector<std::string> files_;
  std::string ca_file_;  // the last SaslSsl's
};

// The status is INVALID_ARGUMENT and its message names every one of `words`.
void ExpectRefusal(const absl::StatusOr<KafkaOptions>& got, std::initializer_list<std::string> words) {
  ASSERT_FALSE(got.ok()) << "accepted; extra has " << got->extra.size() << " properties";
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << got.status();
  for (const std::string& word : words) {
    EXPECT_NE(got.status().message().find(word), std::string::npos)
        << "'" << word << "' not in: " << got.status().message();
  }
}

TEST_F(KafkaOptionsTest, PlaintextByDefaultAddsNoProperty) {
  auto got = Parse("kafka:\n  brokers: 10.0.0.1:9092\n  client_id: ranking\n  topic_prefix: stg.\n");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->brokers, "10.0.0.1:9092");
  EXPECT_EQ(got->client_id, "ranking");
  EXPECT_EQ(got->topic_prefix, "stg.");
  EXPECT_TRUE(got->extra.empty());
}

TEST_F(KafkaOptionsTest, SaslSslBecomesLibrdkafkaProperties) {
  const std::string cert = WriteFile("client.pem", "cert");
  const std::string key = WriteFile("client.key", "key");
  auto got = Parse(SaslSsl("s3cret: with spaces \n", "    cert_file: " + cert + "\n    key_file: " + key + "\n"));
  ASSERT_TRUE(got.ok()) << got.status();
  const std::map<std::string, std::string> want = {
      {"security.protocol", "SASL_SSL"},
      {"sasl.mechanisms", "SCRAM-SHA-512"},  // the default mechanism
      {"sasl.username", "ys-service"},
      {"sasl.password", "s3cret: with spaces "},  // only the line end trimmed
      {"ssl.ca.location", ca_file_},
      {"ssl.certificate.location", cert},
      {"ssl.key.location", key},
  };
  EXPECT_EQ(got->extra, want);
}

TEST_F(KafkaOptionsTest, PasswordFileWithWindowsLineEndAndChosenMechanism) {
  auto got = Parse(SaslSsl("pw\r\n"), {{"YS_KAFKA_SASL_MECHANISM", "scram-sha-256"}});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->extra.at("sasl.password"), "pw");
  EXPECT_EQ(got->extra.at("sasl.mechanisms"), "SCRAM-SHA-256");
}

TEST_F(KafkaOptionsTest, EnvironmentCanTurnSecurityOn) {
  const std::string password = WriteFile("env_password", "from-env\n");
  auto got = Parse("kafka:\n  brokers: 127.0.0.1:27092\n",
                   {{"YS_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"},
                    {"YS_KAFKA_SASL_MECHANISM", "PLAIN"},
                    {"YS_KAFKA_SASL_USERNAME", "u"},
                    {"YS_KAFKA_SASL_PASSWORD_FILE", password}});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->extra, (std::map<std::string, std::string>{{"security.protocol", "SASL_PLAINTEXT"},
                                                            {"sasl.mechanisms", "PLAIN"},
                                                            {"sasl.username", "u"},
                                                            {"sasl.password", "from-env"}}));
}

TEST_F(KafkaOptionsTest, SslWithoutCaFileUsesTheSystemStore) {
  auto got = Parse("kafka:\n  brokers: b:9093\n  security_protocol: SSL\n");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->extra, (std::map<std::string, std::string>{{"security.protocol", "SSL"}}));
}

TEST_F(KafkaOptionsTest, UnknownProtocolOrMechanismNamesTheKey) {
  ExpectRefusal(Parse("kafka:\n  brokers: b:1\n  security_protocol: TLS\n"),
                {"kafka.security_protocol", "TLS"});
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_SASL_MECHANISM", "GSSAPI"}}),
                {"kafka.sasl.mechanism", "GSSAPI"});
}

TEST_F(KafkaOptionsTest, SaslNeedsUsernameAndPasswordFile) {
  const std::string password = WriteFile("pw", "pw\n");
  ExpectRefusal(Parse("kafka:\n  brokers: b:1\n  security_protocol: SASL_SSL\n  sasl:\n    password_file: " +
                      password + "\n"),
                {"kafka.sasl.username"});
  ExpectRefusal(Parse("kafka:\n  brokers: b:1\n  security_protocol: SASL_SSL\n  sasl:\n    username: u\n"),
                {"kafka.sasl.password_file"});
  ExpectRefusal(Parse(SaslSsl("\n")), {"kafka.sasl.password_file", "no secret"});
}

TEST_F(KafkaOptionsTest, UnreadableFilesNameTheKeyAndThePath) {
  const std::string missing = ::testing::TempDir() + "kafka_options_test_no_such_file";
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_SASL_PASSWORD_FILE", missing}}),
                {"kafka.sasl.password_file", missing});
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_TLS_CA_FILE", missing}}), {"kafka.tls.ca_file", missing});
  const std::string key = WriteFile("k", "key");
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_TLS_CERT_FILE", missing}, {"YS_KAFKA_TLS_KEY_FILE", key}}),
                {"kafka.tls.cert_file", missing});
}

TEST_F(KafkaOptionsTest, ClientCertificateNeedsItsKey) {
  const std::string cert = WriteFile("c", "cert");
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_TLS_CERT_FILE", cert}}), {"kafka.tls.key_file"});
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_TLS_KEY_FILE", cert}}), {"kafka.tls.cert_file"});
}

TEST_F(KafkaOptionsTest, KeysTheProtocolWouldNotUseAreRefused) {
  // A password meant for the broker that PLAINTEXT would never send, a CA SASL_PLAINTEXT never checks.
  const std::string password = WriteFile("pw", "pw");
  ExpectRefusal(Parse("kafka:\n  brokers: b:1\n  sasl:\n    username: u\n    password_file: " + password + "\n"),
                {"kafka.sasl.username", "PLAINTEXT"});
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"}}),
                {"kafka.tls.ca_file", "SASL_PLAINTEXT"});
  ExpectRefusal(Parse(SaslSsl("pw"), {{"YS_KAFKA_SECURITY_PROTOCOL", "SSL"}}), {"kafka.sasl.", "SSL"});
}

// Every client the wrapper builds gets the properties: a CA file that is not a certificate makes
// librdkafka refuse to create each of them (it loads the CA when the client is created), so a client
// built without `extra` would be created, and this test fail.
TEST_F(KafkaOptionsTest, ProducerConsumerAndAdminAllApplyTheProperties) {
  auto options = Parse(SaslSsl("pw"), {{"YS_KAFKA_BROKERS", "127.0.0.1:1"}});
  ASSERT_TRUE(options.ok()) << options.status();
  auto producer = KafkaProducer::Create(*options, nullptr);
  EXPECT_FALSE(producer.ok());
  auto consumer = KafkaConsumer::Create(*options, {"g", {"t"}}, nullptr);
  EXPECT_FALSE(consumer.ok());
  // Not UNAVAILABLE (what an admin client without the CA would answer, finding no broker there).
  absl::Status topics = EnsureTopics(*options, {{"t", 1, false}}, absl::Seconds(1));
  EXPECT_EQ(topics.code(), absl::StatusCode::kInternal) << topics;
  EXPECT_NE(topics.message().find("ssl.ca.location"), std::string::npos) << topics;
  // The same options without the broken CA: every client is created (nothing connects yet).
  options->extra.erase("ssl.ca.location");
  producer = KafkaProducer::Create(*options, nullptr);
  EXPECT_TRUE(producer.ok()) << producer.status();
  consumer = KafkaConsumer::Create(*options, {"g", {"t"}}, nullptr);
  EXPECT_TRUE(consumer.ok()) << consumer.status();
}

}  // namespace
}  // namespace ys
