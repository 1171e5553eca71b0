// The dispatcher: what the server calls for every request. It gives each request
// its id, answers a request the server could not read (400 / 413 / 431, see
// Request::framing_error), routes it (404 / 405 with Allow), enforces the 64 KiB
// body limit (413),
// and hands it to the handler bound to its operation (503 while none is bound),
// once this node has applied the position a request's X-Min-Position names
// (503 with Retry-After when it does not within the barrier's bound).
// On the way out every response gets X-Request-ID, is counted in the metrics and
// written to the access log. Below the API's base path every response also
// carries the rate-limit headers (§7): handlers behind the authentication gate
// set them; for every other answer (404, 405, 413, open routes) the dispatcher
// asks `rate_limit_window`. Answers of CORS routes get their CORS headers here.
//
// A Service plugs in by binding handlers to operation ids before the server starts:
//
//   Status Service::bind_routes(Dispatcher& dispatcher) {
//     return dispatcher.bind("apps_accounts_api_members_get_member", [this](RequestContext context,
//     Reply reply) {
//       ...  reply.send(Response::json(200, member));  // now, or later from any thread
//     });
//   }
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "http/access_log.h"
#include "http/api_description.h"
#include "http/clock.h"
#include "http/cors.h"
#include "http/credentials.h"
#include "http/http_metrics.h"
#include "http/position_barrier.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/request_context.h"
#include "http/router.h"

namespace closient::http {

inline constexpr std::size_t kMaxRequestBodyBytes = 64 * 1024;

// Answers exactly once through `reply`: before returning, or later from any thread.
// Exceptions are caught and answered 500, but handlers should return errors as
// values (context.problem(error)).
using RouteHandler = std::function<void(RequestContext context, Reply reply)>;

// The rate-limit headers of an answer that did not pass the authentication gate
// (AuthenticationGate::window_headers): thread-safe, counting nothing.
using RateLimitWindowView = std::function<Headers(const PresentedCredentials& presented,
                                                  std::string_view remote_address, int64_t now_ms)>;

struct DispatcherOptions {
  AccessLog* access_log = nullptr;  // optional
  HttpMetrics* metrics = nullptr;   // optional
  WallClock clock = system_now_ms;
  std::size_t max_body_bytes = kMaxRequestBodyBytes;
  // Responses to paths below this prefix carry rate-limit headers.
  std::string rate_limited_prefix = std::string(kApiBasePath) + "/";
  RateLimitWindowView rate_limit_window;  // optional: without it, only the gate sets them
  const CorsPolicy* cors = nullptr;       // optional: without it, no CORS headers at all
  // optional: holds API requests carrying X-Min-Position until this node has
  // applied that position (without it the header is only checked for syntax).
  PositionBarrier* position_barrier = nullptr;
};

class Dispatcher {
 public:
  Dispatcher(Router router, DispatcherOptions options);

  // Binds the handler of one operation. Bind everything before serving: binding is
  // not synchronized with handle(). An unknown or already bound operation id is an
  // error.
  Status bind(std::string_view operation_id, RouteHandler handler);

  // The server's entry point; thread-safe.
  void handle(Request request, Reply reply) const;

  const Router& router() const { return router_; }
  // Operation ids still answered 503 (for startup logs and tests).
  std::vector<std::string> unbound_operations() const;

 private:
  Router router_;
  DispatcherOptions options_;
  std::vector<RouteHandler> handlers_;  // parallel to router_.routes()
};

// A Router holding every route of `specs`, or the first error.
Result<Router> build_router(const std::vector<RouteSpec>& specs);

}  // namespace closient::http
