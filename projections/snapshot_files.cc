// Snapshot files: written whole to a temporary name, synced, renamed, and the
// directory synced, so a crash at any moment leaves either the old set of
// snapshots or the old set plus one complete new file — never a torn one
// under a snapshot's name. (A torn file would be caught by its checksum anyway.)
#include "projections/snapshot_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace closient {
namespace {

constexpr const char* kSuffix = ".snap";

Error io_error(const std::string& what) {
  return Error::make(ErrorCode::service_unavailable, what + ": " + std::strerror(errno));
}

Status sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("opening " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("syncing " + dir);
  return ok_status();
}

}  // namespace

SnapshotFiles::SnapshotFiles(std::string data_dir, size_t keep)
    : dir_(std::move(data_dir) + "/snapshots"), keep_(keep) {}

std::string SnapshotFiles::path_of(uint64_t position) const {
  return fmt::format("{}/{:020}{}", dir_, position, kSuffix);
}

std::string SnapshotFiles::name_of(uint64_t position) const {
  return "snapshot " + path_of(position);
}

Status SnapshotFiles::write(const StoredSnapshot& snapshot) {
  const std::string& bytes = snapshot.bytes;
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) return io_error("creating " + dir_);
  const std::string final_path = path_of(snapshot.position);
  const std::string temp_path = final_path + ".tmp";
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("creating " + temp_path);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error failed = io_error("writing " + temp_path);
      ::close(fd);
      ::unlink(temp_path.c_str());
      return failed;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Error failed = io_error("syncing " + temp_path);
    ::close(fd);
    ::unlink(temp_path.c_str());
    return failed;
  }
  ::close(fd);
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    Error failed = io_error("renaming " + temp_path);
    ::unlink(temp_path.c_str());
    return failed;
  }
  Status synced = sync_directory(dir_);
  if (!synced.ok()) return synced;
  Result<std::vector<uint64_t>> present = positions();
  if (!present.ok()) return present.error();
  for (size_t i = keep_; i < present->size(); ++i) ::unlink(path_of((*present)[i]).c_str());
  return ok_status();
}

Result<std::vector<uint64_t>> SnapshotFiles::positions() const {
  std::vector<uint64_t> found;
  DIR* dir = ::opendir(dir_.c_str());
  if (!dir && errno == ENOENT) return found;  // none written yet
  if (!dir) return io_error("listing " + dir_);
  while (dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() != 20 + std::strlen(kSuffix) || name.substr(20) != kSuffix) continue;
    if (!std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    found.push_back(std::stoull(name.substr(0, 20)));
  }
  ::closedir(dir);
  std::sort(found.rbegin(), found.rend());
  return found;
}

Result<StoredSnapshot> SnapshotFiles::read(uint64_t position) const {
  const std::string path = path_of(position);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("opening " + path);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error failed = io_error("reading " + path);
      ::close(fd);
      return failed;
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return StoredSnapshot{position, "", std::move(bytes)};
}

}  // namespace closient
