// The HTTP server: RESTinio on a thread pool, behind a plain interface. No RESTinio
// type appears here; http/server.cc is the only file that includes it.
//
//   Server server(options, [&](Request request, Reply reply) { ... });
//   Result<uint16_t> port = server.start();   // bound and accepting
//   ... wait_for_termination_signal() ...
//   server.stop();                            // stop accepting, drain, join threads
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "events/result.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/request_limits.h"

namespace closient::http {

// Called on an I/O thread for every request. It must answer through the Reply,
// now or later from any thread; it must not block.
using RequestHandler = std::function<void(Request request, Reply reply)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8000;  // 0 picks a free one; start() returns it
  std::size_t threads = 2;
  // Connections open at once. Further clients wait in the kernel's listen backlog
  // until one closes. Keep it below the descriptor limit (default and budget in
  // http/descriptor_limits.h): accepts then never fail for want of a descriptor.
  std::size_t max_connections = 1024;
  // Header, field-count and body limits, answered 431 and 413 (request_limits.h).
  RequestLimits limits;
  // The time a client has to send a whole request, and the longest an idle
  // keep-alive connection stays open: a slow sender (slowloris) is cut off after it.
  std::chrono::milliseconds read_timeout{30000};
  // RESTinio drops a request not answered in this time (a handler bug).
  std::chrono::milliseconds handle_request_timeout{30000};
  // How long stop() waits for requests in flight before it stops anyway.
  std::chrono::milliseconds drain_timeout{10000};
};

// What the listener is doing, for metrics and tests.
struct ConnectionStats {
  std::size_t open_connections = 0;
  std::size_t max_connections = 0;
  bool accepting_paused_at_cap = false;
  bool accepting_paused_for_descriptors = false;
  uint64_t descriptor_shortages = 0;  // times an accept waited for a free descriptor
  uint64_t accepts_restarted = 0;     // accepts that failed and were started again
};

class Server {
 public:
  Server(ServerOptions options, RequestHandler handler);
  ~Server();  // stops if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads. Returns the bound port, or an error
  // (address in use, unknown address) as a service_unavailable Error.
  Result<uint16_t> start();

  // Stops accepting connections, waits (up to drain_timeout) until every request
  // handed to the handler has been answered and written, then stops the threads.
  // Responses sent during the drain carry Connection: close. Idempotent.
  void stop();

  // The bound address, e.g. "127.0.0.1", and port; valid after start().
  std::string bound_address() const;
  uint16_t bound_port() const;

  // Requests handed to the handler whose answer is not yet written.
  std::size_t requests_in_flight() const;

  ConnectionStats connection_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace closient::http
