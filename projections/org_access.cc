#include "projections/org_access.h"

#include "projections/documents.h"
#include "projections/read_model_keys.h"

namespace closient {

std::optional<Role> membership_role(ReadModelStore& store, const std::string& org_id,
                                    const std::string& user_id) {
  std::optional<std::string> member_id = store.get(rm_key::membership_of_user(org_id, user_id));
  if (!member_id) return std::nullopt;
  auto doc = read_document(store, rm_key::member(org_id, *member_id));
  if (!doc) return std::nullopt;
  MemberDocument member = member_from_document(*doc);
  if (member.member.removed) return std::nullopt;
  return member.member.role;
}

Result<OrgAccess> access_org_for(ReadModelStore& store, const Caller& caller,
                                 const std::string& org_id, OrgAction action) {
  const Error not_found = Error::make(ErrorCode::not_found, "No organization " + org_id + ".");
  auto doc = read_document(store, rm_key::org(org_id));
  if (!doc) return not_found;
  OrgAccess access;
  access.org = org_from_document(*doc);
  if (access.org.deleted()) return not_found;

  std::optional<Role> role;
  if (caller.is_user_credential()) role = membership_role(store, org_id, caller.user_id);
  const bool key_belongs = caller.is_org_key() && caller.key_org_id == org_id;
  access.authority = authority_over_org(caller, role, key_belongs);
  if (!access.authority.visible) return not_found;
  Status allowed = check_org_action(access.authority, action);
  if (!allowed.ok()) return allowed.error();
  return access;
}

}  // namespace closient
