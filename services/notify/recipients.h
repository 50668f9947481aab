#pragma once

// Who notify can tell: the recipients, with their channels and digest preferences. What it decides:
//
// 1. Who exists (DeriveRecipients). The catalog names the people and bodies the work plan holds to
//    account, so recipients are derived from it, never typed in by hand:
//      unit:<canonical name>   every unit of the catalog (责任单位, and the service centre's units);
//      head:<canonical name>   a unit's 带班领导, where an indicator names one (the person's name kept;
//                              several when indicators name different ones, joined by 、);
//      lead:<name>             each indicator's 领班;
//      county:<code>           each of Shangrao's counties (统计用区划代码; functional zones too when
//                              the caller lists them, under their local "Z" codes);
//    and the bodies the work plan addresses, fixed:
//      office                  市营商办 (统筹调度, 四(一); receives the 整改落实情况, 四(五));
//      centre                  市政务服务中心 (publishes the duty roster, 坐班细则 四.1);
//      body:市政务服务管理局, body:市政府分管领导   the duty compliance reports go to them (四.2);
//      body:市委 … body:市委宣传部                the quarterly bulletin's seven bodies (四(四));
//      publication:政务网站, publication:微信公众号, publication:大厅显示屏   where the centre
//                              publishes the week's roster on its first working day (四.1).
//    A fixed body that is also a catalog unit (市营商办, 市政务服务管理局 are both) is ONE recipient
//    under its fixed id, and "unit:<its name>" is another name of it (Recipients::same_as): one
//    organisation, one inbox, one copy of a message routed both to the unit and to the body.
//    Every derived recipient has the inbox channel and no digest.
// 2. What the office configures (ParseRecipientsYaml): a recipients file adds channels and a digest
//    to a recipient by id (aliases resolve: "unit:市住建局" is unit:市住房和城乡建设局), and may add
//    government bodies and publications of its own. It may not contradict the catalog: a unit, head,
//    领班 or county the catalog does not have is an error naming it, and so is a name for a derived
//    recipient (the catalog names those). Errors name the file, the line and the field:
//      recipients.yaml:12: recipients[2].channels[0].target: not an http(s) URL: 'ftp://…'
// 3. What a channel may hold (ValidateChannel, ValidateRecipient):
//    - a webhook or robot (webhook, wecom, dingtalk, feishu) targets one http(s) URL, without a user
//      name or password, a fragment or a secret-looking path segment or query value, and names its
//      secret in secret_ref (webhook: the HMAC key of signatures.h; wecom: the robot key; dingtalk:
//      the access token and 加签 secret; feishu: the hook token and signing secret — the dispatcher
//      completes the URL and signs with it);
//    - an e-mail channel targets exactly one address (local@domain; a list, a display name, a
//      space are refused: add a channel per address) and has no secret (the SMTP login is the
//      service's configuration);
//    - the inbox has neither: it is the recipient's own, and always present (a person can always
//      read their inbox) — the parser appends it after the file's channels when the file leaves it
//      out;
//    - a secret_ref NAMES a secret ("notify/wecom/office": letters, digits, _ . - /). A value that
//      looks like a secret itself — a UUID, a run of 32 or more hex digits, 20 or more base64
//      characters mixing digits and both cases — is refused, saying which, because configuration
//      files, `ysctl notify recipients show` and the delivery history all print it;
//    - `order` is unique within a recipient: the failover order of retry.h (lowest first); a channel
//      without one takes its 1-based position in the list;
//    - a publication takes no digest: the roster must appear on the day it is published.
// 4. What changed (DiffRecipients): per recipient, added / changed / removed with a one-line summary
//    ("digest: none → daily 08:30"), for the versioned history `ysctl notify recipients` shows.
// 5. Who a routed receiver is (ResolveReceiver): the names routing.h resolves ("unit:市住建局",
//    "head:市商务局", "lead:张三", "county:361102", "office", "政务网站") to the recipient.
//
// Compared with the anchors: Alertmanager's receivers are hand-written blocks that know nothing of
// the organisation, fan out to every integration at once, and hold secrets inline unless each is
// moved to a *_file option; here recipients follow the catalog (a new 带班领导 is a new head with no
// configuration), channels are an ordered failover list, and secrets are only ever named. Novu's
// subscribers carry channel credentials and per-subscriber digest preferences, as here, but
// anything may subscribe; here only what the catalog or the file names exists, and a routed name
// that matches nothing is NOT_FOUND, never silently dropped. GOV.UK Notify validates one e-mail
// address per request strictly; so does each e-mail channel here.
//
// Pure: no I/O. The caller adapts its catalog replica to CatalogView and reads the file.

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/grpc/unit_directory.h"
#include "services/notify/digest.h"

namespace ys::notify {

// §四(四): "报送市委、市人大、市政府、市政协、市纪委监委、市委组织部、市委宣传部" — the bulletin's seven
// addressees, recipients "body:<name>" (DeriveRecipients) and the issued bulletin's (documents/).
inline constexpr const char* kBulletinBodies[] = {"市委",       "市人大",     "市政府",    "市政协",
                                                  "市纪委监委", "市委组织部", "市委宣传部"};

enum class RecipientKind {
  kUnit,            // unit:<canonical unit name>
  kHead,            // head:<canonical unit name>: the unit's 带班领导
  kLead,            // lead:<name>: an indicator's 领班
  kCounty,          // county:<code>
  kOffice,          // office: 市营商办
  kCentre,          // centre: 市政务服务中心
  kGovernmentBody,  // body:<name>
  kPublication,     // publication:<name>
};
// "unit", "head", "lead", "county", "office", "centre", "government_body", "publication".
absl::string_view RecipientKindName(RecipientKind kind);

enum class ChannelKind { kWebhook, kWeCom, kDingTalk, kFeishu, kEmail, kInbox };
// "webhook", "wecom", "dingtalk", "feishu", "email", "inbox": the channel names of rate_limit.h.
absl::string_view ChannelKindName(ChannelKind kind);
// INVALID_ARGUMENT listing the known names.
absl::StatusOr<ChannelKind> ParseChannelKind(absl::string_view name);

struct Channel {
  ChannelKind kind = ChannelKind::kInbox;
  std::string target;      // URL (webhook, robots), one address (email), empty (inbox)
  std::string secret_ref;  // the NAME of a secret in the secret store; empty for email and inbox
  int order = 0;           // failover order within the recipient, lowest first; unique, >= 1

  bool operator==(const Channel&) const = default;
};

struct Recipient {
  std::string id;  // "unit:市住房和城乡建设局", "head:市商务局", "office", ...
  // For people: 市住房和城乡建设局, 市商务局带班领导, 饶清华, 信州区, 市营商办.
  std::string name;
  RecipientKind kind = RecipientKind::kUnit;
  // What it stands for: the unit (unit), the person or persons (head: 陈文宏; lead: 饶清华), the
  // region code (county: 361102), the body or platform (office: 市营商办, publication: 大厅显示屏).
  std::string stands_for;
  std::vector<Channel> channels;  // in `order`; always holds the inbox
  DigestPreference digest;        // cadence none: every event on its own
};
bool SameRecipient(const Recipient& a, const Recipient& b);  // every field equal

struct Recipients {
  std::map<std::string, Recipient, std::less<>> by_id;
  // Other receiver names of a recipient: "unit:市营商办" -> "office" (a fixed body that is a unit).
  std::map<std::string, std::string, std::less<>> same_as;
  UnitDirectory units;     // the catalog's unit names and aliases, for unit: and head: receivers
  std::string provenance;  // the recipients file's (SAMPLE, DRAFT, OFFICIAL); empty when none read
};

// What derivation needs of the catalog (indicator.v1's Unit, Indicator and Region), so the caller
// adapts its replica of ys.catalog.v1 without this file depending on it. Retired entries are skipped.
struct CatalogView {
  struct Unit {
    std::string name;  // canonical
    std::vector<std::string> aliases;
    bool retired = false;
  };
  struct ResponsibleUnit {
    std::string unit;  // canonical name or alias
    std::string head;  // 带班领导; empty when not named
  };
  struct Indicator {
    std::string code;
    std::string lead;  // 领班; empty when not named
    std::vector<ResponsibleUnit> units;
    bool retired = false;
  };
  struct County {
    std::string code;  // 361102; a functional zone's local code 3611Z1
    std::string name;  // 信州区
    bool retired = false;
  };
  std::vector<Unit> units;
  std::vector<Indicator> indicators;
  std::vector<County> counties;  // Shangrao's
};

// The recipients the catalog implies, each with the inbox only (see the top of this file).
// INVALID_ARGUMENT when a unit's name or alias names another unit; FAILED_PRECONDITION naming the
// indicator when one names a unit the view does not hold (a replica not yet complete).
absl::StatusOr<Recipients> DeriveRecipients(const CatalogView& catalog);

// Reads a recipients file over `derived`:
//
//   provenance: SAMPLE                      # optional: SAMPLE, DRAFT or OFFICIAL
//   recipients:
//     - id: unit:市住建局                   # an alias: unit:市住房和城乡建设局
//       channels:
//         - {kind: wecom, target: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
//            secret_ref: notify/wecom/zhujian}
//         - {kind: email, target: zhujian@example.invalid}
//       digest: daily                       # none (default) | daily | weekly
//       digest_time: "08:30"                # default 08:30
//     - id: body:市优化营商环境工作领导小组   # added: government bodies and publications only
//       name: 市优化营商环境工作领导小组
//
// An id is written as ResolveReceiver takes it (a bare "政务网站" is publication:政务网站) except that
// a county goes by county:<code or name> only. A listed recipient's channels replace its derived
// ones (the inbox is kept). Unit names resolve through `units` (an empty directory takes names as
// given). INVALID_ARGUMENT, one line,
// "<file_name>:<line>: <field>: <what is wrong>".
absl::StatusOr<Recipients> ParseRecipientsYaml(absl::string_view yaml, absl::string_view file_name,
                                               const Recipients& derived, const UnitDirectory& units);

// INVALID_ARGUMENT "<field>: <what is wrong>" (field target or secret_ref) for a channel breaking
// the rules at the top of this file; `order` is the recipient's concern.
absl::Status ValidateChannel(const Channel& channel);
// Every channel valid, orders unique and >= 1, one inbox, no (kind, target) twice, a digest time
// within the day, no digest for a publication. INVALID_ARGUMENT "recipient <id>: <field>: …".
absl::Status ValidateRecipient(const Recipient& recipient);

struct RecipientChange {
  enum class Kind { kAdded, kChanged, kRemoved };
  Kind kind = Kind::kChanged;
  std::string id;
  // added: "市住房和城乡建设局 (unit); channels inbox"; removed: the name;
  // changed: "channels: inbox → wecom https://… (secret notify/wecom/x), inbox; digest: none → daily 08:30"
  std::string summary;
};
// The changes from `before` to `after`, in id order; none when they hold the same recipients.
std::vector<RecipientChange> DiffRecipients(const Recipients& before, const Recipients& after);

// The recipient a routed receiver names: an id ("unit:市住房和城乡建设局", "office"); a unit or head
// by an alias ("unit:市住建局", "head:市住建局"); a fixed body's unit name ("unit:市营商办" → office);
// a county by code or name ("county:信州区", and "unit:信州区", since a county case's unit is the
// county); a body, publication, office or centre by its bare name ("政务网站", "市委", "市营商办",
// as routing trees write them). NOT_FOUND naming the receiver otherwise. The pointer is into
// `recipients`.
absl::StatusOr<const Recipient*> ResolveReceiver(const std::string& receiver, const Recipients& recipients);

}  // namespace ys::notify
