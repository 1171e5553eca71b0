#include "events/wal_tracking.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace closient {
namespace {

// RocksDB names its write-ahead logs NNNNNN.log (its info log is "LOG").
bool is_wal(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".log") != 0) return false;
  for (std::size_t i = 0; i + 4 < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  return true;
}

class TrackedWal : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedWal(std::unique_ptr<rocksdb::FSWritableFile> file, WalTrackingFileSystem* fs,
             std::string name)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), name_(std::move(name)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = FSWritableFileOwnerWrapper::Append(data, options, dbg);
    if (status.ok()) fs_->grew(name_, data.size());
    return status;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    if (status.ok()) fs_->grew(name_, data.size());
    return status;
  }

 private:
  WalTrackingFileSystem* fs_;  // outlives its files: it is the database's file system
  std::string name_;
};

}  // namespace

WalTrackingFileSystem::WalTrackingFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

WalSizes WalTrackingFileSystem::sizes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sizes_;
}

void WalTrackingFileSystem::grew(const std::string& name, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  sizes_[name] += bytes;
}

rocksdb::IOStatus WalTrackingFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus status = target()->NewWritableFile(name, options, result, dbg);
  if (status.ok() && is_wal(name)) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sizes_[name] = 0;
    }
    *result = std::make_unique<TrackedWal>(std::move(*result), this, name);
  }
  return status;
}

rocksdb::IOStatus WalTrackingFileSystem::DeleteFile(const std::string& name,
                                                    const rocksdb::IOOptions& options,
                                                    rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus status = target()->DeleteFile(name, options, dbg);
  if (status.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    sizes_.erase(name);
  }
  return status;
}

Status WalTrackingFileSystem::truncate_to(const WalSizes& before) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [name, size] : sizes_) {
    const auto kept = before.find(name);
    const uint64_t target = kept == before.end() ? 0 : kept->second;
    // Unconditionally: a failed append may have written part of its bytes.
    if (::truncate(name.c_str(), static_cast<off_t>(target)) != 0 && errno != ENOENT) {
      return Error::make(ErrorCode::service_unavailable, "cannot cut back the write-ahead log " +
                                                             name + ": " + std::strerror(errno));
    }
    size = target;
  }
  return ok_status();
}

}  // namespace closient
