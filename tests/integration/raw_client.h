// Raw TCP clients for the abuse tests: connections that send exactly the bytes
// given (malformed, partial, pipelined, slow) and read whatever comes back.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "integration/server_process.h"

namespace closient::testing {

// One client connection to 127.0.0.1:port; closed when it goes out of scope.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) close();
  }
  ~RawConnection() { close(); }
  RawConnection(RawConnection&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  // Sends everything; false once the server has hung up.
  bool send(std::string_view bytes) {
    while (!bytes.empty() && fd_ >= 0) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return fd_ >= 0;
  }

  // Reads until the server closes the connection, `until` appears, or `timeout`
  // passes; returns what arrived.
  std::string receive(std::chrono::milliseconds timeout, std::string_view until = {}) {
    std::string received;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fd_ >= 0) {
      if (!until.empty() && received.find(until) != std::string::npos) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[16384];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_by_peer_ = true;
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
  }

  // Reads one whole response (headers and a Content-Length body), leaving the
  // connection open; empty when none came in time.
  std::string receive_response(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string response = pending_;
    pending_.clear();
    while (true) {
      const std::size_t blank = response.find("\r\n\r\n");
      if (blank != std::string::npos) {
        const std::size_t length_at = response.find("Content-Length: ");
        const std::size_t length =
            length_at < blank ? std::strtoul(response.c_str() + length_at + 16, nullptr, 10) : 0;
        if (response.size() >= blank + 4 + length) {
          pending_ = response.substr(blank + 4 + length);
          response.resize(blank + 4 + length);
          return response;
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      const std::string more = receive(left, "\r\n");
      if (more.empty()) return {};
      response += more;
    }
  }

  // True once a read saw the server's end of the connection (EOF or reset).
  bool closed_by_peer() const { return closed_by_peer_; }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool closed_by_peer_ = false;
  std::string pending_;  // bytes read past the last response receive_response returned
};

// The status of the first response in `raw` ("HTTP/1.1 413 ..."), 0 if none.
inline int status_of(const std::string& raw) {
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.c_str() + 9);
}

// The body of the first response in `raw` (a Content-Length one).
inline std::string body_of_raw(const std::string& raw) {
  const std::size_t blank = raw.find("\r\n\r\n");
  if (blank == std::string::npos) return {};
  const std::size_t length_at = raw.find("Content-Length: ");
  if (length_at == std::string::npos || length_at > blank) return raw.substr(blank + 4);
  const std::size_t length = std::strtoul(raw.c_str() + length_at + 16, nullptr, 10);
  return raw.substr(blank + 4, length);
}

// Asks until /healthz answers 200 or `timeout` passes: for a server expected to
// come back by itself.
inline bool serves_again_within(uint16_t port, std::chrono::milliseconds timeout) {
  using namespace std::chrono_literals;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (http_request(port, "GET", "/healthz", {}, {}, 1s).status == 200) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace closient::testing
