#include "http/failed_auth_limiter.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/fixed_window.h"
#include "http/rate_limiter.h"

namespace closient::http {

struct FailedAuthenticationLimiter::Shard {
  struct Failures {
    int64_t window = 0;
    uint64_t count = 0;
  };
  std::mutex mutex;
  std::unordered_map<std::string, Failures> by_address;
  int64_t swept_window = 0;

  // Once per minute and shard, drop addresses whose failures are from an earlier
  // window: under a credential-stuffing attack the table stays one minute deep.
  void sweep(int64_t current_window) {
    if (swept_window == current_window) return;
    swept_window = current_window;
    for (auto it = by_address.begin(); it != by_address.end();) {
      it = it->second.window < current_window ? by_address.erase(it) : std::next(it);
    }
  }
};

Headers FailedAuthenticationDecision::headers() const {
  Headers headers =
      rate_limit_headers(std::to_string(limit) + ";w=" + std::to_string(kMinuteSeconds),
                         RateLimitWindow{kMinuteSeconds, limit, remaining, reset_at}, now);
  if (throttled) headers.add("Retry-After", std::to_string(retry_after_seconds));
  return headers;
}

FailedAuthenticationLimiter::FailedAuthenticationLimiter(uint64_t failures_per_minute,
                                                         std::size_t shard_count)
    : failures_per_minute_(failures_per_minute) {
  shards_.resize(std::max<std::size_t>(shard_count, 1));
  for (auto& shard : shards_) shard = std::make_unique<Shard>();
}

FailedAuthenticationLimiter::~FailedAuthenticationLimiter() = default;

FailedAuthenticationDecision FailedAuthenticationLimiter::record_failure(
    std::string_view client_address, int64_t now_seconds) {
  Shard& shard = *shards_[std::hash<std::string_view>{}(client_address) % shards_.size()];
  const int64_t current_window = window_start(now_seconds, kMinuteSeconds);
  std::lock_guard<std::mutex> lock(shard.mutex);
  shard.sweep(current_window);

  Shard::Failures& failures = shard.by_address[std::string(client_address)];
  if (failures.window != current_window) failures = {current_window, 0};

  const bool throttled = failures.count >= failures_per_minute_;
  if (!throttled) ++failures.count;
  return describe(failures.count, throttled, current_window, now_seconds);
}

FailedAuthenticationDecision FailedAuthenticationLimiter::peek(std::string_view client_address,
                                                               int64_t now_seconds) const {
  Shard& shard = *shards_[std::hash<std::string_view>{}(client_address) % shards_.size()];
  const int64_t current_window = window_start(now_seconds, kMinuteSeconds);
  std::lock_guard<std::mutex> lock(shard.mutex);
  uint64_t count = 0;
  if (auto it = shard.by_address.find(std::string(client_address));
      it != shard.by_address.end() && it->second.window == current_window) {
    count = it->second.count;
  }
  return describe(count, false, current_window, now_seconds);
}

FailedAuthenticationDecision FailedAuthenticationLimiter::describe(uint64_t failures,
                                                                   bool throttled, int64_t window,
                                                                   int64_t now_seconds) const {
  FailedAuthenticationDecision decision;
  decision.throttled = throttled;
  decision.now = now_seconds;
  decision.limit = failures_per_minute_;
  decision.remaining = failures >= failures_per_minute_ ? 0 : failures_per_minute_ - failures;
  decision.reset_at = window + kMinuteSeconds;
  if (throttled) decision.retry_after_seconds = decision.reset_at - now_seconds;
  return decision;
}

}  // namespace closient::http
