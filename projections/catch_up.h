// Startup check of the read models: built by this projector version, and at
// the log's head. Anything else is rebuilt before the service answers.
#pragma once

#include <cstdint>
#include <string>

#include "events/result.h"
#include "events/rocks_event_log.h"
#include "projections/projection_version.h"
#include "projections/rebuild.h"

namespace closient {

struct CatchUpReport {
  bool rebuilt = false;
  std::string reason;  // why a rebuild ran (or was needed but not possible); empty when current
  RebuildReport rebuild;
};

// Rebuilds when the stored projection version differs from `code_version` or
// the read models' applied position is behind the log. A log opened read-only
// cannot be rebuilt: the report then names the reason and nothing changes.
Result<CatchUpReport> bring_read_models_current(RocksEventLog& log,
                                                uint64_t code_version = kCoreProjectionVersion);

// The same, for the server's start: ok when the read models are current.
// Install the projector first (install_core_projector), so appends made while
// the rebuild runs are replayed into it.
Status ensure_read_models_current(RocksEventLog& log);

}  // namespace closient
