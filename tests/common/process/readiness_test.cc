// Readiness apart from liveness: SERVING only while the service is ready and its dependencies answer;
// a lost dependency turns it NOT_SERVING, its return SERVING again, with no restart.
#include "common/process/readiness.h"

#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace ys {
namespace {

TEST(ReadinessTest, ServingOnlyWhileReadyAndEveryDependencyAnswers) {
  Metrics metrics("readiness_test");
  std::vector<bool> reported;
  Readiness readiness(metrics, [&](bool serving) { reported.push_back(serving); });
  absl::Status postgresql = absl::OkStatus();
  readiness.AddCheck("postgresql", [&] { return postgresql; });

  // Dependencies up, the service not ready yet (ranking's catalog replica still loading).
  EXPECT_TRUE(readiness.Evaluate().ok());
  EXPECT_EQ(reported.back(), false);
  readiness.SetReady(true);
  EXPECT_EQ(reported.back(), true);

  // PostgreSQL lost: NOT_SERVING at the next round, the reason returned.
  postgresql = absl::UnavailableError("connection refused");
  EXPECT_EQ(readiness.Evaluate().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(reported.back(), false);
  // The service saying it is ready changes nothing while a dependency is down.
  readiness.SetReady(true);
  EXPECT_EQ(reported.back(), false);
  std::string text = metrics.Serialize();
  EXPECT_NE(text.find("ys_dependency_up{dependency=\"postgresql\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("ys_ready 0"), std::string::npos) << text;

  // Back: SERVING again by itself.
  postgresql = absl::OkStatus();
  EXPECT_TRUE(readiness.Evaluate().ok());
  EXPECT_EQ(reported.back(), true);
  text = metrics.Serialize();
  EXPECT_NE(text.find("ys_dependency_up{dependency=\"postgresql\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("ys_ready 1"), std::string::npos) << text;
}

// A check that never returns (a pooled connection whose server went silent: no reset, no refusal)
// must not leave the service SERVING: past check_timeout the watchdog reports NOT_SERVING, and the
// check's eventual answer decides again.
TEST(ReadinessTest, CheckThatDoesNotAnswerTurnsNotServing) {
  Metrics metrics("readiness_hung_test");
  std::vector<bool> reported;
  std::mutex mu;
  Readiness readiness(metrics, [&](bool serving) {
    std::lock_guard lock(mu);
    reported.push_back(serving);
  });
  std::promise<void> started;
  std::promise<absl::Status> answer;
  std::shared_future<absl::Status> answered = answer.get_future().share();
  readiness.AddCheck("postgresql", [&] {
    started.set_value();
    return answered.get();
  });
  readiness.SetReady(true);
  std::thread round([&] { readiness.Evaluate().IgnoreError(); });
  started.get_future().wait();

  readiness.Watch(absl::Now());  // within the timeout (5 s by default): nothing yet
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(reported.back(), true);
  }
  readiness.Watch(absl::Now() + absl::Seconds(6));
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(reported.back(), false);
  }
  const std::string text = metrics.Serialize();
  EXPECT_NE(text.find("ys_dependency_up{dependency=\"postgresql\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("ys_ready 0"), std::string::npos) << text;

  answer.set_value(absl::OkStatus());  // the connection answers at last: SERVING again
  round.join();
  std::lock_guard lock(mu);
  EXPECT_EQ(reported.back(), true);
}

}  // namespace
}  // namespace ys
