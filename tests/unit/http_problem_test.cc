#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "http/problem.h"
#include "unit/http_test_support.h"

using namespace closient;
using namespace closient::http;

namespace {

const ProblemContext kContext{"/account/api/v1/organizations/x", "req-1", 1774958400123};

nlohmann::json body_of(const Response& response) {
  return nlohmann::json::parse(response.body);
}

}  // namespace

BOOST_AUTO_TEST_CASE(renders_every_member_of_the_contract) {
  const Response response =
      problem_response(Error::make(ErrorCode::not_found, "No such organization."), kContext);
  BOOST_TEST(response.status == 404);
  BOOST_TEST(*response.headers.find("Content-Type") == "application/problem+json");
  const nlohmann::json body = body_of(response);
  BOOST_TEST(body["type"] == "https://closient.com/docs/errors/not_found");
  BOOST_TEST(body["title"] == "Not Found");
  BOOST_TEST(body["status"] == 404);
  BOOST_TEST(body["detail"] == "No such organization.");
  BOOST_TEST(body["error_code"] == "not_found");
  BOOST_TEST(body["retryable"] == false);
  BOOST_TEST(body["timestamp"] == "2026-03-31T12:00:00.123Z");
  BOOST_TEST(body["instance"] == "/account/api/v1/organizations/x");
  BOOST_TEST(body["request_id"] == "req-1");
  BOOST_TEST(!body.contains("errors"));
  BOOST_TEST(!body.contains("reason"));
  BOOST_TEST(!body.contains("retry_after_seconds"));
}

BOOST_AUTO_TEST_CASE(members_come_in_the_order_of_the_contract) {
  const Response response = problem_response(Error::make(ErrorCode::conflict, "x"), kContext);
  BOOST_TEST(response.body.rfind("{\"type\":", 0) == 0u);
  BOOST_TEST(response.body.find("\"title\"") < response.body.find("\"status\""));
}

BOOST_AUTO_TEST_CASE(retryable_follows_the_table) {
  for (ErrorCode code : {ErrorCode::bad_request, ErrorCode::unauthorized, ErrorCode::forbidden,
                         ErrorCode::not_found, ErrorCode::method_not_allowed, ErrorCode::conflict,
                         ErrorCode::precondition_failed, ErrorCode::payload_too_large,
                         ErrorCode::unsupported_media_type, ErrorCode::validation_error}) {
    BOOST_TEST(!is_retryable(code), error_code_name(code));
  }
  for (ErrorCode code :
       {ErrorCode::rate_limited, ErrorCode::internal_error, ErrorCode::service_unavailable}) {
    BOOST_TEST(is_retryable(code), error_code_name(code));
  }
}

BOOST_AUTO_TEST_CASE(validation_errors_list_each_field) {
  Error error = Error::validation("name", "must be 1-255 characters");
  error.fields.push_back({"country", "must be an ISO 3166-1 alpha-2 code"});
  const Response response = problem_response(error, kContext);
  BOOST_TEST(response.status == 422);
  const nlohmann::json body = body_of(response);
  BOOST_TEST(body["error_code"] == "validation_error");
  BOOST_REQUIRE(body["errors"].size() == 2u);
  BOOST_TEST(body["errors"][0]["field"] == "name");
  BOOST_TEST(body["errors"][1]["message"] == "must be an ISO 3166-1 alpha-2 code");
}

BOOST_AUTO_TEST_CASE(a_reason_is_an_extension_member) {
  const Response response = problem_response(
      Error::make(ErrorCode::conflict, "An organization keeps an owner.", "last_owner"), kContext);
  BOOST_TEST(response.status == 409);
  BOOST_TEST(body_of(response)["reason"] == "last_owner");
}

BOOST_AUTO_TEST_CASE(rate_limited_carries_retry_after_in_header_and_body) {
  const Response response =
      problem_response(Error::make(ErrorCode::rate_limited, "Slow down."), kContext, 17);
  BOOST_TEST(response.status == 429);
  BOOST_TEST(*response.headers.find("Retry-After") == "17");
  BOOST_TEST(body_of(response)["retry_after_seconds"] == 17);
  BOOST_TEST(body_of(response)["retryable"] == true);

  const Response unknown = problem_response(Error::make(ErrorCode::rate_limited, ""), kContext);
  BOOST_TEST(*unknown.headers.find("Retry-After") == "1");
}

BOOST_AUTO_TEST_CASE(unauthorized_carries_a_challenge) {
  const Response response = problem_response(Error::make(ErrorCode::unauthorized, ""), kContext);
  BOOST_TEST(response.status == 401);
  BOOST_TEST(response.headers.find("WWW-Authenticate")->find("Bearer") == 0u);
  // An empty detail falls back to the title rather than an empty string.
  BOOST_TEST(body_of(response)["detail"] == "Unauthorized");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_detail_does_not_break_the_answer) {
  const Response response =
      problem_response(Error::make(ErrorCode::not_found, "No member \xff\xfe."), kContext);
  BOOST_TEST(body_of(response)["detail"].get<std::string>().find("No member") == 0u);
}
