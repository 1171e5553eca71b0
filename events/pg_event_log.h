// The event log and its side data on a PostgreSQL database that several
// processes (accountd nodes) share. Layout and guarantees: events/FORMAT.md,
// "The PostgreSQL store".
//
// Appends are serialized by the one row of log_head: the writer of a process
// takes it FOR UPDATE (begin_group), first hands the commit observer whatever
// other processes committed since it last looked, then inserts its group's
// events at the positions after the head, moves the head, NOTIFYs and commits
// (synchronously: durable before anyone is answered), and hands its own events
// to the observer. A tail thread LISTENs and polls for what others commit.
// Every delivery goes through one CommitDelivery: in order, gapless, once.
//
// Connections: one for the writer (used only under write_mutex_), one for the
// tail, a small pool for reads, side data and shared snapshots. A lost
// connection fails what was using it with service_unavailable and is made again
// on the next call.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "events/commit_delivery.h"
#include "events/event_store.h"
#include "events/pg_connection.h"
#include "events/pg_snapshot_store.h"

namespace closient {

struct PgOptions {
  // read_only and secondary: reads only; the schema must exist and be this build's.
  OpenMode mode = OpenMode::read_write;
  // never: commits do not wait for the WAL flush (synchronous_commit off).
  Durability durability = Durability::always;
  const EventCatalog* catalog = nullptr;
  // Run the tail thread (other processes' commits to the observer) and a
  // heartbeat in `nodes`.
  bool follow = true;
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds heartbeat_interval{2000};
  // A node that has not beaten for this long is not counted as live.
  std::chrono::milliseconds node_timeout{10000};
  // Writer session: how long to wait for the head row, and how long a hold
  // may sit idle before the server cuts it off.
  std::chrono::milliseconds lock_timeout{5000};
  std::chrono::milliseconds idle_in_transaction_timeout{30000};
  size_t read_connections = 4;
  // Tests only: asked before each commit; true makes it fail as a lost
  // server would (the transaction is rolled back).
  std::function<bool()> fail_commit_for_testing;
  // Tests only: asked after each commit that succeeded; true drops the writer's
  // connection as if the COMMIT's answer had been lost on the way back.
  std::function<bool()> lose_commit_answer_for_testing;
};

class PgEventLog : public EventStore {
 public:
  // Connects, creates or migrates the schema (read_write), starts the tail.
  static Result<std::unique_ptr<PgEventLog>> open(const std::string& uri, PgOptions options = {});
  // Stops the tail, leaves the nodes table, closes every connection.
  ~PgEventLog() override;

  // EventLog
  std::vector<Result<AppendResult>> append_all(std::vector<AppendRequest> requests) override;
  Result<std::vector<EventEnvelope>> read_stream(const std::string& stream,
                                                 uint64_t from_version = 1) override;
  Result<uint64_t> stream_version(const std::string& stream) override;
  Status scan(const ReadFilter& filter, const std::function<bool(EventEnvelope&)>& visit) override;
  uint64_t last_position() override;
  ChainReport verify_chain() override;
  void set_commit_observer(CommitObserver observer) override;
  Result<std::vector<std::string>> begin_group() override;
  void end_group() override;
  bool writable() override;

  // SideDataStore
  std::optional<std::string> side_get(const std::string& space, const std::string& key) override;
  Status side_put(const std::string& space,
                  const std::vector<std::pair<std::string, std::string>>& entries) override;
  Status side_scan(const std::string& space, const std::string& prefix, const std::string& start,
                   const KeyValueVisitor& visit) override;
  Status side_erase(const std::string& space, const std::vector<std::string>& keys) override;

  // EventStore
  std::string describe() const override;
  AppendStats stats() const override;
  uint64_t wait_for_append(uint64_t after_position, std::chrono::milliseconds timeout) override;
  OpenMode mode() const override { return options_.mode; }
  bool shared() const override { return true; }
  size_t live_nodes() override;
  SnapshotStore* shared_snapshots() override { return &snapshots_; }

  // The last position handed to the commit observer.
  uint64_t delivered_position() const { return delivery_->delivered(); }
  const std::string& node_id() const { return node_id_; }
  // Tests: the server process of the writer's connection (0 when none).
  int writer_backend_pid();

 private:
  PgEventLog(std::string uri, PgOptions options);

  // ---- Writer (pg_event_log_append.cc) ----
  struct Staged;
  // Under write_mutex_: BEGIN, lock the head, deliver what others committed.
  Status open_hold();
  Status catch_up_in_hold(uint64_t head);
  Result<PgConnection*> writer_connection();
  void abandon_hold(const Error& error);
  std::vector<Result<AppendResult>> append_in_hold(std::vector<AppendRequest>& requests);
  // The committed version of each of `streams` the group appends to, as far as
  // it must be known; `assumed_new` gets the streams taken to have no events
  // without asking (see append_in_hold).
  Status stream_versions(const std::vector<AppendRequest>& requests,
                         const std::vector<std::optional<Error>>& invalid,
                         std::unordered_map<std::string, uint64_t>* versions,
                         std::set<std::string>* assumed_new);
  // `commit_sent`: whether the failure came after the COMMIT was sent, so that
  // the group may have landed all the same.
  Status write_group(const Staged& staged, bool* commit_sent);
  // After a lost COMMIT: whether the group landed, from the command ledger,
  // asked on a fresh connection once the head row is free (the lost
  // transaction holds it until it has committed or aborted).
  Result<bool> group_landed(const std::string& group_id);
  std::string ledger_sweep_sql();
  void record(uint64_t requests, uint64_t accepted, uint64_t events, bool written);

  // ---- Reads (pg_event_log_reads.cc) ----
  Result<std::vector<EventEnvelope>> read_range(PgConnection& connection, uint64_t after,
                                                uint64_t through, size_t limit);

  // ---- Tail (pg_event_log_tail.cc) ----
  void run_tail();
  Status tail_once(PgConnection& connection);
  void heartbeat(PgConnection& connection);

  const std::string uri_;
  const PgOptions options_;
  const std::string node_id_;
  PgConnectionPool readers_;
  PgSnapshotStore snapshots_;  // on readers_' connections
  std::unique_ptr<CommitDelivery> delivery_;

  // The writer: write_mutex_ guards writer_, head_*; a hold keeps it locked
  // from begin_group() to append_all()/end_group() on the holding thread.
  std::mutex write_mutex_;
  std::unique_lock<std::mutex> hold_;
  std::atomic<std::thread::id> hold_owner_{};
  std::unique_ptr<PgConnection> writer_;
  uint64_t head_position_ = 0;
  std::string head_hash_;
  std::atomic<bool> writable_{true};
  std::atomic<int> writer_pid_{0};
  uint64_t groups_written_ = 0;  // names each group in the command ledger
  // Until then every stream's version is probed: a stream taken as new had
  // events after all (kProbeAfterCollision).
  std::chrono::steady_clock::time_point probe_every_stream_until_{};
  std::chrono::steady_clock::time_point next_ledger_sweep_{};

  mutable std::mutex stats_mutex_;
  AppendStats stats_;

  // The tail thread; stop_fd_ (an eventfd) wakes it to stop.
  std::thread tail_;
  std::atomic<bool> stopping_{false};
  int stop_fd_ = -1;
  std::mutex tail_problem_mutex_;
  std::string last_tail_problem_;
};

}  // namespace closient
