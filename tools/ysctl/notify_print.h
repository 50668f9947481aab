#pragma once

// How the notify commands print the service's answers: the delivery history, the inbox, silences,
// recipients and route tests, with the domain's words in Chinese and times in Asia/Shanghai.

#include <ostream>
#include <string>
#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "yingshang/notify/v1/notify.pb.h"

namespace ys::ysctl::notify_print {

namespace pb = ::yingshang::notify::v1;

// The command line's words for a delivery state and a recipient kind, in the enum's order after
// UNSPECIFIED (so word i is enum value i + 1).
const std::vector<std::string>& StateWords();
const std::vector<std::string>& KindWords();

std::string StateName(pb::DeliveryState s);
std::string ChannelName(pb::ChannelKind c);
std::string OutcomeName(pb::Outcome o);
std::string SeverityName(pb::Severity s);
std::string KindName(pb::RecipientKind k);
// "2022-10-17 10:00:05" in Asia/Shanghai; "—" when unset.
std::string Time(const google::protobuf::Timestamp& t);

// A delivery and every attempt, oldest first.
void PrintDelivery(std::ostream& out, const pb::Delivery& d);
void PrintNotification(std::ostream& out, const pb::Notification& n);
std::string InboxLine(const pb::InboxItem& item);
// `now` decides whether the silence is 生效中, 未开始 or 已结束.
std::string SilenceLine(const pb::Silence& s, const google::protobuf::Timestamp& now);
void PrintRecipient(std::ostream& out, const pb::Recipient& r);
void PrintTestRoute(std::ostream& out, const pb::TestRouteResponse& r);

}  // namespace ys::ysctl::notify_print
