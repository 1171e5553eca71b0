// Throttling of failed authentication per client address (§7): after 60 failures
// in one minute window (aligned to the UTC clock), further requests with bad
// credentials from that address are answered 429 until the window ends. Requests
// with valid credentials never come here, so they are not affected.
//
// This window is also the one a request without a recognised credential is told
// about (§7): its RateLimit-* headers say `60;w=60` and how many failures the
// address has left in the current minute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "http/headers.h"

namespace closient::http {

inline constexpr uint64_t kFailedAuthenticationsPerMinute = 60;

struct FailedAuthenticationDecision {
  bool throttled = false;           // answer 429 instead of 401
  int64_t retry_after_seconds = 0;  // until the minute ends, when throttled
  int64_t now = 0;                  // Unix seconds the decision was taken at
  uint64_t limit = 0;               // failures allowed per minute
  uint64_t remaining = 0;           // failures the address has left in this minute
  int64_t reset_at = 0;             // Unix time the minute ends

  // RateLimit-Policy ("60;w=60"), RateLimit-* and X-RateLimit-* for this window,
  // and Retry-After when throttled.
  Headers headers() const;
};

class FailedAuthenticationLimiter {
 public:
  explicit FailedAuthenticationLimiter(
      uint64_t failures_per_minute = kFailedAuthenticationsPerMinute, std::size_t shard_count = 16);
  ~FailedAuthenticationLimiter();

  // Records that a request from `client_address` failed authentication at
  // `now_seconds` and says how to answer it.
  FailedAuthenticationDecision record_failure(std::string_view client_address, int64_t now_seconds);

  // The address's window as it stands, recording nothing: for the answers to
  // requests that presented no credential, or were not authenticated at all.
  FailedAuthenticationDecision peek(std::string_view client_address, int64_t now_seconds) const;

 private:
  struct Shard;
  FailedAuthenticationDecision describe(uint64_t failures, bool throttled, int64_t window,
                                        int64_t now_seconds) const;
  uint64_t failures_per_minute_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace closient::http
