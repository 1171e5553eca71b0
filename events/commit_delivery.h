// Hands committed events to the commit observer of a log that several
// processes append to: this process's own groups (from its writer) and other
// processes' (from the tail, or from the writer catching up before a group)
// reach the observer through here, one caller at a time, in position order,
// with no gap and nothing twice, each linked to the hash before it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/catalog.h"
#include "events/event_log.h"

namespace closient {

class CommitDelivery {
 public:
  enum class Origin { own, other };

  // Starts after `position`, whose event carries `hash` (the head at open).
  CommitDelivery(uint64_t position, std::string hash, const EventCatalog* catalog);

  void set_observer(CommitObserver observer);
  bool has_observer() const;

  // The last position handed over (or skipped for want of an observer).
  uint64_t delivered() const;

  // Hands over the events after delivered() (earlier ones are skipped), which
  // must follow on from it without a gap. Events of other processes have their
  // hashes recomputed; every event's prev_hash must be the hash before it. A
  // broken link delivers nothing from there on and says where. Old schemas are
  // upcast for the observer. Other processes' streams are remembered for
  // take_other_streams().
  Status deliver(std::vector<EventEnvelope> events, Origin origin);

  // The writer is about to commit positions from `first` on: until its own
  // deliver() or release(), deliveries of other origin stop before them, so
  // that the observer gets this process's group in one call, from its writer.
  void reserve(uint64_t first);
  void release();

  // The streams other processes' events touched since the last call.
  std::vector<std::string> take_other_streams();

  // Adds to `versions` the version, as of delivered(), of each of `streams`
  // whose events this delivery has handed over since it started (the newest
  // kRememberedStreams of them at most). Delivery is gapless, so every such
  // version is exact: once delivered() is the head (a writer inside its hold,
  // caught up), the log need not be asked. Streams already in `versions` are
  // left as they are.
  void known_versions(const std::vector<std::string>& streams,
                      std::unordered_map<std::string, uint64_t>* versions) const;
  static constexpr size_t kRememberedStreams = 100000;

  // Blocks until delivered() passes `after` or `timeout` elapses.
  uint64_t wait_past(uint64_t after, std::chrono::milliseconds timeout);

 private:
  const EventCatalog* catalog_;
  mutable std::mutex mutex_;  // held while the observer runs: one delivery at a time
  std::condition_variable advanced_;
  CommitObserver observer_;
  uint64_t delivered_;
  uint64_t reserved_from_ = 0;  // 0: nothing reserved
  std::string delivered_hash_;
  std::set<std::string> other_streams_;
  // Each delivered stream's newest version. Forgotten all at once when full:
  // a forgotten stream costs its writer one probe of the log.
  std::unordered_map<std::string, uint64_t> stream_versions_;
};

}  // namespace closient
