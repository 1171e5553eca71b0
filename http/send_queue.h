// A thread that sends answers for threads that must not spend their time on it.
//
// The write pipeline's thread renders each answer (it holds the states the
// answer reads, and lets them go before the next group so that group can
// evolve them without a copy), then hands the sending here: the reply's chain
// (rate-limit headers, the stored Idempotency-Key answer, the access line,
// metrics, the response's bytes) runs beside the next group instead of before
// it. Tasks run in the order posted; the destructor runs what is left, then
// joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace closient::http {

class SendQueue {
 public:
  SendQueue();
  ~SendQueue();
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  void post(std::function<void()> task);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace closient::http
