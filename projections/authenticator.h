// Authentication (contract §2) from the raw credential strings the HTTP layer
// extracts: an X-API-Key value, a bearer token, or a session cookie with an
// optional CSRF header. Every failure is ErrorCode::unauthorized, with no hint
// of which check failed beyond the detail text.
//
// API keys: format and checksum first, with no lookup when they fail; then
// one lookup of its SHA-256 in the serving state, a constant-time comparison
// of the hashes, and the key's own state (revoked, expired) — plus, for org
// keys, its organization (a deleted organization's keys stop working and come
// back with a restore). Tokens and sessions: one lookup by hash.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/caller.h"
#include "events/result.h"
#include "projections/key_usage_tracker.h"
#include "projections/live_state.h"

namespace closient {

struct PresentedCredential {
  std::optional<std::string> api_key;        // X-API-Key
  std::optional<std::string> bearer_token;   // Authorization: Bearer <token>
  std::optional<std::string> session_token;  // Cookie: sessionid=<token>
  std::optional<std::string> csrf_token;     // X-CSRF-Token, with a session
};

struct AuthenticatedCaller {
  Caller caller;
  // The key's overrides of the rate limits; 0 = the default (and for
  // tokens and sessions, always 0).
  int64_t rate_limit_per_minute = 0;
  int64_t rate_limit_per_day = 0;
  // Sessions: whether an X-CSRF-Token was sent and equals the session's.
  // State-changing requests with a session need it (else 403).
  bool csrf_matched = false;
};

class Authenticator {
 public:
  // `usage`, when given, records each successful API-key use (last_used).
  explicit Authenticator(const LiveState& state, KeyUsageTracker* usage = nullptr);

  // Whichever credential is present: an API key first, then a bearer token,
  // then a session. None → unauthorized.
  Result<AuthenticatedCaller> authenticate(const PresentedCredential& credential, int64_t now_ms);

  Result<AuthenticatedCaller> authenticate_api_key(std::string_view raw_key, int64_t now_ms);
  Result<AuthenticatedCaller> authenticate_bearer_token(std::string_view raw_token, int64_t now_ms);
  // Lookups by credential hash made so far (a malformed key makes none).
  uint64_t lookups() const { return lookups_.load(std::memory_order_relaxed); }

  Result<AuthenticatedCaller> authenticate_session(std::string_view raw_session,
                                                   const std::optional<std::string>& csrf_token,
                                                   int64_t now_ms);

 private:
  const LiveState& state_;
  KeyUsageTracker* usage_;
  std::atomic<uint64_t> lookups_{0};
};

}  // namespace closient
