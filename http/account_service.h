// The Account API's operations bound to the dispatcher. Handlers stay thin:
// pass the authentication gate → read the request → run a query (on the I/O
// thread) or submit a command (answered from the writer after its fsync) → map
// the result onto the answer.
#pragma once

#include "events/event_log.h"
#include "http/authentication_gate.h"
#include "http/dispatcher.h"
#include "http/idempotency.h"
#include "http/send_queue.h"
#include "projections/key_usage_tracker.h"
#include "projections/queries.h"
#include "projections/write_pipeline.h"

namespace closient::http {

struct AccountServiceParts {
  AccountQueries* queries = nullptr;
  WritePipeline* pipeline = nullptr;
  KeyUsageTracker* key_usage = nullptr;  // optional: fresh last_used in write answers
  const AuthenticationGate* gate = nullptr;
  IdempotencyStore* idempotency = nullptr;  // optional: Idempotency-Key support
  // optional: where write answers are sent from (else the pipeline's thread).
  SendQueue* sender = nullptr;
};

class AccountService {
 public:
  explicit AccountService(AccountServiceParts parts) : parts_(parts) {}

  // Binds every operation of the contract's §4 table except the system routes.
  Status bind_routes(Dispatcher& dispatcher);

 private:
  void bind_queries(Dispatcher& dispatcher, Status& status);
  void bind_commands(Dispatcher& dispatcher, Status& status);
  void run_command(const RequestContext& context, const Reply& reply);

  AccountServiceParts parts_;
};

}  // namespace closient::http
