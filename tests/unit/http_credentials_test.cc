#include <boost/test/unit_test.hpp>

#include "http/credentials.h"

using namespace closient::http;

BOOST_AUTO_TEST_CASE(no_credentials) {
  const PresentedCredentials credentials = extract_credentials(Headers{{"Accept", "*/*"}});
  BOOST_TEST(!credentials.any());
  BOOST_TEST(!credentials.malformed);
}

BOOST_AUTO_TEST_CASE(api_key_header) {
  const PresentedCredentials credentials =
      extract_credentials(Headers{{"x-api-key", " csb_abc_123 "}});
  BOOST_TEST(*credentials.api_key == "csb_abc_123");
  BOOST_TEST(credentials.any());
}

BOOST_AUTO_TEST_CASE(bearer_token_any_case_scheme) {
  BOOST_TEST(*extract_credentials(Headers{{"Authorization", "Bearer tok.en"}}).bearer_token ==
             "tok.en");
  BOOST_TEST(*extract_credentials(Headers{{"authorization", "bearer   t"}}).bearer_token == "t");
}

BOOST_AUTO_TEST_CASE(other_authorization_schemes_are_malformed) {
  for (const char* value : {"Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token x", ""}) {
    const PresentedCredentials credentials = extract_credentials(Headers{{"Authorization", value}});
    BOOST_TEST(!credentials.bearer_token, value);
    BOOST_TEST(credentials.malformed.has_value(), value);
    BOOST_TEST(credentials.any(), value);  // a bad credential is not anonymous
  }
}

BOOST_AUTO_TEST_CASE(repeated_key_headers_are_malformed) {
  const PresentedCredentials credentials =
      extract_credentials(Headers{{"X-API-Key", "a"}, {"X-API-Key", "b"}});
  BOOST_TEST(!credentials.api_key);
  BOOST_TEST(credentials.malformed.has_value());
}

BOOST_AUTO_TEST_CASE(session_cookie_among_others) {
  const PresentedCredentials credentials = extract_credentials(
      Headers{{"Cookie", "theme=dark; sessionid=s3cr3t; lang=en"}, {"X-CSRF-Token", "c1"}});
  BOOST_TEST(*credentials.session_id == "s3cr3t");
  BOOST_TEST(*credentials.csrf_token == "c1");
  BOOST_TEST(!credentials.malformed);
}

BOOST_AUTO_TEST_CASE(session_cookie_in_a_second_cookie_header) {
  const PresentedCredentials credentials =
      extract_credentials(Headers{{"Cookie", "a=1"}, {"Cookie", "sessionid=\"q\""}});
  BOOST_TEST(*credentials.session_id == "q");
}

BOOST_AUTO_TEST_CASE(two_session_cookies_are_malformed) {
  const PresentedCredentials credentials =
      extract_credentials(Headers{{"Cookie", "sessionid=a; sessionid=b"}});
  BOOST_TEST(credentials.malformed.has_value());
  const PresentedCredentials across =
      extract_credentials(Headers{{"Cookie", "sessionid=a"}, {"Cookie", "sessionid=b"}});
  BOOST_TEST(!across.session_id);
  BOOST_TEST(across.malformed.has_value());
}

BOOST_AUTO_TEST_CASE(cookie_names_are_exact) {
  BOOST_TEST(!find_cookie("xsessionid=a; sessionidx=b", "sessionid"));
  BOOST_TEST(*find_cookie(" sessionid = a ", "sessionid") == "a");
}

BOOST_AUTO_TEST_CASE(a_blank_csrf_token_is_absent_not_malformed) {
  const PresentedCredentials credentials =
      extract_credentials(Headers{{"Cookie", "sessionid=s"}, {"X-CSRF-Token", "  "}});
  BOOST_TEST(!credentials.csrf_token);
  BOOST_TEST(!credentials.malformed);
}
