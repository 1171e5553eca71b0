#include "http/problem.h"

#include <nlohmann/json.hpp>

#include "events/timestamp.h"

namespace closient::http {
namespace {

constexpr char kErrorDocsBase[] = "https://closient.com/docs/errors/";
// One challenge per scheme of §2, so a client learns what it may send.
constexpr char kAuthenticateChallenge[] =
    "Bearer realm=\"closient-account\", ApiKey realm=\"closient-account\", "
    "header=\"X-API-Key\"";

int64_t effective_retry_after(const Error& error, std::optional<int64_t> retry_after_seconds) {
  // A 429 always tells the client when to come back; one second is the shortest
  // honest answer when the caller did not know better.
  if (retry_after_seconds && *retry_after_seconds > 0) return *retry_after_seconds;
  return error.code == ErrorCode::rate_limited ? 1 : 0;
}

}  // namespace

std::string problem_type_uri(ErrorCode code) {
  return std::string(kErrorDocsBase) + error_code_name(code);
}

const char* problem_title(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
      return "Bad Request";
    case ErrorCode::unauthorized:
      return "Unauthorized";
    case ErrorCode::forbidden:
      return "Forbidden";
    case ErrorCode::not_found:
      return "Not Found";
    case ErrorCode::method_not_allowed:
      return "Method Not Allowed";
    case ErrorCode::conflict:
      return "Conflict";
    case ErrorCode::precondition_failed:
      return "Precondition Failed";
    case ErrorCode::payload_too_large:
      return "Payload Too Large";
    case ErrorCode::unsupported_media_type:
      return "Unsupported Media Type";
    case ErrorCode::request_header_fields_too_large:
      return "Request Header Fields Too Large";
    case ErrorCode::validation_error:
      return "Validation Error";
    case ErrorCode::rate_limited:
      return "Too Many Requests";
    case ErrorCode::internal_error:
      return "Internal Server Error";
    case ErrorCode::service_unavailable:
      return "Service Unavailable";
  }
  return "Internal Server Error";
}

bool is_retryable(ErrorCode code) {
  return code == ErrorCode::rate_limited || code == ErrorCode::internal_error ||
         code == ErrorCode::service_unavailable;
}

nlohmann::ordered_json problem_json(const Error& error, const ProblemContext& context,
                                    std::optional<int64_t> retry_after_seconds) {
  nlohmann::ordered_json body = {
      {"type", problem_type_uri(error.code)},
      {"title", problem_title(error.code)},
      {"status", error_code_status(error.code)},
      {"detail", error.detail.empty() ? problem_title(error.code) : error.detail},
      {"error_code", error_code_name(error.code)},
      {"retryable", is_retryable(error.code)},
      {"timestamp", format_timestamp_ms(context.now_ms)},
      {"instance", context.instance},
      {"request_id", context.request_id},
  };
  if (error.code == ErrorCode::validation_error) {
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    for (const FieldError& field : error.fields) {
      fields.push_back({{"field", field.field}, {"message", field.message}});
    }
    body["errors"] = std::move(fields);
  }
  if (!error.reason.empty()) body["reason"] = error.reason;
  // A 429 always says when to come back; any other answer when its caller knows (a 503
  // for a position not applied yet).
  if (error.code == ErrorCode::rate_limited || (retry_after_seconds && *retry_after_seconds > 0)) {
    body["retry_after_seconds"] = effective_retry_after(error, retry_after_seconds);
  }
  return body;
}

Response problem_response(const Error& error, const ProblemContext& context,
                          std::optional<int64_t> retry_after_seconds) {
  Response response = Response::text(error_code_status(error.code),
                                     dump_json(problem_json(error, context, retry_after_seconds)),
                                     kProblemContentType);
  // A 429 always says when to come back; any other answer when its caller knows (a 503
  // for a position not applied yet).
  if (error.code == ErrorCode::rate_limited || (retry_after_seconds && *retry_after_seconds > 0)) {
    response.headers.set("Retry-After",
                         std::to_string(effective_retry_after(error, retry_after_seconds)));
  }
  if (error.code == ErrorCode::unauthorized) {
    response.headers.set("WWW-Authenticate", kAuthenticateChallenge);
  }
  return response;
}

}  // namespace closient::http
