// The only translation unit that includes RESTinio (it costs 10-15 s to compile).
// It converts RESTinio requests into plain Requests, plain Responses back into
// RESTinio responses, and manages the thread pool and the graceful stop. It also
// holds the three places where RESTinio 0.6 needs help to survive hostile
// clients: the connection cap (AcceptGate), the parser's limits, and the answer
// to a request the parser stops on.
#include "http/server.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

// RESTinio 0.6 closes a connection without an answer when http_parser stops on a
// request (a malformed request line, a header section over the limit, a body over
// it). Nothing but the parser call itself sees that stop, so in this translation
// unit RESTinio's calls of http_parser_execute go to guarded_http_parser_execute
// (below), which turns the stop into a request the dispatcher answers.
#define http_parser_execute closient_guarded_http_parser_execute
#include <restinio/all.hpp>
#undef http_parser_execute
extern "C" size_t http_parser_execute(http_parser* parser, const http_parser_settings* settings,
                                      const char* data, size_t len);

#include "http/accept_gate.h"
#include "http/clock.h"
#include "http/problem.h"
#include "http/response.h"

namespace closient::http {
namespace {

// Marks a request the parser stopped on; its value is the parser's HPE_* code. A
// client cannot send it: http_parser never lets a ':' into a field name.
constexpr char kRejectedField[] = ":closient-rejected";

// The HTTP methods RESTinio knows; a type of our own only so that the parser
// settings below can be specialized for this server.
struct GuardedHttpMethods : restinio::default_http_methods_t {};

// The gate of the server being constructed, handed to its acceptor's limiter
// (RESTinio constructs the limiter itself, with arguments of its choosing).
thread_local std::shared_ptr<AcceptGate> gate_for_next_server;
thread_local std::weak_ptr<restinio::asio_ns::io_context> io_context_for_next_server;

// RESTinio's connection-count limiter interface, answered by an AcceptGate.
class GatedLimiter {
 public:
  GatedLimiter(restinio::connection_count_limits::impl::acceptor_callback_iface_t* acceptor,
               restinio::connection_count_limits::max_parallel_connections_t,
               restinio::connection_count_limits::max_active_accepts_t)
      : gate_(gate_for_next_server ? gate_for_next_server
                                   : std::make_shared<AcceptGate>(kMaxDefaultGate, nullptr)) {
    gate_->attach(AcceptGate::AcceptorHooks{
        [acceptor](std::size_t slot) { acceptor->call_accept_now(slot); },
        // Weak: the io_context's queued tasks hold the gate.
        [io_context = io_context_for_next_server](std::function<void()> task) {
          if (auto context = io_context.lock()) restinio::asio_ns::post(*context, std::move(task));
        }});
  }
  GatedLimiter(const GatedLimiter&) = delete;
  GatedLimiter& operator=(const GatedLimiter&) = delete;

  void increment_parallel_connections() noexcept { gate_->connection_opened(); }
  void decrement_parallel_connections() noexcept { gate_->connection_closed(); }
  void accept_next(std::size_t slot) noexcept { gate_->accept_next(slot); }

  const std::shared_ptr<AcceptGate>& gate() const { return gate_; }

 private:
  static constexpr std::size_t kMaxDefaultGate = 1024;
  std::shared_ptr<AcceptGate> gate_;
};

// Counts one connection for as long as it lives. RESTinio's own monitor keeps a
// pointer to the limiter, which lives in the acceptor; connections still queued
// in the io_context when the server is destroyed outlive the acceptor, and their
// monitor then reached a freed limiter. This one holds the gate itself.
class ConnectionMonitor {
 public:
  explicit ConnectionMonitor(GatedLimiter* limiter) noexcept : gate_(limiter->gate()) {
    gate_->connection_opened();
  }
  ~ConnectionMonitor() {
    if (gate_) gate_->connection_closed();
  }
  ConnectionMonitor(ConnectionMonitor&& other) noexcept = default;
  ConnectionMonitor& operator=(ConnectionMonitor&& other) noexcept {
    ConnectionMonitor moved(std::move(other));
    std::swap(gate_, moved.gate_);
    return *this;
  }
  ConnectionMonitor(const ConnectionMonitor&) = delete;
  ConnectionMonitor& operator=(const ConnectionMonitor&) = delete;

 private:
  std::shared_ptr<AcceptGate> gate_;
};

// default_traits_t (a strand per connection, so responses may be written from any
// thread, and asio timers for RESTinio's own timeouts) with the gate as the
// connection-count limiter and the guarded parser settings.
struct ServerTraits : restinio::default_traits_t {
  using http_methods_mapper_t = GuardedHttpMethods;
  static constexpr bool use_connection_count_limiter = true;
};

}  // namespace
}  // namespace closient::http

template <>
struct restinio::connection_count_limit_types<closient::http::ServerTraits> {
  using limiter_t = closient::http::GatedLimiter;
  using lifetime_monitor_t = closient::http::ConnectionMonitor;
};

namespace closient::http {
namespace {

using ParserContext = restinio::impl::http_parser_ctx_t;

ParserContext& context_of(http_parser* parser) {
  return *static_cast<ParserContext*>(parser->data);
}

// A body over the limit but declared no larger than this is read and thrown away
// (RequestLimits::max_discarded_body_bytes; the parser's callbacks cannot reach the
// server's options, and one process serves one limit).
std::atomic<uint64_t> max_discarded_body_bytes{RequestLimits{}.max_discarded_body_bytes};

// The Content-Length a request declared (http_parser has checked it is a number).
std::optional<uint64_t> declared_length(const restinio::http_request_header_t& header) {
  const auto field = header.try_get_field(restinio::string_view_t{"Content-Length"});
  if (!field) return std::nullopt;
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(field->data(), field->data() + field->size(), value);
  if (error != std::errc{} || end == field->data()) return std::nullopt;
  return value;
}

// True while the parser reads a body declared over the limit: its bytes are
// dropped as they come, and the request reaches the server with no body.
bool discarding_body(http_parser* parser) {
  if ((parser->flags & F_CHUNKED) != 0) return false;
  const auto length = declared_length(context_of(parser).m_header);
  return length && *length > context_of(parser).m_limits.max_body_size();
}

// RESTinio reserves the whole declared body when the headers end: replaced so that
// a body over the limit reserves nothing, and one declared over
// max_discarded_body_bytes stops the parser (answered 413 at once).
int on_headers_complete(http_parser* parser) {
  ParserContext& context = context_of(parser);
  const bool sized = (parser->flags & F_CHUNKED) == 0 && parser->content_length != ULLONG_MAX;
  if (sized && parser->content_length > context.m_limits.max_body_size()) {
    if (parser->content_length > max_discarded_body_bytes.load()) return -1;
    context.m_leading_headers_completed = true;  // all RESTinio's callback does besides reserving
    return 0;
  }
  return restinio::impl::restinio_headers_complete_cb(parser);
}

int on_body(http_parser* parser, const char* at, size_t length) {
  if (discarding_body(parser)) return 0;
  return restinio::impl::restinio_body_cb(parser, at, length);
}

}  // namespace
}  // namespace closient::http

// RESTinio's parser settings with the body callbacks above. Chunk sizes are not
// recorded (RESTinio would keep one entry per chunk: 16 bytes for each byte of a
// body sent as one-byte chunks); nothing here reads them.
template <>
inline http_parser_settings
restinio::impl::create_parser_settings<closient::http::GuardedHttpMethods>() noexcept {
  http_parser_settings settings = create_parser_settings<restinio::default_http_methods_t>();
  settings.on_headers_complete = &closient::http::on_headers_complete;
  settings.on_body = &closient::http::on_body;
  settings.on_chunk_header = nullptr;
  return settings;
}

// Runs the real parser; when it stops on an error, completes the message instead,
// marked with kRejectedField, so RESTinio hands it to the server, which answers it
// (and closes the connection). What is left of the read buffer is dropped.
extern "C" size_t closient_guarded_http_parser_execute(http_parser* parser,
                                                       const http_parser_settings* settings,
                                                       const char* data, size_t len) {
  const size_t parsed = http_parser_execute(parser, settings, data, len);
  const auto error = HTTP_PARSER_ERRNO(parser);
  if (error == HPE_OK || error == HPE_PAUSED) return parsed;

  auto& context = closient::http::context_of(parser);
  context.m_body.clear();
  context.m_header.method(error == HPE_INVALID_METHOD
                              ? restinio::http_method_id_t{}
                              : closient::http::GuardedHttpMethods::from_nodejs(parser->method));
  context.m_header.set_field(closient::http::kRejectedField, std::to_string(error));
  context.m_header.should_keep_alive(false);
  context.m_message_complete = true;
  parser->http_errno = HPE_PAUSED;  // what RESTinio's own message-complete callback leaves
  return len;
}

namespace closient::http {
namespace {

using HttpServer = restinio::http_server_t<ServerTraits>;
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

// The parser's HPE_* code when the request is one it stopped on.
std::optional<int> rejected_by_parser(const restinio::http_request_header_t& header) {
  const auto field = header.try_get_field(kRejectedField);
  if (!field) return std::nullopt;
  int code = 0;
  std::from_chars(field->data(), field->data() + field->size(), code);
  return code;
}

// The request as the rest of the service sees it. One the parser stopped on, or
// whose body was thrown away for its size, carries the answer in framing_error.
Request to_request(const restinio::request_handle_t& handle, const RequestLimits& limits) {
  const restinio::http_request_header_t& header = handle->header();
  const std::optional<int> parser_error = rejected_by_parser(header);
  Headers headers;
  header.for_each_field([&headers](const restinio::http_header_field_t& field) {
    if (field.name() != kRejectedField) headers.add(field.name(), field.value());
  });
  std::string remote;
  try {
    remote = handle->remote_endpoint().address().to_string();
  } catch (...) {
    // An address that cannot be printed is still a request worth answering.
  }
  std::string target(header.request_target());
  if (target.empty()) target = "/";  // the parser stopped before the target
  Request request = make_request(header.method().c_str(), std::move(target), std::move(headers),
                                 std::string(handle->body()), std::move(remote));
  if (parser_error) {
    request.framing_error = parser_rejection(*parser_error, limits);
  } else if (const auto length = declared_length(header);
             length && *length > limits.max_body_bytes) {
    request.framing_error = body_too_large(*length, limits);
  }
  return request;
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
  static constexpr int kDescriptorReserve = 8;

  ServerOptions options;
  RequestHandler handler;
  std::shared_ptr<SharedState> state = std::make_shared<SharedState>();
  std::shared_ptr<AcceptGate> gate;
  std::shared_ptr<HttpServer> server;
  std::unique_ptr<Runner> runner;
  std::string bound_address;
  std::atomic<uint16_t> bound_port{0};
  std::atomic<int> listen_fd{-1};
  bool running = false;

  // The watchdog: every 100 ms, tells the gate whether connections wait to be
  // accepted, so an accept that failed is started again.
  std::thread watchdog;
  std::mutex watchdog_mutex;
  std::condition_variable watchdog_wakeup;
  bool watchdog_stop = false;

  restinio::request_handling_status_t on_request(const restinio::request_handle_t& handle) {
    auto pending = std::make_shared<PendingAnswer>();
    pending->server = state->server.lock();
    pending->request = handle;
    pending->ticket = std::make_shared<InFlightTicket>(state->in_flight);

    const bool head_only = handle->header().method() == restinio::http_method_head();
    // A request the parser stopped on leaves the rest of the connection's bytes
    // unreadable: its answer closes the connection, and is written at once (see
    // below) so RESTinio reads nothing more from it.
    const bool rejected = rejected_by_parser(handle->header()).has_value();
    std::weak_ptr<SharedState> weak_state = state;
    // True while the handler runs; see below.
    auto in_handler = std::make_shared<std::atomic<bool>>(true);
    // The Reply exists before anything that could throw, so every request is
    // answered: if conversion or the handler fails, the dropped Reply answers 500.
    Reply reply(
        [pending, head_only, rejected, weak_state, in_handler](Response response) {
          const auto shared = weak_state.lock();
          const bool close = rejected || shared == nullptr || shared->draining.load();
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
          // A closing answer is the exception: written inside the handler, it stops
          // RESTinio from reading the connection again, which is what a request
          // the parser stopped on needs. An answer from another thread (the write
          // answers' SendQueue) is written on that thread: posted, it could sit
          // in the queue of an io_context that has stopped, holding the server
          // that holds that queue.
          if (in_handler->load() && pending->server && !rejected) {
            restinio::asio_ns::post(pending->server->io_context(), std::move(write));
          } else {
            write();
          }
        },
        [target = std::string(handle->header().request_target())] {
          return unanswered_response(split_target(target).path);
        });
    try {
      handler(to_request(handle, options.limits), std::move(reply));
    } catch (...) {
      // The handler must not throw; if it does, the Reply it dropped answers 500.
    }
    in_handler->store(false);
    return restinio::request_accepted();
  }

  // Can a connection take a descriptor now, leaving kDescriptorReserve free for
  // the database's new files and the rest? Asked before every accept, when the
  // cap alone may not keep accepts below the descriptor limit.
  bool descriptor_available() const {
    const int fd = listen_fd.load();
    if (fd < 0) return true;
    int probes[kDescriptorReserve + 1];
    int taken = 0;
    bool available = true;
    for (; taken <= kDescriptorReserve; ++taken) {
      probes[taken] = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
      if (probes[taken] < 0) {
        available = errno != EMFILE && errno != ENFILE;
        break;
      }
    }
    for (int i = 0; i < taken; ++i) ::close(probes[i]);
    return available;
  }

  void run_watchdog() {
    std::unique_lock<std::mutex> lock(watchdog_mutex);
    while (!watchdog_wakeup.wait_for(lock, std::chrono::milliseconds(100),
                                     [this] { return watchdog_stop; })) {
      pollfd listener{listen_fd.load(), POLLIN, 0};
      const bool waiting =
          listener.fd >= 0 && ::poll(&listener, 1, 0) == 1 && (listener.revents & POLLIN) != 0;
      gate->tick(waiting);
    }
  }

  void stop_watchdog() {
    {
      std::lock_guard<std::mutex> lock(watchdog_mutex);
      watchdog_stop = true;
    }
    watchdog_wakeup.notify_all();
    if (watchdog.joinable()) watchdog.join();
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
  const RequestLimits& limits = impl.options.limits;

  // http_parser counts the request line and header fields against one limit for
  // the whole process; it stops with HPE_HEADER_OVERFLOW beyond it (answered 431).
  http_parser_set_max_header_size(static_cast<uint32_t>(limits.max_header_bytes));
  max_discarded_body_bytes = limits.max_discarded_body_bytes;

  impl.gate = std::make_shared<AcceptGate>(impl.options.max_connections,
                                           [&impl] { return impl.descriptor_available(); });

  restinio::server_settings_t<ServerTraits> settings;
  settings.address(impl.options.address)
      .port(impl.options.port)
      .max_parallel_connections(impl.options.max_connections)  // enforced by the gate
      .read_next_http_message_timelimit(impl.options.read_timeout)
      .handle_request_timeout(impl.options.handle_request_timeout)
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_body_size(limits.max_body_bytes)
                                    .max_field_count(limits.max_header_fields))
      // Every request reaches the handler, which answers every path (404 included),
      // so RESTinio never has a request to answer 501 itself.
      .request_handler(
          [&impl](const restinio::request_handle_t& handle) { return impl.on_request(handle); })
      .acceptor_post_bind_hook([&impl](restinio::asio_ns::ip::tcp::acceptor& acceptor) {
        const auto endpoint = acceptor.local_endpoint();
        impl.bound_address = endpoint.address().to_string();
        impl.bound_port = endpoint.port();
        impl.listen_fd = acceptor.native_handle();
      });

  try {
    // Taken by the acceptor's limiter, which the server's constructor makes.
    auto io_context = std::make_shared<restinio::asio_ns::io_context>();
    gate_for_next_server = impl.gate;
    io_context_for_next_server = io_context;
    impl.server = std::make_shared<HttpServer>(restinio::io_context_holder_t{io_context},
                                               std::move(settings));
    gate_for_next_server.reset();
    io_context_for_next_server.reset();
    impl.state->server = impl.server;
    impl.runner =
        std::make_unique<Runner>(std::max<std::size_t>(impl.options.threads, 1), *impl.server);
    std::promise<void> started;
    impl.runner->start(
        [&started]() noexcept { started.set_value(); },
        [&started](std::exception_ptr error) noexcept { started.set_exception(std::move(error)); });
    started.get_future().get();
  } catch (const std::exception& e) {
    gate_for_next_server.reset();
    // The I/O threads keep running after a failed bind: stop them before joining.
    if (impl.runner) {
      impl.runner->stop();
      impl.runner->wait();
    }
    impl.runner.reset();
    impl.server.reset();
    impl.listen_fd = -1;
    return Error::make(ErrorCode::service_unavailable, "cannot listen on " + impl.options.address +
                                                           ":" + std::to_string(impl.options.port) +
                                                           ": " + e.what());
  }
  impl.watchdog_stop = false;
  impl.watchdog = std::thread([&impl] { impl.run_watchdog(); });
  impl.running = true;
  return impl.bound_port.load();
}

void Server::stop() {
  Impl& impl = *impl_;
  if (!impl.running) return;
  impl.running = false;
  impl.state->draining = true;

  // 1. Stop accepting: no accept is started again, and the listening socket is
  // closed (on an I/O thread, as RESTinio wants).
  impl.stop_watchdog();
  impl.gate->close();
  std::promise<void> closed;
  impl.server->close_async([&closed]() noexcept { closed.set_value(); },
                           [&closed](std::exception_ptr) noexcept { closed.set_value(); });
  closed.get_future().wait();
  impl.listen_fd = -1;

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

ConnectionStats Server::connection_stats() const {
  ConnectionStats stats;
  if (!impl_->gate) return stats;
  const AcceptGate::Counters counters = impl_->gate->counters();
  stats.open_connections = counters.open_connections;
  stats.max_connections = impl_->gate->max_connections();
  stats.accepting_paused_at_cap = counters.waiting_for_room > 0;
  stats.accepting_paused_for_descriptors = counters.waiting_for_descriptor > 0;
  stats.descriptor_shortages = counters.descriptor_shortages;
  stats.accepts_restarted = counters.accepts_restarted;
  return stats;
}

}  // namespace closient::http
