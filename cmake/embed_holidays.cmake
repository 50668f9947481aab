# cmake -DINPUT_DIR=... -DOUTPUT=... -P embed_holidays.cmake
# Writes a .cc that returns every JSON file of INPUT_DIR as a string, for WorkingDayCalendar.
file(GLOB files "${INPUT_DIR}/*.json")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  file(READ "${f}" content HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${content}")
  string(APPEND body "      std::string(\"${escaped}\"),\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from data/holidays by cmake/embed_holidays.cmake. Do not edit.
#include \"common/time/embedded_holidays.h\"

namespace ys {

const std::vector<std::string>& EmbeddedHolidayDocuments() {
  static const std::vector<std::string>* const docs = new std::vector<std::string>{
${body}  };
  return *docs;
}

}  // namespace ys
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
