#include <boost/test/unit_test.hpp>
#include <set>

#include "http/request_id.h"

using namespace closient::http;

BOOST_AUTO_TEST_CASE(accepts_safe_ids_of_1_to_128_characters) {
  BOOST_TEST(is_acceptable_request_id("a"));
  BOOST_TEST(is_acceptable_request_id("Req-1.2_3"));
  BOOST_TEST(is_acceptable_request_id(std::string(128, 'x')));
}

BOOST_AUTO_TEST_CASE(refuses_empty_long_or_unsafe_ids) {
  BOOST_TEST(!is_acceptable_request_id(""));
  BOOST_TEST(!is_acceptable_request_id(std::string(129, 'x')));
  for (const char* id : {"a b", "a/b", "a\"b", "a\r\nX-Evil: 1", "é", "a:b", "a+b"}) {
    BOOST_TEST(!is_acceptable_request_id(id), id);
  }
}

BOOST_AUTO_TEST_CASE(generated_ids_are_acceptable_and_distinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = generate_request_id();
    BOOST_TEST(id.size() == 32u);
    BOOST_TEST(is_acceptable_request_id(id));
    ids.insert(id);
  }
  BOOST_TEST(ids.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(echoes_an_acceptable_client_id) {
  BOOST_TEST(choose_request_id(Headers{{"x-request-id", "client-42"}}) == "client-42");
}

BOOST_AUTO_TEST_CASE(replaces_an_unacceptable_or_missing_id) {
  const std::string replaced = choose_request_id(Headers{{"X-Request-ID", "bad id"}});
  BOOST_TEST(replaced != "bad id");
  BOOST_TEST(replaced.size() == 32u);
  BOOST_TEST(choose_request_id(Headers{}).size() == 32u);
}
