// Everything behind accountd's API routes, built in dependency order on one data
// directory: the event log (with the core projector installed, so every append
// carries its read-model writes), the read models brought up to the log's head,
// the write pipeline, authentication, rate limits, queries and idempotency.
#pragma once

#include <memory>
#include <string>

#include "domain/openssl_random.h"
#include "events/rocks_event_log.h"
#include "http/account_service.h"
#include "http/metrics.h"
#include "projections/authenticator.h"
#include "projections/key_usage_tracker.h"
#include "projections/queries.h"
#include "projections/write_pipeline.h"

namespace closient {

class ServiceWiring {
 public:
  // Opens (creating if needed) the data directory; one line of error when it
  // cannot, e.g. because another process holds it.
  static Result<std::unique_ptr<ServiceWiring>> open(const std::string& data_dir,
                                                     Durability durability);
  // Stops the pipeline (answering what is queued), flushes last_used, closes the log.
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
  // Stops taking commands and answers those already queued. Idempotent.
  void stop_writes();

 private:
  ServiceWiring() = default;

  std::unique_ptr<RocksEventLog> log_;
  OpenSslRandom random_;
  std::unique_ptr<KeyUsageTracker> key_usage_;
  std::unique_ptr<WritePipeline> pipeline_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<AccountQueries> queries_;
  http::RateLimiter rate_limiter_;
  http::FailedAuthenticationLimiter failed_limiter_;
  std::unique_ptr<http::AuthenticationGate> gate_;
  std::unique_ptr<http::IdempotencyStore> idempotency_;
  std::unique_ptr<http::AccountService> service_;
};

}  // namespace closient
