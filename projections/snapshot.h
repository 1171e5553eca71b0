// Snapshots of the serving state (format in events/FORMAT.md, "Snapshots"):
// versioned, checksummed, naming the log position and hash they reflect. Start
// = newest valid snapshot + replay of the log after it; a snapshot that fails
// any check is reported and ignored, never trusted. Where they are kept:
// events/snapshot_store.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "events/result.h"
#include "events/snapshot_store.h"
#include "projections/serving_state.h"

namespace closient {

// Bump when the encoding or what the state holds changes: older snapshots are
// then ignored (and replaced after a full replay).
inline constexpr uint32_t kSnapshotFormatVersion = 1;

// Bump when what applying an event does changes but the encoding does not
// (a projection fix). A snapshot of another state version still loads and is
// served while an up-to-date state is rebuilt beside it and switched in.
inline constexpr uint64_t kServingStateVersion = 1;

// The whole state as snapshot bytes, stamped with `state_version`.
std::string encode_snapshot(const ServingState& state,
                            uint64_t state_version = kServingStateVersion);
// The state back, or an error saying what is wrong (magic, version, checksum,
// truncation, an entry that does not decode). `state_version`, when given,
// receives the version the snapshot was made by.
Result<std::unique_ptr<ServingState>> decode_snapshot(const std::string& bytes,
                                                      uint64_t* state_version = nullptr);

// What a SnapshotStore keeps of `state`: its bytes, position and last hash.
StoredSnapshot snapshot_of(const ServingState& state,
                           uint64_t state_version = kServingStateVersion);

}  // namespace closient
