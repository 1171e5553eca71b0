// Strict reading of JSON request bodies (§4 "Bodies", §6):
//   wrong Content-Type -> 415, malformed JSON -> 400, the same member name twice
//   in one object -> 400, nesting deeper than kMaxJsonDepth -> 400,
//   not an object, unknown field, wrong type, missing field -> 422 naming each field.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "http/request.h"

namespace closient::http {

// Whether a Content-Type value is application/json (any case, optional parameters;
// a charset, if given, must be UTF-8, the only encoding JSON allows on the wire).
bool is_json_content_type(std::string_view content_type);

// No body of this API nests deeper than 3; anything far deeper is refused
// while parsing, before it costs memory.
inline constexpr size_t kMaxJsonDepth = 16;

// The body parsed as JSON, or 415 / 400. An empty body is malformed JSON.
Result<nlohmann::json> parse_json_body(const Request& request);
// `text` parsed as JSON by nlohmann's parser, through its SAX interface: a
// duplicate member name (which would otherwise silently keep the last value,
// so that {"role":"editor","role":"owner"} means different things to
// different readers) or nesting deeper than kMaxJsonDepth stops the parse with
// 400 bad_request, as malformed JSON does. Linear in the size of `text`.
Result<nlohmann::json> parse_strict_json(std::string_view text);

// JSON types a field may take, combinable: kJsonString | kJsonNull.
enum JsonTypes : uint32_t {
  kJsonNull = 1u << 0,
  kJsonBoolean = 1u << 1,
  kJsonInteger = 1u << 2,  // a number without fraction or exponent
  kJsonNumber = 1u << 3,   // any number, integers included
  kJsonString = 1u << 4,
  kJsonArray = 1u << 5,
  kJsonObject = 1u << 6,
};

struct FieldRule {
  std::string name;
  uint32_t types = 0;  // JsonTypes bits
  bool required = false;
};

// Checks that `body` is an object whose members all have a rule, with an allowed
// type, and that every required member is present. One FieldError per bad field.
Status check_object_shape(const nlohmann::json& body, const std::vector<FieldRule>& rules);

// "a string", "a string or null", ... for messages.
std::string describe_json_types(uint32_t types);

}  // namespace closient::http
