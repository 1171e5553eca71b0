#include "http/credentials.h"

#include <vector>

namespace closient::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Reads a single-valued header; a repeated or blank one is malformed.
std::optional<std::string> single_value(const Headers& headers, std::string_view name,
                                        PresentedCredentials& out) {
  const std::size_t count = headers.count(name);
  if (count == 0) return std::nullopt;
  if (count > 1) {
    out.malformed = std::string(name) + " was sent more than once";
    return std::nullopt;
  }
  const std::string_view value = trim(*headers.find(name));
  if (value.empty()) {
    out.malformed = std::string(name) + " is empty";
    return std::nullopt;
  }
  return std::string(value);
}

void read_authorization(const Headers& headers, PresentedCredentials& out) {
  const auto value = single_value(headers, "Authorization", out);
  if (!value) return;
  const std::string_view text = *value;
  const std::size_t space = text.find(' ');
  const std::string_view scheme = text.substr(0, space);
  const std::string_view token =
      space == std::string_view::npos ? std::string_view() : trim(text.substr(space + 1));
  if (!equals_ignoring_case(scheme, "Bearer")) {
    out.malformed = "Authorization must use the Bearer scheme";
  } else if (token.empty()) {
    out.malformed = "Authorization has no bearer token";
  } else {
    out.bearer_token = std::string(token);
  }
}

void read_session_cookie(const Headers& headers, PresentedCredentials& out) {
  std::vector<std::string> sessions;
  for (const auto& [name, value] : headers) {
    if (!equals_ignoring_case(name, "Cookie")) continue;
    std::vector<std::string> found = find_cookies(value, "sessionid");
    sessions.insert(sessions.end(), found.begin(), found.end());
  }
  if (sessions.empty()) return;
  // Two session cookies could name two users: refuse to guess which one is meant.
  if (sessions.size() > 1) {
    out.malformed = "the sessionid cookie was sent more than once";
  } else if (sessions.front().empty()) {
    out.malformed = "the sessionid cookie is empty";
  } else {
    out.session_id = std::move(sessions.front());
  }
}

}  // namespace

std::vector<std::string> find_cookies(std::string_view cookie_header, std::string_view name) {
  std::vector<std::string> values;
  while (!cookie_header.empty()) {
    const std::size_t semicolon = cookie_header.find(';');
    const std::string_view pair = trim(cookie_header.substr(0, semicolon));
    cookie_header = semicolon == std::string_view::npos ? std::string_view()
                                                        : cookie_header.substr(semicolon + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    values.emplace_back(value);
  }
  return values;
}

std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name) {
  std::vector<std::string> values = find_cookies(cookie_header, name);
  if (values.empty()) return std::nullopt;
  return std::move(values.front());
}

PresentedCredentials extract_credentials(const Headers& headers) {
  PresentedCredentials out;
  out.api_key = single_value(headers, "X-API-Key", out);
  read_authorization(headers, out);
  read_session_cookie(headers, out);
  // A missing or blank CSRF token is not a bad credential: the session itself may be
  // fine, and the write it guards answers 403, which the authorizer decides.
  if (const auto csrf = headers.find("X-CSRF-Token"); csrf && !trim(*csrf).empty()) {
    out.csrf_token = std::string(trim(*csrf));
  }
  return out;
}

}  // namespace closient::http
