#pragma once

#include <map>
#include <string>

#include "yingshang/indicator/v1/catalog.pb.h"

namespace ys {

namespace ipb = ::yingshang::indicator::v1;

// The part of the catalog a service keeps a replica of (fed by ys.catalog.v1; loaded by
// CatalogReplicaStore, common/catalog/replica_store.h). Ranking reads indicators, regions and
// targets; notify derives its recipients from units, indicators (领班, responsible units and their
// 带班领导) and regions. Retired entries are kept: each reader decides what retirement means to it.
struct CatalogReplica {
  std::map<std::string, ipb::Indicator> indicators;  // by code
  std::map<std::string, ipb::Region> regions;        // by code
  std::map<std::string, ipb::Target> targets;        // by id
  std::map<std::string, ipb::Unit> units;            // by canonical name
  std::map<std::string, ipb::Leader> leaders;        // by name
};

}  // namespace ys
