// Writes snapshots of the live state in the background: after every
// `every_events` events, or after `every_interval` when anything changed, and
// once more at stop. The state is encoded under the read lock (a consistent
// cut at one position); the stores are written outside it, on this thread, so
// neither a file's fsync nor a shared store's transaction delays a write.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/snapshot_store.h"
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
  // Each snapshot goes to every one of `stores`, in order (a node's files,
  // then on a shared store the table the other nodes start from); it counts
  // as written when one of them took it. `note` receives one line per
  // snapshot written or failed, and per store that failed when another took it.
  Snapshotter(const LiveState& state, std::vector<SnapshotStore*> stores, uint64_t written_position,
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
  Status write_everywhere(const StoredSnapshot& snapshot);

  const LiveState& state_;
  const std::vector<SnapshotStore*> stores_;
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
