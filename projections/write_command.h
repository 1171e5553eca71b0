// What goes into the write pipeline and what comes out of it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "domain/caller.h"
#include "domain/commands.h"
#include "domain/decide.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "events/result.h"

namespace closient {

struct CommandRequest {
  Command command;
  std::optional<Caller> caller;  // nullopt: the operator (accountctl)
  std::string operator_name;     // names the operator in events when caller is nullopt
  std::string request_id;        // stamped on every event the command appends
  // Set for a write sent with an Idempotency-Key: the command's id and its
  // request's fingerprint (AppendRequest::command_id), so that a store with a
  // command ledger never carries out a retry of it twice.
  std::string command_id;
  std::string command_fingerprint;
};

struct CommandOutcome {
  Decision decision;           // entity_id, and the secret or CSRF token shown once
  uint64_t last_position = 0;  // global position of its last event; 0 if nothing appended
  // The states as committed after the command's group: they include this
  // command's events (and those of commands decided after it in the same group,
  // so they are never older than the answer). nullptr when there is none.
  std::shared_ptr<const OrganizationState> org_after;
  // The user the command acted on: the invited user for InviteMember, the user
  // named by operator commands (BootstrapUser: the new one), else the caller's
  // user (for org keys, the key's creator).
  std::shared_ptr<const UserState> user_after;
  int64_t now_ms = 0;  // the time the command was decided at (its events' occurred_at)
};

// Called once per command, on the writer thread: keep it short (post the answer
// to the thread that serves the request) and never wait on the pipeline in it.
using CommandCallback = std::function<void(Result<CommandOutcome>)>;

}  // namespace closient
