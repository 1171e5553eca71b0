#include "tools/accountd/service_wiring.h"

#include <chrono>

#include "projections/catch_up.h"
#include "projections/core_projector.h"

namespace closient {
namespace {

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<ServiceWiring>> ServiceWiring::open(const std::string& data_dir,
                                                           Durability durability) {
  LogOptions options;
  options.durability = durability;
  Result<std::unique_ptr<RocksEventLog>> log = RocksEventLog::open(data_dir, options);
  if (!log.ok()) return log.error();

  std::unique_ptr<ServiceWiring> wiring(new ServiceWiring());
  wiring->log_ = std::move(*log);
  RocksEventLog& events = *wiring->log_;
  install_core_projector(events);
  // After an upgrade that changes a projection, or a crash of an older version,
  // the read models are rebuilt from the log before the first request.
  Status current = ensure_read_models_current(events);
  if (!current.ok()) return current.error();

  wiring->key_usage_ = std::make_unique<KeyUsageTracker>(events);
  wiring->key_usage_->start();
  wiring->pipeline_ =
      std::make_unique<WritePipeline>(events, events, wiring->random_, system_now_ms);
  wiring->authenticator_ = std::make_unique<Authenticator>(events, wiring->key_usage_.get());
  wiring->queries_ = std::make_unique<AccountQueries>(events, events, wiring->key_usage_.get());
  wiring->gate_ = std::make_unique<http::AuthenticationGate>(
      *wiring->authenticator_, wiring->rate_limiter_, wiring->failed_limiter_);
  wiring->idempotency_ = std::make_unique<http::IdempotencyStore>(events);
  wiring->service_ = std::make_unique<http::AccountService>(http::AccountServiceParts{
      wiring->queries_.get(), wiring->pipeline_.get(), wiring->key_usage_.get(),
      wiring->gate_.get(), wiring->idempotency_.get()});
  return wiring;
}

ServiceWiring::~ServiceWiring() {
  stop_writes();
  if (key_usage_) key_usage_->stop();
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
  RocksEventLog* log = log_.get();
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
