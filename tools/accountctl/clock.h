// Wall-clock time for accountctl, and times given on its command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tools/accountctl/args.h"

namespace accountctl {

// Unix time in milliseconds.
int64_t now_ms();

// An RFC 3339 time from a flag ("2026-03-31T12:00:00Z", an offset, a fraction),
// or a UsageError naming the flag.
std::optional<int64_t> parse_time_flag(const std::string& flag, const std::string& text,
                                       UsageError* error);

}  // namespace accountctl
