// The hand-off between threads that append and the single writer thread.
// Appenders push jobs and wait on their own future; the writer takes every
// job waiting at once, which is what makes group commit possible.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
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

// Either a ticket or a task to run on the writer thread between groups
// (e.g. switching read-model generations, which must not interleave with appends).
struct WriterJob {
  std::unique_ptr<AppendTicket> ticket;
  std::function<void()> task;
};

class AppendQueue {
 public:
  // False once the queue is closed; the job is then not queued.
  bool push(WriterJob job);
  // Blocks until jobs wait or the queue is closed; returns up to `max_requests`
  // requests' worth of jobs (at least one job). Empty only when closed and drained.
  std::vector<WriterJob> take(size_t max_requests);
  void close();

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<WriterJob> jobs_;
  bool closed_ = false;
};

}  // namespace closient
