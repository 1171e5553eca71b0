// Time on the wire: RFC 3339, UTC, milliseconds, ending in Z.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace closient {

// "2026-03-31T12:00:00.123Z"
std::string format_timestamp_ms(int64_t unix_ms);
// Accepts RFC 3339 with "Z" or a numeric offset and an optional fraction.
std::optional<int64_t> parse_timestamp_ms(std::string_view text);

}  // namespace closient
