// Headers, query strings and request targets: the plain request the server builds.
#include <boost/test/unit_test.hpp>

#include "http/headers.h"
#include "http/listen_address.h"
#include "http/query.h"
#include "http/request.h"

using namespace closient;
using namespace closient::http;

BOOST_AUTO_TEST_CASE(header_names_compare_without_case) {
  Headers headers{{"Content-Type", "application/json"}, {"x-api-key", "k"}};
  BOOST_TEST(*headers.find("content-type") == "application/json");
  BOOST_TEST(*headers.find("X-API-KEY") == "k");
  BOOST_TEST(!headers.find("Accept"));
}

BOOST_AUTO_TEST_CASE(set_replaces_and_add_keeps) {
  Headers headers;
  headers.add("Vary", "a");
  headers.add("vary", "b");
  BOOST_TEST(headers.count("VARY") == 2u);
  headers.set("Vary", "c");
  BOOST_TEST(headers.count("Vary") == 1u);
  BOOST_TEST(*headers.find("Vary") == "c");
  headers.remove("vary");
  BOOST_TEST(headers.empty());
}

BOOST_AUTO_TEST_CASE(set_all_overrides_and_keeps_repeats) {
  Headers headers{{"A", "1"}, {"B", "1"}};
  headers.set_all(Headers{{"b", "2"}, {"C", "x"}, {"C", "y"}});
  BOOST_TEST(*headers.find("A") == "1");
  BOOST_TEST(*headers.find("B") == "2");
  BOOST_TEST(headers.count("C") == 2u);
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
  BOOST_TEST(percent_decode("a%20b%2Fc", false) == "a b/c");
  BOOST_TEST(percent_decode("a+b", false) == "a+b");
  BOOST_TEST(percent_decode("a+b", true) == "a b");
  BOOST_TEST(percent_decode("%zz%2", false) == "%zz%2");  // malformed stays literal
  BOOST_TEST(percent_decode("%C3%A9", false) == "\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(query_parameters_in_order_and_decoded) {
  const QueryParams query = parse_query("q=J%C3%B6rg+M&role=owner&&flag&role=editor&=x");
  BOOST_TEST(*query.find("q") == "J\xC3\xB6rg M");
  BOOST_TEST(*query.find("role") == "owner");
  BOOST_TEST(query.count("role") == 2u);
  BOOST_TEST(*query.find("flag") == "");
  BOOST_TEST(!query.find("missing"));
  BOOST_TEST(query.size() == 5u);
}

BOOST_AUTO_TEST_CASE(targets_split_into_path_and_query) {
  const Target plain = split_target("/account/api/v1/organizations?page=2#frag");
  BOOST_TEST(plain.path == "/account/api/v1/organizations");
  BOOST_TEST(*plain.query.find("page") == "2");

  const Target absolute = split_target("http://example.com:8000/healthz?x=1");
  BOOST_TEST(absolute.path == "/healthz");
  BOOST_TEST(*absolute.query.find("x") == "1");

  BOOST_TEST(split_target("http://example.com").path == "/");
  BOOST_TEST(split_target("?a=1").path == "/");
  BOOST_TEST(split_target("/a%20b").path == "/a%20b");  // the router decodes parameters
}

BOOST_AUTO_TEST_CASE(make_request_fills_path_and_query) {
  const Request request =
      make_request("GET", "/x?y=z", Headers{{"Host", "h"}}, "body", "127.0.0.1");
  BOOST_TEST(request.path == "/x");
  BOOST_TEST(request.target == "/x?y=z");
  BOOST_TEST(*request.query.find("y") == "z");
  BOOST_TEST(request.remote_address == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(listen_addresses) {
  const Result<ListenAddress> v4 = parse_listen_address("127.0.0.1:8000");
  BOOST_REQUIRE(v4.ok());
  BOOST_TEST(v4->host == "127.0.0.1");
  BOOST_TEST(v4->port == 8000);
  BOOST_TEST(parse_listen_address("localhost:0")->host == "127.0.0.1");
  BOOST_TEST(parse_listen_address("0.0.0.0:65535")->port == 65535);
  const Result<ListenAddress> v6 = parse_listen_address("[::1]:9000");
  BOOST_REQUIRE(v6.ok());
  BOOST_TEST(v6->host == "::1");
  for (const char* bad :
       {"", "8000", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80a",
        "example.com:80", "::1:80", "[::1:80", "[nope]:80", "1.2.3:80"}) {
    const Result<ListenAddress> result = parse_listen_address(bad);
    BOOST_TEST(!result.ok(), bad);
    if (!result.ok()) BOOST_TEST(result.error().detail.find("--listen") != std::string::npos);
  }
}
