// Snapshot files: written whole to a temporary name, synced, renamed, and the
// directory synced, so a crash at any moment leaves either the old set of
// snapshots or the old set plus one complete new file — never a torn one
// under a snapshot's name. (A torn file would be caught by its checksum anyway.)
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "projections/snapshot.h"

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

SnapshotStore::SnapshotStore(std::string data_dir) : dir_(std::move(data_dir) + "/snapshots") {}

std::string SnapshotStore::path_of(uint64_t position) const {
  return fmt::format("{}/{:020}{}", dir_, position, kSuffix);
}

Status SnapshotStore::write(const std::string& bytes, uint64_t position, size_t keep) {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) return io_error("creating " + dir_);
  const std::string final_path = path_of(position);
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
  std::vector<uint64_t> present = positions();
  for (size_t i = keep; i < present.size(); ++i) ::unlink(path_of(present[i]).c_str());
  return ok_status();
}

std::vector<uint64_t> SnapshotStore::positions() const {
  std::vector<uint64_t> found;
  DIR* dir = ::opendir(dir_.c_str());
  if (!dir) return found;
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

Result<std::string> SnapshotStore::read(uint64_t position) const {
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
  return bytes;
}

}  // namespace closient
