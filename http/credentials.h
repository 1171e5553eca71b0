// The credentials a request presents (§2), read from its headers. Only extraction
// happens here; whether they are valid is the authenticator's question.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/headers.h"

namespace closient::http {

struct PresentedCredentials {
  std::optional<std::string> api_key;       // X-API-Key
  std::optional<std::string> bearer_token;  // Authorization: Bearer <token>
  std::optional<std::string> session_id;    // Cookie: sessionid=<token>
  std::optional<std::string> csrf_token;    // X-CSRF-Token (goes with a session)

  // Set when a credential header is present but unusable: an Authorization scheme
  // other than Bearer, an empty value, a header sent twice. Such a request must be
  // answered 401 (and counted as a failed authentication), not treated as anonymous.
  std::optional<std::string> malformed;

  bool any() const { return api_key || bearer_token || session_id || malformed; }
};

PresentedCredentials extract_credentials(const Headers& headers);

// The first value of cookie `name` in a Cookie header value ("a=1; sessionid=xyz").
std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name);
// Every value of cookie `name`, in order.
std::vector<std::string> find_cookies(std::string_view cookie_header, std::string_view name);

}  // namespace closient::http
