#include "projections/write_queue.h"

#include <algorithm>
#include <utility>

namespace closient {

CommandQueue::Push CommandQueue::push(QueuedCommand& command) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return Push::closed;
    if (max_depth_ != 0 && commands_.size() >= max_depth_) return Push::full;
    commands_.push_back(std::move(command));
  }
  ready_.notify_one();
  return Push::queued;
}

void CommandQueue::push_front(std::vector<QueuedCommand> commands) {
  if (commands.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = commands.rbegin(); it != commands.rend(); ++it) {
      commands_.push_front(std::move(*it));
    }
  }
  ready_.notify_one();
}

std::vector<QueuedCommand> CommandQueue::take(size_t max) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [&] { return closed_ || !commands_.empty(); });
  std::vector<QueuedCommand> taken;
  const size_t count = std::min(commands_.size(), max == 0 ? commands_.size() : max);
  taken.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    taken.push_back(std::move(commands_.front()));
    commands_.pop_front();
  }
  return taken;
}

void CommandQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

size_t CommandQueue::depth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return commands_.size();
}

}  // namespace closient
