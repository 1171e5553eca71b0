#include "tools/accountctl/operator_session.h"

#include "domain/ids.h"
#include "domain/validation.h"
#include "projections/live_state.h"
#include "projections/write_pipeline.h"
#include "tools/accountctl/clock.h"
#include "tools/accountctl/serving.h"

namespace accountctl {
namespace {

using closient::Error;
using closient::ErrorCode;

// Long enough for the few commands run through it, short enough that a token
// whose revocation failed (a crash in between) soon stops working by itself.
constexpr int64_t kUserTokenLifetimeMs = 5 * 60 * 1000;

}  // namespace

closient::Result<std::unique_ptr<OperatorSession>> OperatorSession::open(const Context& context,
                                                                         bool create_if_missing) {
  std::unique_ptr<OperatorSession> session(new OperatorSession(context));
  auto writable = open_for_writing(context.store, create_if_missing);
  if (!writable.ok()) return writable.error();
  session->writable_ = std::move(writable).value();

  closient::EventStore& log = session->log();
  auto loaded = load_state(log, context.data_dir);
  if (!loaded.ok()) return loaded.error();
  session->state_ = std::make_unique<closient::LiveState>(std::move(loaded->state));
  log.set_commit_observer(session->state_->observer());
  session->pipeline_ = std::make_unique<closient::WritePipeline>(
      log, *session->state_, session->random_, [] { return now_ms(); });
  return session;
}

OperatorSession::~OperatorSession() {
  if (pipeline_) pipeline_->stop();
  if (writable_.log) writable_.log->set_commit_observer(nullptr);
}

closient::Result<closient::CommandOutcome> OperatorSession::execute(
    closient::Command command, std::optional<closient::Caller> caller) {
  closient::CommandRequest request;
  request.command = std::move(command);
  request.caller = std::move(caller);
  request.operator_name = context_.operator_name;
  request.request_id = context_.request_id;
  return pipeline_->execute(std::move(request));
}

closient::Result<closient::UserState> OperatorSession::user_by_email(const std::string& email) {
  auto normalized = closient::normalize_email(email);
  if (!normalized.ok()) return normalized.error();
  std::optional<std::string> user_id;
  {
    closient::LiveState::View state = state_->read();
    if (const closient::UserRecord* user = state->user_by_email(*normalized))
      user_id = closient::shortuuid_encode(user->id);
  }
  if (!user_id) return Error::make(ErrorCode::not_found, "no user with email " + *normalized);

  auto events = log().read_stream(closient::user_stream(*user_id));
  if (!events.ok()) return events.error();
  closient::UserState user;
  for (const auto& event : *events) {
    closient::Status applied = closient::evolve_checked(user, event);
    if (!applied.ok()) return applied.error();
  }
  if (!user.exists()) {
    return Error::make(ErrorCode::internal_error,
                       "the serving state names user " + *user_id + " for " + *normalized +
                           ", but the log has no such user; run accountctl verify");
  }
  return user;
}

closient::Status OperatorSession::as_user(
    const std::string& user_id,
    const std::function<closient::Status(const closient::Caller&)>& work) {
  closient::IssueToken issue;
  issue.user_id = user_id;
  issue.expires_at_ms = now_ms() + kUserTokenLifetimeMs;
  auto issued = execute(issue);
  if (!issued.ok()) return issued.error();
  const std::string token_id = issued->decision.entity_id;

  closient::Status worked = work(closient::Caller::token(token_id, user_id));

  closient::RevokeToken revoke;
  revoke.user_id = user_id;
  revoke.token_id = token_id;
  auto revoked = execute(revoke);
  if (!worked.ok()) return worked;
  if (!revoked.ok()) return revoked.error();
  return closient::ok_status();
}

}  // namespace accountctl
