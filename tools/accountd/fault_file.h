// Test-only disk faults for a running accountd. When ACCOUNTD_TEST_FAULT_FILE
// names a file, the event log's database sits on a fault-injecting file system
// (events/fault_injection.h) switched by that file's first word, read every 50 ms:
// "sync", "write", "disk-full", "read-only", or "none" (also when the file is
// missing). An HTTP-level test flips it to see writes fail with 503 and resume.
// Without the variable none of this exists in the process.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "events/fault_injection.h"

namespace closient {

class FaultFileWatcher {
 public:
  // nullptr unless ACCOUNTD_TEST_FAULT_FILE is set. The switch is set from the
  // file once before this returns, so a fault can be in place at start.
  static std::unique_ptr<FaultFileWatcher> from_environment();
  ~FaultFileWatcher();

  std::shared_ptr<FaultSwitch> faults() const { return faults_; }

 private:
  explicit FaultFileWatcher(std::string path);
  void read_once();

  std::string path_;
  std::shared_ptr<FaultSwitch> faults_ = std::make_shared<FaultSwitch>();
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace closient
