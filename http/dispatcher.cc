#include "http/dispatcher.h"

#include <chrono>
#include <exception>

#include "http/credentials.h"
#include "http/problem.h"
#include "http/request_id.h"

namespace closient::http {
namespace {

constexpr char kUnmatchedRoute[] = "unmatched";

// One request's bookkeeping, alive until its response has been handed on.
struct Exchange {
  std::string request_id;
  std::string method;
  std::string path;
  std::string route = kUnmatchedRoute;
  int64_t received_at_ms = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::shared_ptr<ExchangeNotes> notes = std::make_shared<ExchangeNotes>();
  const DispatcherOptions* options = nullptr;
  // What the answer's own headers depend on.
  bool rate_limited = false;  // below the base path
  bool cors = false;          // a CORS route
  PresentedCredentials credentials;
  std::string remote_address;
  Headers request_headers;  // CORS routes only: the Origin and preflight fields
  Reply downstream;

  explicit Exchange(Reply reply) : downstream(std::move(reply)) {}

  Response problem(const Error& error) const {
    return problem_response(error, ProblemContext{path, request_id, options->clock()});
  }

  void finish(Response response) {
    response.headers.set(kRequestIdHeader, request_id);
    if (rate_limited && options->rate_limit_window &&
        !response.headers.contains("RateLimit-Policy")) {
      response.headers.set_all(
          options->rate_limit_window(credentials, remote_address, received_at_ms));
    }
    if (cors && options->cors != nullptr) {
      response.headers.set_all(options->cors->answer_headers(request_headers));
    }
    const double latency_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (options->metrics != nullptr) {
      options->metrics->request_finished(method, route, response.status, latency_seconds);
    }
    if (options->access_log != nullptr) {
      const std::string credential_id = notes->credential_id();
      options->access_log->write(AccessLogEntry{received_at_ms, request_id, method, route,
                                                response.status, latency_seconds * 1000.0,
                                                credential_id});
    }
    downstream.send(std::move(response));
  }
};

// The operator learns what went wrong from the log; the client only that it did
// (§6: no internals leaked).
void answer_internal_error(const Exchange& exchange, const Reply& reply, const char* what) {
  if (exchange.options->access_log != nullptr) {
    exchange.options->access_log->write_error(exchange.options->clock(), exchange.request_id,
                                              std::string("handler threw: ") + what);
  }
  reply.send(
      exchange.problem(Error::make(ErrorCode::internal_error, "An unexpected error occurred.")));
}

void run_handler(const RouteHandler& handler, RequestContext context, const Reply& reply,
                 const Exchange& exchange) {
  try {
    handler(std::move(context), reply);
  } catch (const std::exception& e) {
    answer_internal_error(exchange, reply, e.what());
  } catch (...) {
    answer_internal_error(exchange, reply, "unknown exception");
  }
}

}  // namespace

Result<Router> build_router(const std::vector<RouteSpec>& specs) {
  Router router;
  for (const RouteSpec& spec : specs) {
    Status added = router.add(spec);
    if (!added.ok()) return added.error();
  }
  return router;
}

Dispatcher::Dispatcher(Router router, DispatcherOptions options)
    : router_(std::move(router)),
      options_(std::move(options)),
      handlers_(router_.routes().size()) {}

Status Dispatcher::bind(std::string_view operation_id, RouteHandler handler) {
  const auto& routes = router_.routes();
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (routes[i].operation_id != operation_id) continue;
    if (handlers_[i]) {
      return Error::make(ErrorCode::internal_error,
                         "operation bound twice: " + std::string(operation_id));
    }
    handlers_[i] = std::move(handler);
    return ok_status();
  }
  return Error::make(ErrorCode::internal_error, "no such operation: " + std::string(operation_id));
}

std::vector<std::string> Dispatcher::unbound_operations() const {
  std::vector<std::string> unbound;
  for (std::size_t i = 0; i < handlers_.size(); ++i) {
    if (!handlers_[i]) unbound.push_back(router_.routes()[i].operation_id);
  }
  return unbound;
}

void Dispatcher::handle(Request request, Reply server_reply) const {
  auto exchange = std::make_shared<Exchange>(std::move(server_reply));
  exchange->request_id = choose_request_id(request.headers);
  exchange->method = request.method;
  exchange->path = request.path;
  exchange->received_at_ms = options_.clock();
  exchange->options = &options_;
  exchange->rate_limited = request.path.rfind(options_.rate_limited_prefix, 0) == 0;
  exchange->credentials = extract_credentials(request.headers);
  exchange->remote_address = request.remote_address;
  if (options_.metrics != nullptr) options_.metrics->request_started();

  // Every answer, including the fallback for a handler that drops its reply, goes
  // through finish(), so none leaves without its request id, log line and metrics.
  Reply reply([exchange](Response response) { exchange->finish(std::move(response)); },
              [exchange] {
                return exchange->problem(
                    Error::make(ErrorCode::internal_error, "The request was not answered."));
              });

  if (request.framing_error) {
    reply.send(exchange->problem(*request.framing_error));
    return;
  }

  RouteLookup lookup = router_.match(request.method, request.path);
  if (!lookup.found()) {
    Response response = exchange->problem(lookup.error(request.method, request.path));
    if (lookup.method_not_allowed()) response.headers.set("Allow", lookup.allow_header());
    reply.send(std::move(response));
    return;
  }
  exchange->route = lookup.route->path_template;
  if (lookup.route->cors) {
    exchange->cors = true;
    exchange->request_headers = request.headers;
  }

  if (request.body.size() > options_.max_body_bytes) {
    reply.send(exchange->problem(Error::make(
        ErrorCode::payload_too_large, "The request body is " + std::to_string(request.body.size()) +
                                          " bytes; the limit is " +
                                          std::to_string(options_.max_body_bytes) + ".")));
    return;
  }

  const std::size_t index = static_cast<std::size_t>(lookup.route - router_.routes().data());
  const RouteHandler& handler = handlers_[index];
  if (!handler) {
    reply.send(exchange->problem(
        Error::make(ErrorCode::service_unavailable, "This endpoint is not available yet.")));
    return;
  }

  std::optional<uint64_t> min_position;
  if (exchange->rate_limited) {
    if (std::optional<std::string_view> value = request.headers.find(kMinPositionHeader)) {
      min_position = parse_min_position(*value);
      if (!min_position) {
        reply.send(exchange->problem(Error::make(
            ErrorCode::bad_request,
            "X-Min-Position must be a log position: the decimal X-Event-Position of a write.")));
        return;
      }
    }
  }

  RequestContext context;
  context.credentials = exchange->credentials;
  context.request = std::move(request);
  context.route = lookup.route;
  context.path_params = std::move(lookup.params);
  context.request_id = exchange->request_id;
  context.received_at_ms = exchange->received_at_ms;
  context.clock = options_.clock;
  context.notes = exchange->notes;
  if (min_position && options_.position_barrier != nullptr) {
    auto held = std::make_shared<RequestContext>(std::move(context));
    options_.position_barrier->wait_for(
        *min_position, [&handler, exchange, reply, held](bool reached) {
          if (reached) {
            run_handler(handler, std::move(*held), reply, *exchange);
            return;
          }
          reply.send(held->problem(
              Error::make(ErrorCode::service_unavailable,
                          "This node has not yet applied the position X-Min-Position names; "
                          "try again."),
              1));
        });
    return;
  }
  run_handler(handler, std::move(context), reply, *exchange);
}

}  // namespace closient::http
