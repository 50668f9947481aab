#include "services/ranking/events.h"

namespace ys::ranking {

OutgoingEvent RankingEvent(const std::string& topic, const std::string& key, const std::string& type,
                           const google::protobuf::Message& body, absl::Time now, const std::string& id) {
  OutgoingEvent e;
  e.topic = topic;
  e.event.id = id;
  e.event.source = "/yingshang/ranking";
  e.event.type = type;
  e.event.time = now;
  e.event.key = key;
  e.event.subject = key;
  e.event.data = body.SerializeAsString();
  return e;
}

}  // namespace ys::ranking
