#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "yingshang/common/v1/common.pb.h"

namespace ys {

struct PageWindow {
  size_t offset = 0;
  size_t size = 0;
};

// The window a PageRequest asks for: page_size 0 means `default_size`, larger than `max_size` is
// capped; a page_token this server did not issue is INVALID_ARGUMENT naming the field.
absl::StatusOr<PageWindow> ParsePage(const yingshang::common::v1::PageRequest& page,
                                     size_t default_size = 100, size_t max_size = 500);

// The token for the page after `window` when `total` items exist ("" on the last page).
std::string NextPageToken(const PageWindow& window, size_t total);

}  // namespace ys
