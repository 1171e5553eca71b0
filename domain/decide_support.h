// Pieces every decide_*.cc shares: authenticating the caller against current
// state, the caller's authority over the named organization, If-Match, and
// building appends. Internal to the domain.
#pragma once

#include <optional>
#include <string>

#include "domain/decide.h"
#include "domain/roles.h"

namespace closient {
namespace decide_support {

Error not_found(std::string detail);
Error forbidden(std::string detail, std::string reason = {});
Error conflict(std::string detail, std::string reason = {});
// A broken promise of the caller of decide (missing generated field, state
// that does not match the command): never the client's fault.
Error internal(std::string detail);

// The command's caller is present and, for user credentials, its session,
// token or csu key is live in the calling user's state.
Status authenticate(const DecideContext& context);

struct OrgAccess {
  const OrganizationState* org = nullptr;
  OrgAuthority authority;
};

enum class DeletedOrg { not_found, allowed };

// The caller's authority over `org_id` (context.org). Not visible, unknown or
// (unless allowed) deleted → not_found; an org key of this organization that
// is revoked or expired → unauthorized; an org key of a deleted organization
// → not_found even when deleted organizations are allowed (its keys stop working).
Result<OrgAccess> access_org(const DecideContext& context, const std::string& org_id,
                             DeletedOrg deleted);

// precondition_failed when If-Match named another version of the org stream.
Status check_if_match(const std::optional<uint64_t>& if_match_version,
                      const OrganizationState& org);

// Whether the caller is a session whose user signed in longer ago than the
// re-authentication window (15 minutes). The sign-in time is the session's in
// the calling user's state (authenticate() found it live), else the Caller's.
bool stale_session(const DecideContext& context);
// forbidden with reason "reauthentication_required" for a stale session: what
// it asks would let it (or a credential it mints) act beyond its freshness.
Status check_recent_sign_in(const DecideContext& context, std::string detail);

// The user id written into "…_by" fields: the acting user (for org keys, the
// key's creator).
const std::string& acting_user_id(const DecideContext& context);

template <typename T>
NewEvent event_of(const T& data) {
  return NewEvent{T::kType, T::kSchema, nlohmann::json(data)};
}

StreamAppend append_to(const OrganizationState& org);   // expected: its version
StreamAppend append_to(const UserState& user);          // expected: its version
StreamAppend append_to_new_stream(std::string stream);  // expected: no stream

Decision single_append(StreamAppend append, std::string entity_id);

// One decide function per command.
Result<Decision> decide_command(const DecideContext& c, const CreateOrganization& cmd);
Result<Decision> decide_command(const DecideContext& c, const UpdateOrganization& cmd);
Result<Decision> decide_command(const DecideContext& c, const DeleteOrganization& cmd);
Result<Decision> decide_command(const DecideContext& c, const RestoreOrganization& cmd);
Result<Decision> decide_command(const DecideContext& c, const InviteMember& cmd);
Result<Decision> decide_command(const DecideContext& c, const ChangeMemberRole& cmd);
Result<Decision> decide_command(const DecideContext& c, const RemoveMember& cmd);
Result<Decision> decide_command(const DecideContext& c, const CreateOrgApiKey& cmd);
Result<Decision> decide_command(const DecideContext& c, const UpdateOrgApiKey& cmd);
Result<Decision> decide_command(const DecideContext& c, const RevokeOrgApiKey& cmd);
Result<Decision> decide_command(const DecideContext& c, const CreateUserApiKey& cmd);
Result<Decision> decide_command(const DecideContext& c, const UpdateUserApiKey& cmd);
Result<Decision> decide_command(const DecideContext& c, const RevokeUserApiKey& cmd);
Result<Decision> decide_command(const DecideContext& c, const ReplacePreferences& cmd);
Result<Decision> decide_command(const DecideContext& c, const BootstrapUser& cmd);
Result<Decision> decide_command(const DecideContext& c, const IssueToken& cmd);
Result<Decision> decide_command(const DecideContext& c, const RevokeToken& cmd);
Result<Decision> decide_command(const DecideContext& c, const IssueSession& cmd);
Result<Decision> decide_command(const DecideContext& c, const RevokeSession& cmd);
Result<Decision> decide_command(const DecideContext& c, const SetApiKeyLimits& cmd);

}  // namespace decide_support
}  // namespace closient
