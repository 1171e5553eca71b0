// `last_used` of API keys, kept current within a few seconds without an event
// per request: authentication records each use in memory (a map update under
// a mutex), and a flusher writes the newest time per key to the store's
// `key_usage` side space every couple of seconds, many uses coalesced into one
// unsynced write. A crash loses at most the last interval, which `last_used`
// tolerates; that is why it is not an event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "events/result.h"
#include "events/side_data_store.h"

namespace closient {

inline constexpr const char* kKeyUsageSpace = "key_usage";

// The last use stored for a key (decimal Unix milliseconds), if any.
std::optional<int64_t> stored_last_used(SideDataStore& store, const std::string& key_id);

class KeyUsageTracker {
 public:
  explicit KeyUsageTracker(SideDataStore& store);
  // Stops the flusher (if running) and flushes what is left.
  ~KeyUsageTracker();

  KeyUsageTracker(const KeyUsageTracker&) = delete;
  KeyUsageTracker& operator=(const KeyUsageTracker&) = delete;

  // Notes a use; keeps the newest time per key. Thread-safe, no I/O.
  void record(const std::string& key_id, int64_t now_ms);

  // Writes the uses recorded since the last flush, one entry per key.
  Status flush();

  // The freshest value: recorded but unflushed, then being flushed, then stored.
  std::optional<int64_t> last_used(const std::string& key_id);

  // Flushes every `interval` on a background thread until stop().
  void start(std::chrono::milliseconds interval = std::chrono::seconds(2));
  // Stops the background thread (if any) and flushes once more. Idempotent.
  void stop();

 private:
  void run(std::chrono::milliseconds interval);

  SideDataStore& store_;

  std::mutex mutex_;
  std::unordered_map<std::string, int64_t> pending_;   // recorded since the last flush
  std::unordered_map<std::string, int64_t> flushing_;  // handed to the store right now
  // What the store holds, as read once or last flushed: a key's last_used is
  // rendered on every answer about it, and a store read per answer would cost
  // more than the rest of the answer.
  std::unordered_map<std::string, std::optional<int64_t>> stored_;
  std::mutex flush_mutex_;  // one flush at a time

  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace closient
