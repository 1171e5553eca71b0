// Time travel (contract §8): an organization as it stood after every event at
// or before a position, or with occurred_at at or before a time. Folded from
// the organization's stream with the domain's evolve, so it needs no read
// model and answers for any moment of history.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/organization.h"
#include "events/event_log.h"
#include "events/result.h"

namespace closient {

struct AsOf {
  std::optional<uint64_t> position;  // a global log position, or
  std::optional<int64_t> time_ms;    // an instant (Unix milliseconds)
};

// Digits → a position; otherwise RFC 3339 → a time; else validation_error "as_of".
Result<AsOf> parse_as_of(std::string_view text);

// The organization then: the longest prefix of its stream at or before the
// moment (time is taken as a prefix, so a clock step backwards cannot pull a
// later event in). not_found when the organization did not exist yet.
Result<OrganizationState> org_as_of(EventLog& log, const std::string& org_id, const AsOf& as_of);

}  // namespace closient
