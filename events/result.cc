#include "events/result.h"

namespace closient {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::precondition_failed: return "precondition_failed";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::request_header_fields_too_large: return "request_header_fields_too_large";
    case ErrorCode::validation_error: return "validation_error";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::internal_error: return "internal_error";
    case ErrorCode::service_unavailable: return "service_unavailable";
  }
  return "internal_error";
}

int error_code_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return 400;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::conflict: return 409;
    case ErrorCode::precondition_failed: return 412;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media_type: return 415;
    case ErrorCode::request_header_fields_too_large: return 431;
    case ErrorCode::validation_error: return 422;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::internal_error: return 500;
    case ErrorCode::service_unavailable: return 503;
  }
  return 500;
}

}  // namespace closient
