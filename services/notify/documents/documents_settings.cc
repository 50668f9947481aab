#include "services/notify/documents/documents_settings.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/status/macros.h"

namespace ys::notify::documents {
namespace {

absl::Status KeyError(const std::string& key, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("config key '", key, "': ", why));
}

absl::StatusOr<absl::Duration> Positive(const Config& config, const std::string& key, absl::Duration fallback) {
  ASSIGN_OR_RETURN(absl::Duration d, config.GetDuration(key, fallback));
  if (d <= absl::ZeroDuration()) return KeyError(key, "must be positive");
  return d;
}

}  // namespace

absl::StatusOr<DocumentSettings> LoadDocumentSettings(const Config& config) {
  DocumentSettings s;
  ASSIGN_OR_RETURN(s.enabled, config.GetBool("notify.documents.enabled", s.enabled));
  s.city_code = config.GetString("notify.documents.city_code", s.city_code);
  if (s.city_code.size() != 4) return KeyError("notify.documents.city_code", "a city's 4-digit region code, e.g. 3611");
  s.ranking = config.GetString("notify.documents.ranking", s.ranking);
  s.indicator = config.GetString("notify.documents.indicator", s.indicator);
  s.rectification = config.GetString("notify.documents.rectification", s.rectification);
  s.duty = config.GetString("notify.documents.duty", s.duty);
  ASSIGN_OR_RETURN(s.deadline, Positive(config, "notify.documents.deadline", s.deadline));
  s.chromium = config.GetString("notify.documents.chromium", s.chromium);
  s.work_dir = config.GetString("notify.documents.work_dir", s.work_dir);
  ASSIGN_OR_RETURN(s.print_timeout, Positive(config, "notify.documents.print_timeout", s.print_timeout));
  ASSIGN_OR_RETURN(s.cases_every, Positive(config, "notify.documents.cases_every", s.cases_every));
  if (!s.enabled) return s;
  const std::string key = "notify.documents.service_key_file";
  const std::string path = config.GetString(key, "");
  if (path.empty()) return KeyError(key, "required while notify.documents.enabled (the key the sources are read with)");
  ASSIGN_OR_RETURN(std::string text, ReadConfigFile(key, path));
  s.service_key = std::string(absl::StripAsciiWhitespace(text));
  if (s.service_key.empty()) return KeyError(key, absl::StrCat(path, " is empty"));
  return s;
}

}  // namespace ys::notify::documents
