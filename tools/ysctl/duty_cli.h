#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ys::ysctl {

// Shared with the staff commands (tools/ysctl/staff_commands.h): the duty service's client defaults
// and the checks of a flag's value made before any call. Each check passes an empty value (an
// optional flag left out); otherwise it prints "ysctl: --flag VALUE is not …", sets the exit code to
// 2 and answers false.
namespace duty_cli {

inline constexpr char kService[] = "duty";
inline constexpr char kDefaultAddress[] = "127.0.0.1:7104";

bool CheckDate(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code);
bool CheckMonth(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code);
bool CheckClockTime(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code);
// A word of `choices` (the command line's names of an enum), as its index; -1 after printing
// "ysctl: --flag VALUE is not one of a, b, c" and setting the exit code to 2.
int CheckChoice(std::string_view flag, const std::string& value, const std::vector<std::string>& choices,
                std::ostream& err, int* exit_code);
// A required flag left empty (CLI11's ->required() cannot be used where a parent command and its
// subcommand share the flag): "ysctl: --flag is required", exit code 2.
bool CheckRequired(std::string_view flag, const std::string& value, std::ostream& err, int* exit_code);
// Reads a whole file; false after "ysctl: cannot read FILE" (exit code 2).
bool ReadWholeFile(const std::string& path, std::string* contents, std::ostream& err, int* exit_code);
// Writes bytes to a file; false after "ysctl: cannot write FILE" (exit code 1).
bool WriteWholeFile(const std::string& path, const std::string& contents, std::ostream& err, int* exit_code);

}  // namespace duty_cli

}  // namespace ys::ysctl
