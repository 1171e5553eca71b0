// The snapshots every node of a PostgreSQL store shares: rows of the
// `snapshots` table (events/FORMAT.md, "The PostgreSQL store"), one per
// position, with the hash of the event there, the node that wrote it and its
// bytes. A node writes each of its snapshots here too, so a node with an
// empty data directory starts from the newest one instead of replaying the
// whole log. Rows are never trusted more than files: the start checks them
// against the log (projections/replay.h).
#pragma once

#include <string>
#include <vector>

#include "events/open_mode.h"
#include "events/pg_connection.h"
#include "events/snapshot_store.h"

namespace closient {

class PgSnapshotStore : public SnapshotStore {
 public:
  // Connections come from `pool` (which must outlive this); `node_id` names
  // this process in the rows it writes (as in `nodes`).
  PgSnapshotStore(PgConnectionPool& pool, std::string node_id, OpenMode mode,
                  size_t keep = kSnapshotsKept);

  // One short transaction, serialized among the nodes by an advisory lock:
  // INSERT ... ON CONFLICT DO NOTHING (another node's row at the same
  // position stays), then DELETE every row but the newest `keep`.
  Status write(const StoredSnapshot& snapshot) override;
  Result<std::vector<uint64_t>> positions() const override;
  // The row's bytes and the hash recorded beside them.
  Result<StoredSnapshot> read(uint64_t position) const override;
  std::string name_of(uint64_t position) const override;

 private:
  PgConnectionPool& pool_;
  const std::string node_id_;
  const OpenMode mode_;
  const size_t keep_;
};

}  // namespace closient
