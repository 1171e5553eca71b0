// Per-credential rate limits (§7): a minute window and a day window, both fixed and
// aligned to the UTC clock. A request is admitted only if both windows have room,
// and then counts against both; a refused request counts against neither, so a
// client hammering through a 429 does not dig itself deeper.
//
// Exact under concurrency: the check and the increment happen under one lock (one
// of several shards, chosen by credential), so no more than the limit is ever
// admitted in a window. Time is a parameter, so tests pass times instead of sleeping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/result.h"
#include "http/headers.h"

namespace closient::http {

struct RateLimits {
  uint64_t per_minute = 300;
  uint64_t per_day = 10000;
};

inline constexpr uint64_t kDefaultPerMinute = 300;
inline constexpr uint64_t kDefaultPerDay = 10000;
inline constexpr uint64_t kPublishablePerMinute = 100;

// The limits of a credential: the defaults (100/min for a publishable key), each
// replaced by the key's override when that is non-zero.
RateLimits rate_limits_for(bool publishable_key, uint64_t per_minute_override = 0,
                           uint64_t per_day_override = 0);

struct RateLimitWindow {
  int64_t length_seconds = 0;  // 60 or 86400
  uint64_t limit = 0;
  uint64_t remaining = 0;  // after this request
  int64_t reset_at = 0;    // Unix time the window ends
};

// The six headers that describe one window, as §7 spells them, plus the policy:
// RateLimit-Policy, RateLimit-Limit/Remaining/Reset (seconds until reset) and
// X-RateLimit-Limit/Remaining/Reset (Unix time of the reset).
Headers rate_limit_headers(std::string policy, const RateLimitWindow& window, int64_t now_seconds);

struct RateLimitDecision {
  bool allowed = false;
  int64_t now = 0;  // Unix seconds the decision was taken at
  RateLimitWindow minute;
  RateLimitWindow day;

  // The window with the fewest requests left; on a tie, the one that resets later
  // (the honest answer to "when can I send freely again").
  const RateLimitWindow& most_restrictive() const;
  // Seconds until every exhausted window has reset; 0 when admitted.
  int64_t retry_after_seconds() const;
  // RateLimit-Policy, RateLimit-Limit/Remaining/Reset, X-RateLimit-Limit/Remaining/Reset,
  // and Retry-After when refused. They belong on every authenticated response.
  Headers headers() const;
  // The same without Retry-After: the window as it stands, for an answer that
  // was not itself refused for the limit (a 404 of a request that was not counted).
  Headers window_headers() const;
  // The 429 to answer when refused.
  Error error() const;
};

class RateLimiter {
 public:
  explicit RateLimiter(std::size_t shard_count = 64);
  ~RateLimiter();

  // Counts one request of `credential_id` at `now_seconds` (Unix time) if both
  // windows have room.
  RateLimitDecision admit(std::string_view credential_id, const RateLimits& limits,
                          int64_t now_seconds);
  // What admit() would answer, without counting anything: for answers given
  // without running the route (unknown routes, oversized bodies, open routes).
  RateLimitDecision peek(std::string_view credential_id, const RateLimits& limits,
                         int64_t now_seconds);

  // Nodes that share one event store each see part of a client's requests and
  // count alone. With N of them live, each admitted request counts N times
  // against the windows: a client spread evenly over the nodes gets the
  // documented quota in all (each node admits about 1/N of it), and one that
  // sticks to a single node gets 1/N of it. Set before serving.
  void share_among(std::function<uint64_t()> live_nodes);

  // Credentials with state kept (for tests and metrics).
  std::size_t tracked_credentials() const;

 private:
  struct Shard;
  Shard& shard_for(std::string_view credential_id);
  uint64_t request_weight() const;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::function<uint64_t()> live_nodes_;
};

}  // namespace closient::http
