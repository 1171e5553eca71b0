// The projections layer as accountctl uses it, in one place: installing the
// core projector on a log opened for writing, bringing the read models to the
// log's head, rebuilding them, and comparing them with a rebuild.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/result.h"
#include "events/rocks_event_log.h"

namespace accountctl {

// Installs the core projector as the log's projection hook, so that every
// append of this process writes the read models in its own batch.
closient::Status install_core_projector(closient::RocksEventLog& log);

// Replays into the read models whatever the log holds beyond their applied
// position (and rebuilds a projection whose version changed).
closient::Status ensure_read_models_current(closient::RocksEventLog& log);

struct RebuildSummary {
  uint64_t events_replayed = 0;
  uint64_t applied_position = 0;
  uint64_t generation = 0;
  std::vector<std::string> projections;  // what was rebuilt
};

// The names `rebuild --projection` accepts.
std::vector<std::string> projection_names();

// Rebuilds every projection, or the one named, into a fresh space and switches.
closient::Result<RebuildSummary> rebuild_read_models(closient::RocksEventLog& log,
                                                     const std::optional<std::string>& projection);

struct ReadModelCheck {
  uint64_t events_replayed = 0;
  uint64_t keys_compared = 0;
  std::string first_difference;  // empty when the live read models equal a rebuild
};

// Rebuilds into a scratch space of the database (read-write logs only) and
// compares it with the live read models; the live ones are not touched.
closient::Result<ReadModelCheck> verify_read_models_in_place(closient::RocksEventLog& log);

// The same comparison with the rebuild held in memory: for any open mode.
closient::Result<ReadModelCheck> verify_read_models_in_memory(closient::RocksEventLog& log);

// The id of the user owning a normalized email, from the read models; empty
// when no user has it.
closient::Result<std::string> user_id_by_email(closient::RocksEventLog& log,
                                               const std::string& email);

}  // namespace accountctl
