// Everything behind accountd's API routes, built in dependency order on one data
// directory: the event log, the serving state loaded from the newest valid
// snapshot plus the log after it (and kept in step with every commit), the
// snapshotter, the write pipeline, authentication, rate limits, queries and
// idempotency.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "domain/openssl_random.h"
#include "events/event_store.h"
#include "http/account_service.h"
#include "http/metrics.h"
#include "http/node_count_cache.h"
#include "http/position_barrier.h"
#include "projections/authenticator.h"
#include "projections/key_usage_tracker.h"
#include "projections/live_state.h"
#include "projections/queries.h"
#include "projections/snapshot_files.h"
#include "projections/snapshotter.h"
#include "projections/write_pipeline.h"

namespace closient {

class ServiceWiring {
 public:
  // Opens (creating if needed) the event store in `store` (a data directory,
  // or a postgresql:// URI shared with other nodes), with snapshots in
  // `data_dir` (and, on a shared store, in the store too); one line of error
  // when it cannot, e.g. because another process holds the directory, its disk
  // fails or the server cannot be reached.
  // `faults` (tests only, RocksDB) puts a fault-injecting file system under the log.
  static Result<std::unique_ptr<ServiceWiring>> open(const std::string& store,
                                                     const std::string& data_dir,
                                                     Durability durability,
                                                     SnapshotterOptions snapshots = {},
                                                     std::shared_ptr<FaultSwitch> faults = nullptr);
  // Stops the pipeline (answering what is queued), writes a last snapshot,
  // flushes last_used, closes the log.
  ~ServiceWiring();

  Status bind_routes(http::Dispatcher& dispatcher);
  // The rate-limit headers of answers that do not pass the authentication gate
  // (for DispatcherOptions::rate_limit_window); valid while this object lives.
  http::RateLimitWindowView rate_limit_window() const;
  // Exposes appends, fsyncs, batch sizes and pipeline figures at scrape time.
  void register_metrics(http::MetricsRegistry& registry);
  // On a data directory with no events yet: a demo owner (demo@example.com), their
  // organization and a csu key with role manager, made through the same commands
  // an operator would use. Answers the raw key (shown once), or nullopt when the
  // log already holds events.
  Result<std::optional<std::string>> bootstrap_demo_if_empty();
  // Holds requests with X-Min-Position until the serving state has applied it
  // (for DispatcherOptions::position_barrier); valid while this object lives.
  http::PositionBarrier* position_barrier() { return barrier_.get(); }
  // For /readyz: whether writes can be taken now (the event store is reachable).
  bool ready() { return log_->writable(); }
  // Stops taking commands and answers those already queued. Idempotent.
  void stop_writes();
  // What the start did (snapshot used or refused, events replayed), one JSON
  // line each: printed once the server listens, so a start that fails says one line.
  const std::vector<std::string>& startup_notes() const { return startup_notes_; }
  // The event store (its writable(), live_nodes(), ...).
  EventStore& store() { return *log_; }
  // The log position the serving state reflects (what the commit observer
  // has applied, whoever appended it).
  uint64_t applied_position() const;

 private:
  ServiceWiring() = default;

  std::unique_ptr<EventStore> log_;
  std::unique_ptr<SnapshotFiles> snapshot_files_;
  std::unique_ptr<LiveState> state_;
  std::unique_ptr<http::PositionBarrier> barrier_;  // told after every apply
  std::unique_ptr<Snapshotter> snapshotter_;
  OpenSslRandom random_;
  std::unique_ptr<KeyUsageTracker> key_usage_;
  std::unique_ptr<WritePipeline> pipeline_;
  // Sends the pipeline's answers; emptied (reset) right after the pipeline
  // stops, while everything its tasks use still exists.
  std::unique_ptr<http::SendQueue> sender_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<AccountQueries> queries_;
  std::unique_ptr<http::NodeCountCache> node_count_;  // shared stores only
  http::RateLimiter rate_limiter_;
  http::FailedAuthenticationLimiter failed_limiter_;
  std::unique_ptr<http::AuthenticationGate> gate_;
  std::unique_ptr<http::IdempotencyStore> idempotency_;
  std::unique_ptr<http::AccountService> service_;
  std::vector<std::string> startup_notes_;
  std::thread rebuilder_;  // an online rebuild after a start from a stale snapshot
};

}  // namespace closient
