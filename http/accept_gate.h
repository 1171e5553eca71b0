// When the listener may accept another connection. RESTinio 0.6 asks before every
// accept (its connection-count-limiter hook: accept_next) and reports each
// connection's start and end; this class answers, so that
//
//   - at most `max_connections` connections are open at once, a cap below the
//     descriptor limit; the rest wait in the kernel's listen backlog;
//   - an accept is started only while a descriptor is free: RESTinio ends its
//     accept loop for good on the first failed accept (EMFILE), so it must not
//     be given one that would fail;
//   - an accept that failed anyway (a descriptor taken by someone else in the
//     meantime) is noticed and started again. RESTinio drops it without a word,
//     but the listening socket then stays readable while nothing accepts.
//
// RESTinio-free, so its decisions are unit-tested; http/server.cc connects it to
// the acceptor and calls tick() from a watchdog thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace closient::http {

// Owned by shared_ptr: the tasks it posts keep it alive.
class AcceptGate : public std::enable_shared_from_this<AcceptGate> {
 public:
  // How the gate acts on the acceptor; set once by the acceptor's limiter.
  struct AcceptorHooks {
    // Starts an accept on `slot`; called on an I/O thread only.
    std::function<void(std::size_t slot)> accept_now;
    // Runs `task` soon on an I/O thread.
    std::function<void(std::function<void()> task)> post;
  };

  struct Counters {
    std::size_t open_connections = 0;
    std::size_t waiting_for_room = 0;        // accept slots parked at the cap
    std::size_t waiting_for_descriptor = 0;  // accept slots parked for a descriptor
    uint64_t descriptor_shortages = 0;       // times an accept was held back for one
    uint64_t accepts_restarted = 0;          // accepts found dead and started again
  };

  // A readable listener with an armed slot for this many ticks in a row means the
  // accept died: with the watchdog's 100 ms tick, half a second without progress.
  static constexpr int kTicksBeforeRestart = 5;

  // `descriptor_available` answers whether one more descriptor can be opened now.
  AcceptGate(std::size_t max_connections, std::function<bool()> descriptor_available);

  void attach(AcceptorHooks hooks);

  // The acceptor's limiter interface. accept_next: `slot` is free (at start, or
  // its last accept completed) and may accept again once the gate allows it.
  void accept_next(std::size_t slot);
  // A slot the gate held back (or found dead) is tried again: posted by the gate
  // itself, not called by the acceptor, so a late completion of an accept taken
  // for dead cannot be mistaken for it.
  void resume(std::size_t slot);
  void connection_opened();
  void connection_closed();

  // Called about every 100 ms with whether connections wait in the listen
  // backlog: retries slots held back for a descriptor, restarts dead accepts.
  void tick(bool connections_waiting);

  // After close() nothing is started any more (the server is stopping).
  void close();

  std::size_t max_connections() const { return max_connections_; }
  Counters counters() const;

 private:
  // retrying: a resume() is posted for the slot.
  enum class SlotState { idle, armed, parked_at_cap, parked_for_descriptor, retrying };
  struct Slot {
    SlotState state = SlotState::idle;
    int readable_ticks = 0;  // consecutive ticks armed with connections waiting
  };

  Slot& slot(std::size_t index);  // grows the table; mutex_ held
  std::size_t armed_slots() const;
  // Decides what `index` does next; returns true when it should accept now.
  bool arm_if_allowed(std::size_t index);
  // Marks `index` for a resume(); mutex_ held. Returns the task to post.
  std::function<void()> schedule_resume(std::size_t index);

  const std::size_t max_connections_;
  const std::function<bool()> descriptor_available_;
  AcceptorHooks hooks_;

  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::size_t open_connections_ = 0;
  uint64_t descriptor_shortages_ = 0;
  uint64_t accepts_restarted_ = 0;
  bool closed_ = false;
};

}  // namespace closient::http
