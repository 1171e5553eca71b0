#include "events/private_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "events/private_files.h"

namespace closient {
namespace {

using rocksdb::FileOptions;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

// Creates `path` 0600 if it does not exist. An existing file keeps its mode and
// is not even opened: closing any descriptor of a file drops every fcntl lock
// the process holds on it, and RocksDB holds one on its LOCK.
void create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
  if (fd >= 0) ::close(fd);  // else EEXIST, or an error the real open reports
}

// True when this call made the directory (0700 whatever the umask).
bool create_private_directory(const std::string& path) {
  if (::mkdir(path.c_str(), kPrivateDirectoryMode) != 0) return false;
  ::chmod(path.c_str(), kPrivateDirectoryMode);
  return true;
}

class PrivateFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit PrivateFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
      : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "PrivateFileSystem"; }

  IOStatus NewWritableFile(const std::string& name, const FileOptions& options,
                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                           IODebugContext* dbg) override {
    create_private_file(name);
    return target()->NewWritableFile(name, options, result, dbg);
  }
  IOStatus ReopenWritableFile(const std::string& name, const FileOptions& options,
                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                              IODebugContext* dbg) override {
    create_private_file(name);
    return target()->ReopenWritableFile(name, options, result, dbg);
  }
  // ReuseWritableFile renames an existing file: it keeps that file's mode.
  IOStatus NewRandomRWFile(const std::string& name, const FileOptions& options,
                           std::unique_ptr<rocksdb::FSRandomRWFile>* result,
                           IODebugContext* dbg) override {
    create_private_file(name);
    return target()->NewRandomRWFile(name, options, result, dbg);
  }
  IOStatus NewLogger(const std::string& name, const IOOptions& options,
                     std::shared_ptr<rocksdb::Logger>* result, IODebugContext* dbg) override {
    create_private_file(name);
    return target()->NewLogger(name, options, result, dbg);
  }
  IOStatus LockFile(const std::string& name, const IOOptions& options, rocksdb::FileLock** lock,
                    IODebugContext* dbg) override {
    create_private_file(name);
    return target()->LockFile(name, options, lock, dbg);
  }
  IOStatus CreateDir(const std::string& name, const IOOptions& options,
                     IODebugContext* dbg) override {
    // The base's CreateDir fails on a directory that exists, so only ask it
    // when this call did not make one (it then reports why).
    if (create_private_directory(name)) return IOStatus::OK();
    return target()->CreateDir(name, options, dbg);
  }
  IOStatus CreateDirIfMissing(const std::string& name, const IOOptions& options,
                              IODebugContext* dbg) override {
    create_private_directory(name);
    return target()->CreateDirIfMissing(name, options, dbg);
  }
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> make_private_file_system(
    std::shared_ptr<rocksdb::FileSystem> base) {
  return std::make_shared<PrivateFileSystem>(std::move(base));
}

rocksdb::Env* private_env() {
  static const std::unique_ptr<rocksdb::Env> env =
      rocksdb::NewCompositeEnv(make_private_file_system(rocksdb::FileSystem::Default()));
  return env.get();
}

}  // namespace closient
