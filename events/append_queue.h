// The hand-off between threads that append and the single writer thread.
// Appenders push tickets and wait on their own future; the writer takes every
// ticket waiting at once, which is what makes group commit possible.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

#include "events/event_log.h"

namespace closient {

// One call of append() or append_all(): its requests commit contiguously.
struct AppendTicket {
  std::vector<AppendRequest> requests;
  std::promise<std::vector<Result<AppendResult>>> done;
};

class AppendQueue {
 public:
  // False once the queue is closed; the ticket is then not queued.
  bool push(std::unique_ptr<AppendTicket> ticket);
  // Waits up to `patience` for tickets (or the queue's closing); returns up to
  // `max_requests` requests' worth of tickets (at least one ticket when any
  // wait). Empty when nothing came in time, or when closed and drained.
  std::vector<std::unique_ptr<AppendTicket>> take_within(size_t max_requests,
                                                         std::chrono::milliseconds patience);
  bool closed();
  void close();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::unique_ptr<AppendTicket>> tickets_;
  bool closed_ = false;
};

}  // namespace closient
