// The event log and the read-model store on one RocksDB database.
//
// A single writer thread owns position and version assignment. append() and
// append_all() queue their requests and wait; the writer takes everything
// queued, checks expected versions in order (an earlier append of the same
// group counts), runs the projection hooks into the same WriteBatch, writes the
// batch once (synced when durability is `always`) and answers every waiter.
// See events/FORMAT.md for the layout on disk.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "events/append_queue.h"
#include "events/append_stats.h"
#include "events/event_log.h"
#include "events/read_model_store.h"
#include "events/rocks_store.h"

namespace rocksdb {
class WriteBatchWithIndex;
}

namespace closient {

class RocksBatchWriter;

struct LogOptions {
  OpenMode mode = OpenMode::read_write;
  Durability durability = Durability::always;
  // At most this many requests go into one batch; more wait for the next one.
  size_t max_group_requests = 4096;
  // Tests only: asked before each batch write; true makes that write fail as
  // a failing disk would.
  std::function<bool()> fail_write_for_testing;
};

class RocksEventLog : public EventLog, public ReadModelStore {
 public:
  static Result<std::unique_ptr<RocksEventLog>> open(const std::string& dir,
                                                     LogOptions options = {});
  // Answers every queued append, stops the writer, closes the database.
  // Every ReadModelRebuild must be gone by then.
  ~RocksEventLog() override;

  // EventLog
  Result<AppendResult> append(AppendRequest request) override;
  std::vector<Result<AppendResult>> append_all(std::vector<AppendRequest> requests) override;
  Result<std::vector<EventEnvelope>> read_stream(const std::string& stream,
                                                 uint64_t from_version = 1) override;
  Result<uint64_t> stream_version(const std::string& stream) override;
  Status scan(const ReadFilter& filter,
              const std::function<bool(const EventEnvelope&)>& visit) override;
  uint64_t last_position() override;
  ChainReport verify_chain() override;
  void set_projection_hook(ProjectionHook hook) override;

  // ReadModelStore. get() answers nullopt when the read fails.
  std::optional<std::string> get(const std::string& key) override;
  Status scan(const std::string& prefix, const std::string& start,
              const KeyValueVisitor& visit) override;
  std::optional<std::string> side_get(const std::string& space, const std::string& key) override;
  Status side_put(const std::string& space,
                  const std::vector<std::pair<std::string, std::string>>& entries) override;
  Status side_scan(const std::string& space, const std::string& prefix, const std::string& start,
                   const KeyValueVisitor& visit) override;
  Status side_erase(const std::string& space, const std::vector<std::string>& keys) override;

  // A fresh read-model space to fill; one rebuild at a time. On commit, the
  // events appended after the rebuild's applied position are replayed through
  // the global projection hook (one event per call) before the switch, so the
  // new space misses nothing. The rebuild must be destroyed before the log.
  Result<std::unique_ptr<ReadModelRebuild>> begin_rebuild();
  // The position the live read models reflect (kept with every append while a
  // global projection hook is installed, and set by a rebuild's commit).
  Result<uint64_t> read_models_applied_position();

  // Checkpoints of asynchronous projections (not synced; replay is idempotent).
  Result<uint64_t> checkpoint(const std::string& projection);
  Status save_checkpoint(const std::string& projection, uint64_t position);

  // Blocks until the log passes `after_position` or `timeout` elapses; returns
  // the last position. For live tails and asynchronous projections. In the
  // reading modes it answers at once (follow with catch_up() and polling).
  uint64_t wait_for_append(uint64_t after_position, std::chrono::milliseconds timeout);

  // Secondary mode: see what the read-write process committed since. Other modes: no-op.
  Status catch_up();

  AppendStats stats() const;
  Durability durability() const { return options_.durability; }
  OpenMode mode() const { return options_.mode; }
  uint64_t read_model_generation() const { return store_->read_model_generation(); }

 private:
  friend class RocksReadModelRebuild;
  struct GroupState;

  RocksEventLog(std::unique_ptr<RocksStore> store, LogOptions options);
  Status load_writer_state();
  Result<uint64_t> load_stream_version(const std::string& stream);

  // Writer thread.
  void run_writer();
  void commit_group(std::vector<std::unique_ptr<AppendTicket>>& tickets);
  Result<AppendResult> stage_append(AppendRequest& request, GroupState& group,
                                    rocksdb::WriteBatchWithIndex& batch, RocksBatchWriter& writer,
                                    const ProjectionHook& global);
  Result<uint64_t> version_in_group(const std::string& stream, GroupState& group);

  // Runs `task` on the writer thread between groups and returns its Status.
  Status run_on_writer(std::function<Status()> task);
  ProjectionHook global_hook() const;
  Status refuse_unless_writable() const;

  std::unique_ptr<RocksStore> store_;
  LogOptions options_;
  AppendQueue queue_;
  std::thread writer_;

  mutable std::mutex hook_mutex_;
  ProjectionHook hook_;

  // Owned by the writer thread; last_position_ is also read by others.
  std::atomic<uint64_t> last_position_{0};
  std::string last_hash_;
  bool writer_state_valid_ = false;
  std::unordered_map<std::string, uint64_t> stream_versions_;  // committed, cached

  mutable std::mutex stats_mutex_;
  AppendStats stats_;

  std::mutex tail_mutex_;
  std::condition_variable tail_advanced_;

  std::atomic<bool> rebuild_in_progress_{false};
};

}  // namespace closient
