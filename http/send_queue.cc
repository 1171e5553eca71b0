#include "http/send_queue.h"

#include <utility>

namespace closient::http {

SendQueue::SendQueue() : thread_([this] { run(); }) {}

SendQueue::~SendQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  posted_.notify_one();
  thread_.join();
}

void SendQueue::post(std::function<void()> task) {
  bool was_empty = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    was_empty = tasks_.empty();
    tasks_.push_back(std::move(task));
  }
  // A busy sender finds the task when it looks again: no wake-up needed.
  if (was_empty) posted_.notify_one();
}

void SendQueue::run() {
  std::deque<std::function<void()>> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      posted_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and everything posted has run
      batch.swap(tasks_);
    }
    for (auto& task : batch) {
      try {
        task();
      } catch (...) {
        // A task that throws must not take the others down with it.
      }
    }
    batch.clear();
  }
}

}  // namespace closient::http
