// Wall-clock time as an injectable value, so time-dependent code (rate limits,
// timestamps) is tested by passing times instead of sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace closient::http {

using WallClock = std::function<int64_t()>;  // Unix time in milliseconds

inline int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace closient::http
