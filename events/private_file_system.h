// RocksDB's files as private as the service's own (events/private_files.h):
// RocksDB's POSIX file system asks for 0644 files and 0755 directories and
// leaves the rest to the umask, so a library user with umask 022 would get
// world-readable event logs. This wrapper creates each file 0600 and each
// directory 0700 just before RocksDB opens it.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>

namespace closient {

// `base` creating every new file 0600 and every new directory 0700. Files that
// exist keep their mode and are not opened (see private_file_system.cc).
std::shared_ptr<rocksdb::FileSystem> make_private_file_system(
    std::shared_ptr<rocksdb::FileSystem> base);

// An Env over the system's file system made private, for databases opened
// outside RocksStore (a backup's copy). Process-wide, lives to the end.
rocksdb::Env* private_env();

}  // namespace closient
