// decide for memberships: invites, role changes, removals, leaving, and the
// invariant that an organization always keeps an owner.
#include <boost/test/unit_test.hpp>

#include "domain_world.h"

using namespace closient;
using testing::outcome;
using testing::Person;
using testing::World;

namespace {

struct Acme {
  World world;
  Person owner = world.person("owner@example.com", "Olive");
  std::string org = world.create_org(owner.session);

  Person member(const std::string& email, Role role) {
    return world.member(owner.session, org, email, role);
  }
  std::string member_id(const Person& p) const { return world.member_id_of(org, p.user_id); }
  const Member& membership(const Person& p) const {
    return *world.org(org).active_member_of(p.user_id);
  }
  Result<Decision> change_role(const Caller& by, const std::string& member_id, Role role) {
    ChangeMemberRole command;
    command.org_id = org;
    command.member_id = member_id;
    command.role = role;
    return world.run(by, command);
  }
  Result<Decision> remove(const Caller& by, const std::string& member_id) {
    RemoveMember command;
    command.org_id = org;
    command.member_id = member_id;
    return world.run(by, command);
  }
  Result<Decision> invite(const Caller& by, const std::string& email, Role role) {
    InviteMember command;
    command.org_id = org;
    command.email = email;
    command.role = role;
    return world.run(by, command);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(inviting_an_unknown_email_creates_the_user_in_the_same_append) {
  Acme acme;
  InviteMember command;
  command.org_id = acme.org;
  command.email = "New.Person@Example.com";
  Decision decision = World::must(acme.world.decide_as(acme.owner.session, command));
  BOOST_REQUIRE(decision.appends.size() == 2u);
  const StreamAppend& user = decision.appends[0];
  const StreamAppend& org = decision.appends[1];
  BOOST_TEST(user.stream.rfind("user-", 0) == 0u);
  BOOST_TEST((user.expected.kind == ExpectedVersion::Kind::no_stream));
  BOOST_TEST(user.events[0].type == "UserCreated");
  BOOST_TEST(user.events[0].data["email"] == "new.person@example.com");
  BOOST_TEST(user.events[0].data["created_via"] == "invite");
  BOOST_TEST(org.stream == org_stream(acme.org));
  BOOST_TEST((org.expected.kind == ExpectedVersion::Kind::exact));
  BOOST_TEST(org.expected.version == 2u);
  BOOST_TEST(org.events[0].type == "MemberInvited");
  BOOST_TEST(org.events[0].data["role"] == "editor");  // the default role
  BOOST_TEST(org.events[0].data["user_id"] == user.events[0].data["user_id"]);

  World::must(acme.world.commit(decision, acme.owner.session.actor()));
  const std::string user_id = acme.world.user_by_email.at("new.person@example.com");
  const Member* member = acme.world.org(acme.org).active_member_of(user_id);
  BOOST_REQUIRE(member);
  BOOST_TEST(member->id == decision.entity_id);
  BOOST_TEST(member->email == "new.person@example.com");
  BOOST_TEST(member->name == "");
}

BOOST_AUTO_TEST_CASE(inviting_an_existing_user_snapshots_who_they_are) {
  Acme acme;
  BootstrapUser bob;
  bob.email = "bob@example.com";
  bob.name = "Bob";
  bob.metadata = {{"team", "red"}};
  const std::string bob_id = World::must(acme.world.run_operator(bob)).entity_id;

  Decision decision =
      World::must(acme.invite(acme.owner.session, "BOB@example.com", Role::billing));
  BOOST_TEST(decision.appends.size() == 1u);  // the user exists: only the org stream
  const Member* member = acme.world.org(acme.org).active_member_of(bob_id);
  BOOST_REQUIRE(member);
  BOOST_TEST(member->name == "Bob");
  BOOST_TEST((member->user_metadata == Metadata{{"team", "red"}}));
  BOOST_TEST(member->role == Role::billing);
}

BOOST_AUTO_TEST_CASE(invite_rules) {
  Acme acme;
  Person manager = acme.member("m@example.com", Role::manager);
  Person editor = acme.member("e@example.com", Role::editor);
  Person billing = acme.member("b@example.com", Role::billing);

  Result<Decision> bad_email = acme.invite(acme.owner.session, "not-an-email", Role::editor);
  BOOST_TEST(outcome(bad_email) == "validation_error");
  BOOST_TEST(bad_email.error().fields[0].field == "email");

  Result<Decision> twice = acme.invite(acme.owner.session, "E@EXAMPLE.COM", Role::editor);
  BOOST_TEST(outcome(twice) == "conflict");

  BOOST_TEST(outcome(acme.invite(editor.session, "x@example.com", Role::editor)) == "forbidden");
  BOOST_TEST(outcome(acme.invite(billing.session, "x@example.com", Role::editor)) == "forbidden");
  // Inviting as owner needs an owner.
  BOOST_TEST(outcome(acme.invite(manager.session, "x@example.com", Role::owner)) == "forbidden");
  BOOST_TEST(outcome(acme.invite(manager.session, "x@example.com", Role::manager)) == "ok");
  BOOST_TEST(outcome(acme.invite(acme.owner.session, "y@example.com", Role::owner)) == "ok");
  BOOST_TEST(acme.world.org(acme.org).owner_count == 2u);

  const Caller manager_key =
      acme.world.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  const Caller editor_key =
      acme.world.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::editor);
  const Caller publishable =
      acme.world.org_key(acme.owner.session, acme.org, KeyKind::publishable, KeyRole::manager);
  BOOST_TEST(outcome(acme.invite(manager_key, "z@example.com", Role::editor)) == "ok");
  BOOST_TEST(outcome(acme.invite(manager_key, "w@example.com", Role::owner)) == "forbidden");
  BOOST_TEST(outcome(acme.invite(editor_key, "w@example.com", Role::editor)) == "forbidden");
  BOOST_TEST(outcome(acme.invite(publishable, "w@example.com", Role::editor)) == "forbidden");
}

BOOST_AUTO_TEST_CASE(the_last_owner_cannot_leave_be_removed_or_demoted) {
  Acme acme;
  const std::string owner_member = acme.member_id(acme.owner);

  Result<Decision> leave = acme.remove(acme.owner.session, owner_member);
  BOOST_TEST(outcome(leave) == "conflict");
  BOOST_TEST(leave.error().reason == "last_owner");
  Result<Decision> self_demote = acme.change_role(acme.owner.session, owner_member, Role::manager);
  BOOST_TEST(outcome(self_demote) == "conflict");
  BOOST_TEST(self_demote.error().reason == "last_owner");
  // Through the owner's csu manager key, which carries the owner's authority.
  const Caller key = acme.world.user_key(acme.owner.session, KeyRole::manager);
  BOOST_TEST(acme.remove(key, owner_member).error().reason == "last_owner");
  BOOST_TEST(acme.change_role(key, owner_member, Role::editor).error().reason == "last_owner");

  // With a second owner, either may go.
  Person second = acme.member("second@example.com", Role::owner);
  BOOST_TEST(outcome(acme.change_role(acme.owner.session, owner_member, Role::manager)) == "ok");
  BOOST_TEST(acme.world.org(acme.org).owner_count == 1u);
  // Now `second` is the last owner: demoting or removing them is refused,
  // and the demoted former owner (a manager) may not even try.
  BOOST_TEST(
      acme.change_role(second.session, acme.member_id(second), Role::editor).error().reason ==
      "last_owner");
  BOOST_TEST(outcome(acme.remove(acme.owner.session, acme.member_id(second))) == "forbidden");
  BOOST_TEST(acme.remove(second.session, acme.member_id(second)).error().reason == "last_owner");
  BOOST_TEST(acme.world.org(acme.org).owner_count == 1u);
}

BOOST_AUTO_TEST_CASE(a_manager_cannot_grant_or_take_owner_nor_remove_an_owner) {
  Acme acme;
  Person manager = acme.member("m@example.com", Role::manager);
  Person editor = acme.member("e@example.com", Role::editor);
  Person co_owner = acme.member("o2@example.com", Role::owner);

  BOOST_TEST(outcome(acme.change_role(manager.session, acme.member_id(editor), Role::owner)) ==
             "forbidden");
  BOOST_TEST(outcome(acme.change_role(manager.session, acme.member_id(manager), Role::owner)) ==
             "forbidden");
  BOOST_TEST(outcome(acme.change_role(manager.session, acme.member_id(co_owner), Role::editor)) ==
             "forbidden");
  BOOST_TEST(outcome(acme.remove(manager.session, acme.member_id(co_owner))) == "forbidden");
  BOOST_TEST(acme.world.org(acme.org).owner_count == 2u);

  // What a manager may do: change and remove non-owners.
  BOOST_TEST(outcome(acme.change_role(manager.session, acme.member_id(editor), Role::billing)) ==
             "ok");
  BOOST_TEST(acme.membership(editor).role == Role::billing);
  BOOST_TEST(outcome(acme.remove(manager.session, acme.member_id(editor))) == "ok");

  // Same for a manager key.
  const Caller key =
      acme.world.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  BOOST_TEST(outcome(acme.change_role(key, acme.member_id(co_owner), Role::manager)) ==
             "forbidden");
  BOOST_TEST(outcome(acme.remove(key, acme.member_id(co_owner))) == "forbidden");
  BOOST_TEST(outcome(acme.change_role(key, acme.member_id(manager), Role::owner)) == "forbidden");
  BOOST_TEST(outcome(acme.change_role(key, acme.member_id(manager), Role::editor)) == "ok");
}

BOOST_AUTO_TEST_CASE(owners_grant_and_take_owner) {
  Acme acme;
  Person manager = acme.member("m@example.com", Role::manager);
  BOOST_TEST(outcome(acme.change_role(acme.owner.session, acme.member_id(manager), Role::owner)) ==
             "ok");
  BOOST_TEST(acme.world.org(acme.org).owner_count == 2u);
  BOOST_TEST(outcome(acme.change_role(acme.owner.session, acme.member_id(manager), Role::editor)) ==
             "ok");
  BOOST_TEST(acme.membership(manager).role == Role::editor);
  // A change to the same role changes nothing.
  Decision same =
      World::must(acme.change_role(acme.owner.session, acme.member_id(manager), Role::editor));
  BOOST_TEST(same.changes_nothing());
}

BOOST_AUTO_TEST_CASE(anyone_may_leave_but_only_managers_remove_others) {
  Acme acme;
  Person editor = acme.member("e@example.com", Role::editor);
  Person billing = acme.member("b@example.com", Role::billing);
  BOOST_TEST(outcome(acme.remove(editor.session, acme.member_id(billing))) == "forbidden");
  BOOST_TEST(outcome(acme.change_role(editor.session, acme.member_id(editor), Role::manager)) ==
             "forbidden");

  const std::string billing_member = acme.member_id(billing);
  Decision left = World::must(acme.remove(billing.session, billing_member));
  BOOST_TEST(left.appends[0].events[0].type == "MemberRemoved");
  BOOST_TEST(left.appends[0].events[0].data["reason"] == "left");
  BOOST_TEST(left.appends[0].events[0].data["removed_by"] == billing.user_id);
  BOOST_TEST(acme.world.org(acme.org).find_member(billing_member)->removed);

  Decision removed = World::must(acme.remove(acme.owner.session, acme.member_id(editor)));
  BOOST_TEST(removed.appends[0].events[0].data["reason"] == "removed");

  // A read-only csu key cannot even leave: it only reads.
  Person reader = acme.member("r@example.com", Role::editor);
  const Caller readonly = acme.world.user_key(reader.session, KeyRole::readonly);
  BOOST_TEST(outcome(acme.remove(readonly, acme.member_id(reader))) == "forbidden");
}

BOOST_AUTO_TEST_CASE(a_removed_member_loses_access_at_once) {
  Acme acme;
  Person manager = acme.member("m@example.com", Role::manager);
  const Caller token = acme.world.issue_token(manager.user_id);
  const Caller csu = acme.world.user_key(manager.session, KeyRole::manager);
  const Caller org_key =
      acme.world.org_key(manager.session, acme.org, KeyKind::business, KeyRole::manager);
  World::must(acme.remove(acme.owner.session, acme.member_id(manager)));

  for (const Caller& caller : {manager.session, token, csu}) {
    BOOST_TEST(outcome(acme.invite(caller, "x@example.com", Role::editor)) == "not_found");
  }
  BOOST_TEST(outcome(acme.remove(manager.session, "CnEqURgZ3swzj528KMLvX5")) == "not_found");
  // Org keys survive the removal of their creator.
  BOOST_TEST(outcome(acme.invite(org_key, "x@example.com", Role::editor)) == "ok");
}

BOOST_AUTO_TEST_CASE(removed_or_unknown_members_are_not_found) {
  Acme acme;
  Person editor = acme.member("e@example.com", Role::editor);
  const std::string old_member = acme.member_id(editor);
  World::must(acme.remove(acme.owner.session, old_member));
  BOOST_TEST(outcome(acme.remove(acme.owner.session, old_member)) == "not_found");
  BOOST_TEST(outcome(acme.change_role(acme.owner.session, old_member, Role::billing)) ==
             "not_found");
  BOOST_TEST(outcome(acme.change_role(acme.owner.session, "2222222222222222222222",
                                      Role::billing)) == "not_found");
}

BOOST_AUTO_TEST_CASE(reinviting_a_removed_member_creates_a_new_membership) {
  Acme acme;
  Person editor = acme.member("e@example.com", Role::editor);
  Person later = acme.member("later@example.com", Role::editor);
  const std::string first = acme.member_id(editor);
  World::must(acme.remove(acme.owner.session, first));
  Decision again = World::must(acme.invite(acme.owner.session, "e@example.com", Role::billing));
  BOOST_TEST(again.entity_id != first);
  BOOST_TEST(again.appends.size() == 1u);  // the user exists already
  const OrganizationState& org = acme.world.org(acme.org);
  BOOST_TEST(org.active_member_of(editor.user_id)->id == again.entity_id);
  BOOST_TEST(org.active_member_count == 3u);
  // Join order: the new membership comes after everyone who joined before it.
  BOOST_TEST(org.members.back().id == again.entity_id);
  BOOST_TEST(org.members[org.member_index.at(acme.member_id(later))].joined_at_ms <=
             org.members.back().joined_at_ms);
}

BOOST_AUTO_TEST_CASE(other_organizations_are_not_found) {
  Acme acme;
  Person other_owner = acme.world.person("other@example.com");
  const std::string other_org = acme.world.create_org(other_owner.session, "Other");
  const std::string other_member = acme.world.member_id_of(other_org, other_owner.user_id);
  const Caller acme_key =
      acme.world.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);

  InviteMember invite;
  invite.org_id = other_org;
  invite.email = "x@example.com";
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, invite)) == "not_found");
  BOOST_TEST(outcome(acme.world.run(acme_key, invite)) == "not_found");
  // A member id of another organization is not a member of this one.
  BOOST_TEST(outcome(acme.remove(acme.owner.session, other_member)) == "not_found");
}

BOOST_AUTO_TEST_CASE(concurrent_demotions_cannot_remove_every_owner) {
  // Many owners demoted "at once": each decision is made against the same
  // state and is valid on its own, but all expect the same stream version, so
  // only one commits; the rest must be decided again and the invariant holds.
  Acme acme;
  std::vector<Person> owners = {acme.owner};
  for (int i = 0; i < 99; ++i)
    owners.push_back(acme.member("o" + std::to_string(i) + "@example.com", Role::owner));
  std::vector<Result<Decision>> decisions;
  for (const Person& owner : owners) {
    ChangeMemberRole demote;
    demote.org_id = acme.org;
    demote.member_id = acme.member_id(owner);
    demote.role = Role::editor;
    decisions.push_back(acme.world.decide_as(owner.session, demote));
  }
  int committed = 0;
  for (size_t i = 0; i < decisions.size(); ++i) {
    BOOST_REQUIRE(decisions[i].ok());
    if (acme.world.commit(decisions[i], owners[i].session.actor()).ok()) ++committed;
  }
  BOOST_TEST(committed == 1);
  BOOST_TEST(acme.world.org(acme.org).owner_count == 99u);

  // Serialized (as the single writer does), all but the last succeed.
  int demoted = 0, refused = 0;
  for (const Person& owner : owners) {
    const Member* m = acme.world.org(acme.org).active_member_of(owner.user_id);
    if (m->role != Role::owner) continue;
    Result<Decision> r = acme.change_role(owner.session, m->id, Role::editor);
    if (r.ok()) {
      ++demoted;
    } else {
      BOOST_TEST(r.error().reason == "last_owner");
      ++refused;
    }
  }
  BOOST_TEST(demoted == 98);
  BOOST_TEST(refused == 1);
  BOOST_TEST(acme.world.org(acme.org).owner_count == 1u);
}

BOOST_AUTO_TEST_CASE(one_email_makes_one_user_across_organizations) {
  Acme acme;
  Person other_owner = acme.world.person("other@example.com");
  const std::string other_org = acme.world.create_org(other_owner.session, "Other");
  World::must(acme.invite(acme.owner.session, "shared@example.com", Role::editor));
  InviteMember second;
  second.org_id = other_org;
  second.email = "Shared@Example.com";
  Decision decision = World::must(acme.world.run(other_owner.session, second));
  BOOST_TEST(decision.appends.size() == 1u);  // found the existing user
  const std::string user_id = acme.world.user_by_email.at("shared@example.com");
  BOOST_TEST(acme.world.org(other_org).active_member_of(user_id) != nullptr);
  BOOST_TEST(acme.world.org(acme.org).active_member_of(user_id) != nullptr);

  // Two invites decided against the same snapshot for a new email: the same
  // generated user id (as a retry would carry) collides on no_stream.
  InviteMember a;
  a.org_id = acme.org;
  a.email = "race@example.com";
  a.new_user_id = "CnEqURgZ3swzj528KMLvX5";
  InviteMember b = a;
  b.org_id = other_org;
  Result<Decision> first = acme.world.decide_as(acme.owner.session, a);
  Result<Decision> again = acme.world.decide_as(other_owner.session, b);
  BOOST_TEST(acme.world.commit(first, acme.owner.session.actor()).ok());
  BOOST_TEST(outcome(acme.world.commit(again, other_owner.session.actor())) == "conflict");
}
