// Where snapshots of the serving state are kept: opaque bytes (encoded and
// checked by projections/snapshot.h) under the log position they reflect.
// Two places implement it: a node's own files (projections/snapshot_files.h)
// and, on a shared store, a table every node reads and writes
// (events/pg_snapshot_store.h). A store only keeps bytes: whether a snapshot
// can be trusted is decided when it is loaded, against the log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/result.h"

namespace closient {

// The snapshots a store keeps: the newest two, enough to fall back on one when
// the other is damaged.
inline constexpr size_t kSnapshotsKept = 2;

struct StoredSnapshot {
  uint64_t position = 0;  // the last log position the state reflects
  // The hash of the event at `position`, as recorded beside the bytes; empty
  // when the store records none apart from them (files).
  std::string hash;
  std::string bytes;
};

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;

  // Stores one snapshot durably, then keeps only the newest kSnapshotsKept.
  // At a position already stored, the newer write replaces the older (a
  // rebuild under new rules, or over a damaged snapshot, is never shadowed).
  virtual Status write(const StoredSnapshot& snapshot) = 0;
  // Positions of the snapshots present, newest first.
  virtual Result<std::vector<uint64_t>> positions() const = 0;
  virtual Result<StoredSnapshot> read(uint64_t position) const = 0;
  // How a message names the snapshot at `position` ("snapshot PATH",
  // "shared snapshot at position N").
  virtual std::string name_of(uint64_t position) const = 0;
};

}  // namespace closient
