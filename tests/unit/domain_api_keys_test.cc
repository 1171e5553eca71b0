// decide for API keys: org keys (csb, cpk) under MANAGE_API_KEYS, personal csu
// keys under the user's own authority. The raw key leaves once; events keep its hash.
#include <boost/test/unit_test.hpp>

#include "domain/secret.h"
#include "domain_world.h"
#include "events/sha256.h"

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

  Result<Decision> create(const Caller& by, KeyKind kind, KeyRole role,
                          const std::string& name = "ci") {
    CreateOrgApiKey command;
    command.org_id = org;
    command.kind = kind;
    command.role = role;
    command.name = name;
    return world.run(by, command);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(creating_an_org_key_returns_the_raw_key_once_and_stores_its_hash) {
  Acme acme;
  CreateOrgApiKey command;
  command.org_id = acme.org;
  command.name = "Checkout";
  command.description = "web shop";
  command.role = KeyRole::editor;
  command.expires_at_ms = acme.world.now + 10 * kDay;
  command.rate_limit_per_minute = 50;
  command.metadata = {{"env", "prod"}};
  Decision decision = World::must(acme.world.run(acme.owner.session, command));

  BOOST_TEST(well_formed_api_key(decision.secret) == KeyKind::business);
  const NewEvent& event = decision.appends[0].events[0];
  BOOST_TEST(event.type == "OrgApiKeyCreated");
  BOOST_TEST(event.data.dump().find(decision.secret) == std::string::npos);
  BOOST_TEST(event.data.dump().find(decision.secret.substr(4, 32)) == std::string::npos);
  BOOST_TEST(event.data["key_sha256"] == sha256_hex(decision.secret));

  const ApiKey* key = acme.world.org(acme.org).find_key(decision.entity_id);
  BOOST_REQUIRE(key);
  BOOST_TEST(key->kind == KeyKind::business);
  BOOST_TEST(key->org_id == acme.org);
  BOOST_TEST(key->name == "Checkout");
  BOOST_TEST(key->description == "web shop");
  BOOST_TEST(key->role == KeyRole::editor);
  BOOST_TEST(key->display_prefix == decision.secret.substr(0, 8));
  BOOST_TEST(key->created_at_ms == acme.world.now);
  BOOST_TEST(*key->expires_at_ms == acme.world.now + 10 * kDay);
  BOOST_TEST(key->rate_limit_per_minute == 50);
  BOOST_TEST(key->rate_limit_per_day == 0);
  BOOST_TEST((key->metadata == Metadata{{"env", "prod"}}));
  BOOST_TEST(key->created_by == acme.owner.user_id);
  BOOST_TEST(secret_matches(decision.secret, key->key_sha256));
}

BOOST_AUTO_TEST_CASE(org_keys_need_manage_api_keys) {
  Acme acme;
  World& w = acme.world;
  Person manager = w.member(acme.owner.session, acme.org, "m@example.com", Role::manager);
  Person billing = w.member(acme.owner.session, acme.org, "b@example.com", Role::billing);
  Person editor = w.member(acme.owner.session, acme.org, "e@example.com", Role::editor);
  const Caller manager_key =
      w.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  const Caller editor_key =
      w.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::editor);
  const Caller readonly_key =
      w.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::readonly);
  const Caller publishable =
      w.org_key(acme.owner.session, acme.org, KeyKind::publishable, KeyRole::readonly);
  const Caller editor_csu = w.user_key(acme.owner.session, KeyRole::editor);

  BOOST_TEST(outcome(acme.create(manager.session, KeyKind::business, KeyRole::manager)) == "ok");
  BOOST_TEST(outcome(acme.create(manager_key, KeyKind::publishable, KeyRole::readonly)) == "ok");
  BOOST_TEST(outcome(acme.create(manager_key, KeyKind::business, KeyRole::manager)) == "ok");
  for (const Caller& caller :
       {billing.session, editor.session, editor_key, readonly_key, publishable, editor_csu}) {
    BOOST_TEST(outcome(acme.create(caller, KeyKind::business, KeyRole::readonly)) == "forbidden",
               credential_kind_name(caller.kind));
  }
  BOOST_TEST(outcome(acme.create(w.person("x@example.com").session, KeyKind::business,
                                 KeyRole::readonly)) == "not_found");
}

BOOST_AUTO_TEST_CASE(org_key_fields_are_validated) {
  Acme acme;
  CreateOrgApiKey command;
  command.org_id = acme.org;
  command.name = "";
  command.description = std::string(256, 'd');
  command.expires_at_ms = acme.world.now;
  command.rate_limit_per_minute = -1;
  command.rate_limit_per_day = -5;
  Result<Decision> result = acme.world.run(acme.owner.session, command);
  BOOST_REQUIRE(outcome(result) == "validation_error");
  std::vector<std::string> fields;
  for (const FieldError& f : result.error().fields) fields.push_back(f.field);
  BOOST_TEST(fields == (std::vector<std::string>{"name", "description", "expires_at",
                                                 "rate_limit_per_minute", "rate_limit_per_day"}),
             boost::test_tools::per_element());

  // Org keys are business or publishable; "user" keys come only from /api-keys.
  CreateOrgApiKey user_kind;
  user_kind.org_id = acme.org;
  user_kind.name = "x";
  user_kind.kind = KeyKind::user;
  Result<Decision> wrong_kind = acme.world.run(acme.owner.session, user_kind);
  BOOST_TEST(outcome(wrong_kind) == "validation_error");
  BOOST_TEST(wrong_kind.error().fields[0].field == "kind");
}

BOOST_AUTO_TEST_CASE(updating_an_org_key_changes_only_what_was_sent) {
  Acme acme;
  Decision made =
      World::must(acme.create(acme.owner.session, KeyKind::business, KeyRole::readonly, "first"));
  UpdateOrgApiKey update;
  update.org_id = acme.org;
  update.key_id = made.entity_id;
  update.description = "now described";
  update.metadata = MetadataPatch::merge({{"a", "1"}});
  World::must(acme.world.run(acme.owner.session, update));
  const ApiKey* key = acme.world.org(acme.org).find_key(made.entity_id);
  BOOST_TEST(key->name == "first");
  BOOST_TEST(key->description == "now described");
  BOOST_TEST((key->metadata == Metadata{{"a", "1"}}));

  UpdateOrgApiKey same = update;
  same.metadata = MetadataPatch::unchanged();
  BOOST_TEST(World::must(acme.world.run(acme.owner.session, same)).changes_nothing());
  UpdateOrgApiKey empty_name = update;
  empty_name.name = "";
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, empty_name)) == "validation_error");
}

BOOST_AUTO_TEST_CASE(a_revoked_key_is_gone) {
  Acme acme;
  World& w = acme.world;
  const Caller key = w.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  RevokeOrgApiKey revoke;
  revoke.org_id = acme.org;
  revoke.key_id = key.credential_id;
  World::must(w.run(acme.owner.session, revoke));
  BOOST_TEST(w.org(acme.org).find_key(key.credential_id)->revoked);
  BOOST_TEST(w.org(acme.org).find_unrevoked_key(key.credential_id) == nullptr);

  BOOST_TEST(outcome(w.run(acme.owner.session, revoke)) == "not_found");
  UpdateOrgApiKey update;
  update.org_id = acme.org;
  update.key_id = key.credential_id;
  update.name = "back";
  BOOST_TEST(outcome(w.run(acme.owner.session, update)) == "not_found");
  // It no longer authenticates, at once.
  InviteMember invite;
  invite.org_id = acme.org;
  invite.email = "x@example.com";
  BOOST_TEST(outcome(w.run(key, invite)) == "unauthorized");
}

BOOST_AUTO_TEST_CASE(a_key_of_another_organization_is_not_found) {
  Acme acme;
  Person other = acme.world.person("other@example.com");
  const std::string other_org = acme.world.create_org(other.session, "Other");
  const Caller other_key =
      acme.world.org_key(other.session, other_org, KeyKind::business, KeyRole::manager);
  RevokeOrgApiKey revoke;
  revoke.org_id = acme.org;
  revoke.key_id = other_key.credential_id;
  BOOST_TEST(outcome(acme.world.run(acme.owner.session, revoke)) == "not_found");
}

BOOST_AUTO_TEST_CASE(personal_keys_belong_to_their_user) {
  Acme acme;
  World& w = acme.world;
  CreateUserApiKey create;
  create.name = "laptop";
  create.role = KeyRole::manager;
  Decision made = World::must(w.run(acme.owner.session, create));
  BOOST_TEST(well_formed_api_key(made.secret) == KeyKind::user);
  BOOST_TEST(made.appends[0].stream == user_stream(acme.owner.user_id));
  BOOST_TEST(made.appends[0].events[0].type == "UserApiKeyCreated");
  const ApiKey* key = w.users.at(acme.owner.user_id).find_key(made.entity_id);
  BOOST_REQUIRE(key);
  BOOST_TEST(key->kind == KeyKind::user);
  BOOST_TEST(key->user_id == acme.owner.user_id);

  // `kind` in the body is refused: these keys are always user keys.
  CreateUserApiKey with_kind = create;
  with_kind.kind_given = true;
  with_kind.key_id.clear();
  with_kind.raw_key.clear();
  BOOST_TEST(outcome(w.run(acme.owner.session, with_kind)) == "validation_error");

  // Another user cannot touch it: not theirs → not_found.
  Person bob = w.person("bob@example.com");
  RevokeUserApiKey revoke;
  revoke.key_id = made.entity_id;
  BOOST_TEST(outcome(w.run(bob.session, revoke)) == "not_found");
  UpdateUserApiKey rename;
  rename.key_id = made.entity_id;
  rename.name = "desk";
  BOOST_TEST(outcome(w.run(bob.session, rename)) == "not_found");
  BOOST_TEST(outcome(w.run(acme.owner.session, rename)) == "ok");
  BOOST_TEST(w.users.at(acme.owner.user_id).find_key(made.entity_id)->name == "desk");

  World::must(w.run(acme.owner.session, revoke));
  BOOST_TEST(outcome(w.run(acme.owner.session, revoke)) == "not_found");
  BOOST_TEST(outcome(w.run(acme.owner.session, rename)) == "not_found");
}

BOOST_AUTO_TEST_CASE(personal_keys_need_a_write_capable_user_credential) {
  Acme acme;
  World& w = acme.world;
  CreateUserApiKey create;
  create.name = "k";
  create.role = KeyRole::readonly;
  const Caller manager_csu = w.user_key(acme.owner.session, KeyRole::manager);
  const Caller readonly_csu = w.user_key(acme.owner.session, KeyRole::readonly);
  const Caller org_key =
      w.org_key(acme.owner.session, acme.org, KeyKind::business, KeyRole::manager);
  BOOST_TEST(outcome(w.run(manager_csu, create)) == "ok");
  BOOST_TEST(outcome(w.run(w.issue_token(acme.owner.user_id), create)) == "ok");
  BOOST_TEST(outcome(w.run(readonly_csu, create)) == "forbidden");
  BOOST_TEST(outcome(w.run(org_key, create)) == "forbidden");
}

BOOST_AUTO_TEST_CASE(a_revoked_personal_key_stops_working) {
  Acme acme;
  World& w = acme.world;
  const Caller csu = w.user_key(acme.owner.session, KeyRole::manager);
  RevokeUserApiKey revoke;
  revoke.key_id = csu.credential_id;
  World::must(w.run(acme.owner.session, revoke));
  UpdateOrganization rename;
  rename.org_id = acme.org;
  rename.name = "Via revoked key";
  BOOST_TEST(outcome(w.run(csu, rename)) == "unauthorized");
}
