// CORS for browser use of publishable keys (contract §8). A cpk key may sit in a
// web page, so the routes it may call (GET /whoami, GET /organizations/{id})
// answer browsers of the origins the operator lists (accountd --cors-origin):
// preflights (OPTIONS) grant GET and HEAD with the X-API-Key header, and answers
// carry Access-Control-Allow-Origin. Never in credentials mode: the key travels
// in a header, not in a cookie, so no cookie-bearing cross-origin request is ever
// allowed. Every other route sends no CORS header at all.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "http/headers.h"
#include "http/response.h"

namespace closient::http {

// "*" (any origin) or an origin as browsers send it: http or https, a host, an
// optional port, nothing after ("https://app.example.com:8443"). Anything else
// (a path, a trailing slash, another scheme) is an error naming the value.
Result<std::string> parse_cors_origin(std::string_view text);

class CorsPolicy {
 public:
  CorsPolicy() = default;  // no origin allowed: CORS routes send only Vary: Origin
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool allows(std::string_view origin) const;

  // For any answer of a CORS route: Vary: Origin, and when the request's Origin is
  // allowed, Access-Control-Allow-Origin and Access-Control-Expose-Headers.
  Headers answer_headers(const Headers& request_headers) const;

  // The answer to a preflight of a CORS route: 204 with Allow, plus (for an
  // allowed origin asking for GET or HEAD with headers this API reads)
  // Access-Control-Allow-Methods, -Allow-Headers and -Max-Age.
  Response preflight(const Headers& request_headers) const;

 private:
  bool any_origin_ = false;
  std::vector<std::string> origins_;
};

}  // namespace closient::http
