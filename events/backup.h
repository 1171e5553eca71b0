// Backups of an event store: a consistent copy of its column families into a
// new RocksDB database that is itself a complete data directory.
//
// Why a logical copy and not RocksDB's Checkpoint or BackupEngine: both need
// the process that owns the files (they stop file deletions and may flush the
// memtables), and while accountd runs that process is the server. A secondary
// instance cannot make them (a checkpoint of a secondary hangs waiting for a
// flush it never does, RocksDB issue 11167), but it can read: its view stays
// fixed until catch_up(), and every append wrote its events, indexes and meta
// in one WriteBatch, so reading each column family in turn gives one consistent
// state. The copy is compact (no obsolete versions) and the same code restores
// a backup. Snapshots of the serving state (<data>/snapshots/) are not copied:
// a restored server rebuilds its state from the log.
#pragma once

#include <cstdint>
#include <string>

#include "events/result.h"

namespace closient {

struct CopySummary {
  uint64_t last_position = 0;  // meta's last position in the copy
  std::string last_hash;       // meta's last hash in the copy (zeros when empty)
  uint64_t keys = 0;           // entries copied, all column families together
};

// Copies the event store in `source_dir` (read through a secondary instance, so
// a running server may hold it) into a new database at `dest_dir`: the events,
// stream index, meta and side spaces, under the same column family names. `dest_dir` must not hold
// a database. Flushed and closed before returning, so the copy is durable.
Result<CopySummary> copy_event_store(const std::string& source_dir, const std::string& dest_dir);

}  // namespace closient
