// The serving state as the service shares it: many readers, one writer (the
// log's writer thread, through the commit observer), and an atomic switch to a
// freshly rebuilt state. Readers hold a shared lock for the length of one
// query; a committed group is applied under the exclusive lock, so no reader
// ever sees half an append, and none waits for an fsync (the group is applied
// after it is durable).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "events/event_log.h"
#include "projections/rw_lock.h"
#include "projections/serving_state.h"

namespace closient {

class LiveState {
 public:
  explicit LiveState(std::unique_ptr<ServingState> state = std::make_unique<ServingState>());
  LiveState(const LiveState&) = delete;
  LiveState& operator=(const LiveState&) = delete;

  // A consistent view for one query: hold it no longer than the query.
  class View {
   public:
    const ServingState& operator*() const { return *state_; }
    const ServingState* operator->() const { return state_; }

   private:
    friend class LiveState;
    View(std::shared_lock<WriterPreferringLock> lock, const ServingState* state)
        : lock_(std::move(lock)), state_(state) {}
    std::shared_lock<WriterPreferringLock> lock_;
    const ServingState* state_;
  };
  View read() const;

  // Applies a committed group whole. Events at or before the state's position
  // are skipped: after a switch to a rebuilt state that already holds them, the
  // observer may still deliver them.
  void apply(const std::vector<EventEnvelope>& events);
  // For EventLog::set_commit_observer.
  CommitObserver observer();

  // Switches to `fresh`, first bringing it up to the log's head under the
  // exclusive lock (the events between its position and the head are read
  // from `log`), so no committed event is missed or applied twice.
  Status switch_to(std::unique_ptr<ServingState> fresh, EventLog& log);

  uint64_t position() const { return position_.load(std::memory_order_acquire); }
  // Events whose data did not decode when applied (the log holds them; verify
  // names them). Nonzero means the state is missing something.
  uint64_t apply_errors() const { return apply_errors_.load(); }

 private:
  mutable WriterPreferringLock mutex_;
  std::unique_ptr<ServingState> state_;
  std::atomic<uint64_t> position_{0};
  std::atomic<uint64_t> apply_errors_{0};
};

}  // namespace closient
