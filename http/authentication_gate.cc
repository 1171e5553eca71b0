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

bool publishable_key_may(std::string_view operation_id) {
  return operation_id == "getWhoAmI" || operation_id == "getOrganization";
}

}  // namespace

bool is_write_method(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::optional<GatePassed> AuthenticationGate::pass(const RequestContext& context,
                                                   const Reply& reply) const {
  const PresentedCredentials& presented = context.credentials;
  const int64_t now_ms = context.received_at_ms;
  if (!presented.any()) {
    reply.send(context.problem(
        Error::make(ErrorCode::unauthorized,
                    "Send an API key (X-API-Key), a bearer token or a sessionid cookie.")));
    return std::nullopt;
  }

  Result<AuthenticatedCaller> auth =
      presented.malformed
          ? Result<AuthenticatedCaller>(Error::make(ErrorCode::unauthorized, *presented.malformed))
          : authenticator_.authenticate(
                PresentedCredential{presented.api_key, presented.bearer_token, presented.session_id,
                                    presented.csrf_token},
                now_ms);
  if (!auth.ok()) {
    FailedAuthenticationDecision failed =
        failed_limiter_.record_failure(context.request.remote_address, now_ms / 1000);
    if (failed.throttled) {
      reply.send(context.problem(
          Error::make(ErrorCode::rate_limited,
                      "Too many failed authentications from this address; try again later."),
          failed.retry_after_seconds));
    } else {
      reply.send(context.problem(auth.error()));
    }
    return std::nullopt;
  }

  const Caller& caller = auth->caller;
  context.note_credential(caller.credential_id);
  RateLimits limits = rate_limits_for(caller.kind == CredentialKind::publishable_key,
                                      as_override(auth->rate_limit_per_minute),
                                      as_override(auth->rate_limit_per_day));
  RateLimitDecision admitted =
      rate_limiter_.admit(rate_limit_subject(caller), limits, now_ms / 1000);
  Reply limited_reply = reply.with_headers(admitted.headers());
  if (!admitted.allowed) {
    limited_reply.send(context.problem(admitted.error(), admitted.retry_after_seconds()));
    return std::nullopt;
  }

  if (caller.kind == CredentialKind::publishable_key &&
      !publishable_key_may(context.route->operation_id)) {
    limited_reply.send(context.problem(Error::make(
        ErrorCode::forbidden, "A publishable key may only read whoami and its organization.")));
    return std::nullopt;
  }
  if (caller.kind == CredentialKind::session && is_write_method(context.request.method) &&
      !auth->csrf_matched) {
    limited_reply.send(context.problem(Error::make(
        ErrorCode::forbidden, "Changes made with a session need the X-CSRF-Token header.",
        "csrf_token_required")));
    return std::nullopt;
  }
  return GatePassed{std::move(*auth), limited_reply};
}

}  // namespace closient::http
