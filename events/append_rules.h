// What every EventLog backend checks of an append before it writes anything,
// and how it reports a refusal, so that RocksDB and PostgreSQL answer alike.
#pragma once

#include <cstdint>
#include <string>

#include "events/event_log.h"
#include "events/result.h"

namespace closient {

// A well-formed append: at least one stream, stream ids non-empty text without
// NUL, no stream twice, every event typed, occurred_at within RFC 3339's years.
Status validate_append(const AppendRequest& request);

// Whether a stream at `actual` satisfies what the appender expected.
bool version_matches(const ExpectedVersion& expected, uint64_t actual);

// The conflict a mismatch answers (reason "wrong_expected_version").
Error wrong_expected_version(const std::string& stream, uint64_t actual,
                             const ExpectedVersion& expected);

// Milliseconds since the Unix epoch: occurred_at of an append that names none.
int64_t append_now_ms();

}  // namespace closient
