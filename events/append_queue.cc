#include "events/append_queue.h"

namespace closient {

bool AppendQueue::push(WriterJob job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

std::vector<WriterJob> AppendQueue::take(size_t max_requests) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
  std::vector<WriterJob> taken;
  size_t requests = 0;
  while (!jobs_.empty() && (taken.empty() || requests < max_requests)) {
    if (jobs_.front().ticket) requests += jobs_.front().ticket->requests.size();
    taken.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
  return taken;
}

void AppendQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

}  // namespace closient
