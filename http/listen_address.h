// Parsing the --listen HOST:PORT argument.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/result.h"

namespace closient::http {

struct ListenAddress {
  std::string host;  // an IP address: "127.0.0.1", "0.0.0.0", "::1"
  uint16_t port = 0;
};

// Accepts IPV4:PORT, [IPV6]:PORT and localhost:PORT (as 127.0.0.1), port 0-65535.
// The error's detail is one line fit for the command line.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace closient::http
