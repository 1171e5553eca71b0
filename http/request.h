// An HTTP request as the rest of the service sees it: plain values, no RESTinio.
#pragma once

#include <optional>
#include <string>

#include "events/result.h"
#include "http/headers.h"
#include "http/query.h"

namespace closient::http {

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // as sent, e.g. "/account/api/v1/organizations?page=2"
  std::string path;    // the target's path, still percent-encoded
  QueryParams query;   // decoded
  Headers headers;     // case-insensitive lookup
  std::string body;
  std::string remote_address;  // the peer's IP address, e.g. "127.0.0.1"
  // Set by the server when it could not read the request as sent (malformed, or
  // a header section or body over its limit: see http/request_limits.h). The
  // dispatcher answers it as it is, before routing; headers may be partial.
  std::optional<Error> framing_error;
};

// Builds a Request, splitting the target into path and query.
inline Request make_request(std::string method, std::string target, Headers headers = {},
                            std::string body = {}, std::string remote_address = {}) {
  Target parts = split_target(target);
  return Request{std::move(method),         std::move(target),  std::move(parts.path),
                 std::move(parts.query),    std::move(headers), std::move(body),
                 std::move(remote_address), std::nullopt};
}

}  // namespace closient::http
