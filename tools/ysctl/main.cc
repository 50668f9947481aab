// ysctl: the operator's command-line client for Yingshang.
#include <iostream>

#include "CLI/CLI.hpp"
#include "tools/ysctl/calendar_commands.h"
#include "tools/ysctl/case_commands.h"
#include "tools/ysctl/catalog_commands.h"
#include "tools/ysctl/document_commands.h"
#include "tools/ysctl/duty_commands.h"
#include "tools/ysctl/goals_command.h"
#include "tools/ysctl/health_command.h"
#include "tools/ysctl/ledger_commands.h"
#include "tools/ysctl/notify_commands.h"
#include "tools/ysctl/outbox_commands.h"
#include "tools/ysctl/programme_commands.h"
#include "tools/ysctl/ranking_commands.h"
#include "tools/ysctl/redemption_commands.h"
#include "tools/ysctl/staff_commands.h"
#include "tools/ysctl/user_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ysctl — operate the Yingshang (营商) platform"};
  app.require_subcommand(1);
  int exit_code = 0;
  ys::ysctl::AddGlobalTlsFlags(app);
  ys::ysctl::AddCalendarCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddHealthCommand(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddCatalogCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddRedemptionCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddProgrammeCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddRankingCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddGoalsCommand(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddLedgerCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddCaseCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddOutboxCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddDutyCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddStaffCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddNotifyCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddDocumentCommands(app, std::cout, std::cerr, &exit_code);
  ys::ysctl::AddUserCommands(app, std::cout, std::cerr, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
