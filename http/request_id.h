// X-Request-ID: the client's id when it is safe to echo, otherwise a fresh one.
#pragma once

#include <string>
#include <string_view>

#include "http/headers.h"

namespace closient::http {

inline constexpr char kRequestIdHeader[] = "X-Request-ID";

// 1-128 characters of [A-Za-z0-9._-] (§6): short enough to log, safe in any header.
bool is_acceptable_request_id(std::string_view id);

// 32 lowercase hex digits: a random per-thread prefix and a scrambled counter.
std::string generate_request_id();

// The client's X-Request-ID if acceptable, else a generated one.
std::string choose_request_id(const Headers& request_headers);

}  // namespace closient::http
