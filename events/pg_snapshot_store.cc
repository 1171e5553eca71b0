#include "events/pg_snapshot_store.h"

#include <fmt/format.h>

namespace closient {
namespace {

// Taken by pg_advisory_xact_lock while a node writes a snapshot ("snapshot"
// in ASCII), so that two nodes trimming at once never leave more than `keep`.
constexpr int64_t kSnapshotLock = 0x736e617073686f74;

Error read_only() {
  return Error::make(ErrorCode::service_unavailable, "the event store is open read-only");
}

}  // namespace

PgSnapshotStore::PgSnapshotStore(PgConnectionPool& pool, std::string node_id, OpenMode mode,
                                 size_t keep)
    : pool_(pool), node_id_(std::move(node_id)), mode_(mode), keep_(keep) {}

std::string PgSnapshotStore::name_of(uint64_t position) const {
  return fmt::format("shared snapshot at position {}", position);
}

Status PgSnapshotStore::write(const StoredSnapshot& snapshot) {
  if (mode_ != OpenMode::read_write) return read_only();
  auto connection = pool_.take();
  if (!connection.ok()) return connection.error();
  // Short by design: a hung lock holder fails this write, not the snapshotter.
  auto begun = (*connection)->exec("BEGIN; SET LOCAL lock_timeout = '5s'");
  if (!begun.ok()) return begun.error();
  auto rollback = [&](const Error& error) -> Status {
    (*connection)->exec("ROLLBACK").ok();
    return error;
  };
  auto locked = (*connection)
                    ->query("SELECT pg_advisory_xact_lock($1)",
                            PgParams().text(std::to_string(kSnapshotLock)));
  if (!locked.ok()) return rollback(locked.error());
  auto inserted =
      (*connection)
          ->query(
              "INSERT INTO snapshots (position, hash, node_id, bytes) "
              "VALUES ($1, $2, $3, $4) ON CONFLICT (position) DO UPDATE SET hash = EXCLUDED.hash, "
              "node_id = EXCLUDED.node_id, taken_at = now(), bytes = EXCLUDED.bytes",
              PgParams()
                  .number(snapshot.position)
                  .text(snapshot.hash)
                  .text(node_id_)
                  .bytes(snapshot.bytes));
  if (!inserted.ok()) return rollback(inserted.error());
  auto trimmed = (*connection)
                     ->query(
                         "DELETE FROM snapshots WHERE position NOT IN "
                         "(SELECT position FROM snapshots ORDER BY position DESC LIMIT $1)",
                         PgParams().number(keep_));
  if (!trimmed.ok()) return rollback(trimmed.error());
  auto committed = (*connection)->exec("COMMIT");
  if (!committed.ok()) return committed.error();
  return ok_status();
}

Result<std::vector<uint64_t>> PgSnapshotStore::positions() const {
  auto connection = pool_.take();
  if (!connection.ok()) return connection.error();
  auto rows = (*connection)->exec("SELECT position FROM snapshots ORDER BY position DESC");
  if (!rows.ok()) return rows.error();
  std::vector<uint64_t> found;
  found.reserve(static_cast<size_t>(rows->rows()));
  for (int row = 0; row < rows->rows(); ++row) found.push_back(rows->u64(row, 0));
  return found;
}

Result<StoredSnapshot> PgSnapshotStore::read(uint64_t position) const {
  auto connection = pool_.take();
  if (!connection.ok()) return connection.error();
  auto row = (*connection)
                 ->query("SELECT hash, bytes FROM snapshots WHERE position = $1",
                         PgParams().number(position));
  if (!row.ok()) return row.error();
  if (row->rows() == 0) {
    // Trimmed by another node since it was listed.
    return Error::make(ErrorCode::not_found, "it is no longer in the table");
  }
  return StoredSnapshot{position, row->text(0, 0), row->bytes(0, 1)};
}

}  // namespace closient
