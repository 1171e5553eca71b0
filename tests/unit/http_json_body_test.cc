#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "http/json_body.h"
#include "unit/http_test_support.h"

using namespace closient;
using namespace closient::http;

namespace {

Request post(std::string body, std::string content_type = "application/json") {
  Headers headers;
  if (!content_type.empty()) headers.add("Content-Type", content_type);
  return make_request("POST", "/x", headers, std::move(body));
}

const std::vector<FieldRule> kOrganizationCreate = {
    {"name", kJsonString, true},       {"country", kJsonString, true},
    {"is_brand", kJsonBoolean, false}, {"metadata", kJsonObject | kJsonNull, false},
    {"limit", kJsonInteger, false},
};

std::vector<std::string> bad_fields(const Status& status) {
  std::vector<std::string> fields;
  for (const FieldError& field : status.error().fields) fields.push_back(field.field);
  return fields;
}

}  // namespace

BOOST_AUTO_TEST_CASE(content_type_must_be_json) {
  BOOST_TEST(is_json_content_type("application/json"));
  BOOST_TEST(is_json_content_type("Application/JSON"));
  BOOST_TEST(is_json_content_type("application/json; charset=utf-8"));
  BOOST_TEST(is_json_content_type("application/json;charset=\"UTF-8\""));
  BOOST_TEST(!is_json_content_type("application/json; charset=latin1"));
  BOOST_TEST(!is_json_content_type("text/json"));
  BOOST_TEST(!is_json_content_type("application/jsonx"));
  BOOST_TEST(!is_json_content_type("text/plain"));
  BOOST_TEST(!is_json_content_type(""));
}

BOOST_AUTO_TEST_CASE(wrong_or_missing_content_type_is_415) {
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded"}) {
    const Result<nlohmann::json> body = parse_json_body(post("{}", type));
    BOOST_REQUIRE(!body.ok());
    BOOST_TEST(body.error().code == ErrorCode::unsupported_media_type);
  }
}

BOOST_AUTO_TEST_CASE(malformed_json_is_400) {
  for (const char* text : {"", "{", "{\"a\":}", "nul", "{\"a\":1}x", "\"\xff\""}) {
    const Result<nlohmann::json> body = parse_json_body(post(text));
    BOOST_REQUIRE_MESSAGE(!body.ok(), text);
    BOOST_TEST(body.error().code == ErrorCode::bad_request);
  }
}

BOOST_AUTO_TEST_CASE(parses_valid_json) {
  const Result<nlohmann::json> body =
      parse_json_body(post(R"({"name":"Acme","country":"US"})", "application/json; charset=utf-8"));
  BOOST_REQUIRE(body.ok());
  BOOST_TEST(body.value()["name"] == "Acme");
}

BOOST_AUTO_TEST_CASE(a_good_object_passes) {
  const nlohmann::json body = nlohmann::json::parse(
      R"({"name":"Acme","country":"US","is_brand":true,"metadata":null,"limit":5})");
  BOOST_TEST(check_object_shape(body, kOrganizationCreate).ok());
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_422_each_named) {
  const nlohmann::json body =
      nlohmann::json::parse(R"({"name":"Acme","country":"US","colour":"red","size":1})");
  const Status status = check_object_shape(body, kOrganizationCreate);
  BOOST_REQUIRE(!status.ok());
  BOOST_TEST(status.error().code == ErrorCode::validation_error);
  BOOST_TEST((bad_fields(status) == std::vector<std::string>{"colour", "size"}));
  BOOST_TEST(status.error().fields[0].message == "is not a known field");
}

BOOST_AUTO_TEST_CASE(wrong_types_are_422_with_the_expected_type) {
  const nlohmann::json body = nlohmann::json::parse(
      R"({"name":7,"country":"US","is_brand":"yes","metadata":[],"limit":1.5})");
  const Status status = check_object_shape(body, kOrganizationCreate);
  BOOST_REQUIRE(!status.ok());
  BOOST_TEST(
      (bad_fields(status) == std::vector<std::string>{"is_brand", "limit", "metadata", "name"}));
  for (const FieldError& field : status.error().fields) {
    if (field.field == "metadata") BOOST_TEST(field.message == "must be an object or null");
    if (field.field == "limit") BOOST_TEST(field.message == "must be an integer");
    if (field.field == "name") BOOST_TEST(field.message == "must be a string");
  }
}

BOOST_AUTO_TEST_CASE(missing_required_fields_are_422) {
  const Status status = check_object_shape(nlohmann::json::object(), kOrganizationCreate);
  BOOST_REQUIRE(!status.ok());
  BOOST_TEST((bad_fields(status) == std::vector<std::string>{"name", "country"}));
  BOOST_TEST(status.error().fields[0].message == "is required");
}

BOOST_AUTO_TEST_CASE(a_body_that_is_not_an_object_is_422) {
  for (const char* text : {"[]", "1", "\"x\"", "null"}) {
    const Status status = check_object_shape(nlohmann::json::parse(text), kOrganizationCreate);
    BOOST_REQUIRE(!status.ok());
    BOOST_TEST(status.error().code == ErrorCode::validation_error);
    BOOST_TEST(status.error().fields[0].field == "body");
  }
}

BOOST_AUTO_TEST_CASE(describes_type_sets_in_prose) {
  BOOST_TEST(describe_json_types(kJsonString) == "a string");
  BOOST_TEST(describe_json_types(kJsonString | kJsonNull) == "a string or null");
  BOOST_TEST(describe_json_types(kJsonInteger | kJsonNumber) == "a number");
  BOOST_TEST(describe_json_types(kJsonString | kJsonBoolean | kJsonNull) ==
             "a string, a boolean or null");
}

BOOST_AUTO_TEST_CASE(the_same_member_twice_is_400_not_last_one_wins) {
  for (const char* text : {
           R"({"role":"editor","role":"owner"})",
           R"({"email":"a@example.com","role":"editor","email":"b@example.com"})",
           R"({"metadata":{"k":"1","k":"2"}})",             // in a nested object
           R"([{"trait":"x"},{"trait":"y","trait":"z"}])",  // in an array's object
       }) {
    const Result<nlohmann::json> body = parse_json_body(post(text));
    BOOST_REQUIRE_MESSAGE(!body.ok(), text);
    BOOST_TEST(body.error().code == ErrorCode::bad_request);
    BOOST_TEST(body.error().detail.find("twice") != std::string::npos, body.error().detail);
  }
  // The same name in different objects, or as a value, is fine.
  for (const char* text : {
           R"({"a":{"a":"a"},"b":{"a":1}})",
           R"([{"trait":"x"},{"trait":"y"}])",
           R"({"role":"role"})",
       }) {
    BOOST_TEST(parse_json_body(post(text)).ok(), text);
  }
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
  const auto nested = [](size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  BOOST_TEST(parse_json_body(post(nested(kMaxJsonDepth))).ok());
  const Result<nlohmann::json> deep = parse_json_body(post(nested(kMaxJsonDepth + 1)));
  BOOST_REQUIRE(!deep.ok());
  BOOST_TEST(deep.error().code == ErrorCode::bad_request);
  // A 64 KiB body of nothing but brackets stops at the bound.
  BOOST_TEST(!parse_json_body(post(std::string(65536, '['))).ok());
  std::string objects;
  for (size_t i = 0; i <= kMaxJsonDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kMaxJsonDepth + 1, '}');
  BOOST_TEST(parse_json_body(post(objects)).error().code == ErrorCode::bad_request);
}

BOOST_AUTO_TEST_CASE(a_body_of_thousands_of_unknown_members_answers_a_short_list) {
  std::string text = "{";
  for (int i = 0; i < 6000; ++i) text += (i ? ",\"f" : "\"f") + std::to_string(i) + "\":1";
  text += "}";
  const Result<nlohmann::json> body = parse_json_body(post(text));
  BOOST_REQUIRE(body.ok());
  const Status status = check_object_shape(*body, kOrganizationCreate);
  BOOST_REQUIRE(!status.ok());
  BOOST_TEST(status.error().fields.size() == 50u);
  BOOST_TEST(status.error().unlisted_fields == 6002u - 50u);  // + name and country missing
}
