#include "http/rate_limiter.h"

#include <algorithm>
#include <functional>

#include "http/fixed_window.h"

namespace closient::http {
namespace {

struct WindowCount {
  int64_t start = 0;
  uint64_t count = 0;

  // Starts a new window when `now` has left the current one.
  void roll(int64_t now_seconds, int64_t length) {
    const int64_t current = window_start(now_seconds, length);
    if (start != current) {
      start = current;
      count = 0;
    }
  }
};

RateLimitWindow describe(const WindowCount& window, int64_t length, uint64_t limit) {
  return RateLimitWindow{length, limit, window.count >= limit ? 0 : limit - window.count,
                         window.start + length};
}

}  // namespace

RateLimits rate_limits_for(bool publishable_key, uint64_t per_minute_override,
                           uint64_t per_day_override) {
  RateLimits limits;
  limits.per_minute = publishable_key ? kPublishablePerMinute : kDefaultPerMinute;
  limits.per_day = kDefaultPerDay;
  if (per_minute_override > 0) limits.per_minute = per_minute_override;
  if (per_day_override > 0) limits.per_day = per_day_override;
  return limits;
}

const RateLimitWindow& RateLimitDecision::most_restrictive() const {
  if (minute.remaining != day.remaining) return minute.remaining < day.remaining ? minute : day;
  return day.reset_at >= minute.reset_at ? day : minute;
}

int64_t RateLimitDecision::retry_after_seconds() const {
  if (allowed) return 0;
  int64_t wait = 0;
  for (const RateLimitWindow* window : {&minute, &day}) {
    if (window->remaining == 0) wait = std::max(wait, window->reset_at - now);
  }
  return std::max<int64_t>(wait, 1);
}

Headers rate_limit_headers(std::string policy, const RateLimitWindow& window, int64_t now_seconds) {
  const std::string limit = std::to_string(window.limit);
  const std::string remaining = std::to_string(window.remaining);
  Headers headers;
  headers.add("RateLimit-Policy", std::move(policy));
  headers.add("RateLimit-Limit", limit);
  headers.add("RateLimit-Remaining", remaining);
  headers.add("RateLimit-Reset", std::to_string(window.reset_at - now_seconds));
  headers.add("X-RateLimit-Limit", limit);
  headers.add("X-RateLimit-Remaining", remaining);
  headers.add("X-RateLimit-Reset", std::to_string(window.reset_at));
  return headers;
}

Headers RateLimitDecision::window_headers() const {
  return rate_limit_headers(
      std::to_string(minute.limit) + ";w=60, " + std::to_string(day.limit) + ";w=86400",
      most_restrictive(), now);
}

Headers RateLimitDecision::headers() const {
  Headers headers = window_headers();
  if (!allowed) headers.add("Retry-After", std::to_string(retry_after_seconds()));
  return headers;
}

Error RateLimitDecision::error() const {
  const bool daily = day.remaining == 0;
  return Error::make(ErrorCode::rate_limited,
                     daily ? "The daily request limit of this credential is used up."
                           : "Too many requests from this credential in this minute.");
}

struct RateLimiter::Shard {
  struct Usage {
    WindowCount minute;
    WindowCount day;
  };
  std::mutex mutex;
  std::unordered_map<std::string, Usage> usage;
  int64_t swept_day = 0;

  // Once per day and shard, forget credentials idle since an earlier day: their
  // counters would restart from zero anyway.
  void sweep(int64_t today) {
    if (swept_day == today) return;
    swept_day = today;
    for (auto it = usage.begin(); it != usage.end();) {
      it = it->second.day.start < today ? usage.erase(it) : std::next(it);
    }
  }
};

RateLimiter::RateLimiter(std::size_t shard_count) {
  shards_.resize(std::max<std::size_t>(shard_count, 1));
  for (auto& shard : shards_) shard = std::make_unique<Shard>();
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Shard& RateLimiter::shard_for(std::string_view credential_id) {
  return *shards_[std::hash<std::string_view>{}(credential_id) % shards_.size()];
}

RateLimitDecision RateLimiter::admit(std::string_view credential_id, const RateLimits& limits,
                                     int64_t now_seconds) {
  Shard& shard = shard_for(credential_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  shard.sweep(window_start(now_seconds, kDaySeconds));

  Shard::Usage& usage = shard.usage[std::string(credential_id)];
  usage.minute.roll(now_seconds, kMinuteSeconds);
  usage.day.roll(now_seconds, kDaySeconds);

  RateLimitDecision decision;
  decision.now = now_seconds;
  decision.allowed = usage.minute.count < limits.per_minute && usage.day.count < limits.per_day;
  if (decision.allowed) {
    const uint64_t weight = request_weight();
    usage.minute.count += weight;
    usage.day.count += weight;
  }
  decision.minute = describe(usage.minute, kMinuteSeconds, limits.per_minute);
  decision.day = describe(usage.day, kDaySeconds, limits.per_day);
  return decision;
}

RateLimitDecision RateLimiter::peek(std::string_view credential_id, const RateLimits& limits,
                                    int64_t now_seconds) {
  Shard& shard = shard_for(credential_id);
  std::lock_guard<std::mutex> lock(shard.mutex);
  // A copy, rolled forward: peeking neither counts nor creates state.
  Shard::Usage usage;
  if (auto it = shard.usage.find(std::string(credential_id)); it != shard.usage.end()) {
    usage = it->second;
  }
  usage.minute.roll(now_seconds, kMinuteSeconds);
  usage.day.roll(now_seconds, kDaySeconds);

  RateLimitDecision decision;
  decision.now = now_seconds;
  decision.allowed = usage.minute.count < limits.per_minute && usage.day.count < limits.per_day;
  decision.minute = describe(usage.minute, kMinuteSeconds, limits.per_minute);
  decision.day = describe(usage.day, kDaySeconds, limits.per_day);
  return decision;
}

void RateLimiter::share_among(std::function<uint64_t()> live_nodes) {
  live_nodes_ = std::move(live_nodes);
}

uint64_t RateLimiter::request_weight() const {
  return live_nodes_ ? std::max<uint64_t>(1, live_nodes_()) : 1;
}

std::size_t RateLimiter::tracked_credentials() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    total += shard->usage.size();
  }
  return total;
}

}  // namespace closient::http
