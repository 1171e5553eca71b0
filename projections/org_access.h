// Object-level authorization of queries (contract §3): the caller's authority
// over one organization, decided by the domain's one permission function from
// the serving state — the caller's active membership for user credentials,
// the key's own organization for org keys. Unknown, deleted or invisible
// organizations are all not_found, so another organization's ids reveal
// nothing; seen but not allowed is forbidden.
#pragma once

#include <optional>
#include <string>

#include "domain/caller.h"
#include "domain/roles.h"
#include "events/result.h"
#include "projections/serving_state.h"

namespace closient {

struct OrgAccess {
  const OrgRecord* org = nullptr;
  OrgAuthority authority;
};

// The role of the user's active membership, if any.
std::optional<Role> membership_role(const ServingState& state, const std::string& org_id,
                                    const std::string& user_id);

// The organization and the caller's authority over it, once `action` is
// allowed: not_found when it does not exist, is deleted or is not visible to
// the caller; forbidden when visible but the action is not allowed.
Result<OrgAccess> access_org_for(const ServingState& state, const Caller& caller,
                                 const std::string& org_id, OrgAction action);

}  // namespace closient
