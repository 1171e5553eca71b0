// Page-number pagination (§5) from a query string: `page` and `page_size` read
// into the projections' PageRequest, whose envelope the queries render.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "events/result.h"
#include "http/query.h"
#include "projections/pagination.h"

namespace closient::http {

using closient::PageRequest;

// The largest page number accepted: the largest integer every JSON client can hold.
inline constexpr uint64_t kMaxPage = (uint64_t{1} << 53) - 1;

// page: integer >= 1, default 1; page_size: integer 1-100, default 25. Anything else
// (signs, fractions, blanks, repeats) is a 422 naming each bad parameter.
Result<PageRequest> parse_page_request(const QueryParams& query);

// Digits only (1 to 20 of them, no sign or spaces); nullopt when malformed or above `max`.
std::optional<uint64_t> parse_decimal(std::string_view text, uint64_t max);

}  // namespace closient::http
