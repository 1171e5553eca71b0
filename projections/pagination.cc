#include "projections/pagination.h"

#include <limits>

namespace closient {

uint64_t PageRequest::offset() const {
  if (page == 0) return 0;
  if (page - 1 > std::numeric_limits<uint64_t>::max() / page_size) {
    return std::numeric_limits<uint64_t>::max();
  }
  return (page - 1) * page_size;
}

Status check_page_request(const PageRequest& request) {
  if (request.page < 1) return Error::validation("page", "must be an integer of at least 1");
  if (request.page_size < 1 || request.page_size > kMaxPageSize) {
    return Error::validation("page_size", "must be an integer from 1 to 100");
  }
  return ok_status();
}

nlohmann::json page_envelope(nlohmann::json data, const PageRequest& request,
                             uint64_t total_count) {
  const uint64_t size = request.page_size == 0 ? 1 : request.page_size;
  const uint64_t total_pages = total_count / size + (total_count % size != 0 ? 1 : 0);
  return {{"data", std::move(data)},
          {"pagination",
           {{"page", request.page},
            {"page_size", request.page_size},
            {"total_count", total_count},
            {"total_pages", total_pages},
            {"has_next", request.page < total_pages},
            // An empty collection has no pages at all, so no page has a previous one.
            {"has_previous", request.page > 1 && total_pages > 0}}}};
}

}  // namespace closient
