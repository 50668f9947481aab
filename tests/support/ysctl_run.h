#pragma once

#include <functional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace ys::testing {

// What one in-process ysctl run printed and returned.
struct CliRun {
  int code = 0;
  std::string out;
  std::string err;
};

// Runs `ysctl ARGS...` in-process with the commands `add` registers (e.g. AddRankingCommands).
inline CliRun RunYsctl(const std::function<void(CLI::App&, std::ostream&, std::ostream&, int*)>& add,
                       std::vector<std::string> args) {
  CLI::App app;
  app.require_subcommand(1);
  std::ostringstream out, err;
  CliRun r;
  add(app, out, err, &r.code);
  args.insert(args.begin(), "ysctl");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    r.code = e.get_exit_code();
  }
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace ys::testing
