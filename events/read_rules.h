// What every EventLog backend applies to the events it reads: the filter of a
// scan, and the upcast of old schemas through the catalog.
#pragma once

#include "events/catalog.h"
#include "events/event_log.h"

namespace closient {

// Whether `e` passes every condition of `filter` but after_position and limit.
bool event_matches(const ReadFilter& filter, const EventEnvelope& e);

// `event` with its data at its type's current schema (as it is, with no catalog
// or for a type the catalog does not know); an error names the position.
Result<EventEnvelope> upcast_event(const EventCatalog* catalog, EventEnvelope event);

}  // namespace closient
