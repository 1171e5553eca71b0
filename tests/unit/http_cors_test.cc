// CORS for publishable keys (§8): which origins, which preflights, and that no
// credentials mode is ever granted.
#include <boost/test/unit_test.hpp>

#include "http/cors.h"

using namespace closient;
using namespace closient::http;

namespace {

std::string field(const Headers& headers, const char* name) {
  return std::string(headers.find(name).value_or("<absent>"));
}

Headers preflight_request(std::string origin, std::string method, std::string headers = {}) {
  Headers request{{"Origin", std::move(origin)},
                  {"Access-Control-Request-Method", std::move(method)}};
  if (!headers.empty()) request.add("Access-Control-Request-Headers", std::move(headers));
  return request;
}

const CorsPolicy kPolicy({"https://app.example.com", "http://localhost:3000"});

}  // namespace

BOOST_AUTO_TEST_CASE(origins_are_checked_when_given) {
  BOOST_TEST(parse_cors_origin("https://app.example.com").ok());
  BOOST_TEST(parse_cors_origin("http://localhost:3000").ok());
  BOOST_TEST(parse_cors_origin("http://[::1]:8080").ok());
  BOOST_TEST(parse_cors_origin("*").ok());
  BOOST_TEST(*parse_cors_origin("https://App.Example.COM") == "https://app.example.com");
  for (const char* bad : {"", "app.example.com", "https://app.example.com/", "ftp://x.y",
                          "https://", "https://a b", "https://app.example.com/path", "null"}) {
    BOOST_TEST(!parse_cors_origin(bad).ok(), bad);
  }
}

BOOST_AUTO_TEST_CASE(an_allowed_origin_is_echoed_with_the_headers_a_page_may_read) {
  const Headers answer = kPolicy.answer_headers(Headers{{"Origin", "https://app.example.com"}});
  BOOST_TEST(field(answer, "Access-Control-Allow-Origin") == "https://app.example.com");
  BOOST_TEST(field(answer, "Vary") == "Origin");
  BOOST_TEST(field(answer, "Access-Control-Expose-Headers").find("RateLimit-Remaining") !=
             std::string::npos);
  BOOST_TEST(field(answer, "Access-Control-Allow-Credentials") == "<absent>");
}

BOOST_AUTO_TEST_CASE(other_origins_and_none_get_no_grant) {
  for (const Headers& request :
       {Headers{{"Origin", "https://evil.example"}}, Headers{}, Headers{{"Origin", "null"}},
        Headers{{"Origin", "https://app.example.com.evil"}},
        Headers{{"Origin", "https://app.example.com"}, {"Origin", "https://evil.example"}}}) {
    const Headers answer = kPolicy.answer_headers(request);
    BOOST_TEST(field(answer, "Access-Control-Allow-Origin") == "<absent>");
    BOOST_TEST(field(answer, "Vary") == "Origin");
  }
  // No origin configured: nothing is ever allowed.
  BOOST_TEST(!CorsPolicy()
                  .answer_headers(Headers{{"Origin", "https://app.example.com"}})
                  .contains("Access-Control-Allow-Origin"));
}

BOOST_AUTO_TEST_CASE(a_preflight_grants_get_and_head_with_the_api_key_header) {
  const Response granted = kPolicy.preflight(
      preflight_request("http://localhost:3000", "GET", "x-api-key, X-Request-ID"));
  BOOST_TEST(granted.status == 204);
  BOOST_TEST(granted.body.empty());
  BOOST_TEST(field(granted.headers, "Allow") == "GET, HEAD, OPTIONS");
  BOOST_TEST(field(granted.headers, "Access-Control-Allow-Methods") == "GET, HEAD");
  BOOST_TEST(field(granted.headers, "Access-Control-Allow-Headers") == "X-API-Key, X-Request-ID");
  BOOST_TEST(field(granted.headers, "Access-Control-Max-Age") == "600");
  BOOST_TEST(field(granted.headers, "Access-Control-Allow-Credentials") == "<absent>");
  BOOST_TEST(kPolicy.preflight(preflight_request("http://localhost:3000", "HEAD"))
                 .headers.contains("Access-Control-Allow-Methods"));
}

BOOST_AUTO_TEST_CASE(a_preflight_for_anything_else_is_refused_by_omission) {
  for (const Headers& request :
       {preflight_request("https://evil.example", "GET", "X-API-Key"),
        preflight_request("https://app.example.com", "DELETE"),
        preflight_request("https://app.example.com", "PUT", "X-API-Key"),
        preflight_request("https://app.example.com", "GET", "Authorization"),
        preflight_request("https://app.example.com", "GET", "X-API-Key, Cookie"),
        Headers{{"Origin", "https://app.example.com"}}}) {
    const Response answer = kPolicy.preflight(request);
    BOOST_TEST(answer.status == 204);
    BOOST_TEST(!answer.headers.contains("Access-Control-Allow-Methods"));
    BOOST_TEST(!answer.headers.contains("Access-Control-Allow-Headers"));
  }
}

BOOST_AUTO_TEST_CASE(any_origin_is_a_wildcard_without_credentials) {
  const CorsPolicy any({"*"});
  const Headers answer = any.answer_headers(Headers{{"Origin", "https://anyone.example"}});
  BOOST_TEST(field(answer, "Access-Control-Allow-Origin") == "*");
  BOOST_TEST(field(answer, "Access-Control-Allow-Credentials") == "<absent>");
}
