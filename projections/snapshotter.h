// Writes snapshots of the live state in the background: after every
// `every_events` events, or after `every_interval` when anything changed, and
// once more at stop. The state is encoded under the read lock (a consistent
// cut at one position); the file is written and synced outside it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "projections/live_state.h"
#include "projections/snapshot.h"

namespace closient {

struct SnapshotterOptions {
  uint64_t every_events = 100000;
  std::chrono::milliseconds every_interval{std::chrono::minutes(5)};
  std::chrono::milliseconds poll{std::chrono::milliseconds(500)};
};

class Snapshotter {
 public:
  // `note` receives one line per snapshot written or failed.
  Snapshotter(const LiveState& state, SnapshotStore& store, uint64_t written_position,
              SnapshotterOptions options, std::function<void(const std::string&)> note);
  ~Snapshotter();  // stop()

  void start();
  // Stops the thread and writes a last snapshot when the state moved. Idempotent.
  void stop();
  // Writes one now if the state moved since the last one (or whatever it did).
  Status snapshot_now(bool even_if_unchanged = false);
  uint64_t last_position() const;

 private:
  void run();

  const LiveState& state_;
  SnapshotStore& store_;
  const SnapshotterOptions options_;
  std::function<void(const std::string&)> note_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t last_position_;
  std::mutex write_mutex_;  // one snapshot at a time
  std::thread thread_;
};

}  // namespace closient
