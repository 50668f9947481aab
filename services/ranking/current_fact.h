#pragma once

#include <cstdint>

#include "services/ranking/domain.h"

namespace ys::ranking {

// A fact as it became current, with current_facts.write_seq: the order in which PostgreSQL stored
// current facts, which the cache keeps too (a write never replaces a later one).
struct CurrentFact {
  pb::RankingFact fact;
  int64_t write_seq = 0;
};

}  // namespace ys::ranking
