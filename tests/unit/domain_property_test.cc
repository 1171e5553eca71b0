// Property-style: thousands of random commands from random callers, run through
// decide → append → evolve. After every step every organization keeps at
// least one owner and its counters match its members; what decide accepted is
// what the state shows; and replaying the whole log from scratch rebuilds the
// same state.
#include <boost/test/unit_test.hpp>
#include <map>
#include <random>

#include "domain_world.h"

using namespace closient;
using testing::kDay;
using testing::kMinute;
using testing::outcome;
using testing::World;

namespace {

class Scenario {
 public:
  explicit Scenario(uint32_t seed) : pick_(seed) {
    world.random = testing::FakeRandom(seed);
    for (int i = 0; i < 8; ++i) {
      const std::string email = "user" + std::to_string(i) + "@example.com";
      const std::string user_id = world.bootstrap_user(email, "User " + std::to_string(i));
      callers.push_back(world.open_session(user_id));
      callers.push_back(world.issue_token(user_id));
    }
    for (int i = 0; i < 3; ++i) orgs.push_back(world.create_org(callers[2 * i], "Org"));
  }

  World world;
  std::vector<Caller> callers;
  std::vector<std::string> orgs;
  std::map<std::string, int> accepted, refused;
  std::map<std::string, int> reasons;

  void step() {
    advance_clock();
    const size_t who = index(callers.size());
    const Caller caller = callers[who];
    const std::string org = chance(75) ? an_org_of(caller) : orgs[index(orgs.size())];
    Command command = random_command(caller, org);
    const std::string name = command_name(command);
    Result<Decision> result = world.run(caller, command);
    if (result.ok()) {
      ++accepted[name];
      check_effect(command, result.value());
      remember_new_credentials(command, result.value(), caller);
    } else {
      ++refused[name];
      if (result.error().code == ErrorCode::unauthorized) replace_dead(who);
      ++reasons[outcome(result) +
                (result.error().reason.empty() ? "" : "/" + result.error().reason)];
      BOOST_TEST(result.error().code != ErrorCode::internal_error, result.error().detail);
    }
  }

  // Every organization keeps an owner, and its counters agree with its members.
  void check_invariants() const {
    for (const auto& [id, org] : world.orgs) {
      size_t owners = 0, active = 0;
      for (const Member& m : org.members) {
        if (m.removed) continue;
        ++active;
        if (m.role == Role::owner) ++owners;
        BOOST_TEST(org.active_member_of(m.user_id) == &m);
      }
      BOOST_TEST(owners >= 1u, "organization " << id << " has no owner");
      BOOST_TEST(org.owner_count == owners);
      BOOST_TEST(org.active_member_count == active);
      BOOST_TEST(org.active_member_of_user.size() == active);
    }
  }

 private:
  std::mt19937 pick_;

  size_t index(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(pick_); }
  bool chance(int percent) { return static_cast<int>(index(100)) < percent; }
  Role any_role() { return static_cast<Role>(index(4)); }
  KeyRole any_key_role() { return static_cast<KeyRole>(index(3)); }

  void advance_clock() {
    world.now += static_cast<int64_t>(index(5)) * kMinute;
    // Now and then long enough to expire sessions and lose restore windows.
    if (index(1000) < 3) world.now += 20 * kDay;
  }

  // An organization the caller belongs to (or its key's), when there is one.
  std::string an_org_of(const Caller& caller) {
    if (caller.is_org_key()) return caller.key_org_id;
    std::vector<std::string> mine;
    for (const std::string& id : orgs)
      if (world.orgs.at(id).active_member_of(caller.user_id)) mine.push_back(id);
    return mine.empty() ? orgs[index(orgs.size())] : mine[index(mine.size())];
  }

  // Expired or revoked credentials give way to a fresh session of their user,
  // so the population of live callers does not dwindle.
  void replace_dead(size_t who) {
    const std::string user_id = callers[who].user_id;
    callers[who] = world.open_session(user_id);
  }

  std::string any_member_id(const std::string& org) {
    auto it = world.orgs.find(org);
    if (it == world.orgs.end() || it->second.members.empty() || chance(5)) {
      return "2222222222222222222222";  // unknown
    }
    return it->second.members[index(it->second.members.size())].id;  // removed ones too
  }

  std::string any_key_id(const std::string& org) {
    auto it = world.orgs.find(org);
    if (it == world.orgs.end() || it->second.keys.empty()) return "2222222222222222222222";
    return it->second.keys[index(it->second.keys.size())].id;
  }

  Command random_command(const Caller& caller, const std::string& org) {
    switch (index(12)) {
      case 0:
      case 1:
      case 2: {
        ChangeMemberRole c;
        c.org_id = org;
        c.member_id = any_member_id(org);
        c.role = any_role();
        return c;
      }
      case 3:
      case 4: {
        RemoveMember c;
        c.org_id = org;
        // Leaving is the interesting case for the invariant: try it often.
        const Member* self = world.orgs.at(org).active_member_of(caller.user_id);
        c.member_id = self && chance(50) ? self->id : any_member_id(org);
        return c;
      }
      case 5:
      case 6: {
        InviteMember c;
        c.org_id = org;
        c.email = "user" + std::to_string(index(14)) + "@example.com";  // some are new
        c.role = any_role();
        return c;
      }
      case 7: {
        CreateOrgApiKey c;
        c.org_id = org;
        c.name = "key";
        c.kind = chance(30) ? KeyKind::publishable : KeyKind::business;
        c.role = any_key_role();
        return c;
      }
      case 8: {
        RevokeOrgApiKey c;
        c.org_id = org;
        c.key_id = any_key_id(org);
        return c;
      }
      case 9: {
        UpdateOrganization c;
        c.org_id = org;
        c.metadata =
            MetadataPatch::merge({{"k" + std::to_string(index(3)), chance(30) ? "" : "v"}});
        if (chance(20)) c.if_match_version = world.orgs.at(org).version - index(2);
        return c;
      }
      case 10: {
        if (chance(50)) {
          DeleteOrganization c;
          c.org_id = org;
          return c;
        }
        RestoreOrganization c;
        c.org_id = org;
        return c;
      }
      default: {
        if (chance(80)) {
          CreateUserApiKey c;
          c.name = "mine";
          c.role = any_key_role();
          return c;
        }
        CreateOrganization c;
        c.name = "Spawned";
        c.country = "NL";
        return c;
      }
    }
  }

  // What decide accepted is what evolve made of it.
  void check_effect(const Command& command, const Decision& decision) {
    if (auto* c = std::get_if<ChangeMemberRole>(&command)) {
      BOOST_TEST(world.org(c->org_id).find_member(c->member_id)->role == c->role);
    } else if (auto* c = std::get_if<RemoveMember>(&command)) {
      BOOST_TEST(world.org(c->org_id).find_member(c->member_id)->removed);
    } else if (auto* c = std::get_if<InviteMember>(&command)) {
      const Member* m = world.org(c->org_id).find_member(decision.entity_id);
      BOOST_TEST((m && !m->removed && m->role == c->role && m->email == c->email));
    } else if (auto* c = std::get_if<CreateOrgApiKey>(&command)) {
      const ApiKey* key = world.org(c->org_id).find_unrevoked_key(decision.entity_id);
      BOOST_TEST((key && key->role == c->role && well_formed_api_key(decision.secret) == c->kind));
    } else if (auto* c = std::get_if<RevokeOrgApiKey>(&command)) {
      BOOST_TEST(world.org(c->org_id).find_key(c->key_id)->revoked);
    } else if (auto* c = std::get_if<DeleteOrganization>(&command)) {
      BOOST_TEST(world.org(c->org_id).deleted());
    } else if (auto* c = std::get_if<RestoreOrganization>(&command)) {
      BOOST_TEST(!world.org(c->org_id).deleted());
    } else if (std::holds_alternative<CreateOrganization>(command)) {
      orgs.push_back(decision.entity_id);
    }
  }

  void remember_new_credentials(const Command& command, const Decision& decision,
                                const Caller& creator) {
    if (auto* c = std::get_if<CreateOrgApiKey>(&command)) {
      callers.push_back(
          c->kind == KeyKind::publishable
              ? Caller::publishable_key(decision.entity_id, c->org_id, creator.user_id, c->role)
              : Caller::business_key(decision.entity_id, c->org_id, creator.user_id, c->role));
    } else if (auto* c = std::get_if<CreateUserApiKey>(&command)) {
      callers.push_back(Caller::user_key(decision.entity_id, creator.user_id, c->role));
    } else if (auto* c = std::get_if<InviteMember>(&command)) {
      // A newly invited user gets a session so they can act (and leave) too.
      const std::string user_id = world.user_by_email.at(c->email);
      if (world.users.at(user_id).sessions.empty()) callers.push_back(world.open_session(user_id));
    }
  }
};

// Replays the whole log into fresh states and compares them with the live ones.
void check_replay_matches(const World& world) {
  std::map<std::string, OrganizationState> orgs;
  std::map<std::string, UserState> users;
  for (const EventEnvelope& e : world.log) {
    if (auto id = org_id_of_stream(e.stream)) {
      BOOST_TEST(e.version == orgs[*id].version + 1);
      BOOST_TEST(evolve_checked(orgs[*id], e).ok());
    } else if (auto id = user_id_of_stream(e.stream)) {
      BOOST_TEST(e.version == users[*id].version + 1);
      BOOST_TEST(evolve_checked(users[*id], e).ok());
    }
  }
  BOOST_TEST(orgs.size() == world.orgs.size());
  for (const auto& [id, live] : world.orgs) {
    const OrganizationState& replayed = orgs.at(id);
    BOOST_TEST(replayed.version == live.version);
    BOOST_TEST(replayed.name == live.name);
    BOOST_TEST((replayed.metadata == live.metadata));
    BOOST_TEST((replayed.deleted_at_ms == live.deleted_at_ms));
    BOOST_TEST(replayed.owner_count == live.owner_count);
    BOOST_REQUIRE(replayed.members.size() == live.members.size());
    for (size_t i = 0; i < live.members.size(); ++i) {
      BOOST_TEST(replayed.members[i].id == live.members[i].id);
      BOOST_TEST(replayed.members[i].role == live.members[i].role);
      BOOST_TEST(replayed.members[i].removed == live.members[i].removed);
    }
    BOOST_REQUIRE(replayed.keys.size() == live.keys.size());
    for (size_t i = 0; i < live.keys.size(); ++i) {
      BOOST_TEST(replayed.keys[i].key_sha256 == live.keys[i].key_sha256);
      BOOST_TEST(replayed.keys[i].revoked == live.keys[i].revoked);
    }
  }
  for (const auto& [id, live] : world.users) {
    const UserState& replayed = users.at(id);
    BOOST_TEST(replayed.version == live.version);
    BOOST_TEST(replayed.email == live.email);
    BOOST_TEST(replayed.keys.size() == live.keys.size());
    BOOST_TEST(replayed.sessions.size() == live.sessions.size());
    BOOST_TEST(replayed.tokens.size() == live.tokens.size());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(random_command_sequences_keep_every_invariant) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      Scenario scenario(seed);
      for (int step = 0; step < 3000; ++step) {
        scenario.step();
        scenario.check_invariants();
      }
      check_replay_matches(scenario.world);

      // The run exercised both sides of the rules, not just one path.
      for (const char* name : {"ChangeMemberRole", "RemoveMember", "InviteMember",
                               "CreateOrgApiKey", "UpdateOrganization"}) {
        BOOST_TEST(scenario.accepted[name] > 0, name << " never accepted");
        BOOST_TEST(scenario.refused[name] > 0, name << " never refused");
      }
      BOOST_TEST(scenario.reasons["conflict/last_owner"] > 0);
      // Refusals happened, and every one named its rule.
      int forbidden = 0;
      for (const auto& [reason, count] : scenario.reasons)
        if (reason.rfind("forbidden/", 0) == 0) forbidden += count;
      BOOST_TEST(forbidden > 0);
      BOOST_TEST(scenario.reasons["forbidden"] == 0);
      BOOST_TEST(scenario.reasons["not_found"] > 0);
    }
  }
}
