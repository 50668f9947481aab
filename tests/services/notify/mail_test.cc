// The e-mail notifications (mail.h): the exact bytes of a small message, and python3's `email`
// package (an independent MIME parser) reading a full one back: subject (also through
// email.header.decode_header), addresses, parts, texts and attachment names.

#include "services/notify/mail.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace ys::notify {
namespace {

// 2022-10-10 09:00:00 +08:00, a Monday.
const absl::Time kAt = absl::FromUnixSeconds(1665363600);

MailMessage SmallMail() {
  MailMessage mail;
  mail.from = {"市营商办", "notify@ys.example"};
  mail.to = {{"市市场监管局", "scjgj@ys.example"}};
  mail.subject = "【督办】整改事项逾期未报";
  mail.text = "整改事项 RC-000123 逾期未报。\n请即报送。";
  mail.date = kAt;
  mail.idempotency_key = "ntf-42/市市场监管局/email";
  return mail;
}

TEST(MailTest, SmallMessageExactBytes) {
  const absl::StatusOr<std::string> mail = BuildMail(SmallMail());
  ASSERT_TRUE(mail.ok()) << mail.status();
  EXPECT_EQ(*mail,
            "Date: Mon, 10 Oct 2022 09:00:00 +0800\r\n"
            "From: =?UTF-8?B?5biC6JCl5ZWG5Yqe?= <notify@ys.example>\r\n"
            "To: =?UTF-8?B?5biC5biC5Zy655uR566h5bGA?= <scjgj@ys.example>\r\n"
            "Subject: =?UTF-8?B?44CQ552j5Yqe44CR5pW05pS55LqL6aG56YC+5pyf5pyq5oql?=\r\n"
            "Message-ID: <1fdfd6053e334ac0d2cae78e56f22582@ys.example>\r\n"
            "MIME-Version: 1.0\r\n"
            "Auto-Submitted: auto-generated\r\n"
            "X-Auto-Response-Suppress: All\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n"
            "5pW05pS55LqL6aG5IFJDLTAwMDEyMyDpgL7mnJ/mnKrmiqXjgIINCuivt+WNs+aKpemAgeOAgg==\r\n");
}

TEST(MailTest, PrintableAsciiSubjectThatFitsIsSentAsItIs) {
  MailMessage mail = SmallMail();
  mail.subject = "Weekly roster 2022-W41";
  mail.from.name = "Yingshang";
  const std::string built = *BuildMail(mail);
  EXPECT_NE(built.find("\r\nSubject: Weekly roster 2022-W41\r\n"), std::string::npos) << built;
  EXPECT_NE(built.find("\r\nFrom: \"Yingshang\" <notify@ys.example>\r\n"), std::string::npos) << built;
}

TEST(MailTest, EncodedWordsHoldWholeCharactersWithinTheirLength) {
  // Mixed 1-, 3- and 4-byte characters, so chunks end at every kind of boundary.
  const std::string subject = "【督办】市市场监管局：开办企业指标2022-09全省倒数第一🚩整改事项逾期未报（RC-000123）";
  const std::vector<std::string> words = EncodeWords(subject, 67);
  ASSERT_GE(words.size(), 3u);
  std::string decoded;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    EXPECT_LE(word.size(), i == 0 ? 67u : 75u) << word;
    ASSERT_EQ(word.substr(0, 10), "=?UTF-8?B?");
    ASSERT_EQ(word.substr(word.size() - 2), "?=");
    std::string bytes;
    ASSERT_TRUE(absl::Base64Unescape(word.substr(10, word.size() - 12), &bytes)) << word;
    // Starts on a character and ends after a whole one.
    EXPECT_NE(static_cast<unsigned char>(bytes.front()) & 0xC0, 0x80) << i;
    decoded += bytes;
    if (i + 1 < words.size()) {
      EXPECT_GT(bytes.size(), (i == 0 ? 39u : 45u) - 4) << "chunk " << i << " cut shorter than needed";
    }
  }
  EXPECT_EQ(decoded, subject);
}

// Runs /usr/bin/python3 with `script` on stdin and `message` in a file named by argv[1]; its stdout.
std::string RunPython(const std::string& script, const std::string& message) {
  const std::string dir = testing::TempDir();
  const std::string message_path = dir + "/mail_test_message.eml";
  const std::string output_path = dir + "/mail_test_output.json";
  std::ofstream(message_path, std::ios::binary) << message;
  const std::string command = "/usr/bin/python3 - '" + message_path + "' > '" + output_path + "'";
  FILE* python = popen(command.c_str(), "w");
  if (python == nullptr) return "popen failed";
  std::fwrite(script.data(), 1, script.size(), python);
  const int status = pclose(python);
  if (status != 0) return "python3 exited with " + std::to_string(status);
  std::ifstream in(output_path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr char kReadBack[] = R"PY(
import email, email.policy, email.utils, json, sys
from email.header import decode_header, make_header

raw = open(sys.argv[1], 'rb').read()
old = email.message_from_bytes(raw, policy=email.policy.compat32)
words = decode_header(old['Subject'])

# Display names through decode_header too: the default policy's address parser keeps a space
# between adjacent encoded-words of a display name, which RFC 2047 section 6.2 says to drop.
def addresses(field):
    return [[str(make_header(decode_header(name))), address]
            for name, address in email.utils.getaddresses(old.get_all(field, []))]

msg = email.message_from_bytes(raw, policy=email.policy.default)
out = {
    'subject_words': ''.join(b.decode(c) if isinstance(b, bytes) else b for b, c in words),
    'subject': str(msg['subject']),
    'from': addresses('From'),
    'to': addresses('To'),
    'cc': addresses('Cc'),
    'message_id': str(msg['message-id']),
    'parts': [],
}
for part in msg.walk():
    entry = {'type': part.get_content_type(), 'defects': [type(d).__name__ for d in part.defects]}
    if not part.is_multipart():
        if part.get_filename():
            entry['filename'] = part.get_filename()
            entry['name'] = str(make_header(decode_header(part.get_param('name'))))
            entry['hex'] = part.get_payload(decode=True).hex()
        else:
            entry['text'] = part.get_content().replace('\r\n', '\n')
    out['parts'].append(entry)
print(json.dumps(out, ensure_ascii=False))
)PY";

MailMessage FullMail() {
  MailMessage mail = SmallMail();
  mail.to.push_back({"上饶市政务服务管理局办公室（市政务服务中心管理科）", "zwfw@ys.example"});
  mail.to.push_back({"", "office@ys.example"});
  mail.cc = {{"Yingshang \"office\"", "copy@ys.example"}};
  mail.subject = "【坐班通报】2022年10月进驻单位领导窗口“坐班”落实情况：达标 40 项，未达标 3 项（市政务服务中心）";
  mail.text = "市政务服务管理局、市政府分管领导：\n2022年10月落实情况见附件。\n.\n——\n此邮件由营商环境工作平台自动发送，请勿直接回复。";
  mail.html = "<p>市政务服务管理局、市政府分管领导：</p><p>2022年10月落实情况见附件。</p>";
  mail.attachments = {
      {"2022年10月进驻单位领导窗口“坐班”情况通报（市政务服务中心管理科）.pdf", "application/pdf",
       std::string("%PDF-1.4\n\x00\x01\xFF", 12)},
      {"roster.csv", "text/csv", "date,unit\n2022-10-10,市市场监管局\n"},
  };
  return mail;
}

TEST(MailTest, PythonEmailReadsBackSubjectPartsAndAttachmentNames) {
  const absl::StatusOr<std::string> mail = BuildMail(FullMail());
  ASSERT_TRUE(mail.ok()) << mail.status();

  const std::string output = RunPython(kReadBack, *mail);
  const nlohmann::json parsed = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded()) << output;

  const MailMessage expected = FullMail();
  EXPECT_EQ(parsed["subject_words"], expected.subject);
  EXPECT_EQ(parsed["subject"], expected.subject);
  EXPECT_EQ(parsed["from"], nlohmann::json::parse(R"([["市营商办", "notify@ys.example"]])"));
  EXPECT_EQ(parsed["to"], nlohmann::json::parse(R"([["市市场监管局", "scjgj@ys.example"],
      ["上饶市政务服务管理局办公室（市政务服务中心管理科）", "zwfw@ys.example"], ["", "office@ys.example"]])"));
  EXPECT_EQ(parsed["cc"], nlohmann::json::parse(R"([["Yingshang \"office\"", "copy@ys.example"]])"));
  EXPECT_EQ(parsed["message_id"], "<1fdfd6053e334ac0d2cae78e56f22582@ys.example>");

  const nlohmann::json& parts = parsed["parts"];
  ASSERT_EQ(parts.size(), 6u) << parts.dump();
  EXPECT_EQ(parts[0]["type"], "multipart/mixed");
  EXPECT_EQ(parts[1]["type"], "multipart/alternative");
  EXPECT_EQ(parts[2]["type"], "text/plain");
  EXPECT_EQ(parts[2]["text"], expected.text);
  EXPECT_EQ(parts[3]["type"], "text/html");
  EXPECT_EQ(parts[3]["text"], expected.html);
  EXPECT_EQ(parts[4]["type"], "application/pdf");
  EXPECT_EQ(parts[4]["filename"], expected.attachments[0].file_name);
  EXPECT_EQ(parts[4]["name"], expected.attachments[0].file_name);
  EXPECT_EQ(parts[4]["hex"], absl::BytesToHexString(expected.attachments[0].content));
  EXPECT_EQ(parts[5]["type"], "text/csv");
  EXPECT_EQ(parts[5]["filename"], "roster.csv");
  EXPECT_EQ(parts[5]["hex"], absl::BytesToHexString(expected.attachments[1].content));
  for (const nlohmann::json& part : parts) EXPECT_TRUE(part["defects"].empty()) << part.dump();
}

TEST(MailTest, EveryLineEndsInCrlfAndFitsIn76) {
  const std::string mail = *BuildMail(FullMail());
  ASSERT_GE(mail.size(), 2u);
  EXPECT_EQ(mail.substr(mail.size() - 2), "\r\n");
  for (const absl::string_view line : absl::StrSplit(mail, "\r\n")) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_EQ(line.find_first_of("\r\n"), absl::string_view::npos) << "bare CR or LF in: " << line;
    // Nothing for SMTP dot-stuffing to change: the body's "." line is inside base64.
    EXPECT_FALSE(!line.empty() && line.front() == '.') << line;
  }
  // The long attachment name is split into RFC 2231 sections.
  EXPECT_NE(mail.find(" filename*0*=UTF-8''"), std::string::npos);
  EXPECT_NE(mail.find(" filename*1*="), std::string::npos);
}

TEST(MailTest, SameKeySameBytesOtherKeyOtherIds) {
  MailMessage other = FullMail();
  other.idempotency_key = "ntf-43/市市场监管局/email";
  EXPECT_EQ(*BuildMail(FullMail()), *BuildMail(FullMail()));
  EXPECT_NE(*BuildMail(FullMail()), *BuildMail(other));
}

TEST(MailTest, RefusesWhatWouldBreakTheMessage) {
  MailMessage mail = SmallMail();
  mail.to.clear();
  EXPECT_EQ(BuildMail(mail).status().message(), "to: no recipient");

  mail = SmallMail();
  mail.to.push_back({"", "scjgj@ys.example\r\nBcc: x@evil.example"});
  EXPECT_EQ(BuildMail(mail).status().message(),
            "to[1].address: not local@domain: scjgj@ys.example\r\nBcc: x@evil.example");

  mail = SmallMail();
  mail.from.name = "市营商办\r\nBcc: x@evil.example";
  EXPECT_EQ(BuildMail(mail).status().message(), "from.name: contains a line break");

  mail = SmallMail();
  mail.subject = "a\nb";
  EXPECT_EQ(BuildMail(mail).status().message(), "subject: contains a line break");

  mail = SmallMail();
  mail.cc = {{"", "no-at-sign"}};
  EXPECT_EQ(BuildMail(mail).status().code(), absl::StatusCode::kInvalidArgument);

  mail = SmallMail();
  mail.attachments = {{"", "application/pdf", "x"}};
  EXPECT_EQ(BuildMail(mail).status().message(), "attachments[0].file_name: empty");
  mail.attachments = {{"a.pdf", "application/pdf; x=\r\n", "x"}};
  EXPECT_EQ(BuildMail(mail).status().message(),
            "attachments[0].content_type: not type/subtype: application/pdf; x=\r\n");

  mail = SmallMail();
  mail.text.clear();
  EXPECT_EQ(BuildMail(mail).status().message(), "text: empty");
}

}  // namespace
}  // namespace ys::notify
