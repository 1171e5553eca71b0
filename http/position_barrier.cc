#include "http/position_barrier.h"

#include <algorithm>
#include <utility>

#include "http/pagination.h"

namespace closient::http {
namespace {

void release(const PositionBarrier::Proceed& proceed, bool reached) {
  // A continuation that throws must not take the barrier (and every later wait) down.
  try {
    proceed(reached);
  } catch (...) {
  }
}

}  // namespace

std::optional<uint64_t> parse_min_position(std::string_view value) {
  return parse_decimal(value, UINT64_MAX);
}

PositionBarrier::PositionBarrier(AppliedPosition applied, PositionBarrierOptions options)
    : applied_(std::move(applied)), options_(options), thread_([this] { run(); }) {}

PositionBarrier::~PositionBarrier() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void PositionBarrier::wait_for(uint64_t position, Proceed proceed) {
  if (applied_() >= position) {
    release(proceed, true);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_ && waiters_.size() < options_.max_waiting) {
      waiters_.push_back(Waiter{position, std::chrono::steady_clock::now() + options_.max_wait,
                                std::move(proceed)});
      // The position may have been applied between the check above and now.
      advanced_ = true;
      changed_.notify_one();
      return;
    }
  }
  release(proceed, false);
}

void PositionBarrier::advanced() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiters_.empty()) return;
    advanced_ = true;
  }
  changed_.notify_one();
}

size_t PositionBarrier::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiters_.size();
}

void PositionBarrier::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (stopping_) break;
    if (waiters_.empty()) {
      changed_.wait(lock, [this] { return stopping_ || !waiters_.empty(); });
      continue;
    }
    if (!advanced_) {
      auto earliest = std::min_element(
          waiters_.begin(), waiters_.end(),
          [](const Waiter& a, const Waiter& b) { return a.deadline < b.deadline; });
      changed_.wait_until(lock, earliest->deadline, [this] { return stopping_ || advanced_; });
      if (stopping_) break;
    }
    advanced_ = false;
    const uint64_t applied = applied_();
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::pair<Proceed, bool>> due;
    auto still_waiting = std::partition(waiters_.begin(), waiters_.end(), [&](const Waiter& w) {
      return w.position > applied && w.deadline > now;
    });
    for (auto it = still_waiting; it != waiters_.end(); ++it)
      due.emplace_back(std::move(it->proceed), it->position <= applied);
    waiters_.erase(still_waiting, waiters_.end());
    lock.unlock();
    for (auto& [proceed, reached] : due) release(proceed, reached);
    lock.lock();
  }
  std::vector<Waiter> left = std::move(waiters_);
  waiters_.clear();
  lock.unlock();
  for (Waiter& waiter : left) release(waiter.proceed, false);
}

}  // namespace closient::http
