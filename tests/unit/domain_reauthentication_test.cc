// A session whose sign-in is older than 15 minutes may not act beyond its
// freshness (contract §2): not delete an organization that requires a recent
// sign-in, not mint a csu key with role manager (which would carry the user's
// full authority with no sign-in age), and not turn require_reauth_to_delete off.
#include <boost/test/unit_test.hpp>

#include "domain_world.h"

using namespace closient;
using testing::kMinute;
using testing::outcome;
using testing::Person;
using testing::World;

namespace {

struct Acme {
  World world;
  Person owner = world.person("owner@example.com");
  std::string org = world.create_org(owner.session);
  Caller stale = world.open_session(owner.user_id, world.now - 16 * kMinute);
  Caller fresh = world.open_session(owner.user_id, world.now - 15 * kMinute);
};

CreateUserApiKey user_key(KeyRole role) {
  CreateUserApiKey command;
  command.name = "mine";
  command.role = role;
  return command;
}

UpdateOrganization reauth_rule(const std::string& org_id, bool required) {
  UpdateOrganization command;
  command.org_id = org_id;
  command.require_reauth_to_delete = required;
  return command;
}

void expect_reauthentication_required(const Result<Decision>& result) {
  BOOST_TEST(outcome(result) == "forbidden");
  if (!result.ok()) BOOST_TEST(result.error().reason == "reauthentication_required");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_stale_session_may_not_mint_a_manager_user_key) {
  Acme acme;
  World& w = acme.world;
  expect_reauthentication_required(w.run(acme.stale, user_key(KeyRole::manager)));
  // Keys that only read carry less than the session itself: allowed.
  BOOST_TEST(outcome(w.run(acme.stale, user_key(KeyRole::readonly))) == "ok");
  BOOST_TEST(outcome(w.run(acme.stale, user_key(KeyRole::editor))) == "ok");
  // Recent enough, and credentials that are not sessions, may.
  BOOST_TEST(outcome(w.run(acme.fresh, user_key(KeyRole::manager))) == "ok");
  BOOST_TEST(outcome(w.run(w.issue_token(acme.owner.user_id), user_key(KeyRole::manager))) == "ok");
}

BOOST_AUTO_TEST_CASE(a_stale_session_may_not_turn_the_rule_off) {
  Acme acme;
  World& w = acme.world;
  expect_reauthentication_required(w.run(acme.stale, reauth_rule(acme.org, false)));
  BOOST_TEST(w.org(acme.org).require_reauth_to_delete);
  // ... and so cannot delete by that detour.
  DeleteOrganization remove;
  remove.org_id = acme.org;
  expect_reauthentication_required(w.run(acme.stale, remove));

  // Other changes, and turning the rule on, need no fresh sign-in.
  UpdateOrganization rename;
  rename.org_id = acme.org;
  rename.name = "Renamed";
  BOOST_TEST(outcome(w.run(acme.stale, rename)) == "ok");
  BOOST_TEST(outcome(w.run(acme.fresh, reauth_rule(acme.org, false))) == "ok");
  BOOST_TEST(outcome(w.run(acme.stale, reauth_rule(acme.org, true))) == "ok");
  BOOST_TEST(outcome(w.run(w.issue_token(acme.owner.user_id), reauth_rule(acme.org, false))) ==
             "ok");
  // Sending false when it is already off changes nothing and needs nothing.
  BOOST_TEST(outcome(w.run(acme.stale, reauth_rule(acme.org, false))) == "ok");
}

BOOST_AUTO_TEST_CASE(the_sign_in_time_of_the_session_in_state_decides) {
  // The Caller carries authenticated_at too; the user's state is the authority
  // when it knows the session, and the Caller's time serves otherwise.
  Acme acme;
  World& w = acme.world;
  Caller claims_fresh = acme.stale;
  claims_fresh.authenticated_at_ms = w.now;
  expect_reauthentication_required(w.run(claims_fresh, user_key(KeyRole::manager)));
}
