// An oracle for the serving state: it must say what the domain's own
// aggregates (the World, folded by evolve) say. Equality with a full replay
// alone proves the state deterministic; this proves it right.
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "projections/serving_state.h"
#include "projections_world.h"

namespace closient::testing {

inline std::vector<std::string> member_ids(const OrgRecord& org, const JoinOrderIndex& index) {
  std::vector<std::string> ids;
  for (uint32_t at : index.page(0, UINT32_MAX)) ids.push_back(shortuuid_encode(org.members[at].id));
  return ids;
}

inline void check_org_state(const ServingState& state, const OrganizationState& org) {
  const OrgRecord* stored = state.org(*shortuuid_decode(org.id));
  BOOST_REQUIRE(stored);
  BOOST_TEST(stored->info.version == org.version);
  BOOST_TEST(stored->info.name == org.name);
  BOOST_TEST(stored->info.deleted() == org.deleted());
  BOOST_TEST(stored->info.metadata == org.metadata);
  BOOST_TEST(stored->owner_count == org.owner_count);

  std::vector<std::string> active;
  for (const Member& m : org.members)
    if (!m.removed) active.push_back(m.id);
  BOOST_TEST(member_ids(*stored, stored->active) == active, boost::test_tools::per_element());
  BOOST_TEST(stored->active.count() == active.size());
  for (Role role : {Role::owner, Role::manager, Role::billing, Role::editor}) {
    std::vector<std::string> with_role;
    for (const Member& m : org.members)
      if (!m.removed && m.role == role) with_role.push_back(m.id);
    BOOST_TEST(member_ids(*stored, stored->by_role[static_cast<size_t>(role)]) == with_role,
               boost::test_tools::per_element());
  }
  for (const Member& m : org.members) {
    // Every membership renders as the domain's, removed ones included.
    auto ref = state.member(*shortuuid_decode(m.id));
    BOOST_REQUIRE(ref);
    const Member rendered = member_of(state, *stored, stored->members[ref->member]);
    BOOST_TEST(rendered.email == m.email);
    BOOST_TEST(rendered.name == m.name);
    BOOST_TEST(rendered.user_id == m.user_id);
    BOOST_TEST((rendered.role == m.role));
    BOOST_TEST(rendered.removed == m.removed);
  }
  std::vector<std::string> live_keys;
  for (const ApiKey& k : org.keys)
    if (!k.revoked) live_keys.push_back(k.id);
  std::vector<std::string> stored_keys;
  for (uint32_t at : stored->live_keys.page(0, UINT32_MAX))
    stored_keys.push_back(stored->keys[at].id);
  BOOST_TEST(stored_keys == live_keys, boost::test_tools::per_element());
}

inline void check_user_state(const ServingState& state, const World& world, const UserState& user) {
  const UserRecord* by_email = state.user_by_email(user.email);
  BOOST_REQUIRE(by_email);
  BOOST_TEST(shortuuid_encode(by_email->id) == user.id);
  std::vector<std::string> orgs;  // memberships list by org id: the map's order
  for (const auto& [id, org] : world.orgs) {
    const Member* m = org.active_member_of(user.id);
    if (m && !org.deleted()) orgs.push_back(org.id + ":" + role_name(m->role));
  }
  std::vector<std::string> stored_orgs;
  for (const Membership& m : by_email->memberships) {
    const OrgRecord& org = state.org_at(m.org);
    stored_orgs.push_back(org.info.id + ":" + role_name(org.members[m.member].role));
  }
  BOOST_TEST(stored_orgs == orgs, boost::test_tools::per_element());
  std::vector<std::string> live_keys;
  for (const ApiKey& k : user.keys)
    if (!k.revoked) live_keys.push_back(k.id);
  std::vector<std::string> stored_keys;
  if (by_email->extras) {
    for (uint32_t at : by_email->extras->live_keys.page(0, UINT32_MAX))
      stored_keys.push_back(by_email->extras->keys[at].id);
  }
  BOOST_TEST(stored_keys == live_keys, boost::test_tools::per_element());
  BOOST_TEST((by_email->extras ? by_email->extras->preferences : std::vector<TraitPreference>{}) ==
             user.preferences);
}

inline void check_state_matches_world(const ServingState& state, const World& world) {
  for (const auto& [id, org] : world.orgs) check_org_state(state, org);
  for (const auto& [id, user] : world.users) check_user_state(state, world, user);
}

}  // namespace closient::testing
