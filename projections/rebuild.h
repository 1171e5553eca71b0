// Rebuilding the read models from the log, and verifying the live ones.
//
// A rebuild fills a fresh read-model space with the same projector the live
// appends run, then switches to it atomically; the old space serves until the
// switch. Appends may go on meanwhile: the events layer's commit replays the
// events appended after the scan through the installed hook before switching,
// so an online rebuild misses nothing (install_core_projector first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "events/result.h"
#include "events/rocks_event_log.h"
#include "projections/projection_version.h"

namespace closient {

struct RebuildOptions {
  // Stored at `_/version` in the fresh space.
  uint64_t projection_version = kCoreProjectionVersion;
  // Events between writes of the staged batch to the fresh space: bounds the
  // memory a rebuild holds while keeping writes large.
  size_t flush_every = 4096;
};

struct RebuildReport {
  uint64_t events_projected = 0;  // by the scan (commit may replay a few more)
  uint64_t scanned_to = 0;        // the last position the scan projected
  uint64_t generation = 0;        // the read-model generation now live
  double seconds = 0;
};

Result<RebuildReport> rebuild_read_models(RocksEventLog& log, const RebuildOptions& options = {});

struct VerifyReport {
  uint64_t events_projected = 0;
  uint64_t compared_at = 0;      // the log position both copies reflect
  std::string first_difference;  // empty when the live read models equal a rebuild

  bool equal() const { return first_difference.empty(); }
};

// Rebuilds into a scratch space, compares it key by key with the live read
// models, and drops it. Meant for a quiet log (offline, or between bursts):
// if appends keep moving the live copy during the comparison it retries a
// few times, then reports what it saw.
Result<VerifyReport> verify_read_models(RocksEventLog& log, const RebuildOptions& options = {});

}  // namespace closient
