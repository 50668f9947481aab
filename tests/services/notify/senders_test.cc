// The transports (senders.h) against local sinks the test starts itself: tests/support/notify_sink.py
// (a webhook that can succeed, fail, throttle, stall or redirect, verifies our signature and counts
// per Idempotency-Key) and tests/support/smtp_sink.py (Debian's aiosmtpd, reading each message back
// with python's email package). Each SendResult is checked field by field and through retry.h's
// Classify, and what the sink received is checked from its own records.

#include "services/notify/senders.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/mail.h"
#include "services/notify/retry.h"
#include "services/notify/signatures.h"
#include "tests/fakes/fake_clock.h"

extern char** environ;

namespace ys::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

// 2022-10-10 09:00:00 +08:00, a Monday: the senders' clock (Retry-After and deadlines read it).
const absl::Time kNow = absl::FromUnixSeconds(1665363600);
constexpr char kSecret[] = "whsec-test-unit-1";
constexpr char kPython[] = "/usr/bin/python3";  // Debian's: pyenv's python3 lacks aiosmtpd

std::string Support(const std::string& file) {
  return absl::StrCat(YS_SOURCE_DIR, "/tests/support/", file);
}

// A sink script run as a child process: started with its arguments, its ports read from the first
// lines of its stdout, SIGTERMed and reaped when the object goes.
class SinkProcess {
 public:
  static std::unique_ptr<SinkProcess> Start(const std::string& script,
                                            const std::vector<std::string>& args, int ports) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return nullptr;
    std::vector<std::string> argv_strings = {kPython, script};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, kPython, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (spawned != 0) {
      close(out[0]);
      return nullptr;
    }
    auto sink = std::unique_ptr<SinkProcess>(new SinkProcess(pid, out[0]));
    if (!sink->ReadPorts(ports)) return nullptr;
    return sink;
  }

  ~SinkProcess() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    close(stdout_);
  }

  int port(size_t i = 0) const { return ports_.at(i); }
  std::string Url(const std::string& path, size_t i = 0) const {
    return absl::StrCat("http://127.0.0.1:", port(i), path);
  }

 private:
  SinkProcess(pid_t pid, int stdout_fd) : pid_(pid), stdout_(stdout_fd) {}

  // One port per line; python's imports take a moment, aiosmtpd's longer.
  bool ReadPorts(int count) {
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    std::string text;
    while (static_cast<int>(std::count(text.begin(), text.end(), '\n')) < count) {
      const int64_t left = absl::ToInt64Milliseconds(give_up - absl::Now());
      pollfd p{stdout_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) return false;
      char buffer[256];
      const ssize_t n = read(stdout_, buffer, sizeof buffer);
      if (n <= 0) return false;  // it exited
      text.append(buffer, static_cast<size_t>(n));
    }
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      int port = 0;
      if (!absl::SimpleAtoi(line, &port) || port <= 0) return false;
      ports_.push_back(port);
    }
    return static_cast<int>(ports_.size()) == count;
  }

  pid_t pid_;
  int stdout_;
  std::vector<int> ports_;
};

size_t Collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// The sinks' control endpoints, with plain libcurl (not the code under test). `post` null: a GET.
Json Control(const std::string& url, const std::string* post = nullptr) {
  CURL* h = curl_easy_init();
  std::string body;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
  if (post != nullptr) curl_easy_setopt(h, CURLOPT_POSTFIELDS, post->c_str());
  const CURLcode code = curl_easy_perform(h);
  long status = 0;  // NOLINT(google-runtime-int)
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  EXPECT_EQ(code, CURLE_OK) << url;
  EXPECT_EQ(status, 200) << url << ": " << body;
  return Json::parse(body, nullptr, /*allow_exceptions=*/false);
}
Json Post(const std::string& url, const Json& body) {
  const std::string text = body.dump();
  return Control(url, &text);
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

// A port on 127.0.0.1 that refuses connections: bound (so nothing else takes it) but not listening.
class ClosedPort {
 public:
  ClosedPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bind(fd_, reinterpret_cast<sockaddr*>(&address), length);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~ClosedPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// ---- the response snippet ----

TEST(ResponseSnippet, CutsOnACharacterBoundary) {
  std::string body;
  for (int i = 0; i < 300; ++i) body += "错";  // 900 bytes, 3 each
  const std::string snippet = ResponseSnippet(body);
  EXPECT_EQ(snippet.size(), 510u);  // 170 characters; the 171st would end at byte 513
  EXPECT_EQ(snippet, body.substr(0, 510));
  EXPECT_EQ(ResponseSnippet("ok"), "ok");
  EXPECT_EQ(ResponseSnippet("a错", 3), "a");
}

TEST(ResponseSnippet, ReplacesInvalidUtf8AndNul) {
  // A stray continuation byte, NUL, an overlong '/', a surrogate, a cut-short character.
  const std::string body = std::string("a\x80") + '\0' + "b\xC0\xAF" + "\xED\xA0\x80" + "c\xE9\x94";
  EXPECT_EQ(ResponseSnippet(body),
            "a\uFFFD\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDc\uFFFD\uFFFD");
  EXPECT_EQ(ResponseSnippet("\xFF\xFF", 5), "\uFFFD");  // a second replacement would not fit
}

// ---- HTTP ----

class HttpSenderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sink_ = SinkProcess::Start(Support("notify_sink.py"), {"--secret", kSecret}, 1).release();
  }
  static void TearDownTestSuite() {
    delete sink_;
    sink_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(sink_, nullptr) << "notify_sink.py did not start";
    Post(sink_->Url("/_reset"), Json::object());
    auto sender = HttpSender::Create(Options(), clock_);
    ASSERT_TRUE(sender.ok()) << sender.status();
    sender_ = std::move(*sender);
  }

  static HttpSenderOptions Options() {
    HttpSenderOptions options;
    options.connect_timeout = absl::Seconds(2);
    options.total_timeout = absl::Seconds(5);
    return options;
  }

  // A generic-webhook body for unit 1, signed now (the sink checks t against its own clock).
  static OutgoingMessage Signed(const std::string& key, const std::string& body) {
    OutgoingMessage message;
    message.channel = Transport::kWebhook;
    message.url = sink_->Url("/hooks/unit-1");
    message.body = body;
    message.idempotency_key = key;
    message.headers = {{kWebhookSignatureHeader, *WebhookSignature({kSecret}, absl::Now(), body)}};
    return message;
  }
  static OutgoingMessage Signed(const std::string& key) {
    return Signed(key, R"({"id":"ntf-42","title":"【预警】营商环境指标排名全省末位"})");
  }

  static Json Stats() { return Control(sink_->Url("/_stats")); }
  static void SetMode(const Json& mode) { Post(sink_->Url("/_mode"), mode); }

  static SinkProcess* sink_;
  testing::FakeClock clock_{kNow};
  std::unique_ptr<HttpSender> sender_;
};
SinkProcess* HttpSenderTest::sink_ = nullptr;

TEST_F(HttpSenderTest, DeliveredOnceWithTheIdempotencyKeyAndOurHeaders) {
  const OutgoingMessage message = Signed("ntf-42/unit-1/webhook");
  const absl::StatusOr<SendResult> result = sender_->Send(message);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->channel, Transport::kWebhook);
  EXPECT_EQ(result->http_status, 200);
  EXPECT_EQ(result->curl_code, CURLE_OK);
  EXPECT_EQ(result->curl_error, "");
  EXPECT_EQ(result->response_snippet, R"({"ok":true})");
  EXPECT_EQ(result->retry_after, std::nullopt);
  EXPECT_GT(result->duration, absl::ZeroDuration());
  EXPECT_LT(result->duration, absl::Seconds(2));
  EXPECT_EQ(Classify(*result), OutcomeClass::kDelivered);

  const Json stats = Stats();
  EXPECT_EQ(stats["total"], 1);
  EXPECT_EQ(stats["by_key"], Json({{"ntf-42/unit-1/webhook", 1}}));
  EXPECT_EQ(stats["acked_by_key"], Json({{"ntf-42/unit-1/webhook", 1}}));
  EXPECT_EQ(stats["duplicates"], 0);
  const Json& got = stats["received"][0];
  EXPECT_EQ(got["path"], "/hooks/unit-1");
  EXPECT_EQ(got["body"], message.body);
  EXPECT_EQ(got["body_sha256"], Sha256Hex(message.body));
  EXPECT_EQ(got["signature"], "valid");
  EXPECT_EQ(got["status"], 200);
  const Json& headers = got["headers"];
  EXPECT_EQ(headers["idempotency-key"], "ntf-42/unit-1/webhook");
  EXPECT_EQ(headers["content-type"], "application/json");
  EXPECT_EQ(headers["user-agent"], "yingshang-notify/1");
  EXPECT_EQ(headers["content-length"], std::to_string(message.body.size()));
  EXPECT_FALSE(headers.contains("expect"));
}

TEST_F(HttpSenderTest, TheSinkCountsASecondAcknowledgementOfAKeyAsADuplicate) {
  ASSERT_EQ(sender_->Send(Signed("k-dup"))->http_status, 200);
  ASSERT_EQ(sender_->Send(Signed("k-dup"))->http_status, 200);
  ASSERT_EQ(sender_->Send(Signed("k-other"))->http_status, 200);
  const Json stats = Stats();
  EXPECT_EQ(stats["by_key"], Json({{"k-dup", 2}, {"k-other", 1}}));
  EXPECT_EQ(stats["duplicates"], 1);
}

TEST_F(HttpSenderTest, ServerErrorIsTransientWithItsBodyAsTheSnippet) {
  std::string body;
  for (int i = 0; i < 300; ++i) body += "错";
  SetMode({{"mode", "fail500"}, {"body", body}});
  const absl::StatusOr<SendResult> result = sender_->Send(Signed("k-500"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->http_status, 500);
  EXPECT_EQ(result->curl_code, CURLE_OK);  // the transfer completed; the status says it failed
  EXPECT_EQ(result->response_snippet, body.substr(0, 510));
  EXPECT_EQ(result->retry_after, std::nullopt);
  EXPECT_EQ(Classify(*result), OutcomeClass::kTransient);
  const Json stats = Stats();
  EXPECT_EQ(stats["by_key"], Json({{"k-500", 1}}));
  EXPECT_EQ(stats["acked_by_key"], Json::object());
}

TEST_F(HttpSenderTest, TooManyRequestsIsThrottledUntilRetryAfter) {
  SetMode({{"mode", "429"}, {"retry_after", 7}, {"count", 1}});
  const absl::StatusOr<SendResult> result = sender_->Send(Signed("k-429"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->http_status, 429);
  EXPECT_EQ(result->retry_after, kNow + absl::Seconds(7));  // against the injected clock
  EXPECT_EQ(result->response_snippet, R"({"error":"slow down"})");
  EXPECT_EQ(Classify(*result), OutcomeClass::kThrottled);
  // What the dispatcher does with it: the sink's moment wins over a shorter backoff.
  const RetryDecision next = Next(RetryPolicy{}, 1, Classify(*result), kNow, 0.0,
                                  result->retry_after, /*has_next_channel=*/true);
  EXPECT_EQ(next.action, RetryDecision::Action::kRetry);
  EXPECT_EQ(next.retry_at, kNow + absl::Seconds(7));

  // "count": 1 — the retry is accepted, and it is the key's only acknowledgement.
  const absl::StatusOr<SendResult> retry = sender_->Send(Signed("k-429"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->http_status, 200);
  const Json stats = Stats();
  EXPECT_EQ(stats["by_key"], Json({{"k-429", 2}}));
  EXPECT_EQ(stats["acked_by_key"], Json({{"k-429", 1}}));
  EXPECT_EQ(stats["duplicates"], 0);
}

TEST_F(HttpSenderTest, AStalledSinkCostsTheTotalTimeout) {
  HttpSenderOptions options = Options();
  options.connect_timeout = absl::Milliseconds(500);
  options.total_timeout = absl::Milliseconds(800);
  auto sender = HttpSender::Create(options, clock_);
  ASSERT_TRUE(sender.ok()) << sender.status();
  SetMode({{"mode", "stall"}, {"stall_seconds", 5}, {"count", 1}});
  const absl::Time started = absl::Now();
  const absl::StatusOr<SendResult> result = (*sender)->Send(Signed("k-stall"));
  const absl::Duration waited = absl::Now() - started;
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->curl_code, CURLE_OPERATION_TIMEDOUT);
  EXPECT_THAT(result->curl_error, HasSubstr("timed out"));
  EXPECT_EQ(result->http_status, 0);
  EXPECT_EQ(Classify(*result), OutcomeClass::kTransient);
  EXPECT_GE(result->duration, absl::Milliseconds(750));
  EXPECT_LT(result->duration, absl::Milliseconds(1500));
  EXPECT_GE(waited, absl::Milliseconds(750));
  EXPECT_LT(waited, absl::Seconds(2));
  EXPECT_EQ(Stats()["by_key"], Json({{"k-stall", 1}}));  // it did arrive; nobody answered
}

TEST_F(HttpSenderTest, TheDeadlineShortensTheTimeout) {
  SetMode({{"mode", "stall"}, {"stall_seconds", 5}, {"count", 1}});
  OutgoingMessage message = Signed("k-deadline");
  message.deadline = kNow + absl::Milliseconds(400);  // the options allow 5 s
  const absl::Time started = absl::Now();
  const absl::StatusOr<SendResult> result = sender_->Send(message);
  const absl::Duration waited = absl::Now() - started;
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->curl_code, CURLE_OPERATION_TIMEDOUT);
  EXPECT_GE(waited, absl::Milliseconds(350));
  EXPECT_LT(waited, absl::Milliseconds(1500));
}

TEST_F(HttpSenderTest, APassedDeadlineSendsNothing) {
  OutgoingMessage message = Signed("k-late");
  message.deadline = kNow - absl::Seconds(1);
  const absl::StatusOr<SendResult> result = sender_->Send(message);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Stats()["total"], 0);
}

TEST_F(HttpSenderTest, ARefusedConnectionIsTheCurlError) {
  const ClosedPort closed;
  OutgoingMessage message = Signed("k-refused");
  message.url = absl::StrCat("http://127.0.0.1:", closed.port(), "/hooks/unit-1");
  const absl::StatusOr<SendResult> result = sender_->Send(message);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->curl_code, CURLE_COULDNT_CONNECT);
  EXPECT_THAT(result->curl_error, HasSubstr(absl::StrCat("port ", closed.port())));
  EXPECT_EQ(result->http_status, 0);
  EXPECT_EQ(result->response_snippet, "");
  EXPECT_LT(result->duration, absl::Seconds(1));
  EXPECT_EQ(Classify(*result), OutcomeClass::kTransient);
}

TEST_F(HttpSenderTest, ARedirectIsNotFollowed) {
  SetMode({{"mode", "redirect"}, {"count", 1}});
  const absl::StatusOr<SendResult> result = sender_->Send(Signed("k-302"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->http_status, 302);
  EXPECT_EQ(Classify(*result), OutcomeClass::kPermanent);
  EXPECT_EQ(Stats()["total"], 1);  // nothing reached /_elsewhere
}

TEST_F(HttpSenderTest, AWrongSignatureIsRefusedForGood) {
  OutgoingMessage message = Signed("k-sig");
  message.headers = {{kWebhookSignatureHeader, *WebhookSignature({"another secret"}, absl::Now(),
                                                                 message.body)}};
  const absl::StatusOr<SendResult> result = sender_->Send(message);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->http_status, 401);
  EXPECT_EQ(Classify(*result), OutcomeClass::kPermanent);
  EXPECT_EQ(Stats()["received"][0]["signature"], "invalid");
}

TEST_F(HttpSenderTest, PooledHandlesReuseTheConnection) {
  ASSERT_EQ(sender_->Send(Signed("k-a"))->http_status, 200);
  ASSERT_EQ(sender_->Send(Signed("k-b"))->http_status, 200);
  HttpSenderOptions unpooled = Options();
  unpooled.max_idle_handles = 0;
  auto fresh = HttpSender::Create(unpooled, clock_);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ASSERT_EQ((*fresh)->Send(Signed("k-c"))->http_status, 200);
  ASSERT_EQ((*fresh)->Send(Signed("k-d"))->http_status, 200);
  const Json received = Stats()["received"];
  ASSERT_EQ(received.size(), 4u);
  EXPECT_EQ(received[0]["client_port"], received[1]["client_port"]);
  EXPECT_NE(received[2]["client_port"], received[3]["client_port"]);
}

TEST_F(HttpSenderTest, SendsFromSeveralThreadsAtOnce) {
  constexpr int kThreads = 6;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> delivered = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const absl::StatusOr<SendResult> r = sender_->Send(Signed(absl::StrCat("k-", t, "-", i)));
        if (r.ok() && r->http_status == 200) ++delivered;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(delivered, kThreads * kEach);
  const Json stats = Stats();
  EXPECT_EQ(stats["total"], kThreads * kEach);
  EXPECT_EQ(stats["by_key"].size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(stats["duplicates"], 0);
}

TEST_F(HttpSenderTest, MalformedMessagesAreRefusedBeforeAnythingIsSent) {
  const auto code = [&](const OutgoingMessage& m) { return sender_->Send(m).status().code(); };
  const auto message_text = [&](const OutgoingMessage& m) {
    return std::string(sender_->Send(m).status().message());
  };
  OutgoingMessage m = Signed("k");
  m.idempotency_key = "";
  EXPECT_EQ(message_text(m), "idempotency_key: required");
  m = Signed("k");
  m.headers.push_back({"X-Note", "a\r\nX-Injected: 1"});
  EXPECT_EQ(message_text(m), "headers: X-Note: the value must not contain CR, LF or NUL");
  m = Signed("k");
  m.headers.push_back({"Idempotency-Key", "other"});
  EXPECT_EQ(message_text(m), "headers: Idempotency-Key is set by the sender");
  m = Signed("k");
  m.headers.push_back({"Bad Name", "x"});
  EXPECT_EQ(code(m), absl::StatusCode::kInvalidArgument);
  m = Signed("k");
  m.url = "file:///etc/passwd";
  EXPECT_EQ(message_text(m), "url: must be an http:// or https:// URL");
  m = Signed("k");
  m.channel = Transport::kEmail;
  EXPECT_EQ(code(m), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Stats()["total"], 0);
}

TEST(HttpSenderOptionsTest, BadOptionsAreRefusedNamingTheOption) {
  testing::FakeClock clock(kNow);
  HttpSenderOptions options;
  options.connect_timeout = absl::Seconds(20);
  options.total_timeout = absl::Seconds(10);
  EXPECT_EQ(HttpSender::Create(options, clock).status().message(),
            "connect_timeout: must not exceed total_timeout");
  options = HttpSenderOptions{};
  options.total_timeout = absl::ZeroDuration();
  EXPECT_EQ(HttpSender::Create(options, clock).status().message(),
            "total_timeout: must be positive");
}

// TLS verification is always on: a certificate nobody vouches for is refused (permanent: it is
// configuration), and the same server is accepted once its CA is configured.
TEST(HttpSenderTlsTest, VerifiesThePeerAndAcceptsAConfiguredCa) {
  std::string dir = ::testing::TempDir() + "/senders_tls_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const absl::Cleanup remove_dir = [&dir] { std::filesystem::remove_all(dir); };
  const std::string cert = dir + "/cert.pem";
  const std::string key = dir + "/key.pem";
  const std::string openssl = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1",
      " -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '", key,
      "' -out '", cert, "' 2>/dev/null");
  ASSERT_EQ(std::system(openssl.c_str()), 0);
  const auto sink =
      SinkProcess::Start(Support("notify_sink.py"), {"--tls-cert", cert, "--tls-key", key}, 1);
  ASSERT_NE(sink, nullptr);
  testing::FakeClock clock(kNow);
  OutgoingMessage message;
  message.url = absl::StrCat("https://127.0.0.1:", sink->port(), "/hooks/tls");
  message.body = "{}";
  message.idempotency_key = "k-tls";

  auto strict = HttpSender::Create({}, clock);
  ASSERT_TRUE(strict.ok()) << strict.status();
  const absl::StatusOr<SendResult> refused = (*strict)->Send(message);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->curl_code, CURLE_PEER_FAILED_VERIFICATION);
  EXPECT_EQ(refused->http_status, 0);
  EXPECT_EQ(Classify(*refused), OutcomeClass::kPermanent);

  HttpSenderOptions with_ca;
  with_ca.ca_file = cert;
  auto trusting = HttpSender::Create(with_ca, clock);
  ASSERT_TRUE(trusting.ok()) << trusting.status();
  const absl::StatusOr<SendResult> accepted = (*trusting)->Send(message);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->curl_code, CURLE_OK) << accepted->curl_error;
  EXPECT_EQ(accepted->http_status, 200);
}

// ---- SMTP ----

constexpr char kRejected[] = "nobody@ys.example";

class SmtpSenderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sink_ = SinkProcess::Start(Support("smtp_sink.py"), {"--reject-rcpt", kRejected}, 2).release();
  }
  static void TearDownTestSuite() {
    delete sink_;
    sink_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(sink_, nullptr) << "smtp_sink.py did not start";
    Post(sink_->Url("/_reset", 1), Json::object());
  }

  SmtpSenderOptions Options() const {
    SmtpSenderOptions options;
    options.server_url = absl::StrCat("smtp://127.0.0.1:", sink_->port(0), "/ys.example");
    options.mail_from = "bounces@ys.example";
    options.tls = SmtpTls::kNone;  // the sink offers no STARTTLS
    options.connect_timeout = absl::Seconds(2);
    options.total_timeout = absl::Seconds(10);
    return options;
  }
  std::unique_ptr<SmtpSender> Sender(const SmtpSenderOptions& options) {
    auto sender = SmtpSender::Create(options, clock_);
    EXPECT_TRUE(sender.ok()) << sender.status();
    return sender.ok() ? std::move(*sender) : nullptr;
  }

  static MailMessage Mail() {
    MailMessage mail;
    mail.from = {"上饶市营商办", "notify@ys.example"};
    mail.to = {{"市市场监管局", "scjgj@ys.example"}, {"市市场监管局带班领导", "leader@ys.example"}};
    mail.subject = "【督办】上饶市市场监管局“企业开办”指标整改事项逾期未报，请于今日内报送";
    mail.text = "整改事项 RC-000123 已逾期。\n请即报送整改情况。\n.\n（以上一行只有一个句点）";
    std::string pdf = "%PDF-1.4\n";
    for (int i = 0; i < 2000; ++i) pdf += static_cast<char>(i * 7 % 256);
    mail.attachments = {{"2022年10月上饶市营商环境坐班情况通报.pdf", "application/pdf", pdf}};
    mail.date = kNow;
    mail.idempotency_key = "ntf-42/scjgj/email";
    return mail;
  }
  static OutgoingMessage Outgoing(const std::vector<std::string>& recipients) {
    OutgoingMessage message;
    message.channel = Transport::kEmail;
    message.recipients = recipients;
    message.body = *BuildMail(Mail());
    message.idempotency_key = "ntf-42/scjgj/email";
    return message;
  }
  static Json Messages() { return Control(sink_->Url("/_messages", 1)); }

  static SinkProcess* sink_;
  testing::FakeClock clock_{kNow};
};
SinkProcess* SmtpSenderTest::sink_ = nullptr;

TEST_F(SmtpSenderTest, AChineseSubjectAndAttachmentNameArriveDecoded) {
  const auto sender = Sender(Options());
  ASSERT_NE(sender, nullptr);
  const OutgoingMessage message = Outgoing({"scjgj@ys.example", "leader@ys.example"});
  const absl::StatusOr<SendResult> result = sender->Send(message);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->channel, Transport::kEmail);
  EXPECT_EQ(result->curl_code, CURLE_OK) << result->curl_error;
  EXPECT_EQ(result->smtp_code, 250);
  EXPECT_EQ(result->http_status, 0);
  EXPECT_EQ(result->response_snippet, "250 2.0.0 Message accepted for delivery");
  EXPECT_EQ(Classify(*result), OutcomeClass::kDelivered);

  const Json messages = Messages();
  ASSERT_EQ(messages.size(), 1u) << messages.dump();
  const Json& got = messages[0];
  const MailMessage mail = Mail();
  EXPECT_EQ(got["mail_from"], "bounces@ys.example");
  EXPECT_EQ(got["rcpt_tos"], Json({"scjgj@ys.example", "leader@ys.example"}));
  EXPECT_EQ(got["size"], message.body.size());  // the dot line went through stuffed and unstuffed
  EXPECT_EQ(got["subject"], mail.subject);
  EXPECT_THAT(got["from"].get<std::string>(), HasSubstr("上饶市营商办"));
  EXPECT_EQ(absl::StrReplaceAll(got["text"].get<std::string>(), {{"\r\n", "\n"}}), mail.text);
  ASSERT_EQ(got["attachments"].size(), 1u);
  EXPECT_EQ(got["attachments"][0]["filename"], mail.attachments[0].file_name);
  EXPECT_EQ(got["attachments"][0]["content_type"], "application/pdf");
  EXPECT_EQ(got["attachments"][0]["sha256"], Sha256Hex(mail.attachments[0].content));
  EXPECT_EQ(got["defects"], Json::array());
  EXPECT_THAT(got["message_id"].get<std::string>(), StartsWith("<"));
}

TEST_F(SmtpSenderTest, ARefusedRecipientIsPermanentAndNobodyGetsTheMessage) {
  const auto sender = Sender(Options());
  ASSERT_NE(sender, nullptr);
  const absl::StatusOr<SendResult> result =
      sender->Send(Outgoing({"scjgj@ys.example", kRejected}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_NE(result->curl_code, CURLE_OK);
  EXPECT_EQ(result->smtp_code, 550);
  EXPECT_EQ(result->response_snippet, "550 5.1.1 <nobody@ys.example>: no such user here");
  EXPECT_EQ(Classify(*result), OutcomeClass::kPermanent);
  EXPECT_EQ(Messages(), Json::array());  // not even to the recipient that was accepted
}

TEST_F(SmtpSenderTest, RequiredStartTlsThatIsNotOfferedSendsNothing) {
  SmtpSenderOptions options = Options();
  options.tls = SmtpTls::kRequired;
  const auto sender = Sender(options);
  ASSERT_NE(sender, nullptr);
  const absl::StatusOr<SendResult> result = sender->Send(Outgoing({"scjgj@ys.example"}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->curl_code, CURLE_USE_SSL_FAILED);
  EXPECT_EQ(Classify(*result), OutcomeClass::kPermanent);
  EXPECT_EQ(Messages(), Json::array());
}

TEST_F(SmtpSenderTest, ARefusedConnectionIsTheCurlError) {
  const ClosedPort closed;
  SmtpSenderOptions options = Options();
  options.server_url = absl::StrCat("smtp://127.0.0.1:", closed.port());
  const auto sender = Sender(options);
  ASSERT_NE(sender, nullptr);
  const absl::StatusOr<SendResult> result = sender->Send(Outgoing({"scjgj@ys.example"}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->curl_code, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(result->smtp_code, 0);
  EXPECT_EQ(Classify(*result), OutcomeClass::kTransient);
}

TEST_F(SmtpSenderTest, MalformedMessagesAndOptionsAreRefused) {
  const auto sender = Sender(Options());
  ASSERT_NE(sender, nullptr);
  OutgoingMessage message = Outgoing({"scjgj@ys.example", "not an address"});
  EXPECT_EQ(sender->Send(message).status().message(),
            "recipients[1]: 'not an address' is not local@domain");
  message = Outgoing({"scjgj@ys.example"});
  message.idempotency_key = "";
  EXPECT_EQ(sender->Send(message).status().message(), "idempotency_key: required");
  message = Outgoing({});
  EXPECT_EQ(sender->Send(message).status().message(), "recipients: none");
  message = Outgoing({"scjgj@ys.example"});
  message.channel = Transport::kWebhook;
  EXPECT_EQ(sender->Send(message).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Messages(), Json::array());

  SmtpSenderOptions options = Options();
  options.server_url = "http://127.0.0.1:25";
  EXPECT_EQ(SmtpSender::Create(options, clock_).status().message(),
            "server_url: must be an smtp:// or smtps:// URL");
  options = Options();
  options.mail_from = "市营商办";
  EXPECT_EQ(SmtpSender::Create(options, clock_).status().message(),
            "mail_from: '市营商办' is not local@domain");
  options = Options();
  options.username = "notify";
  EXPECT_EQ(SmtpSender::Create(options, clock_).status().message(),
            "username, password: set both or neither");
}

}  // namespace
}  // namespace ys::notify
