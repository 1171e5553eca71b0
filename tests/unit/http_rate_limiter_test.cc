#include <atomic>
#include <boost/test/unit_test.hpp>
#include <thread>
#include <vector>

#include "http/failed_auth_limiter.h"
#include "http/fixed_window.h"
#include "http/rate_limiter.h"
#include "unit/http_test_support.h"

using namespace closient;
using namespace closient::http;

namespace {

// 2026-03-31T12:00:00Z: a whole minute and a whole hour, mid-day.
constexpr int64_t kNoon = 1774958400;
constexpr int64_t kMidnight = 1774915200;  // 2026-03-31T00:00:00Z

std::string header(const RateLimitDecision& decision, const char* name) {
  return std::string(decision.headers().find(name).value_or("<absent>"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(limits_default_and_override) {
  const RateLimits standard = rate_limits_for(false);
  BOOST_TEST(standard.per_minute == 300u);
  BOOST_TEST(standard.per_day == 10000u);
  BOOST_TEST(rate_limits_for(true).per_minute == 100u);
  BOOST_TEST(rate_limits_for(true).per_day == 10000u);
  const RateLimits custom = rate_limits_for(true, 7, 70);
  BOOST_TEST(custom.per_minute == 7u);
  BOOST_TEST(custom.per_day == 70u);
  BOOST_TEST(rate_limits_for(false, 0, 5).per_minute == 300u);  // 0 = default
}

BOOST_AUTO_TEST_CASE(windows_align_to_the_utc_clock) {
  BOOST_TEST(kMidnight % kDaySeconds == 0);
  BOOST_TEST(window_start(kNoon + 59, kMinuteSeconds) == kNoon);
  BOOST_TEST(window_start(kNoon + 60, kMinuteSeconds) == kNoon + 60);
  BOOST_TEST(window_start(kNoon, kDaySeconds) == kMidnight);
  BOOST_TEST(window_end(kNoon + 1, kDaySeconds) == kMidnight + kDaySeconds);
}

BOOST_AUTO_TEST_CASE(admits_up_to_the_minute_limit_then_refuses) {
  RateLimiter limiter;
  const RateLimits limits{3, 100};
  for (int i = 0; i < 3; ++i) {
    const RateLimitDecision decision = limiter.admit("key", limits, kNoon + 10);
    BOOST_TEST(decision.allowed);
    BOOST_TEST(decision.minute.remaining == static_cast<uint64_t>(2 - i));
  }
  const RateLimitDecision refused = limiter.admit("key", limits, kNoon + 10);
  BOOST_TEST(!refused.allowed);
  BOOST_TEST(refused.retry_after_seconds() == 50);
  BOOST_TEST(refused.error().code == ErrorCode::rate_limited);
  // Refusals do not count: the day window still shows 3 used.
  BOOST_TEST(refused.day.remaining == 97u);
}

BOOST_AUTO_TEST_CASE(a_new_minute_starts_from_zero_exactly_at_the_boundary) {
  RateLimiter limiter;
  const RateLimits limits{1, 100};
  BOOST_TEST(limiter.admit("key", limits, kNoon + 59).allowed);
  BOOST_TEST(!limiter.admit("key", limits, kNoon + 59).allowed);
  BOOST_TEST(limiter.admit("key", limits, kNoon + 60).allowed);
}

BOOST_AUTO_TEST_CASE(the_day_window_resets_at_utc_midnight) {
  RateLimiter limiter;
  const RateLimits limits{100, 2};
  BOOST_TEST(limiter.admit("key", limits, kMidnight + kDaySeconds - 120).allowed);
  BOOST_TEST(limiter.admit("key", limits, kMidnight + kDaySeconds - 60).allowed);
  const RateLimitDecision refused = limiter.admit("key", limits, kMidnight + kDaySeconds - 30);
  BOOST_TEST(!refused.allowed);
  BOOST_TEST(refused.retry_after_seconds() == 30);
  BOOST_TEST(refused.error().detail.find("daily") != std::string::npos);
  BOOST_TEST(limiter.admit("key", limits, kMidnight + kDaySeconds).allowed);
}

BOOST_AUTO_TEST_CASE(credentials_are_counted_separately) {
  RateLimiter limiter;
  const RateLimits limits{1, 10};
  BOOST_TEST(limiter.admit("a", limits, kNoon).allowed);
  BOOST_TEST(limiter.admit("b", limits, kNoon).allowed);
  BOOST_TEST(!limiter.admit("a", limits, kNoon).allowed);
  BOOST_TEST(limiter.tracked_credentials() == 2u);
}

BOOST_AUTO_TEST_CASE(headers_describe_the_most_restrictive_window) {
  RateLimiter limiter;
  // Minute window: 300 - 1 = 299 left; day window: 10 - 1 = 9 left -> day binds.
  const RateLimitDecision decision = limiter.admit("key", RateLimits{300, 10}, kNoon + 15);
  BOOST_TEST(header(decision, "RateLimit-Policy") == "300;w=60, 10;w=86400");
  BOOST_TEST(header(decision, "RateLimit-Limit") == "10");
  BOOST_TEST(header(decision, "RateLimit-Remaining") == "9");
  BOOST_TEST(header(decision, "RateLimit-Reset") ==
             std::to_string(kMidnight + kDaySeconds - (kNoon + 15)));
  BOOST_TEST(header(decision, "X-RateLimit-Limit") == "10");
  BOOST_TEST(header(decision, "X-RateLimit-Remaining") == "9");
  BOOST_TEST(header(decision, "X-RateLimit-Reset") == std::to_string(kMidnight + kDaySeconds));
  BOOST_TEST(header(decision, "Retry-After") == "<absent>");

  // Default limits: the minute window has fewer left.
  const RateLimitDecision standard = limiter.admit("other", rate_limits_for(false), kNoon + 15);
  BOOST_TEST(header(standard, "RateLimit-Policy") == "300;w=60, 10000;w=86400");
  BOOST_TEST(header(standard, "RateLimit-Limit") == "300");
  BOOST_TEST(header(standard, "RateLimit-Remaining") == "299");
  BOOST_TEST(header(standard, "RateLimit-Reset") == "45");
  BOOST_TEST(header(standard, "X-RateLimit-Reset") == std::to_string(kNoon + 60));
}

BOOST_AUTO_TEST_CASE(a_refusal_carries_retry_after_and_zero_remaining) {
  RateLimiter limiter;
  const RateLimits limits = rate_limits_for(true, 2, 0);
  limiter.admit("key", limits, kNoon);
  limiter.admit("key", limits, kNoon);
  const RateLimitDecision refused = limiter.admit("key", limits, kNoon + 20);
  BOOST_TEST(header(refused, "RateLimit-Remaining") == "0");
  BOOST_TEST(header(refused, "RateLimit-Limit") == "2");
  BOOST_TEST(header(refused, "RateLimit-Reset") == "40");
  BOOST_TEST(header(refused, "Retry-After") == "40");
}

BOOST_AUTO_TEST_CASE(both_windows_exhausted_waits_for_the_later_reset) {
  RateLimiter limiter;
  const RateLimits limits{1, 1};
  limiter.admit("key", limits, kNoon);
  const RateLimitDecision refused = limiter.admit("key", limits, kNoon + 1);
  BOOST_TEST(refused.retry_after_seconds() == kMidnight + kDaySeconds - (kNoon + 1));
  BOOST_TEST(refused.most_restrictive().length_seconds == kDaySeconds);
}

BOOST_AUTO_TEST_CASE(a_lowered_limit_applies_at_once) {
  RateLimiter limiter;
  for (int i = 0; i < 5; ++i) limiter.admit("key", RateLimits{10, 100}, kNoon);
  const RateLimitDecision decision = limiter.admit("key", RateLimits{3, 100}, kNoon);
  BOOST_TEST(!decision.allowed);
  BOOST_TEST(decision.minute.remaining == 0u);
}

BOOST_AUTO_TEST_CASE(never_admits_more_than_the_limit_under_concurrency) {
  RateLimiter limiter(4);
  const RateLimits limits{1000, 5000};
  constexpr int kThreads = 16;
  constexpr int kAttemptsPerThread = 500;  // 8000 attempts for 1000 slots
  std::atomic<int> admitted{0};
  std::atomic<int> admitted_other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kAttemptsPerThread; ++i) {
        if (limiter.admit("hot", limits, kNoon + 5).allowed) ++admitted;
        if (limiter.admit("warm", RateLimits{7, 7}, kNoon + 5).allowed) ++admitted_other;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(admitted.load() == 1000);
  BOOST_TEST(admitted_other.load() == 7);
}

BOOST_AUTO_TEST_CASE(idle_credentials_are_forgotten_on_a_new_day) {
  RateLimiter limiter(1);
  limiter.admit("yesterday", RateLimits{10, 10}, kNoon - kDaySeconds);
  limiter.admit("today", RateLimits{10, 10}, kNoon);
  BOOST_TEST(limiter.tracked_credentials() == 1u);
}

BOOST_AUTO_TEST_CASE(failed_authentication_is_throttled_after_sixty_in_a_minute) {
  FailedAuthenticationLimiter limiter;
  for (int i = 0; i < 60; ++i) {
    BOOST_TEST(!limiter.record_failure("10.0.0.1", kNoon + 5).throttled);
  }
  const FailedAuthenticationDecision throttled = limiter.record_failure("10.0.0.1", kNoon + 20);
  BOOST_TEST(throttled.throttled);
  BOOST_TEST(throttled.retry_after_seconds == 40);
  // Another address is unaffected; the next minute starts afresh.
  BOOST_TEST(!limiter.record_failure("10.0.0.2", kNoon + 20).throttled);
  BOOST_TEST(!limiter.record_failure("10.0.0.1", kNoon + 60).throttled);
}

BOOST_AUTO_TEST_CASE(failed_authentication_counts_exactly_under_concurrency) {
  FailedAuthenticationLimiter limiter(100, 2);
  std::atomic<int> answered_401{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (!limiter.record_failure("10.0.0.9", kNoon).throttled) ++answered_401;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(answered_401.load() == 100);
}

BOOST_AUTO_TEST_CASE(peeking_counts_nothing) {
  RateLimiter limiter;
  const RateLimits limits{3, 100};
  BOOST_TEST(limiter.peek("k", limits, kNoon).minute.remaining == 3u);
  BOOST_TEST(limiter.tracked_credentials() == 0u);  // not even state is made
  limiter.admit("k", limits, kNoon);
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(limiter.peek("k", limits, kNoon + 1).minute.remaining == 2u);
  const RateLimitDecision peeked = limiter.peek("k", limits, kNoon + 1);
  BOOST_TEST(std::string(peeked.window_headers().find("RateLimit-Remaining").value_or("")) == "2");
  // A peek never carries Retry-After, even on an exhausted window.
  limiter.admit("k", limits, kNoon);
  limiter.admit("k", limits, kNoon);
  BOOST_TEST(!limiter.peek("k", limits, kNoon + 2).allowed);
  BOOST_TEST(!limiter.peek("k", limits, kNoon + 2).window_headers().contains("Retry-After"));
  // A new minute: the peek sees it fresh.
  BOOST_TEST(limiter.peek("k", limits, kNoon + 60).minute.remaining == 3u);
}

BOOST_AUTO_TEST_CASE(the_failed_authentication_window_has_headers_of_its_own) {
  FailedAuthenticationLimiter limiter(60);
  auto header_of = [](const FailedAuthenticationDecision& d, const char* name) {
    return std::string(d.headers().find(name).value_or("<absent>"));
  };
  // Nothing failed yet: the whole window is left.
  const FailedAuthenticationDecision fresh = limiter.peek("10.0.0.1", kNoon + 15);
  BOOST_TEST(header_of(fresh, "RateLimit-Policy") == "60;w=60");
  BOOST_TEST(header_of(fresh, "RateLimit-Limit") == "60");
  BOOST_TEST(header_of(fresh, "RateLimit-Remaining") == "60");
  BOOST_TEST(header_of(fresh, "RateLimit-Reset") == "45");
  BOOST_TEST(header_of(fresh, "X-RateLimit-Limit") == "60");
  BOOST_TEST(header_of(fresh, "X-RateLimit-Remaining") == "60");
  BOOST_TEST(header_of(fresh, "X-RateLimit-Reset") == std::to_string(kNoon + 60));
  BOOST_TEST(header_of(fresh, "Retry-After") == "<absent>");

  const FailedAuthenticationDecision first = limiter.record_failure("10.0.0.1", kNoon + 15);
  BOOST_TEST(header_of(first, "RateLimit-Remaining") == "59");
  BOOST_TEST(limiter.peek("10.0.0.1", kNoon + 16).remaining == 59u);  // peeking records nothing
  BOOST_TEST(limiter.peek("10.0.0.2", kNoon + 16).remaining == 60u);  // per address
  for (int i = 0; i < 59; ++i) limiter.record_failure("10.0.0.1", kNoon + 20);
  const FailedAuthenticationDecision throttled = limiter.record_failure("10.0.0.1", kNoon + 30);
  BOOST_TEST(throttled.throttled);
  BOOST_TEST(header_of(throttled, "RateLimit-Remaining") == "0");
  BOOST_TEST(header_of(throttled, "Retry-After") == "30");
  BOOST_TEST(limiter.peek("10.0.0.1", kNoon + 60).remaining == 60u);  // the next minute
}

BOOST_AUTO_TEST_CASE(nodes_sharing_a_store_each_admit_their_share_of_the_quota) {
  uint64_t live = 3;
  RateLimiter limiter;
  limiter.share_among([&live] { return live; });
  const RateLimits limits{10, 10000};
  int admitted = 0;
  while (limiter.admit("k", limits, kNoon).allowed) ++admitted;
  // 10 per minute among three nodes: this one admits ceil(10 / 3).
  BOOST_TEST(admitted == 4);
  const RateLimitDecision refused = limiter.admit("k", limits, kNoon);
  BOOST_TEST(refused.minute.limit == 10u);  // the headers name the documented quota
  BOOST_TEST(refused.minute.remaining == 0u);
  // Alone again (the others stopped heartbeating), each request counts once.
  live = 1;
  admitted = 0;
  while (limiter.admit("k", limits, kNoon + 60).allowed) ++admitted;
  BOOST_TEST(admitted == 10);
  // No node count at all (a store with one writer) is one node.
  RateLimiter alone;
  alone.share_among([] { return uint64_t{0}; });
  admitted = 0;
  while (alone.admit("k", limits, kNoon).allowed) ++admitted;
  BOOST_TEST(admitted == 10);
}
