// The path and query parameters of an operation, read and checked (§6: a 422
// lists every invalid parameter, not only the first). Handlers read the values
// they need with the read_* functions; check_parameters runs every reader that
// applies to the operation and gathers all their errors into one 422, so a
// client fixing its request sees everything wrong with it at once.
#pragma once

#include <cstdint>
#include <optional>

#include "domain/roles.h"
#include "events/result.h"
#include "http/query.h"
#include "http/request_context.h"
#include "projections/as_of.h"
#include "projections/queries.h"

namespace closient::http {

// role: one of the four roles, or absent.
Result<std::optional<Role>> read_role_filter(const QueryParams& query);
// as_of: a log position or an RFC 3339 time, or absent.
Result<std::optional<AsOf>> read_as_of(const QueryParams& query);
// after: a log position (default 0).
Result<uint64_t> read_after(const QueryParams& query);
// limit: 1 to kMaxAuditLimit (default kDefaultAuditLimit).
Result<uint64_t> read_limit(const QueryParams& query);

// Every path parameter (each names an entity: shortuuid or UUID) and every query
// parameter the operation declares, checked together: ok, or one validation_error
// naming each bad parameter.
Status check_parameters(const RequestContext& context);

}  // namespace closient::http
