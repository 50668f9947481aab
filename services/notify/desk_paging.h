#pragma once

// How the notify desk pages (internal to desk_*.cc): common/grpc/paging.h's window, kept within what
// the store's int offsets and limits hold, and a window over a list already in memory.

#include <climits>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/grpc/paging.h"
#include "common/status/macros.h"
#include "yingshang/common/v1/common.pb.h"

namespace ys::notify {

// ParsePage's window; a token past what an int holds was not issued by this server.
inline absl::StatusOr<PageWindow> ParseStorePage(const yingshang::common::v1::PageRequest& page) {
  ASSIGN_OR_RETURN(PageWindow window, ParsePage(page));
  if (window.offset > static_cast<size_t>(INT_MAX / 2)) {
    return absl::InvalidArgumentError("page.page_token: is not a token this server issued");
  }
  return window;
}

// The rows of `all` in `window`, appended with `add`; returns the next page's token.
template <typename T, typename Add>
std::string PageOf(const std::vector<T>& all, const PageWindow& window, Add add) {
  for (size_t i = window.offset; i < all.size() && i < window.offset + window.size; ++i) add(all[i]);
  return NextPageToken(window, all.size());
}

}  // namespace ys::notify
