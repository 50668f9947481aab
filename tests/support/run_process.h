#pragma once

// Runs a program we did not write (python3 with openpyxl, pdftotext, pdfinfo) and keeps what it
// printed, for the tests that read our files back with another reader. No shell: argv as given,
// looked up on PATH when argv[0] has no slash.

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace ys::testing {

struct ProcessOutput {
  int exit_code = -1;  // -1: it did not exit normally (or could not start: 127)
  std::string text;    // stdout, and stderr unless kept apart
};

// `with_stderr`: false keeps stderr out of `text` (a reader's warnings are not its output).
inline ProcessOutput RunProcess(const std::vector<std::string>& argv, bool with_stderr = true) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    if (with_stderr) dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  ProcessOutput out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace ys::testing
