// Page-number pagination (§5): parsing `page` / `page_size` and rendering the
// {data, pagination} envelope.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>

#include "events/result.h"
#include "http/query.h"

namespace closient::http {

inline constexpr uint64_t kDefaultPageSize = 25;
inline constexpr uint64_t kMaxPageSize = 100;
// The largest page number accepted: the largest integer every JSON client can hold.
inline constexpr uint64_t kMaxPage = (uint64_t{1} << 53) - 1;

struct PageRequest {
  uint64_t page = 1;
  uint64_t page_size = kDefaultPageSize;

  // Items to skip before this page.
  uint64_t offset() const { return (page - 1) * page_size; }
};

// page: integer >= 1, default 1; page_size: integer 1-100, default 25. Anything else
// (signs, fractions, blanks, repeats) is a 422 naming each bad parameter.
Result<PageRequest> parse_page_request(const QueryParams& query);

struct PageSummary {
  uint64_t page = 1;
  uint64_t page_size = kDefaultPageSize;
  uint64_t total_count = 0;
  uint64_t total_pages = 0;  // 0 when there is nothing at all
  bool has_next = false;
  bool has_previous = false;
};

PageSummary summarize_page(const PageRequest& request, uint64_t total_count);

// {"data": data, "pagination": {...}}; `data` must be an array.
nlohmann::json page_envelope(nlohmann::json data, const PageRequest& request, uint64_t total_count);

}  // namespace closient::http
