#include "http/pagination.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace closient::http {
namespace {

// Checks one parameter; on success leaves `out` set (or untouched when absent).
void read_parameter(const QueryParams& query, const char* name, uint64_t min, uint64_t max,
                    uint64_t& out, std::vector<FieldError>& errors) {
  const std::size_t count = query.count(name);
  if (count == 0) return;
  const std::string message =
      "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (count > 1) {
    errors.push_back({name, "must be given at most once"});
    return;
  }
  const auto value = parse_decimal(*query.find(name), max);
  if (!value || *value < min) {
    errors.push_back({name, message});
    return;
  }
  out = *value;
}

}  // namespace

std::optional<uint64_t> parse_decimal(std::string_view text, uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

Result<PageRequest> parse_page_request(const QueryParams& query) {
  PageRequest request;
  std::vector<FieldError> errors;
  read_parameter(query, "page", 1, kMaxPage, request.page, errors);
  read_parameter(query, "page_size", 1, kMaxPageSize, request.page_size, errors);
  if (!errors.empty()) {
    return Error{ErrorCode::validation_error,
                 "The pagination parameters are not valid.",
                 {},
                 std::move(errors)};
  }
  return request;
}

}  // namespace closient::http
