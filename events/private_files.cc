#include "events/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace closient {

Status create_private_directories(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::absolute(dir, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), kPrivateDirectoryMode) == 0) {
      // mkdir applied the umask; the mode must not depend on it.
      ::chmod(it->c_str(), kPrivateDirectoryMode);
    } else if (errno != EEXIST) {
      return Error::make(ErrorCode::service_unavailable,
                         "cannot create directory " + it->string() + ": " + std::strerror(errno));
    }
  }
  if (!fs::is_directory(dir, ec)) {
    return Error::make(ErrorCode::service_unavailable, dir + " is not a directory");
  }
  return ok_status();
}

int open_private_file(const std::string& path, int extra_flags) {
  return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | extra_flags, kPrivateFileMode);
}

}  // namespace closient
