// decide for the organization itself: create, update, delete, restore, and
// what deletion does to everything else.
#include <boost/test/unit_test.hpp>

#include "domain_world.h"

using namespace closient;
using testing::kDay;
using testing::kMinute;
using testing::outcome;
using testing::Person;
using testing::World;

namespace {

struct Acme {
  World world;
  Person owner = world.person("owner@example.com", "Olive Owner");
  std::string org = world.create_org(owner.session);
};

UpdateOrganization update_of(const std::string& org) {
  UpdateOrganization command;
  command.org_id = org;
  return command;
}

}  // namespace

BOOST_AUTO_TEST_CASE(creating_an_organization_makes_the_caller_its_owner) {
  World world;
  Person ann = world.person("ann@example.com", "Ann");
  CreateOrganization command;
  command.name = "Acme";
  command.country = "DE";
  command.metadata = {{"tier", "gold"}, {"empty", ""}};
  Decision decision = World::must(world.run(ann.session, command));

  BOOST_REQUIRE(decision.appends.size() == 1u);
  const StreamAppend& append = decision.appends[0];
  BOOST_TEST(append.stream == org_stream(decision.entity_id));
  BOOST_TEST((append.expected.kind == ExpectedVersion::Kind::no_stream));
  BOOST_REQUIRE(append.events.size() == 2u);
  BOOST_TEST(append.events[0].type == "OrganizationCreated");
  BOOST_TEST(append.events[1].type == "MemberAdded");

  const OrganizationState& org = world.org(decision.entity_id);
  BOOST_TEST(org.name == "Acme");
  BOOST_TEST(org.country == "DE");
  BOOST_TEST(!org.is_brand);
  BOOST_TEST(org.require_reauth_to_delete);
  BOOST_TEST((org.metadata == Metadata{{"tier", "gold"}}));
  BOOST_TEST(org.version == 2u);
  BOOST_TEST(org.owner_count == 1u);
  const Member* member = org.active_member_of(ann.user_id);
  BOOST_REQUIRE(member);
  BOOST_TEST(member->role == Role::owner);
  BOOST_TEST(member->email == "ann@example.com");
  BOOST_TEST(member->name == "Ann");
}

BOOST_AUTO_TEST_CASE(creating_validates_and_needs_a_user_credential) {
  Acme acme;
  CreateOrganization bad;
  bad.name = "";
  bad.country = "us";
  Result<Decision> result = acme.world.run(acme.owner.session, bad);
  BOOST_REQUIRE(!result.ok());
  BOOST_TEST(result.error().code == ErrorCode::validation_error);
  BOOST_TEST(result.error().fields.size() == 2u);

  CreateOrganization good;
  good.name = "Beta";
  good.country = "FR";
  const Caller key =
      acme.world.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  BOOST_TEST(outcome(acme.world.run(key, good)) == "forbidden");
  const Caller readonly = acme.world.user_key(acme.owner.session, KeyRole::readonly);
  BOOST_TEST(outcome(acme.world.run(readonly, good)) == "forbidden");
  const Caller manager = acme.world.user_key(acme.owner.session, KeyRole::manager);
  BOOST_TEST(outcome(acme.world.run(manager, good)) == "ok");
  BOOST_TEST(outcome(acme.world.run(acme.world.issue_token(acme.owner.user_id), good)) == "ok");
}

BOOST_AUTO_TEST_CASE(only_owners_update_and_metadata_merges) {
  Acme acme;
  World& w = acme.world;
  Person manager = w.member(acme.owner.session, acme.org, "m@example.com", Role::manager);
  Person billing = w.member(acme.owner.session, acme.org, "b@example.com", Role::billing);
  Person stranger = w.person("s@example.com");

  UpdateOrganization rename = update_of(acme.org);
  rename.name = "Acme GmbH";
  BOOST_TEST(outcome(w.run(manager.session, rename)) == "forbidden");
  BOOST_TEST(outcome(w.run(billing.session, rename)) == "forbidden");
  BOOST_TEST(outcome(w.run(stranger.session, rename)) == "not_found");
  BOOST_TEST(outcome(w.run(acme.owner.session, rename)) == "ok");
  BOOST_TEST(w.org(acme.org).name == "Acme GmbH");

  UpdateOrganization set = update_of(acme.org);
  set.metadata = MetadataPatch::merge({{"a", "1"}, {"b", "2"}});
  set.is_brand = true;
  World::must(w.run(acme.owner.session, set));
  UpdateOrganization merge = update_of(acme.org);
  merge.metadata = MetadataPatch::merge({{"a", ""}, {"c", "3"}});
  World::must(w.run(acme.owner.session, merge));
  BOOST_TEST((w.org(acme.org).metadata == Metadata{{"b", "2"}, {"c", "3"}}));
  BOOST_TEST(w.org(acme.org).is_brand);
  UpdateOrganization clear = update_of(acme.org);
  clear.metadata = MetadataPatch::clear();
  World::must(w.run(acme.owner.session, clear));
  BOOST_TEST(w.org(acme.org).metadata.empty());

  UpdateOrganization invalid = update_of(acme.org);
  invalid.country = "XX";
  Result<Decision> rejected = w.run(acme.owner.session, invalid);
  BOOST_TEST(outcome(rejected) == "validation_error");
  BOOST_TEST(rejected.error().fields[0].field == "country");

  Metadata too_many;
  for (int i = 0; i < 51; ++i) too_many["k" + std::to_string(i)] = "v";
  UpdateOrganization overflow = update_of(acme.org);
  overflow.metadata = MetadataPatch::merge(too_many);
  BOOST_TEST(outcome(w.run(acme.owner.session, overflow)) == "validation_error");
}

BOOST_AUTO_TEST_CASE(an_unchanged_update_appends_nothing) {
  Acme acme;
  UpdateOrganization same = update_of(acme.org);
  same.name = "Acme";
  same.country = "US";
  Decision decision = World::must(acme.world.run(acme.owner.session, same));
  BOOST_TEST(decision.changes_nothing());
  BOOST_TEST(acme.world.org(acme.org).version == 2u);
}

BOOST_AUTO_TEST_CASE(require_reauth_to_delete_is_owner_only) {
  Acme acme;
  Person manager = acme.world.member(acme.owner.session, acme.org, "m@example.com", Role::manager);
  UpdateOrganization toggle = update_of(acme.org);
  toggle.require_reauth_to_delete = false;
  BOOST_TEST(outcome(acme.world.run(manager.session, toggle)) == "forbidden");
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, toggle)) == "ok");
  BOOST_TEST(!acme.world.org(acme.org).require_reauth_to_delete);
}

BOOST_AUTO_TEST_CASE(if_match_guards_against_stale_writes) {
  Acme acme;
  UpdateOrganization stale = update_of(acme.org);
  stale.name = "New";
  stale.if_match_version = 1;  // the stream is at 2
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, stale)) == "precondition_failed");
  stale.if_match_version = 2;
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, stale)) == "ok");
  BOOST_TEST(acme.world.org(acme.org).version == 3u);

  InviteMember invite;
  invite.org_id = acme.org;
  invite.email = "x@example.com";
  invite.if_match_version = 2;
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, invite)) == "precondition_failed");
  DeleteOrganization remove;
  remove.org_id = acme.org;
  remove.if_match_version = 7;
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, remove)) == "precondition_failed");
}

BOOST_AUTO_TEST_CASE(delete_with_a_stale_session_needs_reauthentication) {
  Acme acme;
  World& w = acme.world;
  const Caller stale = w.open_session(acme.owner.user_id, w.now - 16 * kMinute);
  const Caller fresh = w.open_session(acme.owner.user_id, w.now - 15 * kMinute);
  DeleteOrganization remove;
  remove.org_id = acme.org;

  Result<Decision> refused = w.run(stale, remove);
  BOOST_TEST(outcome(refused) == "forbidden");
  BOOST_TEST(refused.error().reason == "reauthentication_required");

  // Bearer tokens and keys skip the gate; fresh sessions pass it.
  BOOST_TEST(outcome(w.decide_as(w.issue_token(acme.owner.user_id), remove)) == "ok");
  BOOST_TEST(outcome(w.decide_as(w.user_key(acme.owner.session, KeyRole::manager), remove)) ==
             "ok");
  BOOST_TEST(outcome(w.decide_as(fresh, remove)) == "ok");

  // Without require_reauth_to_delete, a stale session may delete.
  UpdateOrganization toggle = update_of(acme.org);
  toggle.require_reauth_to_delete = false;
  World::must(w.run(acme.owner.session, toggle));
  BOOST_TEST(outcome(w.run(stale, remove)) == "ok");
}

BOOST_AUTO_TEST_CASE(only_owners_delete_and_keys_never_do) {
  Acme acme;
  World& w = acme.world;
  Person manager = w.member(acme.owner.session, acme.org, "m@example.com", Role::manager);
  const Caller manager_key =
      w.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  const Caller csu_of_manager = w.user_key(manager.session, KeyRole::manager);
  DeleteOrganization remove;
  remove.org_id = acme.org;
  BOOST_TEST(outcome(w.run(manager.session, remove)) == "forbidden");
  BOOST_TEST(outcome(w.run(manager_key, remove)) == "forbidden");
  BOOST_TEST(outcome(w.run(csu_of_manager, remove)) == "forbidden");
  BOOST_TEST(outcome(w.run(w.person("x@example.com").session, remove)) == "not_found");
}

BOOST_AUTO_TEST_CASE(a_deleted_organization_is_gone_until_restored) {
  Acme acme;
  World& w = acme.world;
  Person editor = w.member(acme.owner.session, acme.org, "e@example.com", Role::editor);
  const Caller key = w.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  DeleteOrganization remove;
  remove.org_id = acme.org;
  World::must(w.run(acme.owner.session, remove));
  BOOST_TEST(w.org(acme.org).deleted());

  // Everything but restore answers not_found, for members and keys alike.
  UpdateOrganization rename = update_of(acme.org);
  rename.name = "Zombie";
  BOOST_TEST(outcome(w.run(acme.owner.session, rename)) == "not_found");
  BOOST_TEST(outcome(w.run(acme.owner.session, remove)) == "not_found");
  InviteMember invite;
  invite.org_id = acme.org;
  invite.email = "new@example.com";
  BOOST_TEST(outcome(w.run(acme.owner.session, invite)) == "not_found");
  BOOST_TEST(outcome(w.run(key, invite)) == "not_found");
  RemoveMember leave;
  leave.org_id = acme.org;
  leave.member_id = w.member_id_of(acme.org, editor.user_id);
  BOOST_TEST(outcome(w.run(editor.session, leave)) == "not_found");
  RestoreOrganization restore;
  restore.org_id = acme.org;
  BOOST_TEST(outcome(w.run(key, restore)) == "not_found");  // its keys stopped working
  BOOST_TEST(outcome(w.run(editor.session, restore)) == "forbidden");

  // The owner restores; keys and members work again.
  World::must(w.run(acme.owner.session, restore));
  BOOST_TEST(!w.org(acme.org).deleted());
  BOOST_TEST(outcome(w.run(key, invite)) == "ok");
  BOOST_TEST(outcome(w.decide_as(editor.session, leave)) == "ok");
}

BOOST_AUTO_TEST_CASE(restore_windows) {
  Acme acme;
  World& w = acme.world;
  RestoreOrganization restore;
  restore.org_id = acme.org;
  BOOST_TEST(outcome(w.run(acme.owner.session, restore)) == "conflict");  // not deleted

  DeleteOrganization remove;
  remove.org_id = acme.org;
  World::must(w.run(acme.owner.session, remove));
  const int64_t deleted_at = w.now;
  const Caller token = w.issue_token(acme.owner.user_id);  // outlives the session below

  w.now = deleted_at + 90 * kDay;  // the last moment it may come back
  const Caller late_token = [&] {
    IssueToken command;
    command.user_id = acme.owner.user_id;
    command.expires_at_ms = w.now + kDay;
    return Caller::token(World::must(w.run_operator(command)).entity_id, acme.owner.user_id);
  }();
  BOOST_TEST(outcome(w.decide_as(late_token, restore)) == "ok");
  w.now = deleted_at + 90 * kDay + 1;
  BOOST_TEST(outcome(w.decide_as(late_token, restore)) == "not_found");
  (void)token;
}

BOOST_AUTO_TEST_CASE(restore_by_a_stranger_is_not_found) {
  Acme acme;
  DeleteOrganization remove;
  remove.org_id = acme.org;
  World::must(acme.world.run(acme.owner.session, remove));
  RestoreOrganization restore;
  restore.org_id = acme.org;
  BOOST_TEST(outcome(acme.world.run(acme.world.person("x@example.com").session, restore)) ==
             "not_found");
}

BOOST_AUTO_TEST_CASE(dead_credentials_are_unauthorized) {
  Acme acme;
  World& w = acme.world;
  UpdateOrganization rename = update_of(acme.org);
  rename.name = "Renamed";

  RevokeSession revoke;
  revoke.user_id = acme.owner.user_id;
  revoke.session_id = acme.owner.session.credential_id;
  World::must(w.run_operator(revoke));
  BOOST_TEST(outcome(w.run(acme.owner.session, rename)) == "unauthorized");

  const Caller token = w.issue_token(acme.owner.user_id);
  w.now += 31 * kDay;  // past the token's expiry
  BOOST_TEST(outcome(w.run(token, rename)) == "unauthorized");

  const Caller fresh = w.open_session(acme.owner.user_id);
  CreateOrgApiKey create;
  create.org_id = acme.org;
  create.name = "short-lived";
  create.role = KeyRole::manager;
  create.expires_at_ms = w.now + kMinute;
  Decision made = World::must(w.run(fresh, create));
  const Caller key =
      Caller::business_key(made.entity_id, acme.org, acme.owner.user_id, KeyRole::manager);
  InviteMember invite;
  invite.org_id = acme.org;
  invite.email = "n@example.com";
  BOOST_TEST(outcome(w.decide_as(key, invite)) == "ok");
  w.now += 2 * kMinute;
  BOOST_TEST(outcome(w.decide_as(key, invite)) == "unauthorized");

  BOOST_TEST(outcome(w.decide_as(std::nullopt, rename)) == "unauthorized");
}

BOOST_AUTO_TEST_CASE(unknown_organizations_are_not_found) {
  World world;
  Person ann = world.person("ann@example.com");
  UpdateOrganization rename = update_of("CnEqURgZ3swzj528KMLvX5");
  rename.name = "X";
  BOOST_TEST(outcome(world.run(ann.session, rename)) == "not_found");
}
