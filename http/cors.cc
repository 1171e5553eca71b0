#include "http/cors.h"

#include <algorithm>

namespace closient::http {
namespace {

// What a browser may send and read. Headers a cpk request needs: the key, and a
// request id of its own; everything a client reads to self-throttle and to
// correlate an answer.
constexpr char kAllowedMethods[] = "GET, HEAD";
constexpr char kAllowedHeaders[] = "X-API-Key, X-Request-ID";
constexpr char kExposedHeaders[] =
    "X-Request-ID, ETag, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, "
    "RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After";
// Ten minutes: Chromium's ceiling, and short enough for a changed list to apply soon.
constexpr char kMaxAgeSeconds[] = "600";

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '[' || c == ']' || c == ':';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Each name of a comma-separated Access-Control-Request-Headers value is one this
// API lets a browser send.
bool requests_only_allowed_headers(std::string_view list) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view name = trim(list.substr(0, comma));
    if (!name.empty() && !equals_ignoring_case(name, "X-API-Key") &&
        !equals_ignoring_case(name, "X-Request-ID")) {
      return false;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return true;
}

}  // namespace

Result<std::string> parse_cors_origin(std::string_view text) {
  if (text == "*") return std::string(text);
  Error bad = Error::make(ErrorCode::bad_request,
                          "invalid --cors-origin '" + std::string(text) +
                              "': must be * or scheme://host[:port], e.g. https://app.example.com");
  std::string_view rest = text;
  if (rest.rfind("https://", 0) == 0) {
    rest.remove_prefix(8);
  } else if (rest.rfind("http://", 0) == 0) {
    rest.remove_prefix(7);
  } else {
    return bad;
  }
  if (rest.empty() || rest.size() > 255) return bad;
  if (!std::all_of(rest.begin(), rest.end(), is_host_char)) return bad;
  // Browsers send the origin's host in lower case; compare the same way.
  std::string origin(text);
  std::transform(origin.begin(), origin.end(), origin.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return origin;
}

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins) {
  for (std::string& origin : allowed_origins) {
    if (origin == "*") {
      any_origin_ = true;
    } else {
      origins_.push_back(std::move(origin));
    }
  }
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  if (any_origin_) return true;
  return std::any_of(origins_.begin(), origins_.end(), [&](const std::string& allowed) {
    return equals_ignoring_case(allowed, origin);
  });
}

Headers CorsPolicy::answer_headers(const Headers& request_headers) const {
  Headers headers;
  // The answer depends on Origin whenever some origin is allowed, so caches must
  // keep one copy per origin.
  headers.add("Vary", "Origin");
  const std::optional<std::string_view> origin = request_headers.find("Origin");
  if (!origin || request_headers.count("Origin") != 1 || !allows(*origin)) return headers;
  headers.add("Access-Control-Allow-Origin", any_origin_ ? "*" : std::string(*origin));
  headers.add("Access-Control-Expose-Headers", kExposedHeaders);
  return headers;
}

Response CorsPolicy::preflight(const Headers& request_headers) const {
  Response response = Response::empty(204);
  response.headers.set("Allow", "GET, HEAD, OPTIONS");
  const std::optional<std::string_view> origin = request_headers.find("Origin");
  const std::optional<std::string_view> method =
      request_headers.find("Access-Control-Request-Method");
  if (!origin || !allows(*origin) || !method) return response;
  const std::string_view wanted = trim(*method);
  if (wanted != "GET" && wanted != "HEAD") return response;
  if (!requests_only_allowed_headers(
          request_headers.find("Access-Control-Request-Headers").value_or(""))) {
    return response;
  }
  response.headers.set("Access-Control-Allow-Methods", kAllowedMethods);
  response.headers.set("Access-Control-Allow-Headers", kAllowedHeaders);
  response.headers.set("Access-Control-Max-Age", kMaxAgeSeconds);
  return response;
}

}  // namespace closient::http
