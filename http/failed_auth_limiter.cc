#include "http/failed_auth_limiter.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/fixed_window.h"

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

  FailedAuthenticationDecision decision;
  decision.throttled = failures.count >= failures_per_minute_;
  if (decision.throttled) {
    decision.retry_after_seconds = current_window + kMinuteSeconds - now_seconds;
  } else {
    ++failures.count;
  }
  return decision;
}

}  // namespace closient::http
