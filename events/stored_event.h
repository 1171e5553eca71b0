// An envelope as the events column family stores it: compact JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "events/envelope.h"
#include "events/result.h"

namespace closient {

// Fills in e.hash from e.prev_hash and the rest, and returns the bytes to store.
// Fails (bad_request) when a string is not valid UTF-8: such an event could not
// be read back byte for byte, so its hash could never be verified.
Result<std::string> seal_event(EventEnvelope& e);

// nullopt when the bytes are not a well-formed envelope.
std::optional<EventEnvelope> decode_stored_event(std::string_view bytes);

}  // namespace closient
