// The hand-off between the threads that submit commands and the pipeline's
// single writer. The writer takes everything waiting at once: that is what
// lets one append (and one sync) serve a whole group of commands.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "projections/write_command.h"

namespace closient {

struct QueuedCommand {
  CommandRequest request;
  CommandCallback done;
  int attempts = 0;  // groups it has already been decided in
};

class CommandQueue {
 public:
  enum class Push { queued, closed, full };

  // max_depth 0: unbounded.
  explicit CommandQueue(size_t max_depth) : max_depth_(max_depth) {}

  // Moves `command` in only when the answer is `queued`; otherwise the caller
  // still owns it and answers it.
  Push push(QueuedCommand& command);
  // Commands to decide again, ahead of everything else and in their order.
  // Accepted even when closed: they were admitted before the close.
  void push_front(std::vector<QueuedCommand> commands);
  // Blocks until commands wait or the queue is closed; returns at most `max`
  // of them, oldest first. Empty only when closed and drained.
  std::vector<QueuedCommand> take(size_t max);
  // Refuses further pushes; what is queued is still taken.
  void close();
  size_t depth() const;

 private:
  const size_t max_depth_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<QueuedCommand> commands_;
  bool closed_ = false;
};

}  // namespace closient
