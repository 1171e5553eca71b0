// An organization's aggregate state built from the serving state must be the
// domain's own fold of its stream, field by field: the writer's cache decides
// against it instead of replaying the stream.
#include <boost/test/unit_test.hpp>

#include "projections/aggregate_from_state.h"
#include "projections_pipeline_support.h"
#include "projections_random_commands.h"

using namespace closient;
using namespace closient::testing;

namespace {

void expect_same_member(const Member& built, const Member& folded) {
  BOOST_TEST_INFO("member " << folded.id);
  BOOST_TEST(built.id == folded.id);
  BOOST_TEST(built.user_id == folded.user_id);
  BOOST_TEST(built.email == folded.email);
  BOOST_TEST(built.name == folded.name);
  BOOST_TEST(built.user_metadata == folded.user_metadata);
  BOOST_TEST((built.role == folded.role));
  BOOST_TEST(built.joined_at_ms == folded.joined_at_ms);
  BOOST_TEST(built.removed == folded.removed);
  BOOST_TEST(built.removed_at_ms == folded.removed_at_ms);
  BOOST_TEST(built.removal_reason == folded.removal_reason);
}

void expect_same_key(const ApiKey& built, const ApiKey& folded) {
  BOOST_TEST_INFO("key " << folded.id);
  BOOST_TEST(built.id == folded.id);
  BOOST_TEST((built.kind == folded.kind));
  BOOST_TEST(built.org_id == folded.org_id);
  BOOST_TEST(built.user_id == folded.user_id);
  BOOST_TEST(built.name == folded.name);
  BOOST_TEST(built.description == folded.description);
  BOOST_TEST((built.role == folded.role));
  BOOST_TEST(built.key_sha256 == folded.key_sha256);
  BOOST_TEST(built.display_prefix == folded.display_prefix);
  BOOST_TEST(built.created_at_ms == folded.created_at_ms);
  BOOST_TEST((built.expires_at_ms == folded.expires_at_ms));
  BOOST_TEST(built.rate_limit_per_minute == folded.rate_limit_per_minute);
  BOOST_TEST(built.rate_limit_per_day == folded.rate_limit_per_day);
  BOOST_TEST(built.metadata == folded.metadata);
  BOOST_TEST(built.created_by == folded.created_by);
  BOOST_TEST(built.revoked == folded.revoked);
  BOOST_TEST(built.revoked_at_ms == folded.revoked_at_ms);
}

void expect_same_organization(const OrganizationState& built, const OrganizationState& folded) {
  BOOST_TEST_INFO("organization " << folded.id);
  BOOST_TEST(built.id == folded.id);
  BOOST_TEST(built.name == folded.name);
  BOOST_TEST(built.country == folded.country);
  BOOST_TEST(built.is_brand == folded.is_brand);
  BOOST_TEST(built.require_reauth_to_delete == folded.require_reauth_to_delete);
  BOOST_TEST(built.metadata == folded.metadata);
  BOOST_TEST(built.created_by == folded.created_by);
  BOOST_TEST(built.created_at_ms == folded.created_at_ms);
  BOOST_TEST((built.deleted_at_ms == folded.deleted_at_ms));
  BOOST_TEST(built.version == folded.version);
  BOOST_REQUIRE_EQUAL(built.members.size(), folded.members.size());
  for (size_t i = 0; i < folded.members.size(); ++i)
    expect_same_member(built.members[i], folded.members[i]);
  BOOST_TEST((built.member_index == folded.member_index));
  BOOST_TEST((built.active_member_of_user == folded.active_member_of_user));
  BOOST_TEST(built.active_member_count == folded.active_member_count);
  BOOST_TEST(built.owner_count == folded.owner_count);
  BOOST_REQUIRE_EQUAL(built.keys.size(), folded.keys.size());
  for (size_t i = 0; i < folded.keys.size(); ++i) expect_same_key(built.keys[i], folded.keys[i]);
  BOOST_TEST((built.key_index == folded.key_index));
  BOOST_TEST(built.unrevoked_key_count == folded.unrevoked_key_count);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_organization_built_from_the_serving_state_is_the_domains_fold) {
  for (uint64_t seed : {20260401u, 5u, 6u}) {
    ProjectedWorld w;
    RandomTraffic(w, seed).run(seed == 20260401u ? 4000 : 800);
    LiveState::View view = w.state->read();
    size_t compared = 0, removed = 0, revoked = 0;
    for (const auto& [id, folded] : w.world.orgs) {
      const OrgRecord* record = view->org(*shortuuid_decode(id));
      BOOST_REQUIRE(record);
      std::shared_ptr<OrganizationState> built = organization_state_from(*view, *record);
      expect_same_organization(*built, folded);
      ++compared;
      for (const Member& m : folded.members) removed += m.removed;
      for (const ApiKey& k : folded.keys) revoked += k.revoked;
    }
    // The traffic reached what the comparison is for.
    BOOST_TEST(compared > 5u);
    BOOST_TEST(removed > 0u);
    BOOST_TEST(revoked > 0u);
  }
}

BOOST_AUTO_TEST_CASE(a_cold_writer_takes_an_organization_from_the_serving_state) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);
  for (int i = 0; i < 20; ++i) {
    auto invited =
        h.run(alice, PipelineHarness::invitation(org_id, "m" + std::to_string(i) + "@example.com",
                                                 Role::editor));
    BOOST_REQUIRE(invited.ok());
  }

  // A new pipeline starts with an empty cache, as after a restart.
  h.start_pipeline();
  auto invited =
      h.run(alice, PipelineHarness::invitation(org_id, "late@example.com", Role::editor));
  BOOST_REQUIRE_MESSAGE(invited.ok(), (invited.ok() ? "" : invited.error().detail));
  const AggregateCacheStats cache = h.pipeline->stats().cache;
  BOOST_TEST(cache.from_state == 1u);  // the organization; the new user is replayed (empty)
  // What it decided against, and the state it answered with, are the log's.
  OrganizationState replayed = h.replay_org(org_id);
  BOOST_TEST(replayed.version == 23u);  // created and its owner, 20 invites, this one
  expect_same_organization(*invited->org_after, replayed);
}
