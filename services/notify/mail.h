#pragma once

// An e-mail notification as the RFC 5322 / MIME bytes libcurl uploads over SMTP (CURLOPT_UPLOAD with
// CURLOPT_MAIL_FROM / CURLOPT_MAIL_RCPT; the envelope is the caller's, these are the message's own
// headers). Pure: the date and the id are passed in, nothing random, so the same notification builds
// the same bytes on every retry.
//
// What it decides:
// - Lines end in CRLF; header lines are folded to at most 76 characters, body lines are base64 at 76.
// - Non-ASCII header text (the Subject, display names) is RFC 2047 "B" encoding in UTF-8: encoded-
//   words of at most 75 characters, the first one shorter so "Subject: " plus it stays within 76,
//   each holding whole UTF-8 characters only (a decoder that decodes word by word shows no broken
//   character). A printable-ASCII subject that fits is sent as it is.
// - Parts: text/plain alone; text/plain + text/html as multipart/alternative (plain first, as
//   RFC 2046 orders from plainest to richest); with attachments, a multipart/mixed holding that and
//   then each attachment. Every body part is base64, text normalised to CRLF line ends first, so no
//   body line starts with '.', exceeds 76 characters or collides with a boundary.
// - Attachment names: RFC 2231 (filename*=UTF-8''%E4%B8%8A…, split into filename*0*, filename*1*, …
//   sections when long, never inside a character) on Content-Disposition, which standard readers
//   use; plus name="=?UTF-8?B?…?=" on Content-Type for older Outlook and Foxmail, which read only that.
// - Boundaries are "=_ys_" plus a hash of the id: "=_" cannot occur in base64, so never in a body.
// - Message-ID is <first 32 hex digits of SHA-256(idempotency key)>@<sender's domain>: a re-send after a lost
//   SMTP reply carries the same id, so mail clients and archives that dedupe by Message-ID show one.
// - Auto-Submitted: auto-generated (RFC 3834) and X-Auto-Response-Suppress: All (Exchange), so
//   out-of-office replies do not come back to the sender.
// - Dot-stuffing (RFC 5321 §4.5.2) is not done here: libcurl doubles a leading '.' of every line it
//   uploads over SMTP itself (lib/smtp.c's end-of-body escaping; curl's own test 901 checks it), and
//   base64 bodies never start a line with one.
// - Refused with INVALID_ARGUMENT naming the field: no recipient, an address that is not
//   local@domain, CR or LF in a header field (header injection), an empty subject, an attachment
//   without a name or with a content type that is not type/subtype.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ys::notify {

struct MailAddress {
  std::string name;     // display name, may be Chinese: 「市营商办」
  std::string address;  // local@domain, ASCII
};

struct MailAttachment {
  std::string file_name;  // 「2022年10月坐班通报.pdf」
  std::string content_type = "application/octet-stream";
  std::string content;  // raw bytes
};

struct MailMessage {
  MailAddress from;
  std::vector<MailAddress> to;
  std::vector<MailAddress> cc;
  std::string subject;
  std::string text;  // required: the plain-text body
  std::string html;  // optional: an HTML alternative
  std::vector<MailAttachment> attachments;
  absl::Time date;              // the Date header, written in +0800 (Asia/Shanghai)
  std::string idempotency_key;  // (notification, receiver, channel): the Message-ID's source
};

absl::StatusOr<std::string> BuildMail(const MailMessage& mail);

// RFC 2047 encoded-words ("=?UTF-8?B?…?=") for `text`: the first at most `first_max` characters, the
// rest at most 75, each holding whole UTF-8 characters (cut before a byte ≥ 0xC0 or an ASCII byte).
std::vector<std::string> EncodeWords(std::string_view text, size_t first_max = 75);

}  // namespace ys::notify
