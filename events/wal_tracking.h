// How far each write-ahead log file has been written, so that a failed write can
// be cut off the log before the database is opened again.
//
// When a write fails (an fsync or an append), RocksDB refuses every later write
// until the database is reopened, and a reopen replays the write-ahead log: the
// failed batch, fully written but never synced, would come back as if it had
// been acknowledged. RocksStore therefore notes the WAL sizes before each group
// write and, after a failure, truncates the logs back to them while the database
// is closed (see RocksStore::reopen_after_failed_write).
#pragma once

#include <rocksdb/file_system.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "events/result.h"

namespace closient {

// Write-ahead log file path -> bytes written to it.
using WalSizes = std::map<std::string, uint64_t>;

class WalTrackingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit WalTrackingFileSystem(std::shared_ptr<rocksdb::FileSystem> base);
  const char* Name() const override { return "WalTrackingFileSystem"; }

  // Every WAL file this process created and has not deleted, with its size.
  WalSizes sizes() const;
  // Cuts each tracked WAL back to its size in `before` (to nothing when it was
  // created since). Only while the database is closed.
  Status truncate_to(const WalSizes& before);

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;

  void grew(const std::string& name, uint64_t bytes);  // by TrackedWal

 private:
  mutable std::mutex mutex_;
  WalSizes sizes_;
};

}  // namespace closient
