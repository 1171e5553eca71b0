#include "projections/authenticator.h"

#include <exception>

#include "domain/api_key.h"
#include "domain/secret.h"

namespace closient {
namespace {

Error unauthorized(std::string detail) {
  return Error::make(ErrorCode::unauthorized, std::move(detail));
}

// Exceptions from a damaged document must not escape; a credential whose
// record cannot be read does not authenticate.
template <typename F>
Result<AuthenticatedCaller> guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception&) {
    return unauthorized("The credential could not be checked.");
  }
}

Caller caller_of_key(const ApiKey& key) {
  switch (key.kind) {
    case KeyKind::business:
      return Caller::business_key(key.id, key.org_id, key.created_by, key.role);
    case KeyKind::publishable:
      return Caller::publishable_key(key.id, key.org_id, key.created_by, key.role);
    case KeyKind::user:
      break;
  }
  return Caller::user_key(key.id, key.user_id, key.role);
}

}  // namespace

Authenticator::Authenticator(const LiveState& state, KeyUsageTracker* usage)
    : state_(state), usage_(usage) {}

Result<AuthenticatedCaller> Authenticator::authenticate(const PresentedCredential& credential,
                                                        int64_t now_ms) {
  if (credential.api_key) return authenticate_api_key(*credential.api_key, now_ms);
  if (credential.bearer_token) return authenticate_bearer_token(*credential.bearer_token, now_ms);
  if (credential.session_token) {
    return authenticate_session(*credential.session_token, credential.csrf_token, now_ms);
  }
  return unauthorized("No credential was presented.");
}

Result<AuthenticatedCaller> Authenticator::authenticate_api_key(std::string_view raw_key,
                                                                int64_t now_ms) {
  std::optional<KeyKind> kind = well_formed_api_key(raw_key);
  if (!kind) return unauthorized("The API key is malformed.");  // before any lookup
  return guarded([&]() -> Result<AuthenticatedCaller> {
    const std::string sha = secret_hash(raw_key);
    LiveState::View state = state_.read();
    lookups_.fetch_add(1, std::memory_order_relaxed);
    std::optional<CredentialRef> found = state->credential(sha);
    if (!found ||
        (found->type != CredentialType::org_key && found->type != CredentialType::user_key))
      return unauthorized("The API key is not valid.");
    const ApiKey& key = found->type == CredentialType::org_key
                            ? state->org_at(found->owner).keys[found->item]
                            : state->user_at(found->owner).extras->keys[found->item];
    // The lookup matched by hash already; comparing again in constant time
    // keeps the decision itself free of timing differences.
    if (!constant_time_equals(key.key_sha256, sha) || key.kind != *kind) {
      return unauthorized("The API key is not valid.");
    }
    if (key.revoked) return unauthorized("The API key has been revoked.");
    if (key.expired_at(now_ms)) return unauthorized("The API key has expired.");
    if (key.kind != KeyKind::user && state->org_at(found->owner).info.deleted()) {
      return unauthorized("The API key's organization has been deleted.");
    }
    if (usage_) usage_->record(key.id, now_ms);
    AuthenticatedCaller out;
    out.caller = caller_of_key(key);
    out.rate_limit_per_minute = key.rate_limit_per_minute;
    out.rate_limit_per_day = key.rate_limit_per_day;
    return out;
  });
}

Result<AuthenticatedCaller> Authenticator::authenticate_bearer_token(std::string_view raw_token,
                                                                     int64_t now_ms) {
  if (raw_token.empty()) return unauthorized("The bearer token is empty.");
  return guarded([&]() -> Result<AuthenticatedCaller> {
    const std::string sha = secret_hash(raw_token);
    LiveState::View state = state_.read();
    lookups_.fetch_add(1, std::memory_order_relaxed);
    std::optional<CredentialRef> found = state->credential(sha);
    if (!found || found->type != CredentialType::token)
      return unauthorized("The bearer token is not valid.");
    const UserRecord& user = state->user_at(found->owner);
    const Token& token = user.extras->tokens[found->item];
    if (!constant_time_equals(token.token_sha256, sha) || !token.live_at(now_ms)) {
      return unauthorized("The bearer token is not valid, or has expired or been revoked.");
    }
    AuthenticatedCaller out;
    out.caller = Caller::token(token.id, shortuuid_encode(user.id));
    return out;
  });
}

Result<AuthenticatedCaller> Authenticator::authenticate_session(
    std::string_view raw_session, const std::optional<std::string>& csrf_token, int64_t now_ms) {
  if (raw_session.empty()) return unauthorized("The session cookie is empty.");
  return guarded([&]() -> Result<AuthenticatedCaller> {
    const std::string sha = secret_hash(raw_session);
    LiveState::View state = state_.read();
    lookups_.fetch_add(1, std::memory_order_relaxed);
    std::optional<CredentialRef> found = state->credential(sha);
    if (!found || found->type != CredentialType::session)
      return unauthorized("The session is not valid.");
    const UserRecord& user = state->user_at(found->owner);
    const Session& session = user.extras->sessions[found->item];
    if (!constant_time_equals(session.session_sha256, sha) || !session.live_at(now_ms)) {
      return unauthorized("The session is not valid, or has expired or been revoked.");
    }
    AuthenticatedCaller out;
    out.caller =
        Caller::session(session.id, shortuuid_encode(user.id), session.authenticated_at_ms);
    out.csrf_matched =
        csrf_token && !csrf_token->empty() && secret_matches(*csrf_token, session.csrf_sha256);
    return out;
  });
}

}  // namespace closient
