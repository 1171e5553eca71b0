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

// The reason of a refused append whose command should be decided again.
inline constexpr char kWrongExpectedVersionReason[] = "wrong_expected_version";
// The conflict a mismatch answers (reason kWrongExpectedVersionReason).
Error wrong_expected_version(const std::string& stream, uint64_t actual,
                             const ExpectedVersion& expected);

// How long a command ledger remembers a command_id (the Idempotency-Key's 24 hours).
inline constexpr int64_t kCommandLedgerRetentionMs = int64_t{24} * 60 * 60 * 1000;

// The refusal of an append whose command_id the ledger already holds with the
// same fingerprint (reason "idempotency_already_applied"; its events end at
// `last_position`), and with another fingerprint (a validation error on the key).
inline constexpr char kCommandAlreadyAppliedReason[] = "idempotency_already_applied";
Error command_already_applied(uint64_t last_position);
Error command_fingerprint_differs();

// Where an event of an append is stored: what a backend seals for it.
struct EventPlace {
  uint64_t position = 0;
  uint64_t version = 0;
  int64_t occurred_at_ms = 0;  // the append's (append_now_ms() when it names none)
  std::string prev_hash;
};
// The envelope of `event`, one of `request`'s on `stream`, at `place`; the
// event's type and data are moved into it.
EventEnvelope envelope_of(NewEvent& event, const std::string& stream, const AppendRequest& request,
                          EventPlace place);

// Milliseconds since the Unix epoch: occurred_at of an append that names none.
int64_t append_now_ms();

}  // namespace closient
