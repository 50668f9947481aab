#pragma once

#include <ostream>

#include "CLI/CLI.hpp"

namespace ys::ysctl {

// Window staff at the service centre (the 办法), on the duty service:
// staff add --unit U --window W --name N --employment on|off [--approval] [--section-head] [--chief]
//   --posted DATE --letter TEXT [--clock-id C]; staff list [--unit U] [--all];
// staff rotate ID --date D [--letter L] --reason R; staff check [--unit U] [--as-of D];
// staff attendance import FILE.csv [--dry-run]; staff attendance --month M [--unit U];
// staff dismiss ID --path misconduct|disobedience --reason R --letter L --date D [--criticisms N];
// staff replace DISMISSAL_ID --by STAFF_ID; staff dismissals [--unit U].
void AddStaffCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);

}  // namespace ys::ysctl
