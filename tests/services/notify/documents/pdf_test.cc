// The bulletin printed by the real headless Chromium (Debian's chromium) and read back by poppler
// (pdftotext, pdfinfo): the text is there, the pages are A4 and numbered "— N —". Plus the printer's
// failure paths with stand-in binaries. Set YS_DOC_SAMPLE_PDF=<path> to keep the printed sample (and
// <path>.draft.pdf, the draft).

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/run_process.h"
#include "services/notify/documents/pdf_printer.h"
#include "services/notify/documents/render_html.h"
#include "tests/services/notify/documents/sample_document.h"

namespace ys::notify::documents {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::ys::testing::ProcessOutput;
using ::ys::testing::RunProcess;

constexpr char kChromium[] = "/usr/bin/chromium";
constexpr char kPdftotext[] = "/usr/bin/pdftotext";
constexpr char kPdfinfo[] = "/usr/bin/pdfinfo";

// A private directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string path = (std::filesystem::temp_directory_path() / "ys-pdf-test-XXXXXX").string();
    EXPECT_NE(mkdtemp(path.data()), nullptr);
    path_ = path;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& bytes, bool executable = false) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << bytes;
    if (executable) std::filesystem::permissions(file, std::filesystem::perms::owner_all);
    return file;
  }
  size_t Entries() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path_)) ++n;
    return n;
  }

 private:
  std::string path_;
};

std::string WithoutSpace(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '\f' && c != '\r') out += c;
  }
  return out;
}

class ChromiumPdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {kChromium, kPdftotext, kPdfinfo}) {
      if (access(tool, X_OK) != 0) GTEST_SKIP() << tool << " is not installed (Debian chromium / poppler-utils)";
    }
  }
};

TEST_F(ChromiumPdfTest, PrintsTheBulletinOnNumberedA4Pages) {
  TempDir work;
  ChromiumPrinter printer({.binary = kChromium, .work_dir = work.path()});
  const std::string html = RenderHtml(sample::Bulletin());
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::string> pdf = printer.Print(html);
  const auto took = std::chrono::steady_clock::now() - started;
  std::cout << "ChromiumPrinter::Print took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms for "
            << html.size() << " bytes of HTML\n";
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_THAT(*pdf, StartsWith("%PDF-"));
  EXPECT_EQ(work.Entries(), 0u) << "the call's directory was left behind";
  if (const char* keep = std::getenv("YS_DOC_SAMPLE_PDF"); keep != nullptr && *keep != '\0') {
    std::ofstream(keep, std::ios::binary) << *pdf;
  }

  TempDir out;
  const std::string pdf_path = out.Write("bulletin.pdf", *pdf);
  const ProcessOutput text = RunProcess({kPdftotext, "-layout", pdf_path, "-"}, /*with_stderr=*/false);
  ASSERT_EQ(text.exit_code, 0) << text.text;
  // Layout mode pads columns with spaces; compare without them.
  const std::string flat = WithoutSpace(text.text);
  for (const std::string& title : sample::SectionTitles()) EXPECT_THAT(flat, HasSubstr(WithoutSpace(title)));
  EXPECT_THAT(flat, HasSubstr("上饶市优化营商环境工作领导小组办公室"));
  EXPECT_THAT(flat, HasSubstr("2022年第3期"));
  EXPECT_THAT(flat, HasSubstr("数据截至2022年10月8日18:00"));
  EXPECT_THAT(flat, HasSubstr("附件1"));
  // A rank from the 一级指标 table, on its row.
  EXPECT_THAT(flat, HasSubstr("办理建筑许可市住房和城乡建设局第9名第8名"));
  EXPECT_THAT(flat, HasSubstr("双随机<&>信用"));
  EXPECT_THAT(flat, HasSubstr("—1—"));
  EXPECT_THAT(flat, HasSubstr("—2—"));

  const ProcessOutput info = RunProcess({kPdfinfo, pdf_path}, /*with_stderr=*/false);
  ASSERT_EQ(info.exit_code, 0) << info.text;
  int pages = 0;
  double width = 0, height = 0;
  for (absl::string_view line : absl::StrSplit(info.text, '\n')) {
    if (absl::ConsumePrefix(&line, "Pages:")) {
      EXPECT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &pages)) << line;
    } else if (absl::ConsumePrefix(&line, "Page size:")) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
      ASSERT_GE(parts.size(), 3u) << line;
      EXPECT_TRUE(absl::SimpleAtod(parts[0], &width));
      EXPECT_TRUE(absl::SimpleAtod(parts[2], &height));
    }
  }
  EXPECT_GE(pages, 3);  // the body, then each annex on a page of its own
  EXPECT_NEAR(width, 595, 1) << info.text;
  EXPECT_NEAR(height, 842, 1) << info.text;
  EXPECT_THAT(flat, HasSubstr("—" + std::to_string(pages) + "—"));
}

TEST_F(ChromiumPdfTest, SeveralThreadsAtOnce) {
  TempDir work;
  ChromiumPrinter printer({.binary = kChromium, .work_dir = work.path()});
  const std::string issued = RenderHtml(sample::Bulletin());
  const std::string draft = RenderHtml(sample::Bulletin(pb::DOCUMENT_STATE_DRAFT));
  absl::StatusOr<std::string> a, b;
  std::thread ta([&] { a = printer.Print(issued); });
  std::thread tb([&] { b = printer.Print(draft); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  if (const char* keep = std::getenv("YS_DOC_SAMPLE_PDF"); keep != nullptr && *keep != '\0') {
    std::ofstream(std::string(keep) + ".draft.pdf", std::ios::binary) << *b;
  }
  TempDir out;
  const ProcessOutput ta_text = RunProcess({kPdftotext, out.Write("a.pdf", *a), "-"}, /*with_stderr=*/false);
  const ProcessOutput tb_text = RunProcess({kPdftotext, out.Write("b.pdf", *b), "-"}, /*with_stderr=*/false);
  EXPECT_THAT(WithoutSpace(ta_text.text), HasSubstr("2022年第3期"));
  EXPECT_THAT(WithoutSpace(tb_text.text), Not(HasSubstr("2022年第3期")));
  EXPECT_THAT(WithoutSpace(tb_text.text), HasSubstr("草稿"));
  EXPECT_EQ(work.Entries(), 0u);
}

// --- failure paths, with stand-ins for Chromium ----------------------------------------------

TEST(ChromiumPrinterTest, MissingBinaryIsAFailedPrecondition) {
  TempDir work;
  ChromiumPrinter by_path({.binary = "/nonexistent/chromium-ys", .work_dir = work.path()});
  absl::StatusOr<std::string> pdf = by_path.Print("<p>x</p>");
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kFailedPrecondition) << pdf.status();
  EXPECT_THAT(pdf.status().message(), HasSubstr("/nonexistent/chromium-ys"));
  ChromiumPrinter by_name({.binary = "chromium-ys-not-installed", .work_dir = work.path()});
  pdf = by_name.Print("<p>x</p>");
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kFailedPrecondition) << pdf.status();
  EXPECT_THAT(pdf.status().message(), HasSubstr("chromium-ys-not-installed"));
  EXPECT_EQ(work.Entries(), 0u);
}

TEST(ChromiumPrinterTest, FailureNamesTheEndOfItsOutput) {
  TempDir bin, work;
  const std::string fails = bin.Write("fails.sh", "#!/bin/sh\necho 'first line' >&2\necho 'cannot print: out of paper' >&2\nexit 3\n", true);
  absl::StatusOr<std::string> pdf = ChromiumPrinter({.binary = fails, .work_dir = work.path()}).Print("<p>x</p>");
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kInternal) << pdf.status();
  EXPECT_THAT(pdf.status().message(), HasSubstr("exited with status 3"));
  EXPECT_THAT(pdf.status().message(), HasSubstr("cannot print: out of paper"));
  // Exit 0 but no PDF: still an error.
  const std::string silent = bin.Write("silent.sh", "#!/bin/sh\necho 'printed nothing' >&2\nexit 0\n", true);
  pdf = ChromiumPrinter({.binary = silent, .work_dir = work.path()}).Print("<p>x</p>");
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kInternal) << pdf.status();
  EXPECT_THAT(pdf.status().message(), HasSubstr("printed nothing"));
  EXPECT_EQ(work.Entries(), 0u);
}

TEST(ChromiumPrinterTest, ArgumentsAndThePageItWrites) {
  TempDir bin, work;
  // Writes a fake PDF holding its arguments and the page it was given.
  const std::string fake = bin.Write("fake.sh", R"(#!/bin/sh
for a in "$@"; do
  case "$a" in
    --print-to-pdf=*) out="${a#--print-to-pdf=}" ;;
    file://*) page="${a#file://}" ;;
  esac
done
{ printf '%%PDF-1.4\n'; printf '%s\n' "$@"; cat "$page"; } > "$out"
)",
                                      true);
  absl::StatusOr<std::string> pdf =
      ChromiumPrinter({.binary = fake, .work_dir = work.path()}).Print("<p>页面 & 内容</p>");
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_THAT(*pdf, StartsWith("%PDF-1.4\n--headless\n--no-sandbox\n--disable-gpu\n--disable-dev-shm-usage\n--no-pdf-header-footer\n"
                               "--run-all-compositor-stages-before-draw\n--virtual-time-budget=5000\n--user-data-dir=" +
                               work.path() + "/ys-pdf-"));
  EXPECT_THAT(*pdf, HasSubstr("/out.pdf\nfile://" + work.path() + "/ys-pdf-"));
  EXPECT_THAT(*pdf, HasSubstr("/doc.html\n<p>页面 & 内容</p>"));
  EXPECT_EQ(work.Entries(), 0u);
}

TEST(ChromiumPrinterTest, TimeoutKillsTheProcessGroup) {
  TempDir bin, work;
  // The child sleep would keep running if only the shell were killed.
  const std::string hangs =
      bin.Write("hangs.sh", "#!/bin/sh\nsleep 30 &\necho $! > " + bin.path() + "/child.pid\nwait\n", true);
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::string> pdf =
      ChromiumPrinter({.binary = hangs, .work_dir = work.path(), .timeout = absl::Milliseconds(300)}).Print("<p>x</p>");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kDeadlineExceeded) << pdf.status();
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(work.Entries(), 0u);
  std::string child;
  std::getline(std::ifstream(bin.path() + "/child.pid"), child);
  ASSERT_FALSE(child.empty());
  // Gone, or a zombie waiting for whoever reaps orphans here.
  std::string stat;
  std::getline(std::ifstream("/proc/" + child + "/stat"), stat);
  const size_t paren = stat.rfind(')');
  if (paren != std::string::npos) {
    EXPECT_EQ(stat.substr(paren + 2, 1), "Z") << stat;
  }
}

}  // namespace
}  // namespace ys::notify::documents
