// One RocksDB database holding the event log, its indexes and the side spaces,
// each in its own column family (layout in events/FORMAT.md). RocksStore only
// opens, names and closes things; what goes in them is decided by RocksEventLog.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace closient {

enum class OpenMode {
  read_write,  // the server: takes the directory's LOCK, one process at a time
  read_only,   // offline tools (backup, audit) when no read-write process runs
  secondary,   // tools reading while the server runs; catch_up() follows it
};

// A column family handle that destroys itself, and keeps the DB open until then:
// RocksDB (built with assertions) aborts if a handle outlives its DB.
using ColumnFamily = std::shared_ptr<rocksdb::ColumnFamilyHandle>;

class RocksStore {
 public:
  static Result<std::unique_ptr<RocksStore>> open(const std::string& dir, OpenMode mode);
  ~RocksStore();

  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  OpenMode mode() const { return mode_; }
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

 private:
  RocksStore() = default;
  Status open_database(const std::vector<std::string>& families);
  // Stamps a new store with the format, or refuses a format this build does not read.
  Status settle_format();
  // One-time migration (rocks_store_migration.cc): drops the read-model column
  // families and meta keys of builds that kept read models in RocksDB.
  Status drop_obsolete_read_models();

  OpenMode mode_ = OpenMode::read_write;
  std::string dir_;
  // The database's Env: the system's file system under a private one (files
  // 0600, directories 0700). Lives as long as the database.
  std::shared_ptr<rocksdb::Env> env_;
  std::string secondary_dir_;  // scratch directory of a secondary instance
  std::shared_ptr<rocksdb::DB> db_;
  ColumnFamily default_, events_, streams_, meta_, key_usage_, idempotency_;
  // Column families this build does not use: RocksDB opens every one a
  // database has. Obsolete readmodel.* ones are dropped by a read-write open.
  std::vector<ColumnFamily> others_;
};

// Read options for a consistent view across column families: a snapshot in
// read-write mode. Other modes see a fixed state anyway (until catch_up(), which
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
