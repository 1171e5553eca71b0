#include "domain/decide.h"

#include <utility>

#include "domain/decide_support.h"
#include "domain/ids.h"

namespace closient {
namespace decide_support {

Error not_found(std::string detail) {
  return Error::make(ErrorCode::not_found, std::move(detail));
}

Error forbidden(std::string detail, std::string reason) {
  return Error::make(ErrorCode::forbidden, std::move(detail), std::move(reason));
}

Error conflict(std::string detail, std::string reason) {
  return Error::make(ErrorCode::conflict, std::move(detail), std::move(reason));
}

Error internal(std::string detail) {
  return Error::make(ErrorCode::internal_error, std::move(detail));
}

Status authenticate(const DecideContext& context) {
  const Error unauthorized =
      Error::make(ErrorCode::unauthorized, "The credential is not valid (any more).");
  if (!context.caller) return unauthorized;
  const Caller& caller = *context.caller;
  if (caller.is_org_key()) return ok_status();  // checked against its organization
  const UserState* user = context.calling_user;
  if (user == nullptr || !user->exists() || user->id != caller.user_id) return unauthorized;
  bool live = false;
  switch (caller.kind) {
    case CredentialKind::session: {
      const Session* session = user->find_session(caller.credential_id);
      live = session && session->live_at(context.now_ms);
      break;
    }
    case CredentialKind::token: {
      const Token* token = user->find_token(caller.credential_id);
      live = token && token->live_at(context.now_ms);
      break;
    }
    case CredentialKind::user_key: {
      const ApiKey* key = user->find_unrevoked_key(caller.credential_id);
      live = key && key->live_at(context.now_ms);
      break;
    }
    case CredentialKind::business_key:
    case CredentialKind::publishable_key:
      break;
  }
  return live ? ok_status() : Status(unauthorized);
}

Result<OrgAccess> access_org(const DecideContext& context, const std::string& org_id,
                             DeletedOrg deleted) {
  const Error no_such_org = not_found("No organization " + org_id + ".");
  const OrganizationState* org = context.org;
  if (org == nullptr || !org->exists()) return no_such_org;
  if (org->id != org_id) return internal("The loaded organization is not the one named.");
  const Caller& caller = *context.caller;
  const bool own_key = caller.is_org_key() && caller.key_org_id == org->id;
  if (own_key) {
    if (org->deleted()) return no_such_org;
    const ApiKey* key = org->find_unrevoked_key(caller.credential_id);
    if (key == nullptr || !key->live_at(context.now_ms)) {
      return Error::make(ErrorCode::unauthorized, "The API key is not valid (any more).");
    }
  }
  std::optional<Role> membership;
  if (caller.is_user_credential()) membership = org->role_of(caller.user_id);
  OrgAccess access{org, authority_over_org(caller, membership, own_key)};
  if (!access.authority.visible) return no_such_org;
  if (org->deleted() && deleted == DeletedOrg::not_found) return no_such_org;
  return access;
}

Status check_if_match(const std::optional<uint64_t>& if_match_version,
                      const OrganizationState& org) {
  if (if_match_version && *if_match_version != org.version) {
    return Error::make(ErrorCode::precondition_failed, "The organization changed since version " +
                                                           std::to_string(*if_match_version) +
                                                           "; it is at version " +
                                                           std::to_string(org.version) + ".");
  }
  return ok_status();
}

bool stale_session(const DecideContext& context) {
  if (!context.caller || context.caller->kind != CredentialKind::session) return false;
  const Caller& caller = *context.caller;
  const Session* session =
      context.calling_user ? context.calling_user->find_session(caller.credential_id) : nullptr;
  const int64_t authenticated_at =
      session ? session->authenticated_at_ms : caller.authenticated_at_ms;
  return context.now_ms - authenticated_at > kReauthenticationWindowMs;
}

Status check_recent_sign_in(const DecideContext& context, std::string detail) {
  if (!stale_session(context)) return ok_status();
  return forbidden(std::move(detail), "reauthentication_required");
}

const std::string& acting_user_id(const DecideContext& context) {
  static const std::string kNobody;
  return context.caller ? context.caller->user_id : kNobody;
}

StreamAppend append_to(const OrganizationState& org) {
  return StreamAppend{org_stream(org.id), ExpectedVersion::exact(org.version), {}};
}

StreamAppend append_to(const UserState& user) {
  return StreamAppend{user_stream(user.id), ExpectedVersion::exact(user.version), {}};
}

StreamAppend append_to_new_stream(std::string stream) {
  return StreamAppend{std::move(stream), ExpectedVersion::no_stream(), {}};
}

Decision single_append(StreamAppend append, std::string entity_id) {
  Decision decision;
  decision.entity_id = std::move(entity_id);
  if (!append.events.empty()) decision.appends.push_back(std::move(append));
  return decision;
}

}  // namespace decide_support

Result<Decision> decide(const DecideContext& context, const Command& command) {
  if (is_operator_command(command)) {
    if (!context.by_operator) {
      return decide_support::forbidden("Only the operator may do that.", "operator_only");
    }
  } else {
    if (context.by_operator && !context.caller) {
      return decide_support::forbidden("The operator acts only through operator commands.",
                                       "operator_only");
    }
    Status authenticated = decide_support::authenticate(context);
    if (!authenticated.ok()) return authenticated.error();
  }
  return std::visit(
      [&](const auto& c) -> Result<Decision> { return decide_support::decide_command(context, c); },
      command);
}

}  // namespace closient
