#include "services/gateway/attachment_rules.h"

#include <string>

#include "absl/strings/match.h"
#include "common/input/text_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ys::gateway {
namespace {

using ::testing::HasSubstr;

const std::string kPdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string kJpeg = "\xff\xd8\xff\xe0\0\x10JFIF";
const std::string kZip = std::string("PK\x03\x04\x14\0\x06\0", 8) + "[Content_Types].xml";
const std::string kOle = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + std::string(8, '\0');
const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

std::string TypeOf(absl::string_view filename, absl::string_view content) {
  auto type = CheckAttachment(filename, content, AttachmentLimits{});
  EXPECT_TRUE(type.ok()) << filename << ": " << type.status();
  return type.ok() ? *type : "";
}

absl::Status Refusal(absl::string_view filename, absl::string_view content, AttachmentLimits limits = {}) {
  auto type = CheckAttachment(filename, content, limits);
  EXPECT_FALSE(type.ok()) << filename << " accepted as " << (type.ok() ? *type : "");
  EXPECT_EQ(type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(type.status().message(), HasSubstr("field 'content'"));
  return type.status();
}

TEST(CheckAttachment, SniffsEachType) {
  EXPECT_EQ(TypeOf("整改报告.pdf", kPdf), "application/pdf");
  EXPECT_EQ(TypeOf("现场照片.PNG", kPng), "image/png");
  EXPECT_EQ(TypeOf("photo.jpg", kJpeg), "image/jpeg");
  EXPECT_EQ(TypeOf("photo.jpeg", kJpeg), "image/jpeg");
  EXPECT_EQ(TypeOf("报告.docx", kZip), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(TypeOf("台账.xlsx", kZip), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(TypeOf("汇报.pptx", kZip), "application/vnd.openxmlformats-officedocument.presentationml.presentation");
  EXPECT_EQ(TypeOf("报告.doc", kOle), "application/msword");
  EXPECT_EQ(TypeOf("台账.xls", kOle), "application/vnd.ms-excel");
  // The extension of the last path part decides, whatever the directories say.
  EXPECT_EQ(TypeOf("C:\\Users\\张三\\桌面\\a.b\\报告.pdf", kPdf), "application/pdf");
}

TEST(CheckAttachment, RefusesContentNotMatchingItsExtension) {
  absl::Status s = Refusal("报告.pdf", kPng);
  EXPECT_THAT(s.message(), HasSubstr("is not a .pdf file: it starts like a PNG image"));
  s = Refusal("photo.png", "<html><script>alert(1)</script>");
  EXPECT_THAT(s.message(), HasSubstr("is not a .png file: it starts like none of the allowed types"));
  s = Refusal("报告.docx", kOle);
  EXPECT_THAT(s.message(), HasSubstr("is not a .docx file"));
  EXPECT_THAT(Refusal("台账.xls", kZip).message(), HasSubstr("it starts like a ZIP"));
  EXPECT_THAT(Refusal("photo.jpg", "\xff\xd8").message(), HasSubstr("is not a .jpg file"));  // shorter than the magic
}

TEST(CheckAttachment, RefusesTypesNotInTheList) {
  for (const char* name : {"virus.exe", "page.html", "notes.txt", "archive.zip", "README", "报告.pdf.exe"}) {
    const absl::Status s = Refusal(name, kZip);
    EXPECT_THAT(s.message(), HasSubstr("is not allowed; allowed: PDF (.pdf), images (.png, .jpg, .jpeg), "
                                       "Word (.doc, .docx), Excel (.xls, .xlsx), PowerPoint (.pptx)"))
        << name;
  }
  EXPECT_THAT(Refusal("virus.exe", kZip).message(), HasSubstr("a .exe file"));
  EXPECT_THAT(Refusal("README", kPdf).message(), HasSubstr("a file without an extension"));
}

TEST(CheckAttachment, RefusesEmptyAndOversize) {
  EXPECT_THAT(Refusal("报告.pdf", "").message(), HasSubstr("field 'content': is empty"));
  const std::string big = kPdf + std::string(10 * 1024 * 1024 + 1 - kPdf.size(), 'x');
  EXPECT_THAT(Refusal("报告.pdf", big).message(), HasSubstr("is 10485761 bytes, at most 10 MiB"));
  EXPECT_EQ(TypeOf("报告.pdf", big.substr(0, 10 * 1024 * 1024)), "application/pdf");  // exactly the limit
  EXPECT_THAT(Refusal("报告.pdf", kPdf + std::string(2000, 'x'), AttachmentLimits{.max_bytes = 1536}).message(),
              HasSubstr("is 2022 bytes, at most 1536 bytes"));  // a limit under 0.1 MiB in bytes
  EXPECT_THAT(Refusal("报告.pdf", big, AttachmentLimits{.max_bytes = 3 * 1024 * 1024 / 2}).message(),
              HasSubstr("at most 1.5 MiB"));
}

TEST(SafeFilename, StripsPathParts) {
  EXPECT_EQ(SafeFilename("../../etc/passwd"), "passwd");
  EXPECT_EQ(SafeFilename("..\\..\\windows\\system.ini"), "system.ini");
  EXPECT_EQ(SafeFilename("/abs/path/整改报告.pdf"), "整改报告.pdf");
  EXPECT_EQ(SafeFilename(".."), "附件");
  EXPECT_EQ(SafeFilename("a/.."), "附件");
  EXPECT_EQ(SafeFilename("dir/"), "附件");
  EXPECT_EQ(SafeFilename(""), "附件");
}

TEST(SafeFilename, RemovesControlAndReorderingCharacters) {
  EXPECT_EQ(SafeFilename(std::string("报\0告\r\n\t.pdf", 14)), "报告.pdf");
  EXPECT_EQ(SafeFilename("a\x7f\xc2\x85" "b.pdf"), "ab.pdf");          // DEL, NEL (C1)
  EXPECT_EQ(SafeFilename("report\xe2\x80\xae" "fdp.exe"), "reportfdp.exe");  // U+202E right-to-left override
  EXPECT_EQ(SafeFilename("a\xff\xfe" "b.pdf"), "ab.pdf");              // invalid bytes
  EXPECT_EQ(SafeFilename("  整改 报告.pdf  "), "整改 报告.pdf");        // inner space kept
  EXPECT_EQ(SafeFilename("\x01\x02\x03"), "附件");
}

TEST(SafeFilename, CutsLongChineseNamesOnACharacterBoundary) {
  std::string stem;
  for (int i = 0; i < 50; ++i) stem += "营";  // 150 bytes
  const std::string safe = SafeFilename(stem + ".pdf");
  EXPECT_LE(safe.size(), 120u);
  EXPECT_TRUE(input::IsValidUtf8(safe));
  EXPECT_TRUE(absl::EndsWith(safe, ".pdf")) << safe;
  EXPECT_EQ(safe, std::string(stem.substr(0, 114)) + ".pdf");  // 38 characters + ".pdf" = 118 bytes

  // No extension: cut at 120 bytes, which is 40 characters exactly; one byte off still ends whole.
  EXPECT_EQ(SafeFilename(stem), stem.substr(0, 120));
  const std::string shifted = SafeFilename("x" + stem);
  EXPECT_TRUE(input::IsValidUtf8(shifted));
  EXPECT_EQ(shifted, "x" + stem.substr(0, 117));

  // A name of 120 bytes stays as it is; the result is stable under a second pass.
  EXPECT_EQ(SafeFilename(stem.substr(0, 120)), stem.substr(0, 120));
  EXPECT_EQ(SafeFilename(safe), safe);
  EXPECT_EQ(SafeFilename(shifted), shifted);
}

TEST(AttachmentReference, RoundTripsNamesWithColons) {
  const std::string ref = AttachmentReference(kSha, "会议纪要: 9月.pdf");
  EXPECT_EQ(ref, "attachment:" + kSha + ":会议纪要: 9月.pdf");
  const auto parsed = ParseAttachmentReference(ref);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->sha256, kSha);
  EXPECT_EQ(parsed->filename, "会议纪要: 9月.pdf");

  const auto colons = ParseAttachmentReference(AttachmentReference(kSha, "a:b:c.pdf"));
  ASSERT_TRUE(colons.has_value());
  EXPECT_EQ(colons->filename, "a:b:c.pdf");
}

TEST(AttachmentReference, NameMadeSafe) {
  EXPECT_EQ(AttachmentReference(kSha, "../../etc/passwd"), "attachment:" + kSha + ":passwd");
}

TEST(ParseAttachmentReference, RefusesMalformed) {
  for (const std::string& ref :
       {std::string(""), std::string("attachment:"), "attachment:" + kSha, "attachment:" + kSha + ":",
        "attach:" + kSha + ":a.pdf", "attachment:" + kSha.substr(1) + ":a.pdf",
        "attachment:" + std::string(64, 'A') + ":a.pdf", "attachment:" + std::string(64, 'g') + ":a.pdf",
        "attachment:" + kSha + ":../a.pdf", "attachment:" + kSha + ":a\n.pdf",
        "ATTACHMENT:" + kSha + ":a.pdf"}) {
    EXPECT_FALSE(ParseAttachmentReference(ref).has_value()) << ref;
  }
}

}  // namespace
}  // namespace ys::gateway
