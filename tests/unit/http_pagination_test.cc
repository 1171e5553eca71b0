#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "http/pagination.h"
#include "unit/http_test_support.h"

using namespace closient;
using namespace closient::http;

namespace {

Result<PageRequest> parse(const char* query) {
  return parse_page_request(parse_query(query));
}

std::vector<std::string> bad_fields(const Result<PageRequest>& result) {
  std::vector<std::string> fields;
  for (const FieldError& field : result.error().fields) fields.push_back(field.field);
  return fields;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults_to_page_one_of_twenty_five) {
  const Result<PageRequest> request = parse("");
  BOOST_REQUIRE(request.ok());
  BOOST_TEST(request->page == 1u);
  BOOST_TEST(request->page_size == 25u);
  BOOST_TEST(request->offset() == 0u);
}

BOOST_AUTO_TEST_CASE(reads_valid_values) {
  const Result<PageRequest> request = parse("page=3&page_size=100&other=x");
  BOOST_REQUIRE(request.ok());
  BOOST_TEST(request->page == 3u);
  BOOST_TEST(request->page_size == 100u);
  BOOST_TEST(request->offset() == 200u);
  BOOST_TEST(parse("page_size=1").ok());
  BOOST_TEST(parse("page=9007199254740991").ok());
}

BOOST_AUTO_TEST_CASE(rejects_anything_else_with_422) {
  for (const char* query :
       {"page=0", "page=-1", "page=+1", "page=1.0", "page=", "page=abc", "page=%201", "page=1e3",
        "page=9007199254740992", "page=99999999999999999999999"}) {
    const Result<PageRequest> request = parse(query);
    BOOST_REQUIRE_MESSAGE(!request.ok(), query);
    BOOST_TEST(request.error().code == ErrorCode::validation_error);
    BOOST_TEST(bad_fields(request) == std::vector<std::string>{"page"}, query);
  }
  for (const char* query : {"page_size=0", "page_size=101", "page_size=25.5", "page_size=x"}) {
    const Result<PageRequest> request = parse(query);
    BOOST_REQUIRE_MESSAGE(!request.ok(), query);
    BOOST_TEST(bad_fields(request) == std::vector<std::string>{"page_size"}, query);
  }
}

BOOST_AUTO_TEST_CASE(names_both_parameters_when_both_are_bad) {
  const Result<PageRequest> request = parse("page=0&page_size=1000");
  BOOST_REQUIRE(!request.ok());
  BOOST_TEST((bad_fields(request) == std::vector<std::string>{"page", "page_size"}));
}

BOOST_AUTO_TEST_CASE(a_repeated_parameter_is_ambiguous) {
  BOOST_TEST(!parse("page=1&page=2").ok());
}

// The envelope itself is the projections' (tests/unit/projections_*); here only
// that parsed requests feed it as the contract's examples expect.
BOOST_AUTO_TEST_CASE(parsed_requests_feed_the_envelope) {
  const Result<PageRequest> request = parse("page=2&page_size=25");
  BOOST_REQUIRE(request.ok());
  const nlohmann::json envelope =
      closient::page_envelope(nlohmann::json::array({1, 2}), *request, 342);
  const nlohmann::json& p = envelope["pagination"];
  BOOST_TEST(p["total_pages"] == 14);
  BOOST_TEST(p["has_next"] == true);
  BOOST_TEST(p["has_previous"] == true);
  const nlohmann::json empty =
      closient::page_envelope(nlohmann::json::array(), PageRequest{1, 25}, 0);
  BOOST_TEST(empty["pagination"]["total_pages"] == 0);
}
