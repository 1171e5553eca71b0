// The write side of accountctl: the data directory claimed, the log open
// read-write, the serving state loaded as accountd loads it (and kept in step
// with every append, exactly as in the server), and the service's own write
// pipeline to run commands through.
// The operator never writes events by hand: every change is a domain command,
// decided by the same rules the HTTP API obeys.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "domain/caller.h"
#include "domain/commands.h"
#include "domain/openssl_random.h"
#include "domain/user.h"
#include "events/result.h"
#include "projections/write_command.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/data_dir.h"

namespace closient {
class WritePipeline;
class LiveState;
}  // namespace closient

namespace accountctl {

class OperatorSession {
 public:
  // Refuses (one line) while accountd holds the directory. Without
  // `create_if_missing`, a directory holding no log is an error.
  static closient::Result<std::unique_ptr<OperatorSession>> open(const Context& context,
                                                                 bool create_if_missing);
  ~OperatorSession();  // stops the pipeline, closes the log, releases the claim

  // Runs one command. Without a caller it is the operator's (actor "operator",
  // named by --operator); with one, it is decided as that credential's.
  closient::Result<closient::CommandOutcome> execute(
      closient::Command command, std::optional<closient::Caller> caller = std::nullopt);

  // The user owning `email` (normalized first), as the pipeline itself finds
  // users: through the read models. "No user with email ..." when none.
  closient::Result<closient::UserState> user_by_email(const std::string& email);

  // Commands only a user may give (creating an organization, a csu key,
  // replacing preferences) are run as the user through a bearer token the
  // operator issues for the purpose and revokes right after, whatever `work`
  // answered. The log then tells the whole truth: the operator issued a token,
  // the token did these things, the operator revoked it.
  closient::Status as_user(const std::string& user_id,
                           const std::function<closient::Status(const closient::Caller&)>& work);

  closient::EventStore& log() { return *writable_.log; }

 private:
  explicit OperatorSession(const Context& context) : context_(context) {}

  Context context_;
  WritableLog writable_;
  closient::OpenSslRandom random_;
  std::unique_ptr<closient::LiveState> state_;
  std::unique_ptr<closient::WritePipeline> pipeline_;  // last: stopped first
};

}  // namespace accountctl
