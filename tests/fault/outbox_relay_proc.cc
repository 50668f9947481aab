// A producer process for the crash test: relays one schema's outbox to Kafka until it is empty,
// then exits 0. The test SIGKILLs it part-way and starts it again.
//   outbox_relay_proc PG_URI SCHEMA BROKERS BATCH_SIZE
#include <cstdio>
#include <cstdlib>

#include "common/kafka/kafka.h"
#include "common/log/log.h"
#include "common/pg/outbox.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: outbox_relay_proc PG_URI SCHEMA BROKERS BATCH_SIZE\n");
    return 2;
  }
  ys::log::Init("outbox_relay_proc", ys::log::Level::kWarn);
  ys::PgOptions pg;
  pg.uri = argv[1];
  pg.schema = argv[2];
  auto pool = ys::PgPool::Connect(pg);
  if (!pool.ok()) {
    std::fprintf(stderr, "%s\n", std::string(pool.status().message()).c_str());
    return 1;
  }
  ys::KafkaOptions kafka;
  kafka.brokers = argv[3];
  ys::Metrics metrics("outbox_relay_proc");
  ys::KafkaMetrics kafka_metrics(metrics);
  auto producer = ys::KafkaProducer::Create(kafka, &kafka_metrics);
  if (!producer.ok()) return 1;
  ys::OutboxRelay relay(**pool, **producer, metrics,
                        {.batch_size = static_cast<size_t>(std::atoi(argv[4])),
                         // Most of each batch's time falls between publishing and marking, so a
                         // kill at a random moment usually leaves published-but-unmarked rows.
                         .after_publish = [] { absl::SleepFor(absl::Milliseconds(20)); }});
  for (;;) {
    auto n = relay.RunOnce();
    if (!n.ok()) {
      std::fprintf(stderr, "%s\n", std::string(n.status().message()).c_str());
      return 1;
    }
    if (*n == 0 && *relay.Pending() == 0) return 0;
  }
}
