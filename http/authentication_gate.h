// The gate every authenticated operation passes first (contract §2, §7):
// authenticate the presented credential, throttle failed attempts per client
// address, count the request against the credential's rate limits, and enforce
// the credential-kind rules that hold for every route (CSRF on session writes,
// publishable keys reading only whoami and their organization).
#pragma once

#include <optional>
#include <string_view>

#include "http/credentials.h"
#include "http/failed_auth_limiter.h"
#include "http/rate_limiter.h"
#include "http/reply.h"
#include "http/request_context.h"
#include "projections/authenticator.h"

namespace closient::http {

struct GatePassed {
  AuthenticatedCaller auth;
  // Sets the rate-limit headers on whatever is sent through it.
  Reply reply;
};

class AuthenticationGate {
 public:
  AuthenticationGate(Authenticator& authenticator, RateLimiter& rate_limiter,
                     FailedAuthenticationLimiter& failed_limiter)
      : authenticator_(authenticator),
        rate_limiter_(rate_limiter),
        failed_limiter_(failed_limiter) {}

  // The caller, or nullopt after answering `reply` (401, 403 or 429). Every answer
  // it gives, and every answer sent through GatePassed::reply, carries the
  // rate-limit headers of the window that applies: the credential's, or without
  // a recognised credential the client address's failed-authentication window.
  std::optional<GatePassed> pass(const RequestContext& context, const Reply& reply) const;

  // The rate-limit headers for an answer given without passing the gate (unknown
  // route, 405, 413, an open route under the base path): the credential's window
  // when the request presents one that authenticates, else the address's
  // failed-authentication window. Counts nothing, records no failure.
  Headers window_headers(const PresentedCredentials& presented, std::string_view remote_address,
                         int64_t now_ms) const;

 private:
  Result<AuthenticatedCaller> authenticate(const PresentedCredentials& presented,
                                           int64_t now_ms) const;

  Authenticator& authenticator_;
  RateLimiter& rate_limiter_;
  FailedAuthenticationLimiter& failed_limiter_;
};

// Whether an operation changes state (and so needs X-CSRF-Token with a session).
bool is_write_method(std::string_view method);

}  // namespace closient::http
