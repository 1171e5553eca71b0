// Read-your-writes across nodes. A client that wrote through one node gets the
// write's X-Event-Position back; sending it as X-Min-Position to any node holds
// its request until that node's serving state has applied the position (it
// tails the shared log), for at most `max_wait`, after which the request is
// answered 503 with Retry-After. Requests wait off the I/O threads: the barrier
// continues each one on its own thread, once, in either case.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

namespace closient::http {

inline constexpr char kMinPositionHeader[] = "X-Min-Position";

// The position a header value names: 1 to 20 decimal digits that fit 64 bits.
std::optional<uint64_t> parse_min_position(std::string_view value);

struct PositionBarrierOptions {
  std::chrono::milliseconds max_wait{2000};
  size_t max_waiting = 10000;  // beyond it a request is refused at once
};

class PositionBarrier {
 public:
  using AppliedPosition = std::function<uint64_t()>;
  // true: the position was reached; false: it was not within max_wait (or the
  // barrier is full or stopping).
  using Proceed = std::function<void(bool reached)>;

  PositionBarrier(AppliedPosition applied, PositionBarrierOptions options = {});
  // Releases every waiting request with false, then joins its thread.
  ~PositionBarrier();
  PositionBarrier(const PositionBarrier&) = delete;
  PositionBarrier& operator=(const PositionBarrier&) = delete;

  // Calls `proceed(true)` right away (on the calling thread) when `position` is
  // already applied; otherwise later, from the barrier's thread.
  void wait_for(uint64_t position, Proceed proceed);
  // The applied position moved: called after each apply of the serving state.
  void advanced();

  size_t waiting() const;

 private:
  struct Waiter {
    uint64_t position;
    std::chrono::steady_clock::time_point deadline;
    Proceed proceed;
  };
  void run();

  const AppliedPosition applied_;
  const PositionBarrierOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Waiter> waiters_;
  bool advanced_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace closient::http
