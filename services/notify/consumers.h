#pragma once

// What notify reads from Kafka, each through the common inbox (effectively once) and consumer loop:
//   ys.catalog.v1           into the catalog replica; after each batch the recipients are rebuilt
//                           (recipients_keeper.h)
//   ys.rankings.alerts.v1,  the intake (intake.h), one consumer per topic so each event is read
//   ys.rectification.v1,    against its own topic's producer (events.h); they wait until the
//   ys.duty.v1              recipient book is ready
// A record the intake refuses goes to ys.notify.dlq.v1 with its reason; the consumer goes on.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/catalog/replica_store.h"
#include "common/consumer/consumer_loop.h"
#include "common/kafka/kafka.h"
#include "common/metrics/metrics.h"
#include "common/pg/inbox.h"
#include "common/pg/pool.h"
#include "common/time/clock.h"
#include "services/notify/intake.h"
#include "services/notify/notify_metrics.h"
#include "services/notify/recipients_keeper.h"
#include "services/notify/store.h"

namespace ys::notify {

inline constexpr char kCatalogTopic[] = "ys.catalog.v1";
inline constexpr char kCatalogSource[] = "/yingshang/indicator";  // the only publisher of the catalog
inline constexpr char kDlqTopic[] = "ys.notify.dlq.v1";

class NotifyConsumers {
 public:
  struct Options {
    std::string group_id = "ys-notify";
    size_t batch_size = 500;
    std::function<void()> on_applied;  // after an event batch that applied something committed
  };
  static absl::StatusOr<std::unique_ptr<NotifyConsumers>> Create(
      const KafkaOptions& kafka, KafkaMetrics* kafka_metrics, PgPool& pool, PgNotifyStore& store, Metrics& metrics,
      NotifyMetrics& notify_metrics, const Clock& clock, CatalogReplicaStore& replica, RecipientsKeeper& keeper,
      const RecipientBook& book, Intake& intake, const NotifySettings& settings, Options options);
  ~NotifyConsumers();

  void Start();
  void Stop();

 private:
  struct Member {
    std::unique_ptr<KafkaConsumer> consumer;
    std::unique_ptr<InboxProcessor> inbox;
    std::unique_ptr<ConsumerLoop> loop;
  };
  NotifyConsumers() = default;

  Member catalog_;
  std::vector<Member> events_;
};

}  // namespace ys::notify
