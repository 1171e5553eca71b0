// Disk faults on demand, for tests: a RocksDB file system that fails writes,
// syncs or space while a switch says so. Only a log opened with a FaultSwitch
// (LogOptions::faults) has it under its database; nothing else ever does.
//
//   auto faults = std::make_shared<FaultSwitch>();
//   LogOptions options;
//   options.faults = faults;
//   ... RocksEventLog::open(dir, options) ...
//   faults->set(Fault::sync);   // every fsync fails from now on
//   faults->set(Fault::none);   // the disk is healthy again
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace closient {

enum class Fault {
  none,
  sync,       // Sync/Fsync fail with an I/O error (data written, durability unknown)
  write,      // appends fail with an I/O error
  disk_full,  // appends and new files fail with "no space left on device"
  read_only,  // new files and appends fail as on a read-only file system
};

// "none", "sync", "write", "disk-full", "read-only" and back.
std::optional<Fault> parse_fault(std::string_view name);
const char* fault_name(Fault fault);

class FaultSwitch {
 public:
  void set(Fault fault) { fault_.store(fault); }
  Fault get() const { return fault_.load(); }
  // Operations failed on purpose so far.
  uint64_t injected() const { return injected_.load(); }
  void count_injected() { ++injected_; }

 private:
  std::atomic<Fault> fault_{Fault::none};
  std::atomic<uint64_t> injected_{0};
};

// `base` with the faults `faults` switches on.
std::shared_ptr<rocksdb::FileSystem> make_fault_injecting_file_system(
    std::shared_ptr<rocksdb::FileSystem> base, std::shared_ptr<FaultSwitch> faults);

}  // namespace closient
