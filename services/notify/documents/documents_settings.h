#pragma once

// The documents' settings (notify.documents in notify's YAML, YS_NOTIFY_DOCUMENTS_* overrides).
// Operating settings, none the plan's:
//
//   notify:
//     documents:
//       enabled: true                  # false: DocumentService answers UNAVAILABLE, nothing runs
//       city_code: "3611"              # the city the documents are about (上饶市)
//       service_key_file: var/keys/office.key   # the key notify calls the other services with
//       ranking: 127.0.0.1:7102        # where the sources answer
//       indicator: 127.0.0.1:7101
//       rectification: 127.0.0.1:7103
//       duty: 127.0.0.1:7104
//       deadline: 10s                  # each source call
//       chromium: chromium             # the binary that prints the PDF (Debian's chromium)
//       work_dir: /tmp                 # its temporary files
//       print_timeout: 90s
//       cases_every: 60s               # how often 督办事项 without a case are tried again

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/config.h"

namespace ys::notify::documents {

struct DocumentSettings {
  bool enabled = true;
  std::string city_code = "3611";
  std::string service_key;  // read from service_key_file
  std::string ranking = "127.0.0.1:7102";
  std::string indicator = "127.0.0.1:7101";
  std::string rectification = "127.0.0.1:7103";
  std::string duty = "127.0.0.1:7104";
  absl::Duration deadline = absl::Seconds(10);
  std::string chromium = "chromium";
  std::string work_dir = "/tmp";
  absl::Duration print_timeout = absl::Seconds(90);
  absl::Duration cases_every = absl::Seconds(60);
};

// INVALID_ARGUMENT naming the key for a bad value; enabled without a readable service_key_file
// names notify.documents.service_key_file.
absl::StatusOr<DocumentSettings> LoadDocumentSettings(const Config& config);

}  // namespace ys::notify::documents
