// The only translation unit that includes RESTinio (it costs 10-15 s to compile).
// It converts RESTinio requests into plain Requests, plain Responses back into
// RESTinio responses, and manages the thread pool and the graceful stop.
#include "http/server.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <restinio/all.hpp>
#include <utility>

#include "http/clock.h"
#include "http/problem.h"
#include "http/response.h"

namespace closient::http {
namespace {

// default_traits_t: a strand per connection, so responses may be written from any
// thread, and asio timers for RESTinio's own timeouts.
using HttpServer = restinio::http_server_t<restinio::default_traits_t>;
using Runner = restinio::on_pool_runner_t<HttpServer>;

// Requests handed to the handler whose answer is not yet written, so stop() can
// wait for them.
class InFlight {
 public:
  void begin() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++count_;
  }
  void end() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--count_ == 0) idle_.notify_all();
  }
  std::size_t count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }
  bool wait_until_idle(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return idle_.wait_until(lock, deadline, [this] { return count_ == 0; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t count_ = 0;
};

// Ends one request's stay in flight when the last holder lets go: the Reply (until
// it is answered) and RESTinio's write-completion callback (until written).
class InFlightTicket {
 public:
  explicit InFlightTicket(std::shared_ptr<InFlight> in_flight) : in_flight_(std::move(in_flight)) {
    in_flight_->begin();
  }
  ~InFlightTicket() { in_flight_->end(); }
  InFlightTicket(const InFlightTicket&) = delete;
  InFlightTicket& operator=(const InFlightTicket&) = delete;

 private:
  std::shared_ptr<InFlight> in_flight_;
};

// State shared by the server and every request in flight. Replies may outlive the
// Server object (a writer thread answering late); they keep the RESTinio server,
// and with it the io_context their connection belongs to, alive until they are done.
struct SharedState {
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
  std::atomic<bool> draining{false};
  std::weak_ptr<HttpServer> server;
};

// A pending answer. Member order matters: the request (and its connection) must be
// released before the server that owns their io_context.
struct PendingAnswer {
  std::shared_ptr<HttpServer> server;
  restinio::request_handle_t request;
  std::shared_ptr<InFlightTicket> ticket;
};

Request to_request(const restinio::request_handle_t& handle) {
  Headers headers;
  handle->header().for_each_field([&headers](const restinio::http_header_field_t& field) {
    headers.add(field.name(), field.value());
  });
  std::string remote;
  try {
    remote = handle->remote_endpoint().address().to_string();
  } catch (...) {
    // An address that cannot be printed is still a request worth answering.
  }
  return make_request(handle->header().method().c_str(),
                      std::string(handle->header().request_target()), std::move(headers),
                      std::string(handle->body()), std::move(remote));
}

// Copies our headers onto a RESTinio builder, except the two RESTinio computes.
template <typename Builder>
void copy_headers(const Response& response, Builder& builder) {
  for (const auto& [name, value] : response.headers) {
    if (equals_ignoring_case(name, "Content-Length") || equals_ignoring_case(name, "Connection")) {
      continue;
    }
    builder.append_header(name, value);
  }
  builder.append_header_date_field();
}

void write_response(PendingAnswer& pending, Response response, bool head_only, bool close) {
  restinio::http_status_line_t status_line{
      restinio::http_status_code_t{static_cast<std::uint16_t>(response.status)},
      reason_phrase(response.status)};
  // Holding the ticket until RESTinio reports the write done (or failed) keeps the
  // request in flight for stop() until its bytes are on the wire.
  auto written = [ticket = pending.ticket](const restinio::asio_ns::error_code&) {};
  if (head_only) {
    // HEAD: the headers GET would send, Content-Length included, and no body.
    auto builder =
        pending.request->create_response<restinio::user_controlled_output_t>(status_line);
    copy_headers(response, builder);
    builder.set_content_length(response.body.size());
    if (close) builder.connection_close();
    builder.done(std::move(written));
    return;
  }
  auto builder = pending.request->create_response(status_line);
  copy_headers(response, builder);
  builder.set_body(std::move(response.body));
  if (close) builder.connection_close();
  builder.done(std::move(written));
}

// The last resort when a handler drops its reply: the dispatcher has its own
// fallback with the request id, so this only fires for a handler used bare.
Response unanswered_response(const std::string& path) {
  return problem_response(Error::make(ErrorCode::internal_error, "The request was not answered."),
                          ProblemContext{path, "", system_now_ms()});
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  RequestHandler handler;
  std::shared_ptr<SharedState> state = std::make_shared<SharedState>();
  std::shared_ptr<HttpServer> server;
  std::unique_ptr<Runner> runner;
  std::string bound_address;
  std::atomic<uint16_t> bound_port{0};
  bool running = false;

  restinio::request_handling_status_t on_request(const restinio::request_handle_t& handle) {
    auto pending = std::make_shared<PendingAnswer>();
    pending->server = state->server.lock();
    pending->request = handle;
    pending->ticket = std::make_shared<InFlightTicket>(state->in_flight);

    const bool head_only = handle->header().method() == restinio::http_method_head();
    std::weak_ptr<SharedState> weak_state = state;
    // True while the handler runs; see below.
    auto in_handler = std::make_shared<std::atomic<bool>>(true);
    // The Reply exists before anything that could throw, so every request is
    // answered: if conversion or the handler fails, the dropped Reply answers 500.
    Reply reply(
        [pending, head_only, weak_state, in_handler](Response response) {
          const auto shared = weak_state.lock();
          const bool close = shared == nullptr || shared->draining.load();
          auto write = [pending, head_only, close, response = std::move(response)]() mutable {
            try {
              write_response(*pending, std::move(response), head_only, close);
            } catch (...) {
              // The connection is gone; nothing is left to tell the client.
            }
            // Release the connection now rather than when the last copy of the Reply goes.
            pending->ticket.reset();
            pending->request.reset();
          };
          // An answer given while the handler still runs is written from a handler
          // posted for later. RESTinio 0.6 resumes reading twice for a response
          // appended from inside its request handler: with requests pipelined
          // behind it, it reads one more than its table of pending responses holds
          // and drops the connection, answers to requests already handled included.
          if (in_handler->load() && pending->server) {
            restinio::asio_ns::post(pending->server->io_context(), std::move(write));
          } else {
            write();
          }
        },
        [target = std::string(handle->header().request_target())] {
          return unanswered_response(split_target(target).path);
        });
    try {
      handler(to_request(handle), std::move(reply));
    } catch (...) {
      // The handler must not throw; if it does, the Reply it dropped answers 500.
    }
    in_handler->store(false);
    return restinio::request_accepted();
  }
};

Server::Server(ServerOptions options, RequestHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

Server::~Server() {
  stop();
}

Result<uint16_t> Server::start() {
  Impl& impl = *impl_;
  if (impl.running) return impl.bound_port.load();

  restinio::server_settings_t<restinio::default_traits_t> settings;
  settings.address(impl.options.address)
      .port(impl.options.port)
      .handle_request_timeout(impl.options.handle_request_timeout)
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}.max_body_size(
          impl.options.max_buffered_body_bytes))
      // Every request reaches the handler, which answers every path (404 included),
      // so RESTinio never has a request to answer 501 itself.
      .request_handler(
          [&impl](const restinio::request_handle_t& handle) { return impl.on_request(handle); })
      .acceptor_post_bind_hook([&impl](restinio::asio_ns::ip::tcp::acceptor& acceptor) {
        const auto endpoint = acceptor.local_endpoint();
        impl.bound_address = endpoint.address().to_string();
        impl.bound_port = endpoint.port();
      });

  try {
    impl.server = std::make_shared<HttpServer>(restinio::own_io_context(), std::move(settings));
    impl.state->server = impl.server;
    impl.runner =
        std::make_unique<Runner>(std::max<std::size_t>(impl.options.threads, 1), *impl.server);
    std::promise<void> started;
    impl.runner->start(
        [&started]() noexcept { started.set_value(); },
        [&started](std::exception_ptr error) noexcept { started.set_exception(std::move(error)); });
    started.get_future().get();
  } catch (const std::exception& e) {
    // The I/O threads keep running after a failed bind: stop them before joining.
    if (impl.runner) {
      impl.runner->stop();
      impl.runner->wait();
    }
    impl.runner.reset();
    impl.server.reset();
    return Error::make(ErrorCode::service_unavailable, "cannot listen on " + impl.options.address +
                                                           ":" + std::to_string(impl.options.port) +
                                                           ": " + e.what());
  }
  impl.running = true;
  return impl.bound_port.load();
}

void Server::stop() {
  Impl& impl = *impl_;
  if (!impl.running) return;
  impl.running = false;
  impl.state->draining = true;

  // 1. Stop accepting: close the listening socket (on an I/O thread, as RESTinio wants).
  std::promise<void> closed;
  impl.server->close_async([&closed]() noexcept { closed.set_value(); },
                           [&closed](std::exception_ptr) noexcept { closed.set_value(); });
  closed.get_future().wait();

  // 2. Let requests in flight finish: answered by their handler and written out.
  impl.state->in_flight->wait_until_idle(std::chrono::steady_clock::now() +
                                         impl.options.drain_timeout);

  // 3. Stop the I/O threads. Keep-alive connections still open are dropped.
  impl.runner->stop();
  impl.runner->wait();
  impl.runner.reset();
  impl.server.reset();  // outstanding replies may still hold it; they end its life
}

std::string Server::bound_address() const {
  return impl_->bound_address;
}

uint16_t Server::bound_port() const {
  return impl_->bound_port.load();
}

std::size_t Server::requests_in_flight() const {
  return impl_->state->in_flight->count();
}

}  // namespace closient::http
