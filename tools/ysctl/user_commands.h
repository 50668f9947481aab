#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// The web console's people (the gateway's UserAdmin, 127.0.0.1:7106 or $YS_GATEWAY_ADDRESS; office key):
// users add --login L --name 张三 --role unit:市商务局 [--password-file F] (a password is made and
// printed once when none is given); users list; users disable LOGIN;
// users reset-password LOGIN [--password-file F]; users audit [--login L] [--limit N].
void AddUserCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
