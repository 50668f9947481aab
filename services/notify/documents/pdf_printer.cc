#include "services/notify/documents/pdf_printer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace ys::notify::documents {
namespace {

std::string ErrnoText(int e) { return std::error_code(e, std::generic_category()).message(); }

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// The binary's path: as given when it names a path, else the first match on PATH.
std::optional<std::string> ResolveBinary(const std::string& binary) {
  if (binary.empty()) return std::nullopt;
  if (binary.find('/') != std::string::npos) {
    if (IsExecutableFile(binary)) return binary;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin", ':')) {
    if (dir.empty()) continue;
    std::string candidate = absl::StrCat(dir, "/", binary);
    if (IsExecutableFile(candidate)) return candidate;
  }
  return std::nullopt;
}

// A file:// URL for a local path (bytes outside the unreserved set and '/' percent-encoded).
std::string FileUrl(const std::string& path) {
  std::string out = "file://";
  for (unsigned char c : path) {
    if (absl::ascii_isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::string_view("0123456789ABCDEF" + (c >> 4), 1),
                      absl::string_view("0123456789ABCDEF" + (c & 15), 1));
    }
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The last few meaningful lines of Chromium's output, for the error message. Its D-Bus complaints
// (no session bus in a service) come with every run and say nothing about the failure.
std::string Tail(const std::string& log_path) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(ReadFile(log_path), '\n', absl::SkipWhitespace())) {
    if (absl::StrContains(line, "dbus")) continue;
    lines.emplace_back(line);
  }
  constexpr size_t kLines = 5;
  if (lines.size() > kLines) lines.erase(lines.begin(), lines.end() - kLines);
  std::string out = absl::StrJoin(lines, " | ");
  if (out.size() > 2000) out = out.substr(out.size() - 2000);
  return out.empty() ? "(no output)" : out;
}

// Removes the call's directory (page, profile, PDF, log) however Print returns.
class TempDir {
 public:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

ChromiumPrinter::ChromiumPrinter(ChromiumOptions o) : options_(std::move(o)) {}

absl::StatusOr<std::string> ChromiumPrinter::Print(std::string_view html) {
  const std::optional<std::string> binary = ResolveBinary(options_.binary);
  if (!binary) {
    return absl::FailedPreconditionError(
        absl::StrCat("PDF printer: the Chromium binary '", options_.binary, "' is not an executable file (or not on PATH)"));
  }
  // Absolute, for the file:// URL.
  std::error_code ec;
  const std::filesystem::path work_dir = std::filesystem::absolute(options_.work_dir, ec);
  std::string dir_template = (ec ? std::filesystem::path(options_.work_dir) : work_dir).string() + "/ys-pdf-XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("PDF printer: cannot make a directory in ", options_.work_dir, ": ", ErrnoText(errno)));
  }
  const TempDir dir(dir_template);
  const std::string html_path = dir.path() + "/doc.html";
  const std::string pdf_path = dir.path() + "/out.pdf";
  const std::string log_path = dir.path() + "/chromium.log";
  {
    std::ofstream out(html_path, std::ios::binary);
    out.write(html.data(), static_cast<std::streamsize>(html.size()));
    if (!out.good()) return absl::InternalError(absl::StrCat("PDF printer: cannot write ", html_path));
  }

  // Everything the child needs is made before fork: between fork and exec only async-signal-safe
  // calls are allowed (another thread may hold the allocator's lock).
  const std::vector<std::string> args = {
      *binary,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      // A container's /dev/shm is 64 MiB by default: a long bulletin would crash the renderer there.
      "--disable-dev-shm-usage",
      "--no-pdf-header-footer",
      "--run-all-compositor-stages-before-draw",
      "--virtual-time-budget=5000",
      "--user-data-dir=" + dir.path() + "/profile",
      "--print-to-pdf=" + pdf_path,
      FileUrl(html_path),
  };
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    const int e = errno;
    if (log_fd >= 0) close(log_fd);
    if (null_fd >= 0) close(null_fd);
    return absl::InternalError(absl::StrCat("PDF printer: cannot open ", log_path, ": ", ErrnoText(e)));
  }
  sigset_t empty;
  sigemptyset(&empty);

  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    // Its own process group, so a timeout kills Chromium's helpers too; the service's blocked
    // SIGTERM/SIGINT (common/process/signals) and ignored SIGPIPE are not Chromium's.
    setpgid(0, 0);
    pthread_sigmask(SIG_SETMASK, &empty, nullptr);
    signal(SIGPIPE, SIG_DFL);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    close_range(3, ~0U, 0);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  const int fork_errno = errno;
  close(log_fd);
  close(null_fd);
  if (pid < 0) return absl::InternalError(absl::StrCat("PDF printer: fork failed: ", ErrnoText(fork_errno)));
  setpgid(pid, pid);  // also here: whichever of parent and child runs first

  // Wait without reaping (WNOWAIT), so the group can be killed while its id cannot be reused.
  const auto deadline = started + std::chrono::microseconds(absl::ToInt64Microseconds(options_.timeout));
  bool timed_out = false;
  for (auto pause = std::chrono::milliseconds(5);;) {
    siginfo_t info{};
    const int r = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (r == 0 && info.si_pid == pid) break;
    if (r < 0 && errno != EINTR) break;  // not ours to wait for (cannot happen: we forked it)
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  // Helpers that outlive the browser (or all of them, on timeout) go with the group.
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat("PDF printer: Chromium did not finish within ",
                                                    absl::FormatDuration(options_.timeout), "; last output: ",
                                                    Tail(log_path)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status) ? absl::StrCat("exited with status ", WEXITSTATUS(status))
                                              : absl::StrCat("was killed by signal ", WTERMSIG(status));
    return absl::InternalError(absl::StrCat("PDF printer: Chromium ", how, ": ", Tail(log_path)));
  }
  std::string pdf = ReadFile(pdf_path);
  if (!absl::StartsWith(pdf, "%PDF-")) {
    return absl::InternalError(absl::StrCat("PDF printer: Chromium wrote no PDF (", pdf.size(),
                                            " bytes): ", Tail(log_path)));
  }
  return pdf;
}

}  // namespace ys::notify::documents
