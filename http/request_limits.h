// How much of a request the server reads, and the answer to one it cannot read.
//
// RESTinio 0.6 closes a connection without a word when its HTTP parser stops
// (a malformed request line, a header section or a body over a limit). The
// server turns each such stop into a request the dispatcher answers instead:
// 400 for what cannot be parsed, 431 for headers over the limit, 413 for a body
// over it (contract §6).
#pragma once

#include <cstddef>

#include "events/result.h"

namespace closient::http {

struct RequestLimits {
  // Request line and header fields together; over it: 431.
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_fields = 100;
  // The largest body held in memory (the contract's 64 KiB); over it: 413.
  std::size_t max_body_bytes = 64 * 1024;
  // A body declared larger than max_body_bytes but not larger than this is read
  // and thrown away, so that a client still sending it gets the 413 and keeps its
  // connection. One declared larger is answered at once and the connection closed.
  std::size_t max_discarded_body_bytes = 1024 * 1024;
};

// The answer to a request the HTTP parser stopped on with `http_errno` (one of
// http_parser's HPE_* values other than HPE_OK and HPE_PAUSED).
Error parser_rejection(int http_errno, const RequestLimits& limits);

// The answer to a request whose declared body was over the limit and was thrown
// away unread.
Error body_too_large(unsigned long long declared_bytes, const RequestLimits& limits);

}  // namespace closient::http
