// One RocksDB database holding the event log, its indexes and the side spaces,
// each in its own column family (layout in events/FORMAT.md). RocksStore only
// opens, names, closes and (after a failed write) reopens things; what goes in
// them is decided by RocksEventLog.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/open_mode.h"
#include "events/reopen_gate.h"
#include "events/result.h"
#include "events/wal_tracking.h"

namespace closient {

class FaultSwitch;

// A column family handle that destroys itself, and keeps the DB open until then:
// RocksDB (built with assertions) aborts if a handle outlives its DB.
using ColumnFamily = std::shared_ptr<rocksdb::ColumnFamilyHandle>;

class RocksStore {
 public:
  // `faults`, for tests only, puts a fault-injecting file system under the
  // database (events/fault_injection.h).
  static Result<std::unique_ptr<RocksStore>> open(const std::string& dir, OpenMode mode,
                                                  std::shared_ptr<FaultSwitch> faults = nullptr);
  ~RocksStore();

  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  // Outside the writer thread, only under a ReadLease (a reopen replaces it).
  rocksdb::DB* db() const { return db_.get(); }
  OpenMode mode() const { return mode_; }
  // How the database is open now: mode(), or read_only while a reopen after a
  // failed write could not open it for writing.
  OpenMode open_as() const { return open_as_; }
  const std::string& dir() const { return dir_; }

  rocksdb::ColumnFamilyHandle* events() const { return events_.get(); }
  rocksdb::ColumnFamilyHandle* streams() const { return streams_.get(); }
  rocksdb::ColumnFamilyHandle* meta() const { return meta_.get(); }
  // "key_usage" or "idempotency"; nullptr for any other name.
  rocksdb::ColumnFamilyHandle* side_space(std::string_view name) const;

  // Point lookup; nullopt when absent.
  Result<std::optional<std::string>> get(rocksdb::ColumnFamilyHandle* family,
                                         const std::string& key,
                                         const rocksdb::ReadOptions& options = {}) const;
  // A big-endian integer from meta, or `fallback` when the key is absent.
  Result<uint64_t> meta_u64(const std::string& key, uint64_t fallback,
                            const rocksdb::ReadOptions& options = {}) const;

  // Secondary mode: replays what the primary wrote since the last call.
  Status catch_up();

  // Held by every reader (any thread but the writer's) while it uses db() and
  // the column families: the database is only reopened while nobody reads.
  // ok() is false when it could not be opened again at all.
  class ReadLease {
   public:
    explicit ReadLease(const RocksStore& store);
    ~ReadLease() { gate_.leave(); }
    ReadLease(const ReadLease&) = delete;
    ReadLease& operator=(const ReadLease&) = delete;
    bool ok() const { return open_; }
    Error error() const;

   private:
    ReopenGate& gate_;
    bool open_;
  };
  ReadLease lease() const { return ReadLease(*this); }

  // Recovery from a failed write (writer thread only). After a failed WAL
  // append or fsync RocksDB 7.8 refuses every write until the database is
  // opened again (DB::Resume does not clear that error), and opening replays
  // the WAL, which would bring the failed batch back: it was written, only its
  // sync failed. So the writer notes the WAL sizes before each write
  // (wal_sizes) and, after a failure, reopens with the logs cut back to them.
  // Readers wait meanwhile; if the disk fails again, the database is left open
  // read-only for them.
  WalSizes wal_sizes() const { return wal_fs_->sizes(); }
  Status reopen_after_failed_write(const WalSizes& before);
  // Whether the disk takes a small synced write now (a scratch file beside the data).
  Status probe_writable() const;

 private:
  RocksStore() = default;
  Status open_database(const std::vector<std::string>& families, OpenMode how);
  void close_database();
  // reopen_after_failed_write's work, while no reader is in.
  Status reopen_with_wal_cut(const WalSizes& before);
  // The column families open now, by name.
  std::vector<std::string> open_families() const;
  // Stamps a new store with the format, or refuses a format this build does not read.
  Status settle_format();
  // One-time migration (rocks_store_migration.cc): drops the read-model column
  // families and meta keys of builds that kept read models in RocksDB.
  Status drop_obsolete_read_models();

  OpenMode mode_ = OpenMode::read_write;
  OpenMode open_as_ = OpenMode::read_write;
  std::string dir_;
  // The database's Env, from the top: WAL tracking, (in tests) fault injection,
  // private modes (files 0600, directories 0700), the system's file system.
  // Lives as long as the database.
  std::shared_ptr<WalTrackingFileSystem> wal_fs_;
  std::shared_ptr<rocksdb::Env> env_;
  // Readers (ReadLease) in, or a reopen.
  mutable ReopenGate reopen_gate_;
  std::vector<std::string> reopen_families_;  // writer thread only
  std::string secondary_dir_;                 // scratch directory of a secondary instance
  std::shared_ptr<rocksdb::DB> db_;
  ColumnFamily default_, events_, streams_, meta_, key_usage_, idempotency_;
  // Column families this build does not use: RocksDB opens every one a
  // database has. Obsolete readmodel.* ones are dropped by a read-write open.
  std::vector<ColumnFamily> others_;
};

// Read options for a consistent view across column families: a snapshot when
// open read-write. Other modes see a fixed state anyway (until catch_up(), which
// the caller runs), and a secondary cannot take snapshots.
class ConsistentRead {
 public:
  explicit ConsistentRead(const RocksStore& store);
  ~ConsistentRead();
  ConsistentRead(const ConsistentRead&) = delete;
  ConsistentRead& operator=(const ConsistentRead&) = delete;

  const rocksdb::ReadOptions& options() const { return options_; }

 private:
  rocksdb::DB* db_;
  rocksdb::ReadOptions options_;
};

// A RocksDB failure as an Error; `what` says what was being done.
Error storage_error(const rocksdb::Status& status, std::string_view what);

}  // namespace closient
