// The event log and its side data on one RocksDB database.
//
// A single writer thread owns position and version assignment. append() and
// append_all() queue their requests and wait; the writer takes everything
// queued, checks expected versions in order (an earlier append of the same
// group counts), stages the events in one WriteBatch, writes it once (synced
// when durability is `always`), tells the commit observer, and answers every
// waiter. The read models are not here: they live in memory, fed by the commit
// observer (projections/live_state.h). See events/FORMAT.md for the layout.
//
// A write that fails (a failing disk) fails every append of its group with
// service_unavailable and is never observed. The writer then recovers, before
// its next group or within half a second when idle: it probes the disk and,
// once it takes writes again, reopens the database with the failed batch cut
// off the write-ahead log and reloads its state from what is on disk
// (RocksStore::reopen_after_failed_write). Until then every group fails at
// once; reads go on.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "events/append_queue.h"
#include "events/append_stats.h"
#include "events/catalog.h"
#include "events/event_store.h"
#include "events/rocks_store.h"

namespace rocksdb {
class WriteBatch;
}

namespace closient {

class FaultSwitch;

struct LogOptions {
  OpenMode mode = OpenMode::read_write;
  Durability durability = Durability::always;
  // At most this many requests go into one batch; more wait for the next one.
  size_t max_group_requests = 4096;
  // Tests only (and accountd's test-only ACCOUNTD_TEST_FAULT_FILE): a file
  // system that fails writes, syncs, space or new files on demand under the
  // database (events/fault_injection.h).
  std::shared_ptr<FaultSwitch> faults;
  // For the operator, on the writer thread: one line when a write fails (with
  // RocksDB's reason, which appenders are not shown) and when writes resume.
  std::function<void(const std::string&)> note;
  // Stored events older than their type's current schema are upcast through
  // this catalog on the way out of every read (streams and scans), so no
  // reader ever sees an old schema. Null: events are returned as stored.
  const EventCatalog* catalog = nullptr;
};

class RocksEventLog : public EventStore {
 public:
  static Result<std::unique_ptr<RocksEventLog>> open(const std::string& dir,
                                                     LogOptions options = {});
  // Answers every queued append, stops the writer, closes the database.
  ~RocksEventLog() override;

  // EventLog
  std::vector<Result<AppendResult>> append_all(std::vector<AppendRequest> requests) override;
  Result<std::vector<EventEnvelope>> read_stream(const std::string& stream,
                                                 uint64_t from_version = 1) override;
  Result<uint64_t> stream_version(const std::string& stream) override;
  Status scan(const ReadFilter& filter, const std::function<bool(EventEnvelope&)>& visit) override;
  uint64_t last_position() override;
  ChainReport verify_chain() override;
  void set_commit_observer(CommitObserver observer) override;
  // False in the reading modes, and from a failed write (or side write) until
  // the writer has recovered from it.
  bool writable() override;

  // SideDataStore
  std::optional<std::string> side_get(const std::string& space, const std::string& key) override;
  Status side_put(const std::string& space,
                  const std::vector<std::pair<std::string, std::string>>& entries) override;
  Status side_scan(const std::string& space, const std::string& prefix, const std::string& start,
                   const KeyValueVisitor& visit) override;
  Status side_erase(const std::string& space, const std::vector<std::string>& keys) override;

  // Blocks until the log passes `after_position` or `timeout` elapses; returns
  // the last position. For live tails in the serving process. In the
  // reading modes it answers at once (follow with catch_up() and polling).
  uint64_t wait_for_append(uint64_t after_position, std::chrono::milliseconds timeout) override;

  // Secondary mode: see what the read-write process committed since. Other modes: no-op.
  Status catch_up() override;

  // EventStore
  std::string describe() const override;
  AppendStats stats() const override;
  OpenMode mode() const override { return options_.mode; }
  Durability durability() const { return options_.durability; }

 private:
  struct GroupState;

  RocksEventLog(std::unique_ptr<RocksStore> store, LogOptions options);
  Status load_writer_state();
  Result<uint64_t> load_stream_version(const std::string& stream);

  // Writer thread.
  void run_writer();
  void commit_group(std::vector<std::unique_ptr<AppendTicket>>& tickets);
  Result<AppendResult> stage_append(AppendRequest& request, GroupState& group,
                                    rocksdb::WriteBatch& batch);
  Result<uint64_t> version_in_group(const std::string& stream, GroupState& group);
  // Before each group, and while idle when owes_recovery(): recovers from a
  // failed write (or side write) if one happened; OK when writes can go on.
  Status ready_for_group();
  bool owes_recovery() const;
  // After a failed write: probes the disk, reopens the database with the
  // failed batch cut off the WAL, reloads the writer's state.
  Status recover_from_failed_write();
  void tell(const std::string& line) const;  // LogOptions::note, if any

  Status refuse_unless_writable() const;

  std::unique_ptr<RocksStore> store_;
  LogOptions options_;
  AppendQueue queue_;
  std::thread writer_;

  mutable std::mutex observer_mutex_;
  CommitObserver observer_;

  // Upcasts per options_.catalog; an event that cannot be upcast is an error.
  Result<EventEnvelope> as_current(EventEnvelope event) const;

  // Owned by the writer thread; last_position_ is also read by others.
  std::atomic<uint64_t> last_position_{0};
  std::string last_hash_;
  bool writer_state_valid_ = false;
  std::unordered_map<std::string, uint64_t> stream_versions_;  // committed, cached
  // Set by a failed write: the WAL sizes from before it.
  std::optional<WalSizes> recovery_point_;
  // Set by a failed side write (any thread): RocksDB refuses writes after it
  // too, so the writer recovers before its next group.
  std::atomic<bool> side_write_failed_{false};
  std::string refusal_told_;             // the last reason LogOptions::note was given
  std::atomic<bool> recovering_{false};  // not recovered from a failed write yet (writable())

  mutable std::mutex stats_mutex_;
  AppendStats stats_;

  std::mutex tail_mutex_;
  std::condition_variable tail_advanced_;
};

}  // namespace closient
