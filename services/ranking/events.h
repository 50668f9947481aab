#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/kafka/publisher.h"
#include "google/protobuf/message.h"

namespace ys::ranking {

// The ledger's events: the office finalised a year (yingshang.ranking.v1.YearFinalised, keyed by the year).
inline constexpr char kLedgerTopic[] = "ys.rankings.ledger.v1";

// An event of the ranking service (ce_source /yingshang/ranking), protobuf body, for the outbox.
OutgoingEvent RankingEvent(const std::string& topic, const std::string& key, const std::string& type,
                           const google::protobuf::Message& body, absl::Time now, const std::string& id);

}  // namespace ys::ranking
