#include "projections/authenticator.h"

#include <exception>

#include "domain/api_key.h"
#include "domain/secret.h"
#include "projections/documents.h"
#include "projections/read_model_keys.h"

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

bool org_is_live(ReadModelStore& store, const std::string& org_id) {
  auto doc = read_document(store, rm_key::org(org_id));
  return doc && !org_from_document(*doc).deleted();
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

Authenticator::Authenticator(ReadModelStore& store, KeyUsageTracker* usage)
    : store_(store), usage_(usage) {}

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
    auto doc = read_document(store_, rm_key::key_by_hash(sha));
    if (!doc) return unauthorized("The API key is not valid.");
    const ApiKey key = key_from_credential_document(*doc);
    // The lookup matched by hash already; comparing again in constant time
    // keeps the decision itself free of timing differences.
    if (!constant_time_equals(key.key_sha256, sha) || key.kind != *kind) {
      return unauthorized("The API key is not valid.");
    }
    if (key.revoked) return unauthorized("The API key has been revoked.");
    if (key.expired_at(now_ms)) return unauthorized("The API key has expired.");
    if (key.kind != KeyKind::user && !org_is_live(store_, key.org_id)) {
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
    auto doc = read_document(store_, rm_key::token_by_hash(sha));
    if (!doc) return unauthorized("The bearer token is not valid.");
    const TokenDocument token = token_from_document(*doc);
    if (!constant_time_equals(token.token.token_sha256, sha) || !token.token.live_at(now_ms)) {
      return unauthorized("The bearer token is not valid, or has expired or been revoked.");
    }
    AuthenticatedCaller out;
    out.caller = Caller::token(token.token.id, token.user_id);
    return out;
  });
}

Result<AuthenticatedCaller> Authenticator::authenticate_session(
    std::string_view raw_session, const std::optional<std::string>& csrf_token, int64_t now_ms) {
  if (raw_session.empty()) return unauthorized("The session cookie is empty.");
  return guarded([&]() -> Result<AuthenticatedCaller> {
    const std::string sha = secret_hash(raw_session);
    auto doc = read_document(store_, rm_key::session_by_hash(sha));
    if (!doc) return unauthorized("The session is not valid.");
    const SessionDocument session = session_from_document(*doc);
    if (!constant_time_equals(session.session.session_sha256, sha) ||
        !session.session.live_at(now_ms)) {
      return unauthorized("The session is not valid, or has expired or been revoked.");
    }
    AuthenticatedCaller out;
    out.caller =
        Caller::session(session.session.id, session.user_id, session.session.authenticated_at_ms);
    out.csrf_matched = csrf_token && !csrf_token->empty() &&
                       secret_matches(*csrf_token, session.session.csrf_sha256);
    return out;
  });
}

}  // namespace closient
