// The write pipeline under concurrent submitters: the rules that span a whole
// aggregate hold, no update is lost, and commands really commit in groups.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "projections_pipeline_support.h"

namespace closient::testing {
namespace {

// Starts `threads` threads at once; each runs body(thread index).
template <typename Body>
void run_together(size_t threads, Body body) {
  std::atomic<bool> go{false};
  std::vector<std::thread> running;
  for (size_t t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      body(t);
    });
  }
  go.store(true);
  for (std::thread& thread : running) thread.join();
}

struct Membership {
  Person person;
  std::string member_id;
};

// alice owns the organization; three more owners and six editors join it,
// each with a session of their own.
std::vector<Membership> populate(PipelineHarness& h, const Person& alice,
                                 const std::string& org_id) {
  std::vector<Membership> members;
  members.push_back({alice, h.replay_org(org_id).active_member_of(alice.user_id)->id});
  for (int i = 0; i < 9; ++i) {
    const std::string email = "member" + std::to_string(i) + "@example.com";
    const Role role = i < 3 ? Role::owner : Role::editor;
    auto invited = h.run(alice, PipelineHarness::invitation(org_id, email, role));
    if (!invited.ok()) throw std::runtime_error("invite: " + invited.error().detail);
    members.push_back({h.sign_in(invited->user_after->id, email), invited->decision.entity_id});
  }
  return members;
}

// Replays the organization's stream and answers the versions after which it
// had no owner, or its owner count disagreed with its members (none, when the
// invariant held throughout).
std::vector<uint64_t> versions_without_owner(PipelineHarness& h, const std::string& org_id) {
  std::vector<uint64_t> ownerless;
  OrganizationState state;
  for (const EventEnvelope& event : h.stream(org_stream(org_id))) {
    evolve(state, event);
    if (event.type == OrganizationCreated::kType) continue;  // its owner joins in the same append
    size_t owners = 0;
    for (const Member& member : state.members)
      owners += !member.removed && member.role == Role::owner;
    if (owners == 0 || owners != state.owner_count) ownerless.push_back(state.version);
  }
  return ownerless;
}

// Submits `count` random role changes from `threads` threads. Callers and
// targets lean towards the first four members (the owners at the start) and
// roles away from owner, so owners drain and demotions of the last owner are
// attempted; editors and managers try what they may not do.
void random_role_changes(PipelineHarness& h, const std::string& org_id,
                         const std::vector<Membership>& members, size_t threads, size_t count,
                         Answers& answers, size_t first_slot, uint32_t seed) {
  run_together(threads, [&](size_t t) {
    std::mt19937 pick(seed + static_cast<uint32_t>(t));
    auto someone = [&]() -> const Membership& {
      return members[pick() % 10 < 7 ? pick() % 4 : pick() % members.size()];
    };
    for (size_t i = t; i < count; i += threads) {
      const Membership& caller = someone();
      const Membership& target = someone();
      const uint32_t dice = pick() % 10;
      const Role role = dice < 2 ? Role::owner : dice < 6 ? Role::manager : Role::editor;
      h.pipeline->submit({PipelineHarness::role_change(org_id, target.member_id, role),
                          caller.person.session, "", "change-" + std::to_string(i)},
                         answers.slot(first_slot + i));
    }
  });
}

}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_role_changes_never_leave_an_organization_without_an_owner) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);
  const std::vector<Membership> members = populate(h, alice, org_id);
  constexpr size_t kChanges = 100;

  // First round: all 100 decided in one group, against each other's provisional events.
  Answers answers;
  h.hold();
  h.pipeline->submit({PipelineHarness::role_change(org_id, members[0].member_id, Role::owner),
                      alice.session, "", "plug"},
                     answers.slot(2 * kChanges));
  h.wait_until_held();
  random_role_changes(h, org_id, members, 10, kChanges, answers, 0, 1);
  h.wait_for_queue_depth(kChanges);
  h.release();
  // Second round: free running, so groups form as they come.
  random_role_changes(h, org_id, members, 10, kChanges, answers, kChanges, 1000);
  answers.wait_for(2 * kChanges + 1);

  std::map<std::string, int> seen;
  for (size_t i = 0; i < 2 * kChanges; ++i) {
    const Result<CommandOutcome>& answer = answers[i];
    if (answer.ok()) {
      ++seen["ok"];
      BOOST_TEST(answer->org_after->owner_count >= 1u);
    } else {
      ++seen[error_code_name(answer.error().code) + std::string(" ") + answer.error().reason];
      BOOST_TEST(
          (answer.error().code == ErrorCode::forbidden ||
           (answer.error().code == ErrorCode::conflict && answer.error().reason == "last_owner")),
          "unexpected " << error_code_name(answer.error().code) << ": " << answer.error().detail);
    }
  }
  for (const auto& [what, count] : seen) BOOST_TEST_MESSAGE(what << ": " << count);
  BOOST_TEST(seen["ok"] > 0);

  BOOST_TEST(versions_without_owner(h, org_id).empty());
  const OrganizationState final_state = h.replay_org(org_id);
  BOOST_TEST(final_state.owner_count >= 1u);
  BOOST_TEST(final_state.active_member_count == members.size());
  BOOST_TEST(h.pipeline->stats().group_size_max >= kChanges);
}

BOOST_AUTO_TEST_CASE(two_owners_stepping_down_at_once_leave_exactly_one_owner) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);
  auto invited = h.run(alice, PipelineHarness::invitation(org_id, "bob@example.com", Role::owner));
  BOOST_REQUIRE(invited.ok());
  const std::vector<Membership> owners{
      {alice, h.replay_org(org_id).active_member_of(alice.user_id)->id},
      {h.sign_in(invited->user_after->id, "bob@example.com"), invited->decision.entity_id}};

  for (int round = 0; round < 20; ++round) {
    const bool one_group = round % 2 == 0;
    Answers answers;
    if (one_group) {
      h.hold();
      h.pipeline->submit({PipelineHarness::role_change(org_id, owners[0].member_id, Role::owner),
                          owners[0].person.session, "", "plug"},
                         answers.slot(2));
      h.wait_until_held();
    }
    run_together(2, [&](size_t t) {
      h.pipeline->submit({PipelineHarness::role_change(org_id, owners[t].member_id, Role::manager),
                          owners[t].person.session, "", "step-down"},
                         answers.slot(t));
    });
    if (one_group) {
      h.wait_for_queue_depth(2);
      h.release();
    }
    answers.wait_for(one_group ? 3 : 2);

    BOOST_REQUIRE(answers[0].ok() != answers[1].ok());
    const size_t stayed = answers[0].ok() ? 1 : 0;
    BOOST_TEST(answers[stayed].error().reason == "last_owner");
    BOOST_TEST(h.replay_org(org_id).owner_count == 1u);
    // The one still owner makes the other an owner again for the next round.
    auto restored =
        h.run(owners[stayed].person,
              PipelineHarness::role_change(org_id, owners[1 - stayed].member_id, Role::owner));
    BOOST_REQUIRE(restored.ok());
    BOOST_TEST(restored->org_after->owner_count == 2u);
  }
  BOOST_TEST(versions_without_owner(h, org_id).empty());
}

BOOST_AUTO_TEST_CASE(concurrent_invites_of_one_new_email_create_exactly_one_user) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  std::vector<std::string> orgs;
  for (int i = 0; i < 10; ++i) orgs.push_back(h.create_org(alice, "Org " + std::to_string(i)));
  constexpr size_t kThreads = 50;

  // Once free running, once with every invite in one group.
  for (const bool one_group : {false, true}) {
    const std::string email = one_group ? "grouped@example.com" : "racing@example.com";
    Answers answers;
    if (one_group) {
      h.hold();
      h.pipeline->submit({PipelineHarness::invitation(orgs[0], "plug@example.com", Role::editor),
                          alice.session, "", "plug"},
                         answers.slot(kThreads));
      h.wait_until_held();
    }
    run_together(kThreads, [&](size_t t) {
      // Five invites per organization: the same org and different orgs at once.
      auto answered = answers.slot(t);
      h.pipeline->submit({PipelineHarness::invitation(orgs[t % orgs.size()], email, Role::editor),
                          alice.session, "", "invite-" + std::to_string(t)},
                         answered);
    });
    if (one_group) {
      h.wait_for_queue_depth(kThreads);
      h.release();
    }
    answers.wait_for(kThreads + (one_group ? 1 : 0));

    std::set<std::string> users;
    std::map<std::string, int> joined;  // per organization
    for (size_t t = 0; t < kThreads; ++t) {
      const Result<CommandOutcome>& answer = answers[t];
      if (answer.ok()) {
        users.insert(answer->user_after->id);
        ++joined[orgs[t % orgs.size()]];
      } else {
        BOOST_TEST(answer.error().code == ErrorCode::conflict);  // already a member
      }
    }
    BOOST_TEST(h.users_created_with(email) == 1u);
    BOOST_TEST(users.size() == 1u);
    BOOST_TEST(joined.size() == orgs.size());
    for (const auto& [org_id, count] : joined) BOOST_TEST(count == 1);
    for (const std::string& org_id : orgs)
      BOOST_TEST(h.replay_org(org_id).active_member_of(*users.begin()) != nullptr);
  }
}

BOOST_AUTO_TEST_CASE(concurrent_submitters_share_appends_and_syncs) {
  LogOptions options;
  options.durability = Durability::always;  // the sync each group shares
  PipelineHarness h(options);
  Person alice = h.bootstrap("alice@example.com");
  std::vector<std::string> orgs;
  for (int i = 0; i < 8; ++i) orgs.push_back(h.create_org(alice, "Org " + std::to_string(i)));
  const WritePipelineStats before = h.pipeline->stats();
  const AppendStats log_before = h.log->stats();
  constexpr size_t kThreads = 8, kPerThread = 50;

  Answers answers;
  run_together(kThreads, [&](size_t t) {
    for (size_t i = 0; i < kPerThread; ++i) {
      const size_t slot = t * kPerThread + i;
      h.pipeline->submit(
          {PipelineHarness::invitation(orgs[t], "user" + std::to_string(slot) + "@example.com",
                                       Role::editor),
           alice.session, "", "r"},
          answers.slot(slot));
    }
  });
  answers.wait_for(kThreads * kPerThread);
  for (size_t slot = 0; slot < kThreads * kPerThread; ++slot) BOOST_TEST(answers[slot].ok());

  const WritePipelineStats after = h.pipeline->stats();
  const uint64_t commands = after.commands - before.commands;
  const uint64_t batches = after.batches - before.batches;
  BOOST_TEST_MESSAGE(commands << " commands in " << batches << " batches, "
                              << after.groups - before.groups << " groups, largest "
                              << after.group_size_max);
  BOOST_TEST(commands == kThreads * kPerThread);
  BOOST_TEST(batches < commands);
  BOOST_TEST(after.group_size_max > 1u);
  BOOST_TEST(h.log->stats().syncs - log_before.syncs == batches);
}

BOOST_AUTO_TEST_CASE(no_update_is_lost_when_many_add_members_to_one_organization) {
  PipelineHarness h;
  Person alice = h.bootstrap("alice@example.com");
  const std::string org_id = h.create_org(alice);
  constexpr size_t kThreads = 40;

  Answers answers;
  run_together(kThreads, [&](size_t t) {
    auto answered = answers.slot(t);
    h.pipeline->submit({PipelineHarness::invitation(
                            org_id, "n" + std::to_string(t) + "@example.com", Role::editor),
                        alice.session, "", "add"},
                       answered);
  });
  answers.wait_for(kThreads);

  for (size_t t = 0; t < kThreads; ++t) BOOST_TEST(answers[t].ok());
  const OrganizationState state = h.replay_org(org_id);
  BOOST_TEST(state.active_member_count == kThreads + 1);
  for (size_t t = 0; t < kThreads; ++t) {
    const std::string user_id = h.user_with_email("n" + std::to_string(t) + "@example.com");
    BOOST_REQUIRE(!user_id.empty());
    BOOST_TEST(state.active_member_of(user_id) != nullptr);
  }
  // The cached state the pipeline serves is the log's.
  auto same = h.run(alice, PipelineHarness::role_change(
                               org_id, state.active_member_of(alice.user_id)->id, Role::owner));
  BOOST_REQUIRE(same.ok());
  BOOST_TEST(same->org_after->version == state.version);
  BOOST_TEST(same->org_after->active_member_count == state.active_member_count);
}

}  // namespace closient::testing
