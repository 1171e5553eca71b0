// Everything a route handler gets about one request, besides the Reply.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "events/result.h"
#include "http/clock.h"
#include "http/credentials.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace closient::http {

// What a handler tells the dispatcher's bookkeeping about the request, shared
// between the two because the handler may finish on another thread.
class ExchangeNotes {
 public:
  void set_credential_id(std::string id);
  std::string credential_id() const;

 private:
  mutable std::mutex mutex_;
  std::string credential_id_;
};

struct RequestContext {
  Request request;
  const RouteSpec* route = nullptr;  // never null in a route handler
  PathParams path_params;
  std::string request_id;
  int64_t received_at_ms = 0;        // Unix time in milliseconds
  PresentedCredentials credentials;  // as presented; not yet checked
  WallClock clock = system_now_ms;
  std::shared_ptr<ExchangeNotes> notes = std::make_shared<ExchangeNotes>();

  std::string_view path_param(std::string_view name) const { return path_params.get(name); }

  // A problem+json answer for this request: instance, request id and timestamp
  // filled in. Usage: reply.send(context.problem(error)).
  Response problem(const Error& error,
                   std::optional<int64_t> retry_after_seconds = std::nullopt) const;

  // Names the authenticated credential (its public id, never a secret) in the
  // access log line of this request.
  void note_credential(std::string credential_id) const;
};

}  // namespace closient::http
