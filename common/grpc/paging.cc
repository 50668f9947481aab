#include "common/grpc/paging.h"

#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ys {

absl::StatusOr<PageWindow> ParsePage(const yingshang::common::v1::PageRequest& page,
                                     size_t default_size, size_t max_size) {
  if (page.page_size() < 0) {
    return absl::InvalidArgumentError("field 'page.page_size' must not be negative");
  }
  PageWindow w;
  w.size = page.page_size() == 0 ? default_size
                                 : std::min<size_t>(static_cast<size_t>(page.page_size()), max_size);
  if (!page.page_token().empty()) {
    absl::string_view token = page.page_token();
    uint64_t offset = 0;
    if (!absl::ConsumePrefix(&token, "o") || !absl::SimpleAtoi(token, &offset)) {
      return absl::InvalidArgumentError(
          "field 'page.page_token' is not a token this server issued");
    }
    w.offset = offset;
  }
  return w;
}

std::string NextPageToken(const PageWindow& window, size_t total) {
  const size_t next = window.offset + window.size;
  return next < total ? absl::StrCat("o", next) : "";
}

}  // namespace ys
