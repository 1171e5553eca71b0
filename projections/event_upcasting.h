// Stored events may carry an older schema of their type's data; everything in
// projections/ works on the current schema. The domain's event catalog knows
// each type's current schema and the upcasters from older ones.
#pragma once

#include "events/envelope.h"
#include "events/result.h"

namespace closient {

// Whether `event` is of a known type stored at an older schema than current.
bool needs_upcast(const EventEnvelope& event);

// Brings `event.data` to its type's current schema (and sets `schema`). Events
// already current, and types this build does not know, are left alone: the
// projector ignores unknown types, and the audit feed shows them as stored.
Status upcast_to_current(EventEnvelope& event);

}  // namespace closient
