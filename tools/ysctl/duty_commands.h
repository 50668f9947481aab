#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "tools/ysctl/duty_cli.h"

namespace ys::ysctl {

// Leader window duty (领导窗口"坐班") at the service centre:
// duty directory import FILE [--dry-run]; duty directory show [--unit U];
// duty register --date D --unit U --leader L --session morning|afternoon|day [--window W] [--paper];
// duty cancel ID --reason R; duty registrations [--unit U] [--from D] [--to D] [--all];
// duty record (--registration ID | --unit U --leader L --date D) [--start --end] … --summary TEXT;
// duty records [--unit U] [--from D] [--to D]; duty exempt --leader L --month M --reason R;
// duty roster --week-of D; duty roster publish --week-of D; duty compliance --month M [--unit U];
// duty calendar (--leader L | --unit U) [--out FILE]; duty export --form F … --out FILE.xlsx;
// duty audit [--subject S].
void AddDutyCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code);


}  // namespace ys::ysctl
