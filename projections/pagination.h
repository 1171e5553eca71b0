// Page-number pagination of contract §5, pure (no HTTP): the request, its
// limits and the {data, pagination} envelope.
// http/pagination.h parses query strings into the same numbers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/result.h"

namespace closient {

inline constexpr uint64_t kDefaultPageSize = 25;
inline constexpr uint64_t kMaxPageSize = 100;

struct PageRequest {
  uint64_t page = 1;  // from 1
  uint64_t page_size = kDefaultPageSize;

  // Entries before this page (saturating: a huge page number is just past the end).
  uint64_t offset() const;
};

// validation_error naming "page" (< 1) or "page_size" (outside 1..100).
Status check_page_request(const PageRequest& request);

// {"data": data, "pagination": {page, page_size, total_count, total_pages,
// has_next, has_previous}}; total_pages is 0 when total_count is 0.
nlohmann::json page_envelope(nlohmann::json data, const PageRequest& request, uint64_t total_count);

}  // namespace closient
