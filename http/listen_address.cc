#include "http/listen_address.h"

#include <arpa/inet.h>

namespace closient::http {
namespace {

Error bad(std::string_view text, const char* why) {
  return Error::make(ErrorCode::bad_request,
                     "invalid --listen '" + std::string(text) + "': " + why);
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad(text, "expected HOST:PORT");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  if (port_text.empty() || port_text.size() > 5) return bad(text, "port must be 0-65535");
  uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return bad(text, "port must be 0-65535");
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) return bad(text, "port must be 0-65535");

  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  std::string address = host == "localhost" ? "127.0.0.1" : std::string(host);

  unsigned char buffer[16];
  const bool ipv4 = !bracketed && inet_pton(AF_INET, address.c_str(), buffer) == 1;
  const bool ipv6 = bracketed && inet_pton(AF_INET6, address.c_str(), buffer) == 1;
  if (!ipv4 && !ipv6) {
    return bad(text, bracketed ? "not an IPv6 address"
                               : "host must be an IPv4 address, "
                                 "[IPv6] or localhost");
  }
  return ListenAddress{std::move(address), static_cast<uint16_t>(port)};
}

}  // namespace closient::http
