// RFC 9457 problem details: how every error of the contract (§6) goes on the wire.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "events/result.h"
#include "http/response.h"

namespace closient::http {

// Where and when a problem happened; filled in by the dispatcher for each request.
struct ProblemContext {
  std::string_view instance;  // the request path
  std::string_view request_id;
  int64_t now_ms = 0;
};

// "https://closient.com/docs/errors/not_found"
std::string problem_type_uri(ErrorCode code);
// "Not Found"
const char* problem_title(ErrorCode code);
// Whether retrying the same request later may succeed (the §6 table).
bool is_retryable(ErrorCode code);

// The problem document, members in the order of §6. `retry_after_seconds` is
// written for rate_limited errors.
nlohmann::ordered_json problem_json(const Error& error, const ProblemContext& context,
                                    std::optional<int64_t> retry_after_seconds = std::nullopt);

// The whole answer: status from the code, application/problem+json, plus the headers
// the code calls for (Retry-After on 429, WWW-Authenticate on 401).
Response problem_response(const Error& error, const ProblemContext& context,
                          std::optional<int64_t> retry_after_seconds = std::nullopt);

}  // namespace closient::http
