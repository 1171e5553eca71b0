// decide for org API keys (csb, cpk): create, update, revoke. All need
// MANAGE_API_KEYS; a caller creates only keys its own authority covers.
#include <utility>

#include "domain/decide_api_keys.h"

namespace closient {
namespace decide_support {
namespace {

Result<OrgAccess> key_manager_access(const DecideContext& c, const std::string& org_id) {
  Result<OrgAccess> access = access_org(c, org_id, DeletedOrg::not_found);
  if (!access.ok()) return access.error();
  Status allowed = check_org_action(access->authority, OrgAction::manage_api_keys);
  if (!allowed.ok()) return allowed.error();
  return access;
}

// A revoked key is gone: 404, like one that never existed.
Result<const ApiKey*> unrevoked_key(const OrganizationState& org, const std::string& key_id) {
  const ApiKey* key = org.find_unrevoked_key(key_id);
  if (key == nullptr) return not_found("No API key " + key_id + " in this organization.");
  return key;
}

}  // namespace

Result<Decision> decide_command(const DecideContext& c, const CreateOrgApiKey& cmd) {
  Result<OrgAccess> access = key_manager_access(c, cmd.org_id);
  if (!access.ok()) return access.error();
  if (cmd.kind == KeyKind::user) {
    return Error::validation("kind", "must be business or publishable");
  }
  if (!covers_key_role(access->authority, cmd.role)) {
    return forbidden(
        "A key may not have more authority than its creator: a manager key needs "
        "an owner's or a manager's authority.",
        "key_role_exceeds_authority");
  }
  Result<ApiKeyCreatedData> data = new_api_key(c, cmd, cmd.kind);
  if (!data.ok()) return data.error();
  const OrganizationState& org = *access->org;
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();
  if (org.find_key(cmd.key_id) != nullptr) return internal("The generated key id is taken.");
  Status room = check_key_limit(org, kMaxLiveOrgKeys, c.now_ms);
  if (!room.ok()) return room.error();

  return key_created<OrgApiKeyCreated>(org, std::move(data).value(), cmd.raw_key);
}

Result<Decision> decide_command(const DecideContext& c, const UpdateOrgApiKey& cmd) {
  Result<OrgAccess> access = key_manager_access(c, cmd.org_id);
  if (!access.ok()) return access.error();
  const OrganizationState& org = *access->org;
  Result<const ApiKey*> key = unrevoked_key(org, cmd.key_id);
  if (!key.ok()) return key.error();
  Result<std::optional<ApiKeyUpdatedData>> changes = api_key_changes(*key.value(), cmd);
  if (!changes.ok()) return changes.error();
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();

  return key_updated<OrgApiKeyUpdated>(org, std::move(changes).value(), cmd.key_id);
}

Result<Decision> decide_command(const DecideContext& c, const RevokeOrgApiKey& cmd) {
  Result<OrgAccess> access = key_manager_access(c, cmd.org_id);
  if (!access.ok()) return access.error();
  const OrganizationState& org = *access->org;
  Result<const ApiKey*> key = unrevoked_key(org, cmd.key_id);
  if (!key.ok()) return key.error();
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();

  OrgApiKeyRevoked revoked;
  revoked.key_id = cmd.key_id;
  revoked.revoked_at_ms = c.now_ms;
  revoked.revoked_by = acting_user_id(c);
  StreamAppend append = append_to(org);
  append.events.push_back(event_of(revoked));
  return single_append(std::move(append), cmd.key_id);
}

}  // namespace decide_support
}  // namespace closient
