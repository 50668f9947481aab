#include "tools/ysctl/calendar_commands.h"

#include <memory>

namespace ys::ysctl {
namespace {

struct CalendarArgs {
  std::string date;
  std::string holidays_dir;  // empty: the calendar compiled into ysctl
};

absl::StatusOr<WorkingDayCalendar> LoadCalendar(const CalendarArgs& args) {
  if (args.holidays_dir.empty()) return WorkingDayCalendar::LoadEmbedded();
  return WorkingDayCalendar::LoadDirectory(args.holidays_dir);
}

}  // namespace

void AddCalendarCommands(CLI::App& app, std::ostream& out, std::ostream& err, int* exit_code) {
  auto args = std::make_shared<CalendarArgs>();
  CLI::App* cal = app.add_subcommand("calendar", "The official working-day calendar (调休 included)");
  cal->require_subcommand(1);
  cal->add_option("--holidays", args->holidays_dir,
                  "Directory of holiday JSON files (default: the copy built into ysctl)");

  auto fail = [&err, exit_code](const absl::Status& s) {
    err << "ysctl: " << s.message() << "\n";
    *exit_code = s.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  };

  CLI::App* is_working = cal->add_subcommand("is-working-day",
                                             "Print 'yes' or 'no' (and the holiday, if any)");
  is_working->add_option("DATE", args->date, "ISO date, e.g. 2022-10-08")->required();
  is_working->callback([args, &out, fail] {
    auto day = ParseIsoDate(args->date);
    if (!day.ok()) return fail(day.status());
    auto calendar = LoadCalendar(*args);
    if (!calendar.ok()) return fail(calendar.status());
    auto working = calendar->IsWorkingDay(*day);
    if (!working.ok()) return fail(working.status());
    out << (*working ? "yes" : "no");
    if (const auto* o = calendar->Override(*day)) {
      out << " (" << o->name << (o->off ? " 放假" : " 调休上班") << ")";
    }
    out << "\n";
  });

  CLI::App* first = cal->add_subcommand(
      "first-working-day", "Print the first working day of the ISO week containing a date");
  first->add_option("--week-of", args->date, "ISO date in the week, e.g. 2022-10-03")->required();
  first->callback([args, &out, fail] {
    auto day = ParseIsoDate(args->date);
    if (!day.ok()) return fail(day.status());
    auto calendar = LoadCalendar(*args);
    if (!calendar.ok()) return fail(calendar.status());
    auto d = calendar->FirstWorkingDayOfWeek(*day);
    if (!d.ok()) return fail(d.status());
    out << FormatIsoDate(*d) << "\n";
  });
}

}  // namespace ys::ysctl
