// Fixed rate-limit windows aligned to the UTC clock (§7): a minute window starts
// at hh:mm:00, a day window at 00:00:00Z. Unix time has no leap seconds, so both
// are plain multiples of the window length.
#pragma once

#include <cstdint>

namespace closient::http {

inline constexpr int64_t kMinuteSeconds = 60;
inline constexpr int64_t kDaySeconds = 86400;

inline int64_t window_start(int64_t now_seconds, int64_t length_seconds) {
  const int64_t remainder = now_seconds % length_seconds;
  return now_seconds - (remainder < 0 ? remainder + length_seconds : remainder);
}

inline int64_t window_end(int64_t now_seconds, int64_t length_seconds) {
  return window_start(now_seconds, length_seconds) + length_seconds;
}

}  // namespace closient::http
