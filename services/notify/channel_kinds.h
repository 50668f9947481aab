#pragma once

// The channel kinds of recipients.h as notify.proto names them.

#include "services/notify/recipients.h"
#include "yingshang/notify/v1/notify.pb.h"

namespace ys::notify {

inline ::yingshang::notify::v1::ChannelKind ChannelKindToProto(ChannelKind kind) {
  namespace pb = ::yingshang::notify::v1;
  switch (kind) {
    case ChannelKind::kWebhook: return pb::CHANNEL_KIND_WEBHOOK;
    case ChannelKind::kWeCom: return pb::CHANNEL_KIND_WECOM;
    case ChannelKind::kDingTalk: return pb::CHANNEL_KIND_DINGTALK;
    case ChannelKind::kFeishu: return pb::CHANNEL_KIND_FEISHU;
    case ChannelKind::kEmail: return pb::CHANNEL_KIND_EMAIL;
    case ChannelKind::kInbox: return pb::CHANNEL_KIND_INBOX;
  }
  return pb::CHANNEL_KIND_UNSPECIFIED;
}

}  // namespace ys::notify
