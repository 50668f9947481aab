#include "tools/ysctl/notify_print.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "common/time/proto_time.h"

namespace ys::ysctl::notify_print {

const std::vector<std::string>& StateWords() {
  static const auto* words = new std::vector<std::string>{"pending", "held",   "sending",    "delivered",
                                                          "failed",  "dead",   "failed_over"};
  return *words;
}

// recipients.h RecipientKindName's words.
const std::vector<std::string>& KindWords() {
  static const auto* words = new std::vector<std::string>{"unit",   "head",   "lead",           "county",
                                                          "office", "centre", "government_body", "publication"};
  return *words;
}

std::string StateName(pb::DeliveryState s) {
  switch (s) {
    case pb::DELIVERY_STATE_PENDING: return "待发送";
    case pb::DELIVERY_STATE_HELD: return "暂缓";
    case pb::DELIVERY_STATE_SENDING: return "发送中";
    case pb::DELIVERY_STATE_DELIVERED: return "已送达";
    case pb::DELIVERY_STATE_FAILED: return "失败待重试";
    case pb::DELIVERY_STATE_DEAD: return "死信";
    case pb::DELIVERY_STATE_FAILED_OVER: return "已切换渠道";
    default: return "?";
  }
}

std::string ChannelName(pb::ChannelKind c) {
  switch (c) {
    case pb::CHANNEL_KIND_WEBHOOK: return "webhook";
    case pb::CHANNEL_KIND_WECOM: return "企业微信";
    case pb::CHANNEL_KIND_DINGTALK: return "钉钉";
    case pb::CHANNEL_KIND_FEISHU: return "飞书";
    case pb::CHANNEL_KIND_EMAIL: return "邮件";
    case pb::CHANNEL_KIND_INBOX: return "站内信";
    default: return "?";
  }
}

std::string OutcomeName(pb::Outcome o) {
  switch (o) {
    case pb::OUTCOME_DELIVERED: return "送达";
    case pb::OUTCOME_TRANSIENT: return "暂时失败";
    case pb::OUTCOME_THROTTLED: return "限流";
    case pb::OUTCOME_PERMANENT: return "永久失败";
    default: return "?";
  }
}

std::string SeverityName(pb::Severity s) {
  switch (s) {
    case pb::SEVERITY_INFO: return "提示";
    case pb::SEVERITY_WARNING: return "预警";
    case pb::SEVERITY_CRITICAL: return "紧急";
    default: return "?";
  }
}

std::string KindName(pb::RecipientKind k) {
  switch (k) {
    case pb::RECIPIENT_KIND_UNIT: return "责任单位";
    case pb::RECIPIENT_KIND_HEAD: return "带班领导";
    case pb::RECIPIENT_KIND_LEAD: return "领班";
    case pb::RECIPIENT_KIND_COUNTY: return "县（市、区）";
    case pb::RECIPIENT_KIND_OFFICE: return "市营商办";
    case pb::RECIPIENT_KIND_CENTRE: return "市政务服务中心";
    case pb::RECIPIENT_KIND_GOVERNMENT_BODY: return "机关";
    case pb::RECIPIENT_KIND_PUBLICATION: return "发布渠道";
    default: return "?";
  }
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "—";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTime(t), Shanghai());
}

namespace {

// What an attempt came back with: the codes that were set, the error, how long it took.
std::string AttemptCodes(const pb::Attempt& a) {
  std::vector<std::string> parts;
  if (a.http_status() != 0) parts.push_back(absl::StrCat("HTTP ", a.http_status()));
  if (a.smtp_code() != 0) parts.push_back(absl::StrCat("SMTP ", a.smtp_code()));
  if (a.curl_code() != 0) parts.push_back(absl::StrCat("curl ", a.curl_code()));
  parts.push_back(absl::StrCat(a.duration_ms(), "ms"));
  return absl::StrJoin(parts, " ");
}

}  // namespace

void PrintDelivery(std::ostream& out, const pb::Delivery& d) {
  out << absl::StrFormat("%s  %s\n", d.id(), StateName(d.state()));
  out << absl::StrFormat("  通知 %s  事件 %s  收件人 %s  渠道 %d %s\n", d.notification_id(), d.event_id(),
                         d.recipient_id(), d.channel_order(), ChannelName(d.channel()));
  out << absl::StrFormat("  创建 %s  更新 %s%s\n", Time(d.created_at()), Time(d.updated_at()),
                         d.has_delivered_at() ? "  送达 " + Time(d.delivered_at()) : "");
  for (const pb::Attempt& a : d.attempts()) {
    out << absl::StrFormat("    %s  %s#%d  %s  %s", Time(a.at()), ChannelName(a.channel()), a.channel_order(),
                           OutcomeName(a.outcome()), AttemptCodes(a));
    if (!a.decision().empty()) out << "  " << a.decision();
    if (a.has_next_at()) out << "（下次 " << Time(a.next_at()) << "）";
    if (!a.error().empty()) out << "  " << a.error();
    out << "\n";
  }
  if (d.attempts().empty()) out << "    (no attempt yet)\n";
}

void PrintNotification(std::ostream& out, const pb::Notification& n) {
  out << absl::StrFormat("%s  %s  [%s] %s%s\n", n.id(), Time(n.created_at()), SeverityName(n.severity()), n.title(),
                         n.withdrawn() ? "  (撤回)" : "");
  out << absl::StrFormat("  事件 %s %s (%s)  路由 %s  组 %s #%d%s\n", n.event_type(), n.event_id(), n.event_source(),
                         n.route(), n.group_key(), n.sequence(),
                         n.members() > 1 ? absl::StrFormat("，合并 %d 条", n.members()) : "");
  out << "  收件人 " << (n.receivers().empty() ? "—" : absl::StrJoin(n.receivers(), ", ")) << "\n";
  if (n.has_hold_until()) out << "  暂缓至 " << Time(n.hold_until()) << "\n";
  if (!n.reason().empty()) out << "  原因 " << n.reason() << "\n";
}

std::string InboxLine(const pb::InboxItem& item) {
  return absl::StrFormat("%s %s  %s  [%s] %s  (%s, %s)", item.has_read_at() ? " " : "●", item.id(),
                         Time(item.created_at()), SeverityName(item.severity()), item.title(), item.event_type(),
                         item.recipient_id());
}

std::string SilenceLine(const pb::Silence& s, const google::protobuf::Timestamp& now) {
  const absl::Time at = FromProtoTime(now);
  const char* state = FromProtoTime(s.ends_at()) <= at     ? "已结束"
                      : FromProtoTime(s.starts_at()) > at ? "未开始"
                                                          : "生效中";
  std::string line = absl::StrFormat("%s  %s  {%s}  %s → %s  %s: %s", s.id(), state, absl::StrJoin(s.matchers(), ", "),
                                     Time(s.starts_at()), Time(s.ends_at()), s.created_by(), s.comment());
  if (!s.expired_by().empty()) absl::StrAppend(&line, "  (提前结束: ", s.expired_by(), ")");
  return line;
}

void PrintRecipient(std::ostream& out, const pb::Recipient& r) {
  out << absl::StrFormat("%s  %s  %s%s%s\n", r.id(), r.name(), KindName(r.kind()),
                         r.stands_for().empty() || r.stands_for() == r.name() ? "" : "  (" + r.stands_for() + ")",
                         r.retired() ? "  [已停用]" : "");
  for (const pb::Channel& c : r.channels()) {
    out << absl::StrFormat("  %d %s%s%s\n", c.order(), ChannelName(c.kind()), c.target().empty() ? "" : " " + c.target(),
                           c.secret_ref().empty() ? "" : " (secret " + c.secret_ref() + ")");
  }
  const pb::DigestCadence digest = r.preferences().digest();
  if (digest == pb::DIGEST_CADENCE_DAILY || digest == pb::DIGEST_CADENCE_WEEKLY) {
    const std::string at = r.preferences().digest_time().empty() ? "08:30" : r.preferences().digest_time();
    out << absl::StrFormat("  汇总 %s %s\n", digest == pb::DIGEST_CADENCE_DAILY ? "每个工作日" : "每周首个工作日", at);
  }
  if (r.version() != 0) {
    out << absl::StrFormat("  version %d, updated %s by %s\n", r.version(), Time(r.updated_at()),
                           r.updated_by().empty() ? "—" : r.updated_by());
  }
}

void PrintTestRoute(std::ostream& out, const pb::TestRouteResponse& r) {
  for (const pb::RouteDecision& d : r.routes()) {
    out << d.path() << "\n";
    out << "  收件人 " << (d.receivers().empty() ? "— (无人可送)" : absl::StrJoin(d.receivers(), ", ")) << "\n";
    for (const std::string& dropped : d.dropped()) out << "  dropped " << dropped << "\n";
    for (const std::string& unknown : d.unknown_receivers()) out << "  UNKNOWN receiver " << unknown << "\n";
    out << "  " << d.description() << "\n";
  }
  if (r.silenced_by().empty()) {
    out << "not silenced\n";
  } else {
    out << "SILENCED by " << r.silenced_by() << " (nothing would be sent while it is in force)\n";
  }
}

}  // namespace ys::ysctl::notify_print
