// Throttling of failed authentication per client address (§7): after 60 failures
// in one minute window (aligned to the UTC clock), further requests with bad
// credentials from that address are answered 429 until the window ends. Requests
// with valid credentials never come here, so they are not affected.
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
};

class FailedAuthenticationLimiter {
 public:
  explicit FailedAuthenticationLimiter(
      uint64_t failures_per_minute = kFailedAuthenticationsPerMinute, std::size_t shard_count = 16);
  ~FailedAuthenticationLimiter();

  // Records that a request from `client_address` failed authentication at
  // `now_seconds` and says how to answer it.
  FailedAuthenticationDecision record_failure(std::string_view client_address, int64_t now_seconds);

 private:
  struct Shard;
  uint64_t failures_per_minute_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace closient::http
