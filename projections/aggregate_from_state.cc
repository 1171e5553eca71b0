#include "projections/aggregate_from_state.h"

namespace closient {

std::shared_ptr<OrganizationState> organization_state_from(const ServingState& state,
                                                           const OrgRecord& org) {
  // The record's own fields and version; its members and keys live apart.
  auto folded = std::make_shared<OrganizationState>(org.info);
  folded->members.clear();
  folded->member_index.clear();
  folded->active_member_of_user.clear();
  folded->keys.clear();
  folded->key_index.clear();
  folded->members.reserve(org.members.size());
  folded->member_index.reserve(org.members.size());
  size_t active = 0, owners = 0;
  for (const MemberRecord& record : org.members) {
    Member member = member_of(state, org, record);
    const size_t at = folded->members.size();
    folded->member_index.emplace(member.id, at);
    if (!member.removed) {
      // The domain refuses a second active membership of one user, so the
      // user's one active membership is the one the fold points at.
      folded->active_member_of_user[member.user_id] = at;
      ++active;
      if (member.role == Role::owner) ++owners;
    }
    folded->members.push_back(std::move(member));
  }
  folded->active_member_count = active;
  folded->owner_count = owners;
  folded->keys = org.keys;
  folded->unrevoked_key_count = 0;
  for (size_t at = 0; at < folded->keys.size(); ++at) {
    folded->key_index.emplace(folded->keys[at].id, at);
    if (!folded->keys[at].revoked) ++folded->unrevoked_key_count;
  }
  return folded;
}

}  // namespace closient
