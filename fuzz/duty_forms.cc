// The duty service's two files from outside: the centre's directory (YAML, `ysctl duty directory
// import`) through ParseDirectoryYaml, and the clock-in export (CSV, `ysctl staff attendance import`)
// through ParseAttendanceCsv. The same bytes go to both.
//
// Beyond not crashing: a directory read without error differs from itself in nothing, names every
// unit by its canonical name (an alias never survives the parse), and gives each leader a known role;
// every clock day parsed names the CSV line it came from (after the header).

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "services/duty/directory.h"
#include "services/duty/staff_rules.h"

namespace ys::duty {
namespace {

constexpr char kUnits[] = R"(units:
  - {name: 市自然资源局, high_frequency: true}
  - {name: 市住房和城乡建设局, aliases: [市住建局], high_frequency: true}
  - {name: 市商务局}
)";

}  // namespace
}  // namespace ys::duty

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ys::duty;
  static const ys::UnitDirectory units = *ys::UnitDirectory::FromYaml(kUnits);
  static const HighFrequencyUnits high = *HighFrequencyFromUnitsYaml(kUnits);
  const std::string text(reinterpret_cast<const char*>(data), size);

  const auto directory = ParseDirectoryYaml(text, "fuzz.yaml", units, high);
  if (directory.ok()) {
    ys::fuzz::Require(DiffDirectories(*directory, *directory).empty(), "a directory differs from itself in nothing");
    for (const auto& unit : directory->units()) {
      ys::fuzz::Require(units.Canonical(unit.name()) == unit.name(), "units are stored by their canonical name");
      for (const auto& leader : unit.leaders()) {
        ys::fuzz::Require(leader.role() != pb::LEADER_ROLE_UNSPECIFIED, "every leader has a known role");
      }
    }
  }
  const ParsedAttendance attendance = ParseAttendanceCsv(text);
  for (const ClockDay& day : attendance.days) {
    ys::fuzz::Require(day.line >= 2, "a clock day names its CSV line after the header");
  }
  return 0;
}
