// A rebuild of the read models into memory, compared with the live ones: how
// verify checks the read models of a directory it may not write to (accountd
// holds it, or the auditor asked for --in-memory). The projector runs over the
// whole log exactly as a rebuild would run it, one event per call, writing to
// a sorted map instead of a column family; then the map and the live read
// models are walked side by side.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "events/event_log.h"
#include "events/read_model_store.h"
#include "events/result.h"

namespace accountctl {

struct ReadModelComparison {
  uint64_t events_replayed = 0;
  uint64_t keys_compared = 0;    // the larger of the two key counts
  std::string first_difference;  // empty when equal
};

// Replays `log` (every event) through `projector` into memory, on top of
// `seed` (what a rebuild writes before the first event), and compares the
// result with `live`, key by key.
closient::Result<ReadModelComparison> compare_with_rebuild_in_memory(
    closient::EventLog& log, closient::ReadModelStore& live,
    const closient::ProjectionHook& projector, std::map<std::string, std::string> seed);

}  // namespace accountctl
