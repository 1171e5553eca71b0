// Everything the service writes is its users' data: directories are created 0700
// and files 0600, whatever the umask (both binaries also set umask 077 at start,
// for files made by code that names no mode). See architecture.md. RocksDB's
// files get the same modes through events/private_file_system.h.
#pragma once

#include <sys/types.h>

#include <string>

#include "events/result.h"

namespace closient {

inline constexpr mode_t kPrivateDirectoryMode = 0700;
inline constexpr mode_t kPrivateFileMode = 0600;

// Creates `dir` and any missing parent, each new one 0700. Directories that
// already exist keep their mode (they are the operator's).
Status create_private_directories(const std::string& dir);

// Opens (creating it 0600 if missing) a file for reading and writing; -1 and errno
// on failure, like open(2).
int open_private_file(const std::string& path, int extra_flags = 0);

}  // namespace closient
