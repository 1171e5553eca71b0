// The core projector: one function of an event and the read-model batch. It
// reads the documents the event touches (through the batch, so earlier writes
// of the same append are seen), applies the event and writes the documents
// back with their indexes and counters (layout in projections/DESIGN.md).
//
// Installed as the log's global projection hook it runs inside every append,
// in the same WriteBatch as the events; a rebuild runs the very same function
// over the whole log. Projecting an append's events together or one at a time
// gives the same bytes, which is what makes a rebuild equal the live copy.
#pragma once

#include "events/envelope.h"
#include "events/event_log.h"
#include "events/result.h"

namespace closient {

// Projects one stored event (older schemas are upcast first). Unknown event
// types change nothing but the org stream's version and audit index. A
// malformed event or document is an internal_error, which rejects the append.
Status project(const EventEnvelope& event, BatchWriter& batch);

// The hook: projects each event of one append, in order.
ProjectionHook core_projection_hook();

// Installs core_projection_hook() as the log's global hook. Call it before the
// first append and before ensure_read_models_current().
void install_core_projector(EventLog& log);

}  // namespace closient
