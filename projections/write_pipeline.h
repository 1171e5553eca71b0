// The write pipeline: every command of the service goes through here.
//
//   submit → queue → writer thread: take every waiting command (group commit),
//   decide each in order against cached aggregate states plus the events of the
//   commands before it → one EventLog::append_all (one batch, one sync) →
//   answer each command.
//
// One writer thread serializes all commands, so no update is ever lost and the
// rules that span a whole aggregate (an organization keeps an owner, an email
// belongs to one user) hold under any concurrency; the expected versions in
// every append guard against anything else writing to the log. Submitting
// never blocks on the disk: HTTP I/O threads hand the command over and answer
// from the callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "domain/random_source.h"
#include "events/event_log.h"
#include "events/result.h"
#include "projections/aggregate_cache.h"
#include "projections/live_state.h"
#include "projections/write_command.h"
#include "projections/write_queue.h"

namespace closient {

struct WritePipelineOptions {
  size_t max_group_commands = 1024;  // commands decided and appended together, at most
  size_t max_queue_depth = 100000;   // beyond it submit answers service_unavailable; 0 = no cap
  size_t max_cached_organizations =
      1000;  // the serving state holds them all; this is the writer's hot set
  size_t max_cached_users = 10000;
  // Groups a command may be decided in when an earlier command of its group
  // failed under it (or its cached state was stale) before it gives up with
  // service_unavailable.
  int max_attempts = 3;
};

// Totals since construction, for metrics.
struct WritePipelineStats {
  uint64_t commands = 0;            // answered, whatever the answer
  uint64_t committed_commands = 0;  // whose events are in the log
  uint64_t retried_commands = 0;    // decided again in a later group
  uint64_t groups = 0;              // groups decided (the count of group sizes)
  uint64_t group_size_sum = 0;      // commands per group, summed
  uint64_t group_size_max = 0;
  uint64_t batches = 0;      // append_all calls: at most one per group
  uint64_t queue_depth = 0;  // commands waiting now
  AggregateCacheStats cache;
};

class WritePipeline {
 public:
  using Clock = std::function<int64_t()>;  // Unix time in milliseconds

  // Starts the writer thread. Every reference must outlive the pipeline; the
  // random source and the clock are used on the writer thread only.
  WritePipeline(EventLog& log, const LiveState& state, RandomSource& random, Clock clock,
                WritePipelineOptions options = {});
  // stop(), then gone.
  ~WritePipeline();
  WritePipeline(const WritePipeline&) = delete;
  WritePipeline& operator=(const WritePipeline&) = delete;

  // Queues the command; `done` is called exactly once, on the writer thread,
  // once the command's group is durable (or has failed). From any thread. When
  // the pipeline is stopped or its queue full, `done` is called right away, on
  // the calling thread, with service_unavailable.
  void submit(CommandRequest request, CommandCallback done);

  // submit and wait for the answer: for tools and tests. Never call it from a
  // callback (it would wait for the thread it runs on; it answers internal_error).
  Result<CommandOutcome> execute(CommandRequest request);

  // Refuses new commands, decides and answers every command already queued,
  // then joins the writer. Idempotent. From a callback it only refuses new
  // commands (the destructor, never run from a callback, joins).
  void stop();

  WritePipelineStats stats() const;

 private:
  void run_writer();
  void process_group(std::vector<QueuedCommand> commands);
  void record_group(size_t size, bool appended, uint64_t committed, size_t retried,
                    size_t answered);

  EventLog& log_;
  const LiveState& state_;
  RandomSource& random_;
  const Clock clock_;
  const WritePipelineOptions options_;
  AggregateCache cache_;  // writer thread only
  CommandQueue queue_;

  mutable std::mutex stats_mutex_;
  WritePipelineStats stats_;
  AggregateCacheStats cache_stats_;  // copied from cache_ after each group

  std::mutex stop_mutex_;
  std::thread writer_;  // last: starts once everything above exists
};

}  // namespace closient
