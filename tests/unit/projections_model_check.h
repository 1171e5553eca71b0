// An oracle for the projector: the read models must say what the domain's own
// aggregates (the World, folded by evolve) say. Rebuild equivalence alone
// proves the projector deterministic; this proves it right.
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "events/read_model_store.h"
#include "projections/counters.h"
#include "projections/documents.h"
#include "projections/read_model_keys.h"
#include "projections_world.h"

namespace closient::testing {

inline std::vector<std::string> values_under(ReadModelStore& store, const std::string& prefix) {
  std::vector<std::string> values;
  Status scanned = store.scan(prefix, "", [&](const std::string&, const std::string& value) {
    values.push_back(value);
    return true;
  });
  BOOST_REQUIRE(scanned.ok());
  return values;
}

inline void check_org_read_models(ReadModelStore& store, const OrganizationState& org) {
  auto doc = read_document(store, rm_key::org(org.id));
  BOOST_REQUIRE(doc);
  OrganizationState stored = org_from_document(*doc);
  BOOST_TEST(stored.version == org.version);
  BOOST_TEST(stored.name == org.name);
  BOOST_TEST(stored.deleted() == org.deleted());
  BOOST_TEST(stored.metadata == org.metadata);

  std::vector<std::string> active;
  for (const Member& m : org.members)
    if (!m.removed) active.push_back(m.id);
  BOOST_TEST(values_under(store, rm_key::members_prefix(org.id)) == active,
             boost::test_tools::per_element());
  BOOST_TEST(read_counter(store, rm_key::member_count(org.id)) == active.size());
  for (Role role : {Role::owner, Role::manager, Role::billing, Role::editor}) {
    std::vector<std::string> with_role;
    for (const Member& m : org.members)
      if (!m.removed && m.role == role) with_role.push_back(m.id);
    BOOST_TEST(values_under(store, rm_key::members_with_role_prefix(org.id, role)) == with_role,
               boost::test_tools::per_element());
    BOOST_TEST(read_counter(store, rm_key::member_count_with_role(org.id, role)) ==
               with_role.size());
  }
  for (const Member& m : org.members) {
    auto lookup = store.get(rm_key::membership_of_user(org.id, m.user_id));
    const Member* current = org.active_member_of(m.user_id);
    if (current) {
      BOOST_TEST(lookup.value_or("") == current->id);
    } else {
      BOOST_TEST(!lookup);
    }
  }
  std::vector<std::string> live_keys;
  for (const ApiKey& k : org.keys)
    if (!k.revoked) live_keys.push_back(k.id);
  BOOST_TEST(values_under(store, rm_key::org_keys_prefix(org.id)) == live_keys,
             boost::test_tools::per_element());
  BOOST_TEST(read_counter(store, rm_key::org_key_count(org.id)) == live_keys.size());
}

inline void check_user_read_models(ReadModelStore& store, const World& world,
                                   const UserState& user) {
  BOOST_TEST(store.get(rm_key::user_by_email(user.email)).value_or("") == user.id);
  std::vector<std::string> orgs;  // uo/ lists by org id: the map's order
  for (const auto& [id, org] : world.orgs) {
    const Member* m = org.active_member_of(user.id);
    if (m && !org.deleted()) orgs.push_back(role_name(m->role));
  }
  BOOST_TEST(values_under(store, rm_key::user_orgs_prefix(user.id)) == orgs,
             boost::test_tools::per_element());
  BOOST_TEST(read_counter(store, rm_key::user_org_count(user.id)) == orgs.size());
  std::vector<std::string> live_keys;
  for (const ApiKey& k : user.keys)
    if (!k.revoked) live_keys.push_back(k.id);
  BOOST_TEST(values_under(store, rm_key::user_keys_prefix(user.id)) == live_keys,
             boost::test_tools::per_element());
  auto prefs = read_document(store, rm_key::preferences(user.id));
  BOOST_TEST((prefs ? preferences_from_document(*prefs) : std::vector<TraitPreference>{}) ==
             user.preferences);
}

inline void check_read_models_match_world(ReadModelStore& store, const World& world) {
  for (const auto& [id, org] : world.orgs) check_org_read_models(store, org);
  for (const auto& [id, user] : world.users) check_user_read_models(store, world, user);
}

}  // namespace closient::testing
