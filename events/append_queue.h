// The hand-off between threads that append and the single writer thread.
// Appenders push tickets and wait on their own future; the writer takes every
// ticket waiting at once, which is what makes group commit possible.
#pragma once

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
  // Blocks until tickets wait or the queue is closed; returns up to
  // `max_requests` requests' worth of tickets (at least one ticket). Empty only
  // when closed and drained.
  std::vector<std::unique_ptr<AppendTicket>> take(size_t max_requests);
  void close();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::unique_ptr<AppendTicket>> tickets_;
  bool closed_ = false;
};

}  // namespace closient
