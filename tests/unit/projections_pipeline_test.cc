// The write pipeline, one command at a time and in controlled groups: outcomes
// and states, what lands in the log, failures of the write or of one append,
// stale caches, and a clean stop.
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "events/fault_injection.h"
#include "projections_pipeline_support.h"

namespace closient::testing {
namespace {

std::vector<std::string> types_of(const std::vector<EventEnvelope>& events) {
  std::vector<std::string> types;
  for (const EventEnvelope& event : events) types.push_back(event.type);
  return types;
}

// Holds the writer on a harmless command so the next submissions form one group.
void plug_writer(PipelineHarness& h, const Person& who, const std::string& org_id,
                 const std::string& member_id, Role role, Answers& answers, size_t slot) {
  h.hold();
  h.pipeline->submit(
      {PipelineHarness::role_change(org_id, member_id, role), who.session, "", "plug"},
      answers.slot(slot));
  h.wait_until_held();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_membership_lifecycle_answers_states_and_positions) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");

  CreateOrganization create;
  create.name = "Acme";
  create.country = "DE";
  auto created = h.run(alice, create, "req-create");
  BOOST_REQUIRE(created.ok());
  const std::string org_id = created->decision.entity_id;
  BOOST_TEST(created->last_position > 0u);
  BOOST_TEST(created->now_ms == h.now.load());
  BOOST_REQUIRE(created->org_after);
  BOOST_TEST(created->org_after->id == org_id);
  BOOST_TEST(created->org_after->name == "Acme");
  BOOST_TEST(created->org_after->owner_count == 1u);
  BOOST_TEST((created->org_after->role_of(alice.user_id) == std::optional<Role>(Role::owner)));
  BOOST_REQUIRE(created->user_after);
  BOOST_TEST(created->user_after->id == alice.user_id);

  auto invited = h.run(alice, PipelineHarness::invitation(org_id, "Bob@Example.com", Role::editor));
  BOOST_REQUIRE(invited.ok());
  const std::string member_id = invited->decision.entity_id;
  BOOST_TEST(invited->last_position > created->last_position);
  BOOST_REQUIRE(invited->user_after);
  BOOST_TEST(invited->user_after->email == "bob@example.com");
  const Member* bob = invited->org_after->find_member(member_id);
  BOOST_REQUIRE(bob);
  BOOST_TEST(bob->user_id == invited->user_after->id);
  BOOST_TEST(bob->role == Role::editor);
  BOOST_TEST(invited->org_after->active_member_count == 2u);
  BOOST_TEST(h.users_created_with("bob@example.com") == 1u);
  BOOST_TEST(h.user_with_email("bob@example.com") == bob->user_id);

  auto promoted = h.run(alice, PipelineHarness::role_change(org_id, member_id, Role::manager));
  BOOST_REQUIRE(promoted.ok());
  BOOST_TEST(promoted->last_position == invited->last_position + 1);
  BOOST_TEST(promoted->org_after->find_member(member_id)->role == Role::manager);

  RemoveMember remove;
  remove.org_id = org_id;
  remove.member_id = member_id;
  auto removed = h.run(alice, remove, "req-remove");
  BOOST_REQUIRE(removed.ok());
  BOOST_TEST(removed->org_after->find_member(member_id)->removed);
  BOOST_TEST(removed->org_after->active_member_count == 1u);
  BOOST_TEST(removed->last_position == h.log->last_position());

  std::vector<EventEnvelope> events = h.stream(org_stream(org_id));
  std::vector<std::string> expected{"OrganizationCreated", "MemberAdded", "MemberInvited",
                                    "MemberRoleChanged", "MemberRemoved"};
  BOOST_TEST(types_of(events) == expected, boost::test_tools::per_element());
  BOOST_TEST(events.back().position == removed->last_position);
  BOOST_TEST(events.back().request_id == "req-remove");
  BOOST_TEST((events.back().actor == alice.session.actor()));
  BOOST_TEST(events.back().occurred_at_ms == h.now.load());
  BOOST_TEST(removed->org_after->version == events.size());
  // States handed out earlier are snapshots: later commands did not change them.
  BOOST_TEST(created->org_after->version == 2u);
  BOOST_TEST(created->org_after->members.size() == 1u);
  BOOST_TEST(!invited->org_after->find_member(member_id)->removed);
}

BOOST_AUTO_TEST_CASE(refusals_and_no_ops_append_nothing) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);
  auto invited = h.run(alice, PipelineHarness::invitation(org_id, "bob@example.com", Role::editor));
  BOOST_REQUIRE(invited.ok());
  const uint64_t position = h.log->last_position();

  auto same_role =
      h.run(alice, PipelineHarness::role_change(org_id, invited->decision.entity_id, Role::editor));
  BOOST_REQUIRE(same_role.ok());
  BOOST_TEST(same_role->last_position == 0u);
  BOOST_TEST(same_role->decision.changes_nothing());
  BOOST_TEST(same_role->org_after->version == invited->org_after->version);

  FakeRandom ids{99};
  auto unknown = h.run(alice, PipelineHarness::role_change(org_id, new_id(ids), Role::manager));
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.error().code == ErrorCode::not_found);

  const Member* owner = invited->org_after->active_member_of(alice.user_id);
  auto last_owner = h.run(alice, PipelineHarness::role_change(org_id, owner->id, Role::editor));
  BOOST_REQUIRE(!last_owner.ok());
  BOOST_TEST(last_owner.error().code == ErrorCode::conflict);
  BOOST_TEST(last_owner.error().reason == "last_owner");

  BootstrapUser bootstrap;
  bootstrap.email = "mallory@example.com";
  auto not_operator = h.run(alice, bootstrap);
  BOOST_REQUIRE(!not_operator.ok());
  BOOST_TEST(not_operator.error().code == ErrorCode::forbidden);

  BootstrapUser again;
  again.email = "ALICE@example.com";
  auto taken = h.run_operator(again);
  BOOST_REQUIRE(!taken.ok());
  BOOST_TEST(taken.error().code == ErrorCode::conflict);

  BOOST_TEST(h.log->last_position() == position);
  WritePipelineStats stats = h.pipeline->stats();
  BOOST_TEST(stats.commands == stats.groups);  // one at a time: one command per group
  BOOST_TEST(stats.committed_commands == 4u);  // bootstrap, session, organization, invite
  BOOST_TEST(stats.queue_depth == 0u);
}

BOOST_AUTO_TEST_CASE(an_invited_email_finds_its_user_in_later_groups) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string first = h.create_org(alice, "First");
  const std::string second = h.create_org(alice, "Second");

  auto into_first =
      h.run(alice, PipelineHarness::invitation(first, "carol@example.com", Role::editor));
  auto into_second =
      h.run(alice, PipelineHarness::invitation(second, "CAROL@example.com", Role::manager));
  BOOST_REQUIRE(into_first.ok());
  BOOST_REQUIRE(into_second.ok());
  BOOST_TEST(into_first->user_after->id == into_second->user_after->id);
  BOOST_TEST(h.users_created_with("carol@example.com") == 1u);

  // The bootstrapped user is found by email too: inviting alice adds, never creates.
  Person bob = h.bootstrap("bob@example.com");
  const std::string bobs = h.create_org(bob, "Bob's");
  auto alice_joins =
      h.run(bob, PipelineHarness::invitation(bobs, "alice@example.com", Role::editor));
  BOOST_REQUIRE(alice_joins.ok());
  BOOST_TEST(alice_joins->user_after->id == alice.user_id);
  BOOST_TEST(h.users_created_with("alice@example.com") == 1u);
}

BOOST_AUTO_TEST_CASE(a_bounded_cache_reloads_what_it_evicted) {
  PipelineHarness h;
  WritePipelineOptions options;
  options.max_cached_organizations = 2;
  options.max_cached_users = 2;
  h.start_pipeline(options);
  Person alice = h.bootstrap("alice@example.com");
  std::vector<std::string> orgs;
  for (int i = 0; i < 5; ++i) orgs.push_back(h.create_org(alice, "Org " + std::to_string(i)));
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < orgs.size(); ++i) {
      const std::string email =
          "m" + std::to_string(round) + "-" + std::to_string(i) + "@example.com";
      auto invited = h.run(alice, PipelineHarness::invitation(orgs[i], email, Role::editor));
      BOOST_REQUIRE(invited.ok());
      BOOST_TEST(invited->org_after->active_member_count == static_cast<size_t>(round) + 2);
    }
  }
  const WritePipelineStats stats = h.pipeline->stats();
  BOOST_TEST(stats.cache.organizations <= 2u);
  BOOST_TEST(stats.cache.users <= 2u);
  BOOST_TEST(stats.cache.misses > 0u);
  for (const std::string& org_id : orgs) BOOST_TEST(h.replay_org(org_id).active_member_count == 3u);
}

BOOST_AUTO_TEST_CASE(a_failed_write_fails_the_group_and_the_next_command_sees_the_log) {
  auto faults = std::make_shared<FaultSwitch>();
  LogOptions options = fast_log();
  options.faults = faults;
  PipelineHarness h(options);
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);
  auto invited = h.run(alice, PipelineHarness::invitation(org_id, "bob@example.com", Role::editor));
  BOOST_REQUIRE(invited.ok());
  const std::string bob = invited->decision.entity_id;
  const uint64_t position = h.log->last_position();
  const uint64_t version = h.replay_org(org_id).version;

  Answers answers;
  plug_writer(h, alice, org_id, bob, Role::editor, answers, 0);
  faults->set(Fault::write);
  h.pipeline->submit(
      {PipelineHarness::role_change(org_id, bob, Role::manager), alice.session, "", "a"},
      answers.slot(1));
  h.pipeline->submit({PipelineHarness::invitation(org_id, "carol@example.com", Role::editor),
                      alice.session, "", "b"},
                     answers.slot(2));
  h.pipeline->submit(
      {PipelineHarness::role_change(org_id, bob, Role::owner), alice.session, "", "c"},
      answers.slot(3));
  h.wait_for_queue_depth(3);
  h.release();
  answers.wait_for(4);

  BOOST_TEST(answers[0].ok());  // the plug changed nothing, so wrote nothing
  for (size_t i = 1; i <= 3; ++i) {
    BOOST_REQUIRE(!answers[i].ok());
    BOOST_TEST(answers[i].error().code == ErrorCode::service_unavailable);
  }
  BOOST_TEST(h.pipeline->stats().groups >= 2u);
  faults->set(Fault::none);
  BOOST_TEST(h.log->last_position() == position);
  BOOST_TEST(h.users_created_with("carol@example.com") == 0u);

  // The group's provisional states are gone: bob is still an editor at the old version.
  auto promoted = h.run(alice, PipelineHarness::role_change(org_id, bob, Role::manager));
  BOOST_REQUIRE(promoted.ok());
  BOOST_TEST(promoted->last_position == position + 1);
  BOOST_TEST(promoted->org_after->version == version + 1);
  BOOST_TEST(h.stream(org_stream(org_id)).back().data.value("from", "") == "editor");

  auto carol = h.run(alice, PipelineHarness::invitation(org_id, "carol@example.com", Role::editor));
  BOOST_REQUIRE(carol.ok());
  BOOST_TEST(carol->org_after->active_member_count == 3u);
  BOOST_TEST(h.users_created_with("carol@example.com") == 1u);
  BOOST_TEST(h.replay_org(org_id).version == carol->org_after->version);
}

BOOST_AUTO_TEST_CASE(a_rejected_append_sends_the_commands_that_relied_on_it_round_again) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string first = h.create_org(alice, "First");
  const std::string second = h.create_org(alice, "Second");
  const std::string owner = h.replay_org(first).active_member_of(alice.user_id)->id;

  // Both invites of dave land in one group: the second reuses the user the
  // first creates, so when the first is refused the second must not commit as is.
  Answers answers;
  plug_writer(h, alice, first, owner, Role::owner, answers, 0);
  // While the writer is held, something else writes the first organization's
  // stream: the group's appends that name it are refused by their expected version.
  OrganizationUpdated renamed;
  renamed.name = "Renamed behind the pipeline";
  nlohmann::json data;
  to_json(data, renamed);
  AppendRequest behind;
  behind.streams.push_back(
      {org_stream(first), ExpectedVersion::any(), {NewEvent{OrganizationUpdated::kType, 1, data}}});
  behind.actor = operator_actor("test");
  BOOST_REQUIRE(h.log->append(behind).ok());
  h.pipeline->submit({PipelineHarness::invitation(first, "dave@example.com", Role::editor),
                      alice.session, "", "refused first"},
                     answers.slot(1));
  h.pipeline->submit({PipelineHarness::invitation(second, "dave@example.com", Role::editor),
                      alice.session, "", "relied on it"},
                     answers.slot(2));
  h.wait_for_queue_depth(2);
  h.release();
  answers.wait_for(3);

  BOOST_REQUIRE(answers[1].ok());
  BOOST_REQUIRE(answers[2].ok());
  const UserState& dave = *answers[2]->user_after;
  BOOST_TEST(dave.email == "dave@example.com");
  BOOST_TEST(h.users_created_with("dave@example.com") == 1u);
  BOOST_TEST(h.stream(user_stream(dave.id)).size() == 1u);  // the user really exists, once
  BOOST_TEST(h.replay_org(first).active_member_of(dave.id) != nullptr);
  BOOST_TEST(h.replay_org(first).name == "Renamed behind the pipeline");
  BOOST_TEST(h.replay_org(second).active_member_of(dave.id) != nullptr);
  BOOST_TEST(h.pipeline->stats().retried_commands >= 1u);
  BOOST_TEST(h.user_with_email("dave@example.com") == dave.id);
}

BOOST_AUTO_TEST_CASE(a_state_changed_behind_the_pipeline_is_reloaded_and_the_command_retried) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);  // cached at version 2

  OrganizationUpdated renamed;
  renamed.name = "Renamed";
  nlohmann::json data;
  to_json(data, renamed);
  AppendRequest behind;
  behind.streams.push_back({org_stream(org_id),
                            ExpectedVersion::exact(2),
                            {NewEvent{OrganizationUpdated::kType, 1, data}}});
  behind.actor = operator_actor("test");
  BOOST_REQUIRE(h.log->append(behind).ok());

  auto invited =
      h.run(alice, PipelineHarness::invitation(org_id, "erin@example.com", Role::editor));
  BOOST_REQUIRE(invited.ok());
  BOOST_TEST(invited->org_after->name == "Renamed");
  BOOST_TEST(invited->org_after->version == 4u);
  BOOST_TEST(h.pipeline->stats().retried_commands == 1u);
}

BOOST_AUTO_TEST_CASE(stop_answers_what_was_queued_and_refuses_what_comes_after) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);
  const std::string owner = h.replay_org(org_id).active_member_of(alice.user_id)->id;

  Answers answers;
  plug_writer(h, alice, org_id, owner, Role::owner, answers, 0);
  for (size_t i = 1; i <= 5; ++i) {
    const std::string email = "queued" + std::to_string(i) + "@example.com";
    h.pipeline->submit(
        {PipelineHarness::invitation(org_id, email, Role::editor), alice.session, "", "q"},
        answers.slot(i));
  }
  h.wait_for_queue_depth(5);
  std::thread stopper([&] { h.pipeline->stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  h.release();
  stopper.join();

  answers.wait_for(6);  // already answered: stop() returned
  for (size_t i = 0; i <= 5; ++i) BOOST_TEST(answers[i].ok());
  BOOST_TEST(h.replay_org(org_id).active_member_count == 6u);

  bool refused = false;
  h.pipeline->submit(
      {PipelineHarness::role_change(org_id, owner, Role::owner), alice.session, "", "late"},
      [&](Result<CommandOutcome> result) {
        refused = !result.ok() && result.error().code == ErrorCode::service_unavailable;
      });
  BOOST_TEST(refused);  // answered at once, on this thread
  auto late = h.pipeline->execute(
      {PipelineHarness::role_change(org_id, owner, Role::owner), alice.session, "", "late"});
  BOOST_TEST(!late.ok());
}

}  // namespace closient::testing
