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

namespace closient::http {

// Called on an I/O thread for every request. It must answer through the Reply,
// now or later from any thread; it must not block.
using RequestHandler = std::function<void(Request request, Reply reply)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8000;  // 0 picks a free port; start() returns it
  std::size_t threads = 2;
  // What RESTinio buffers before giving up on a body. It closes the connection,
  // answerless, beyond this; below it the dispatcher answers 413 past 64 KiB. So it
  // is well above the contract's limit, to make the 413 reachable for realistic
  // oversized bodies, and bounded, so one client cannot make the server buffer GBs.
  std::size_t max_buffered_body_bytes = 1024 * 1024;
  // RESTinio drops a request not answered in this time (a handler bug).
  std::chrono::milliseconds handle_request_timeout{30000};
  // How long stop() waits for requests in flight before it stops anyway.
  std::chrono::milliseconds drain_timeout{10000};
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace closient::http
