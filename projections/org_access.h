// Object-level authorization of queries (contract §3): the caller's authority
// over one organization, decided by the domain's one permission function from
// the read models — the caller's active membership (mu/ then its member
// document) for user credentials, the key's own organization for org keys.
// Unknown, deleted or invisible organizations are all not_found, so another
// organization's ids reveal nothing; seen but not allowed is forbidden.
#pragma once

#include <optional>
#include <string>

#include "domain/caller.h"
#include "domain/organization.h"
#include "domain/roles.h"
#include "events/read_model_store.h"
#include "events/result.h"

namespace closient {

struct OrgAccess {
  OrganizationState org;  // the organization document (no members or keys)
  OrgAuthority authority;
};

// The role of the user's active membership, if any.
std::optional<Role> membership_role(ReadModelStore& store, const std::string& org_id,
                                    const std::string& user_id);

// The organization and the caller's authority over it, once `action` is
// allowed: not_found when it does not exist, is deleted or is not visible to
// the caller; forbidden when visible but the action is not allowed.
Result<OrgAccess> access_org_for(ReadModelStore& store, const Caller& caller,
                                 const std::string& org_id, OrgAction action);

}  // namespace closient
