// An HTTP response as handlers build it: status, headers, body.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "http/headers.h"

namespace closient::http {

inline constexpr char kJsonContentType[] = "application/json; charset=utf-8";
inline constexpr char kProblemContentType[] = "application/problem+json";

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  // A JSON body with Content-Type application/json.
  static Response json(int status, const nlohmann::json& body);
  static Response text(int status, std::string body, std::string content_type);
  // No body at all (204, or a status whose meaning is in the headers).
  static Response empty(int status);
};

// Serializes JSON for the wire. Invalid UTF-8 in a string (which a client may have
// smuggled into, say, a path parameter echoed in `detail`) becomes U+FFFD instead of
// throwing halfway through an answer.
std::string dump_json(const nlohmann::json& value);
std::string dump_json(const nlohmann::ordered_json& value);

// "Not Found" for 404; "Unknown" for a status without a registered phrase.
const char* reason_phrase(int status);

}  // namespace closient::http
