// The answers to requests the parser stops on, and the connection cap's default.
#include <http_parser.h>

#include <boost/test/unit_test.hpp>

#include "http/descriptor_limits.h"
#include "http/request_limits.h"

using namespace closient;
using namespace closient::http;

BOOST_AUTO_TEST_CASE(each_parser_stop_has_its_status) {
  const RequestLimits limits;
  BOOST_TEST((parser_rejection(HPE_HEADER_OVERFLOW, limits).code ==
             ErrorCode::request_header_fields_too_large));
  BOOST_TEST((parser_rejection(HPE_CB_header_field, limits).code ==
             ErrorCode::request_header_fields_too_large));
  BOOST_TEST((parser_rejection(HPE_CB_headers_complete, limits).code ==
             ErrorCode::payload_too_large));
  BOOST_TEST((parser_rejection(HPE_CB_body, limits).code == ErrorCode::payload_too_large));
  for (int malformed :
       {HPE_INVALID_METHOD, HPE_INVALID_URL, HPE_INVALID_VERSION, HPE_INVALID_HEADER_TOKEN,
        HPE_INVALID_CONTENT_LENGTH, HPE_LF_EXPECTED, HPE_INVALID_CHUNK_SIZE}) {
    const Error error = parser_rejection(malformed, limits);
    BOOST_TEST((error.code == ErrorCode::bad_request));
    BOOST_TEST(error.detail.find("could not be parsed") != std::string::npos);
  }
  BOOST_TEST(error_code_status(ErrorCode::request_header_fields_too_large) == 431);
  BOOST_TEST(std::string(error_code_name(ErrorCode::request_header_fields_too_large)) ==
             "request_header_fields_too_large");
}

BOOST_AUTO_TEST_CASE(the_default_cap_keeps_half_the_free_descriptors_and_at_most_1024) {
  BOOST_TEST(default_max_connections(64, 20) == 22u);
  BOOST_TEST(default_max_connections(1024, 24) == 500u);
  BOOST_TEST(default_max_connections(1048576, 30) == kMaxDefaultConnections);
  BOOST_TEST(default_max_connections(10, 20) == 1u);  // never zero: one connection at least
  BOOST_TEST(connections_within_budget(64, 20) == 22u);
  BOOST_TEST(connections_within_budget(10, 20) == 0u);
}

BOOST_AUTO_TEST_CASE(the_soft_descriptor_limit_is_raised_to_the_hard_one) {
  const Result<uint64_t> limit = raise_descriptor_limit();
  BOOST_REQUIRE(limit.ok());
  BOOST_TEST(limit.value() > open_descriptor_count());
}
