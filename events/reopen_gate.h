// Readers share the database; a reopen (after a failed write) needs it alone.
// Unlike a reader-preferring shared mutex (glibc's default), a reopen that is
// waiting holds new readers back, so readers that keep coming cannot starve
// it; it waits for those already in only up to a deadline, then gives up (and
// is tried again with the next write), so a long scan only delays recovery.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace closient {

class ReopenGate {
 public:
  void enter() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !closing_; });
    ++readers_;
  }
  void leave() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--readers_ == 0) changed_.notify_all();
  }

  // True once no reader is in; new readers wait until reopened(). False after
  // `patience` with readers still in (they go on; nothing changed).
  bool close_for_reopen(std::chrono::milliseconds patience) {
    std::unique_lock<std::mutex> lock(mutex_);
    closing_ = true;
    if (changed_.wait_for(lock, patience, [this] { return readers_ == 0; })) return true;
    closing_ = false;
    changed_.notify_all();
    return false;
  }
  void reopened() {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = false;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t readers_ = 0;
  bool closing_ = false;
};

}  // namespace closient
