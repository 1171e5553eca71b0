#include "http/authentication_gate.h"

#include <string>

namespace closient::http {
namespace {

// Rate limits count per credential; a session counts as its user, so several
// browser tabs (or sessions) of one person share one allowance.
std::string rate_limit_subject(const Caller& caller) {
  if (caller.kind == CredentialKind::session) return "user:" + caller.user_id;
  return std::string(credential_kind_name(caller.kind)) + ":" + caller.credential_id;
}

uint64_t as_override(int64_t value) {
  return value > 0 ? static_cast<uint64_t>(value) : 0;
}

RateLimits limits_of(const AuthenticatedCaller& auth) {
  return rate_limits_for(auth.caller.kind == CredentialKind::publishable_key,
                         as_override(auth.rate_limit_per_minute),
                         as_override(auth.rate_limit_per_day));
}

// A missing token is a client that does not know the rule; a wrong one is a stale
// page or a forged request. Each gets its own detail and reason.
Error csrf_refusal(const PresentedCredentials& presented) {
  if (!presented.csrf_token || presented.csrf_token->empty()) {
    return Error::make(ErrorCode::forbidden,
                       "Changes made with a session need the X-CSRF-Token header; none was sent.",
                       "csrf_token_missing");
  }
  return Error::make(ErrorCode::forbidden,
                     "The X-CSRF-Token header does not match this session's CSRF token.",
                     "csrf_token_mismatch");
}

// A publishable key may call exactly the routes marked for browsers (GET /whoami
// and GET /organizations/{id}, see api_description.cc): the contract defines the
// CORS routes as these, so one flag says both and they cannot drift apart.
bool publishable_key_may(const RouteSpec& route) {
  return route.cors;
}

}  // namespace

bool is_write_method(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

Result<AuthenticatedCaller> AuthenticationGate::authenticate(const PresentedCredentials& presented,
                                                             int64_t now_ms) const {
  if (presented.malformed) return Error::make(ErrorCode::unauthorized, *presented.malformed);
  return authenticator_.authenticate(
      PresentedCredential{presented.api_key, presented.bearer_token, presented.session_id,
                          presented.csrf_token},
      now_ms);
}

Headers AuthenticationGate::window_headers(const PresentedCredentials& presented,
                                           std::string_view remote_address, int64_t now_ms) const {
  if (presented.any()) {
    Result<AuthenticatedCaller> auth = authenticate(presented, now_ms);
    if (auth.ok()) {
      return rate_limiter_.peek(rate_limit_subject(auth->caller), limits_of(*auth), now_ms / 1000)
          .window_headers();
    }
  }
  return failed_limiter_.peek(remote_address, now_ms / 1000).headers();
}

std::optional<GatePassed> AuthenticationGate::pass(const RequestContext& context,
                                                   const Reply& reply) const {
  const PresentedCredentials& presented = context.credentials;
  const int64_t now_ms = context.received_at_ms;
  if (!presented.any()) {
    // No credential is no failed attempt: the window is shown, not counted.
    Reply windowed = reply.with_headers(
        failed_limiter_.peek(context.request.remote_address, now_ms / 1000).headers());
    windowed.send(context.problem(
        Error::make(ErrorCode::unauthorized,
                    "Send an API key (X-API-Key), a bearer token or a sessionid cookie.")));
    return std::nullopt;
  }

  Result<AuthenticatedCaller> auth = authenticate(presented, now_ms);
  if (!auth.ok()) {
    FailedAuthenticationDecision failed =
        failed_limiter_.record_failure(context.request.remote_address, now_ms / 1000);
    Reply windowed = reply.with_headers(failed.headers());
    if (failed.throttled) {
      windowed.send(context.problem(
          Error::make(ErrorCode::rate_limited,
                      "Too many failed authentications from this address; try again later."),
          failed.retry_after_seconds));
    } else {
      windowed.send(context.problem(auth.error()));
    }
    return std::nullopt;
  }

  const Caller& caller = auth->caller;
  context.note_credential(caller.credential_id);
  RateLimitDecision admitted =
      rate_limiter_.admit(rate_limit_subject(caller), limits_of(*auth), now_ms / 1000);
  Reply limited_reply = reply.with_headers(admitted.headers());
  if (!admitted.allowed) {
    limited_reply.send(context.problem(admitted.error(), admitted.retry_after_seconds()));
    return std::nullopt;
  }

  if (caller.kind == CredentialKind::publishable_key && !publishable_key_may(*context.route)) {
    limited_reply.send(context.problem(Error::make(
        ErrorCode::forbidden, "A publishable key may only read whoami and its own organization.",
        "publishable_key_scope")));
    return std::nullopt;
  }
  if (caller.kind == CredentialKind::session && is_write_method(context.request.method) &&
      !auth->csrf_matched) {
    limited_reply.send(context.problem(csrf_refusal(presented)));
    return std::nullopt;
  }
  return GatePassed{std::move(*auth), limited_reply};
}

}  // namespace closient::http
