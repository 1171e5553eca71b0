// Bounds on API keys (contract §4): at most 1 000 live keys per organization
// and 100 live csu keys per user (409, reason key_limit); rate limits a caller
// may set itself are capped; an operator sets any tier (SetApiKeyLimits).
#include <boost/test/unit_test.hpp>

#include "domain_world.h"

using namespace closient;
using testing::kDay;
using testing::outcome;
using testing::Person;
using testing::World;

namespace {

struct Acme {
  World world;
  Person owner = world.person("owner@example.com");
  std::string org = world.create_org(owner.session);

  Result<Decision> create_org_key(std::optional<int64_t> expires_at_ms = {}) {
    CreateOrgApiKey command;
    command.org_id = org;
    command.name = "k";
    command.expires_at_ms = expires_at_ms;
    return world.run(owner.session, command);
  }
  Result<Decision> create_user_key(std::optional<int64_t> expires_at_ms = {}) {
    CreateUserApiKey command;
    command.name = "k";
    command.expires_at_ms = expires_at_ms;
    return world.run(owner.session, command);
  }
};

void expect_key_limit(const Result<Decision>& result) {
  BOOST_TEST(outcome(result) == "conflict");
  if (!result.ok()) BOOST_TEST(result.error().reason == "key_limit");
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_organization_holds_at_most_1000_live_keys) {
  Acme acme;
  std::string first;
  for (size_t i = 0; i < kMaxLiveOrgKeys; ++i) {
    Decision made = World::must(acme.create_org_key());
    if (i == 0) first = made.entity_id;
  }
  expect_key_limit(acme.create_org_key());
  BOOST_TEST(acme.world.org(acme.org).unrevoked_key_count == kMaxLiveOrgKeys);

  // Revoking one makes room for one.
  RevokeOrgApiKey revoke;
  revoke.org_id = acme.org;
  revoke.key_id = first;
  World::must(acme.world.run(acme.owner.session, revoke));
  BOOST_TEST(outcome(acme.create_org_key()) == "ok");
  expect_key_limit(acme.create_org_key());
}

BOOST_AUTO_TEST_CASE(a_user_holds_at_most_100_live_keys_and_expired_ones_do_not_count) {
  Acme acme;
  World& w = acme.world;
  // Ten that expire tomorrow, ninety that do not.
  for (int i = 0; i < 10; ++i) World::must(acme.create_user_key(w.now + kDay));
  for (size_t i = 10; i < kMaxLiveUserKeys; ++i) World::must(acme.create_user_key());
  expect_key_limit(acme.create_user_key());
  // Org keys are counted apart from user keys.
  BOOST_TEST(outcome(acme.create_org_key()) == "ok");

  w.now += 2 * kDay;  // the ten have expired: room for ten more
  for (int i = 0; i < 10; ++i) BOOST_TEST(outcome(acme.create_user_key()) == "ok");
  expect_key_limit(acme.create_user_key());
}

BOOST_AUTO_TEST_CASE(callers_may_not_grant_themselves_any_quota) {
  Acme acme;
  CreateOrgApiKey key;
  key.org_id = acme.org;
  key.name = "greedy";
  key.rate_limit_per_minute = kMaxRateLimitPerMinute + 1;
  key.rate_limit_per_day = kMaxRateLimitPerDay + 1;
  Result<Decision> refused = acme.world.run(acme.owner.session, key);
  BOOST_REQUIRE(outcome(refused) == "validation_error");
  BOOST_TEST(refused.error().fields.size() == 2u);
  key.rate_limit_per_minute = kMaxRateLimitPerMinute;
  key.rate_limit_per_day = kMaxRateLimitPerDay;
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, key)) == "ok");

  CreateUserApiKey mine;
  mine.name = "mine";
  mine.rate_limit_per_day = kMaxRateLimitPerDay + 1;
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, mine)) == "validation_error");
}

BOOST_AUTO_TEST_CASE(an_operator_sets_higher_tiers_with_an_event) {
  Acme acme;
  World& w = acme.world;
  const std::string org_key = World::must(acme.create_org_key()).entity_id;
  const std::string user_key = World::must(acme.create_user_key()).entity_id;

  SetApiKeyLimits on_org;
  on_org.key_id = org_key;
  on_org.org_id = acme.org;
  on_org.rate_limit_per_minute = 5'000'000;
  on_org.rate_limit_per_day = 0;
  // Only the operator.
  BOOST_TEST(outcome(w.run(acme.owner.session, on_org)) == "forbidden");
  Decision set = World::must(w.run_operator(on_org));
  BOOST_REQUIRE(set.appends.size() == 1u);
  BOOST_TEST(set.appends[0].events[0].type == "OrgApiKeyLimitsChanged");
  BOOST_TEST(w.log.back().actor.kind == "operator");
  const ApiKey* key = w.org(acme.org).find_key(org_key);
  BOOST_TEST(key->rate_limit_per_minute == 5'000'000);
  BOOST_TEST(key->rate_limit_per_day == 0);
  // The same limits again: nothing to record.
  BOOST_TEST(World::must(w.run_operator(on_org)).changes_nothing());

  SetApiKeyLimits on_user;
  on_user.key_id = user_key;
  on_user.user_id = acme.owner.user_id;
  on_user.rate_limit_per_day = 900'000'000;
  BOOST_TEST(World::must(w.run_operator(on_user)).appends[0].events[0].type ==
             "UserApiKeyLimitsChanged");
  BOOST_TEST(w.users.at(acme.owner.user_id).find_key(user_key)->rate_limit_per_day == 900'000'000);

  // The key must be the named owner's, and live.
  SetApiKeyLimits wrong_owner = on_user;
  wrong_owner.key_id = org_key;
  BOOST_TEST(outcome(w.run_operator(wrong_owner)) == "not_found");
  RevokeOrgApiKey revoke;
  revoke.org_id = acme.org;
  revoke.key_id = org_key;
  World::must(w.run(acme.owner.session, revoke));
  BOOST_TEST(outcome(w.run_operator(on_org)) == "not_found");
  SetApiKeyLimits negative = on_user;
  negative.rate_limit_per_minute = -1;
  BOOST_TEST(outcome(w.run_operator(negative)) == "validation_error");
}
