#include "tools/accountd/service_wiring.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "domain/event_types.h"
#include "projections/replay.h"
#include "projections/snapshot_files.h"

namespace closient {
namespace {

// Snapshot notes: one structured line each on stderr, beside the access log.
std::string note_line(const std::string& message, const char* about = "state") {
  return nlohmann::json({{"event", about}, {"message", message}}).dump();
}

void note(const std::string& message) {
  std::fprintf(stderr, "%s\n", note_line(message).c_str());
}

// The event log's failed writes and recoveries (the disk's reasons are here,
// not in the answers clients get).
void log_note(const std::string& message) {
  std::fprintf(stderr, "%s\n", note_line(message, "event_log").c_str());
}

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<ServiceWiring>> ServiceWiring::open(const std::string& store,
                                                           const std::string& data_dir,
                                                           Durability durability,
                                                           SnapshotterOptions snapshots,
                                                           std::shared_ptr<FaultSwitch> faults) {
  StoreOptions options;
  options.durability = durability;
  options.catalog = &domain_event_catalog();
  options.follow = true;  // a shared store: other nodes' commits reach the state
  options.faults = std::move(faults);
  options.note = log_note;
  Result<std::unique_ptr<EventStore>> log = open_event_store(store, options);
  if (!log.ok()) return log.error();

  std::unique_ptr<ServiceWiring> wiring(new ServiceWiring());
  wiring->log_ = std::move(*log);
  EventStore& events = *wiring->log_;
  wiring->snapshot_files_ = std::make_unique<SnapshotFiles>(data_dir);
  // On a shared store, the snapshots of every node too: a node with an empty
  // data directory starts from the newest of them.
  SnapshotStore* shared = events.shared_snapshots();
  std::vector<std::string>& notes = wiring->startup_notes_;
  auto keep = [&notes](const std::string& message) { notes.push_back(note_line(message)); };
  Result<LoadedState> loaded =
      load_serving_state(events, {wiring->snapshot_files_.get(), shared}, keep);
  if (!loaded.ok()) return loaded.error();
  keep(fmt::format("serving state at position {}: snapshot {} + {} events replayed in {:.3f} s",
                   loaded->state->position(), loaded->snapshot_position, loaded->replay.events,
                   loaded->replay.seconds));
  // Which of the node's files or the shared rows it was.
  if (shared && !loaded->snapshot_name.empty()) keep("started from " + loaded->snapshot_name);
  if (loaded->replay.apply_errors > 0) {
    keep(fmt::format("{} events could not be applied; run accountctl verify",
                     loaded->replay.apply_errors));
  }
  // A start that replayed much writes a snapshot at once, so the next one does not.
  const uint64_t snapshot_position =
      loaded->replay.events >= snapshots.every_events ? 0 : loaded->snapshot_position;
  const bool stale = loaded->stale;
  wiring->state_ = std::make_unique<LiveState>(std::move(loaded->state));
  wiring->barrier_ = std::make_unique<http::PositionBarrier>(
      [state = wiring->state_.get()] { return state->position(); });
  events.set_commit_observer([apply = wiring->state_->observer(), barrier = wiring->barrier_.get()](
                                 const std::vector<EventEnvelope>& committed) {
    apply(committed);
    barrier->advanced();
  });
  std::vector<SnapshotStore*> snapshot_stores = {wiring->snapshot_files_.get()};
  if (shared) snapshot_stores.push_back(shared);
  wiring->snapshotter_ = std::make_unique<Snapshotter>(*wiring->state_, std::move(snapshot_stores),
                                                       snapshot_position, snapshots, note);
  wiring->snapshotter_->start();
  if (stale) {
    // The old state serves while the new one is built beside it.
    ServiceWiring* raw = wiring.get();
    wiring->rebuilder_ = std::thread([raw] {
      const auto started = std::chrono::steady_clock::now();
      Status rebuilt = rebuild_online(*raw->state_, *raw->log_);
      if (!rebuilt.ok()) {
        note("online rebuild failed: " + rebuilt.error().detail + "; still serving the old state");
        return;
      }
      note(fmt::format(
          "online rebuild switched to a fresh state at position {} after {:.3f} s",
          raw->state_->position(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
      Status written = raw->snapshotter_->snapshot_now(/*even_if_unchanged=*/true);
      if (!written.ok())
        note("snapshot after the online rebuild failed: " + written.error().detail);
    });
  }

  wiring->key_usage_ = std::make_unique<KeyUsageTracker>(events);
  wiring->key_usage_->start();
  wiring->pipeline_ =
      std::make_unique<WritePipeline>(events, *wiring->state_, wiring->random_, system_now_ms);
  wiring->authenticator_ =
      std::make_unique<Authenticator>(*wiring->state_, wiring->key_usage_.get());
  wiring->queries_ =
      std::make_unique<AccountQueries>(*wiring->state_, events, wiring->key_usage_.get());
  wiring->gate_ = std::make_unique<http::AuthenticationGate>(
      *wiring->authenticator_, wiring->rate_limiter_, wiring->failed_limiter_);
  if (events.shared()) {
    // Each node admits its share of a client's quota (see RateLimiter::share_among).
    wiring->node_count_ = std::make_unique<http::NodeCountCache>(
        [&events] { return static_cast<uint64_t>(events.live_nodes()); }, std::chrono::seconds(2));
    wiring->rate_limiter_.share_among([count = wiring->node_count_.get()] { return count->get(); });
  }
  wiring->idempotency_ = std::make_unique<http::IdempotencyStore>(events);
  wiring->sender_ = std::make_unique<http::SendQueue>();
  wiring->service_ = std::make_unique<http::AccountService>(http::AccountServiceParts{
      wiring->queries_.get(), wiring->pipeline_.get(), wiring->key_usage_.get(),
      wiring->gate_.get(), wiring->idempotency_.get(), wiring->sender_.get()});
  return wiring;
}

ServiceWiring::~ServiceWiring() {
  if (rebuilder_.joinable()) rebuilder_.join();
  stop_writes();
  sender_.reset();  // sends what the pipeline answered last
  if (snapshotter_) snapshotter_->stop();
  if (key_usage_) key_usage_->stop();
  if (log_) log_->set_commit_observer(nullptr);
}

Result<std::optional<std::string>> ServiceWiring::bootstrap_demo_if_empty() {
  if (log_->last_position() != 0) return std::optional<std::string>{};
  auto by_operator = [this](Command command) {
    return pipeline_->execute(
        CommandRequest{std::move(command), std::nullopt, "accountd", "bootstrap-demo"});
  };
  BootstrapUser user;
  user.email = "demo@example.com";
  user.name = "Demo Owner";
  Result<CommandOutcome> created = by_operator(user);
  if (!created.ok()) return created.error();
  const std::string user_id = created->decision.entity_id;

  // Creating an organization and a csu key are a user's acts: the operator lends
  // the new user a one-minute token for them and revokes it right after, so the
  // log says exactly who did what.
  IssueToken issue;
  issue.user_id = user_id;
  issue.expires_at_ms = system_now_ms() + 60 * 1000;
  Result<CommandOutcome> token = by_operator(issue);
  if (!token.ok()) return token.error();
  const std::string token_id = token->decision.entity_id;
  Caller as_user = Caller::token(token_id, user_id);

  CreateOrganization org;
  org.name = "Demo Organization";
  org.country = "US";
  Result<CommandOutcome> made_org =
      pipeline_->execute(CommandRequest{org, as_user, {}, "bootstrap-demo"});
  CreateUserApiKey key;
  key.name = "demo";
  key.description = "created by accountd --bootstrap-demo";
  key.role = KeyRole::manager;
  Result<CommandOutcome> made_key =
      made_org.ok() ? pipeline_->execute(CommandRequest{key, as_user, {}, "bootstrap-demo"})
                    : made_org;
  Result<CommandOutcome> revoked = by_operator(RevokeToken{user_id, token_id});
  if (!made_key.ok()) return made_key.error();
  if (!revoked.ok()) return revoked.error();
  return std::optional<std::string>{made_key->decision.secret};
}

uint64_t ServiceWiring::applied_position() const {
  return state_->position();
}

void ServiceWiring::stop_writes() {
  if (pipeline_) pipeline_->stop();
}

Status ServiceWiring::bind_routes(http::Dispatcher& dispatcher) {
  return service_->bind_routes(dispatcher);
}

http::RateLimitWindowView ServiceWiring::rate_limit_window() const {
  const http::AuthenticationGate* gate = gate_.get();
  return [gate](const http::PresentedCredentials& presented, std::string_view remote_address,
                int64_t now_ms) { return gate->window_headers(presented, remote_address, now_ms); };
}

void ServiceWiring::register_metrics(http::MetricsRegistry& registry) {
  EventStore* log = log_.get();
  WritePipeline* pipeline = pipeline_.get();
  auto append_stat = [log](uint64_t AppendStats::*field) {
    return [log, field] { return static_cast<double>(log->stats().*field); };
  };
  registry.counter_function("account_log_appends_total", "Appends committed to the event log.",
                            append_stat(&AppendStats::appends));
  registry.counter_function("account_log_events_total", "Events committed to the event log.",
                            append_stat(&AppendStats::events));
  registry.counter_function("account_log_rejected_total",
                            "Appends refused (version conflict, invalid, projection error).",
                            append_stat(&AppendStats::rejected));
  registry.counter_function("account_log_batches_total", "WriteBatches written (one per group).",
                            append_stat(&AppendStats::batches));
  registry.counter_function("account_log_fsyncs_total", "Batches synced to disk.",
                            append_stat(&AppendStats::syncs));
  registry.counter_function("account_log_write_failures_total", "Batches whose write failed.",
                            append_stat(&AppendStats::write_failures));
  registry.counter_function("account_log_failed_total",
                            "Appends lost to a failing disk (answered service_unavailable).",
                            append_stat(&AppendStats::failed));
  registry.gauge_function(
      "account_log_writable",
      "1 when the event store takes writes now (RocksDB: 0 from a failed write "
      "until the disk works again, checked every 0.5 to 8 s and at each write).",
      [log] { return log->writable() ? 1.0 : 0.0; });
  registry.counter_function("account_log_batch_requests_sum",
                            "Appends per batch, summed (divide by batches for the mean).",
                            append_stat(&AppendStats::group_size_sum));
  for (size_t i = 0; i < AppendStats::kGroupSizeBounds.size() + 1; ++i) {
    std::string bound = i < AppendStats::kGroupSizeBounds.size()
                            ? std::to_string(AppendStats::kGroupSizeBounds[i])
                            : "+Inf";
    // Cumulative, as the `le` label means in Prometheus: batches of at most `le` appends.
    registry.counter_function("account_log_batches_by_size_total",
                              "Batches of at most le appends (cumulative).",
                              [log, i] {
                                const AppendStats stats = log->stats();
                                uint64_t at_most = 0;
                                for (size_t b = 0; b <= i; ++b)
                                  at_most += stats.group_size_buckets[b];
                                return static_cast<double>(at_most);
                              },
                              {{"le", bound}});
  }
  registry.gauge_function("account_log_last_position", "Global position of the last event.",
                          [log] { return static_cast<double>(log->last_position()); });
  LiveState* state = state_.get();
  registry.gauge_function("account_state_position",
                          "Log position the in-memory serving state reflects.",
                          [state] { return static_cast<double>(state->position()); });
  registry.counter_function("account_state_apply_errors_total",
                            "Events the serving state could not apply (see accountctl verify).",
                            [state] { return static_cast<double>(state->apply_errors()); });
  Snapshotter* snapshotter = snapshotter_.get();
  registry.gauge_function(
      "account_snapshot_position", "Log position of the newest snapshot.",
      [snapshotter] { return static_cast<double>(snapshotter->last_position()); });
  registry.counter_function("account_commands_total", "Commands answered by the write pipeline.",
                            [pipeline] { return static_cast<double>(pipeline->stats().commands); });
  registry.counter_function(
      "account_commands_committed_total", "Commands whose events are in the log.",
      [pipeline] { return static_cast<double>(pipeline->stats().committed_commands); });
  registry.gauge_function(
      "account_command_queue_depth", "Commands waiting for the writer.",
      [pipeline] { return static_cast<double>(pipeline->stats().queue_depth); });
  registry.gauge_function(
      "account_command_group_size_max", "Largest group of commands decided together.",
      [pipeline] { return static_cast<double>(pipeline->stats().group_size_max); });
}

}  // namespace closient
