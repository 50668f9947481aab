#pragma once

// The PDF of a document: its HTML page (render_html.h) printed by headless Chromium, which lays out
// CJK text, @page margin boxes and inline SVG as the page shows them. An interface, so the service is
// tested with a fake printer and no browser.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ys::notify::documents {

class PdfPrinter {
 public:
  virtual ~PdfPrinter() = default;
  // The PDF bytes of a standalone HTML page.
  virtual absl::StatusOr<std::string> Print(std::string_view html) = 0;
};

struct ChromiumOptions {
  std::string binary = "chromium";  // a path, or a name looked up on PATH
  std::string work_dir = "/tmp";    // each Print makes (and removes) its own directory here
  absl::Duration timeout = absl::Seconds(90);
};

// Runs `<binary> --headless … --print-to-pdf` once per call, in a fresh directory with its own
// profile, so calls from several threads do not share anything. FAILED_PRECONDITION when the binary
// is missing, DEADLINE_EXCEEDED (the process group killed) past the timeout, INTERNAL with the end of
// Chromium's output when it fails or writes no PDF.
class ChromiumPrinter final : public PdfPrinter {
 public:
  explicit ChromiumPrinter(ChromiumOptions o);
  absl::StatusOr<std::string> Print(std::string_view html) override;

 private:
  ChromiumOptions options_;
};

}  // namespace ys::notify::documents
