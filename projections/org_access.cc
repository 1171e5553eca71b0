#include "projections/org_access.h"

namespace closient {
namespace {

std::optional<Role> role_in(const ServingState& state, const Uuid& org_id,
                            const std::string& user_id) {
  auto user_uuid = id_from_text(user_id);
  const UserRecord* user = user_uuid ? state.user(*user_uuid) : nullptr;
  if (!user) return std::nullopt;
  const Membership* membership = state.membership(*user, org_id);
  if (!membership) return std::nullopt;
  return state.org_at(membership->org).members[membership->member].role;
}

}  // namespace

std::optional<Role> membership_role(const ServingState& state, const std::string& org_id,
                                    const std::string& user_id) {
  auto id = id_from_text(org_id);
  if (!id) return std::nullopt;
  return role_in(state, *id, user_id);
}

Result<OrgAccess> access_org_for(const ServingState& state, const Caller& caller,
                                 const std::string& org_id, OrgAction action) {
  const Error not_found = Error::make(ErrorCode::not_found, "No organization " + org_id + ".");
  auto id = id_from_text(org_id);
  const OrgRecord* org = id ? state.org(*id) : nullptr;
  if (!org || !org->info.exists() || org->info.deleted()) return not_found;
  OrgAccess access;
  access.org = org;
  std::optional<Role> role;
  if (caller.is_user_credential()) role = role_in(state, *id, caller.user_id);
  const bool key_belongs = caller.is_org_key() && caller.key_org_id == org->info.id;
  access.authority = authority_over_org(caller, role, key_belongs);
  if (!access.authority.visible) return not_found;
  Status allowed = check_org_action(access.authority, action);
  if (!allowed.ok()) return allowed.error();
  return access;
}

}  // namespace closient
