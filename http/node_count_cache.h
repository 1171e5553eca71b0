// How many nodes share the event store, for the rate limiter, asked of the store
// at most once per `refresh` (the store answers with a query): every other
// caller gets the last answer at once. The request that finds the answer stale
// pays for the query; concurrent ones do not wait for it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace closient::http {

class NodeCountCache {
 public:
  NodeCountCache(std::function<uint64_t()> ask, std::chrono::milliseconds refresh)
      : ask_(std::move(ask)), refresh_(refresh) {}

  uint64_t get() {
    const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (now - asked_at_.load(std::memory_order_relaxed) >= refresh_ns() && mutex_.try_lock()) {
      std::lock_guard<std::mutex> held(mutex_, std::adopt_lock);
      if (now - asked_at_.load(std::memory_order_relaxed) >= refresh_ns()) {
        const uint64_t answer = ask_();
        // A store that cannot say (unreachable) keeps the last count.
        if (answer > 0) count_.store(answer, std::memory_order_relaxed);
        asked_at_.store(now, std::memory_order_relaxed);
      }
    }
    return count_.load(std::memory_order_relaxed);
  }

 private:
  int64_t refresh_ns() const {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(refresh_).count();
  }

  const std::function<uint64_t()> ask_;
  const std::chrono::milliseconds refresh_;
  std::mutex mutex_;
  std::atomic<int64_t> asked_at_{INT64_MIN / 2};
  std::atomic<uint64_t> count_{1};
};

}  // namespace closient::http
