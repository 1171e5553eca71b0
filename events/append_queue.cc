#include "events/append_queue.h"

namespace closient {

bool AppendQueue::push(std::unique_ptr<AppendTicket> ticket) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    tickets_.push_back(std::move(ticket));
  }
  ready_.notify_one();
  return true;
}

std::vector<std::unique_ptr<AppendTicket>> AppendQueue::take_within(
    size_t max_requests, std::chrono::milliseconds patience) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait_for(lock, patience, [&] { return closed_ || !tickets_.empty(); });
  std::vector<std::unique_ptr<AppendTicket>> taken;
  size_t requests = 0;
  while (!tickets_.empty() && (taken.empty() || requests < max_requests)) {
    requests += tickets_.front()->requests.size();
    taken.push_back(std::move(tickets_.front()));
    tickets_.pop_front();
  }
  return taken;
}

bool AppendQueue::closed() {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

void AppendQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

}  // namespace closient
