#include "tools/accountctl/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "domain/event_types.h"
#include "events/private_files.h"
#include "events/rocks_event_log.h"

namespace accountctl {
namespace {

using closient::Error;
using closient::ErrorCode;
namespace fs = std::filesystem;

Error unavailable(std::string detail) {
  return Error::make(ErrorCode::service_unavailable, std::move(detail));
}

}  // namespace

std::string in_use_message(const std::string& dir) {
  return "data directory " + dir + " is in use by a running accountd; stop it first";
}

bool holds_event_log(const std::string& dir) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / "CURRENT", ec);
}

closient::Result<std::unique_ptr<closient::EventStore>> open_for_reading(const std::string& dir) {
  if (closient::is_postgres_uri(dir)) {
    closient::StoreOptions options;
    options.catalog = &closient::domain_event_catalog();
    options.mode = closient::OpenMode::read_only;
    return closient::open_event_store(dir, options);
  }
  if (!holds_event_log(dir)) {
    return Error::make(ErrorCode::not_found, "no event log in " + dir);
  }
  closient::LogOptions options;
  options.catalog = &closient::domain_event_catalog();
  options.mode = closient::OpenMode::secondary;
  auto log = closient::RocksEventLog::open(dir, options);
  if (!log.ok()) return log.error();
  return std::unique_ptr<closient::EventStore>(std::move(log).value());
}

closient::Result<std::unique_ptr<DirectoryClaim>> DirectoryClaim::take(const std::string& dir) {
  const std::string path = (fs::path(dir) / "accountd.lock").string();
  const int fd = closient::open_private_file(path);
  if (fd < 0) return unavailable("cannot use data directory " + dir + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return unavailable(in_use_message(dir));
    return unavailable("cannot lock data directory " + dir + ": " + std::strerror(error));
  }
  return std::unique_ptr<DirectoryClaim>(new DirectoryClaim(fd));
}

DirectoryClaim::~DirectoryClaim() {
  ::close(fd_);
}  // closing releases the flock

closient::Result<WritableLog> open_for_writing(const std::string& dir, bool create_if_missing) {
  if (closient::is_postgres_uri(dir)) {
    closient::StoreOptions options;
    options.catalog = &closient::domain_event_catalog();
    auto log = closient::open_event_store(dir, options);
    if (!log.ok()) return log.error();
    WritableLog writable;
    writable.log = std::move(log).value();
    return writable;
  }
  if (!create_if_missing && !holds_event_log(dir)) {
    return Error::make(ErrorCode::not_found, "no event log in " + dir);
  }
  closient::Status created = closient::create_private_directories(dir);
  if (!created.ok())
    return unavailable("cannot create data directory " + dir + ": " + created.error().detail);

  WritableLog writable;
  auto claim = DirectoryClaim::take(dir);
  if (!claim.ok()) return claim.error();
  writable.claim = std::move(claim).value();

  closient::LogOptions options;
  options.catalog = &closient::domain_event_catalog();
  auto log = closient::RocksEventLog::open(dir, options);
  if (!log.ok()) {
    // A process that does not use accountd.lock still holds RocksDB's LOCK.
    if (log.error().detail.find("in use by another process") != std::string::npos) {
      return unavailable(in_use_message(dir));
    }
    return log.error();
  }
  writable.log = std::move(log).value();
  return writable;
}

}  // namespace accountctl
