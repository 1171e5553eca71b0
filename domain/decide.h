// decide: the pure judgement of one command against the current state. It
// checks authority (contract §3), validation (§4), If-Match preconditions and
// the business rules, and answers the events to append (or an Error whose code
// maps onto the contract's error_code). Nothing is written here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/caller.h"
#include "domain/commands.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "events/event_log.h"
#include "events/result.h"

namespace closient {

inline constexpr int64_t kReauthenticationWindowMs = int64_t{15} * 60 * 1000;  // 15 minutes

struct DecideContext {
  // The authenticated credential; empty for operator commands (by_operator).
  std::optional<Caller> caller;
  bool by_operator = false;
  int64_t now_ms = 0;

  // The organization the command names; nullptr when its stream does not exist.
  const OrganizationState* org = nullptr;
  // The caller's user (caller->user_id). Required for user credentials
  // (sessions, tokens, csu keys): their credential is checked against it. For
  // org keys it is the key's creator and may be nullptr.
  const UserState* calling_user = nullptr;
  // InviteMember, BootstrapUser: the existing user owning the email, or nullptr.
  // IssueToken, RevokeToken, IssueSession, RevokeSession: the user acted on.
  const UserState* target_user = nullptr;
};

struct Decision {
  // One entry per stream touched, expected version = that stream's current
  // version (or no_stream for a new stream). Empty when the command changes
  // nothing (e.g. a role change to the same role): nothing to append.
  std::vector<StreamAppend> appends;
  // The entity the response is about: org id, member id, key id, user id,
  // token id or session id.
  std::string entity_id;
  // The raw API key, bearer token or session token: present once, here, for the
  // response of the command that created it. Never in an event.
  std::string secret;
  std::string csrf_token;  // IssueSession only

  bool changes_nothing() const { return appends.empty(); }
};

Result<Decision> decide(const DecideContext& context, const Command& command);

}  // namespace closient
