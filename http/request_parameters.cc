#include "http/request_parameters.h"

#include <charconv>
#include <string>
#include <vector>

#include "http/api_description.h"
#include "http/command_bodies.h"
#include "http/pagination.h"

namespace closient::http {
namespace {

// A non-negative integer query parameter, or `fallback` when absent.
Result<uint64_t> unsigned_param(const QueryParams& query, std::string_view name,
                                uint64_t fallback) {
  std::optional<std::string_view> text = query.find(name);
  if (!text) return fallback;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc() || end != text->data() + text->size())
    return Error::validation(std::string(name), "must be a non-negative integer");
  return value;
}

// Adds the field errors of a failed read; other errors (none today) become a
// field error of the parameter so that nothing is lost.
template <typename T>
void gather(const Result<T>& read, const char* name, std::vector<FieldError>& errors) {
  if (read.ok()) return;
  if (read.error().fields.empty()) {
    errors.push_back({name, read.error().detail});
    return;
  }
  for (const FieldError& field : read.error().fields) errors.push_back(field);
}

}  // namespace

Result<std::optional<Role>> read_role_filter(const QueryParams& query) {
  std::optional<std::string_view> text = query.find("role");
  if (!text) return std::optional<Role>{};
  std::optional<Role> role = parse_role(*text);
  if (!role) return Error::validation("role", "must be one of owner, manager, billing, editor");
  return role;
}

Result<std::optional<AsOf>> read_as_of(const QueryParams& query) {
  std::optional<std::string_view> text = query.find("as_of");
  if (!text) return std::optional<AsOf>{};
  Result<AsOf> parsed = parse_as_of(*text);
  if (!parsed.ok()) return parsed.error();
  return std::optional<AsOf>{*parsed};
}

Result<uint64_t> read_after(const QueryParams& query) {
  return unsigned_param(query, "after", 0);
}

Result<uint64_t> read_limit(const QueryParams& query) {
  Result<uint64_t> limit = unsigned_param(query, "limit", kDefaultAuditLimit);
  if (!limit.ok()) return limit;
  if (*limit < 1 || *limit > kMaxAuditLimit)
    return Error::validation("limit", "must be between 1 and " + std::to_string(kMaxAuditLimit));
  return limit;
}

Status check_parameters(const RequestContext& context) {
  std::vector<FieldError> errors;
  for (const auto& [name, value] : context.path_params.all()) {
    gather(path_id(context.path_params, name), name.c_str(), errors);
  }
  const ApiOperation* operation = find_api_operation(context.route->operation_id);
  const QueryParams& query = context.request.query;
  bool paging_checked = false;
  for (const std::string& parameter :
       operation ? operation->query_parameters : std::vector<std::string>{}) {
    if (parameter == "QueryPage" || parameter == "QueryPageSize") {
      // One reader checks both, so each error is reported once.
      if (!paging_checked) gather(parse_page_request(query), "page", errors);
      paging_checked = true;
    } else if (parameter == "QueryRole") {
      gather(read_role_filter(query), "role", errors);
    } else if (parameter == "QueryAsOf") {
      gather(read_as_of(query), "as_of", errors);
    } else if (parameter == "QueryAfter") {
      gather(read_after(query), "after", errors);
    } else if (parameter == "QueryLimit") {
      gather(read_limit(query), "limit", errors);
    }
  }
  if (errors.empty()) return ok_status();
  return Error{ErrorCode::validation_error,
               "The request's parameters are not valid.",
               {},
               std::move(errors)};
}

}  // namespace closient::http
