#include "tools/accountctl/clock.h"

#include <chrono>

#include "events/timestamp.h"

namespace accountctl {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<int64_t> parse_time_flag(const std::string& flag, const std::string& text,
                                       UsageError* error) {
  std::optional<int64_t> parsed = closient::parse_timestamp_ms(text);
  if (!parsed) {
    *error =
        UsageError{"invalid " + flag + " '" + text + "': use RFC 3339, e.g. 2026-03-31T12:00:00Z"};
  }
  return parsed;
}

}  // namespace accountctl
