#include "http/request_limits.h"

#include <http_parser.h>

#include <string>

namespace closient::http {

Error parser_rejection(int http_errno, const RequestLimits& limits) {
  switch (static_cast<enum http_errno>(http_errno)) {
    case HPE_HEADER_OVERFLOW:
    case HPE_CB_url:
    case HPE_CB_header_value:
      return Error::make(ErrorCode::request_header_fields_too_large,
                         "The request line and header fields are over " +
                             std::to_string(limits.max_header_bytes) + " bytes.");
    case HPE_CB_header_field:
      return Error::make(ErrorCode::request_header_fields_too_large,
                         "The request has more than " + std::to_string(limits.max_header_fields) +
                             " header fields.");
    case HPE_CB_headers_complete:
    case HPE_CB_body:
      return Error::make(
          ErrorCode::payload_too_large,
          "The request body is over " + std::to_string(limits.max_body_bytes) + " bytes.");
    default:
      // http_parser's own words ("invalid HTTP method", "invalid character in
      // header") say what was wrong without saying anything about the server.
      return Error::make(ErrorCode::bad_request,
                         std::string("The request could not be parsed: ") +
                             http_errno_description(static_cast<enum http_errno>(http_errno)) +
                             ".");
  }
}

Error body_too_large(unsigned long long declared_bytes, const RequestLimits& limits) {
  return Error::make(ErrorCode::payload_too_large,
                     "The request body is " + std::to_string(declared_bytes) +
                         " bytes; the limit is " + std::to_string(limits.max_body_bytes) + ".");
}

}  // namespace closient::http
