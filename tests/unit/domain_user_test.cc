// decide for the User aggregate: operator commands (bootstrap, tokens,
// sessions) and trait preferences.
#include <boost/test/unit_test.hpp>

#include "domain/secret.h"
#include "domain_world.h"

using namespace closient;
using testing::kDay;
using testing::outcome;
using testing::Person;
using testing::World;

BOOST_AUTO_TEST_CASE(bootstrap_creates_a_user_with_a_unique_email) {
  World world;
  BootstrapUser command;
  command.email = "Ann@Example.com";
  command.name = "Ann";
  command.metadata = {{"source", "import"}};
  Decision decision = World::must(world.run_operator(command));
  BOOST_TEST((decision.appends[0].expected.kind == ExpectedVersion::Kind::no_stream));
  const UserState& user = world.users.at(decision.entity_id);
  BOOST_TEST(user.email == "ann@example.com");
  BOOST_TEST(user.name == "Ann");
  BOOST_TEST((user.metadata == Metadata{{"source", "import"}}));
  BOOST_TEST(user.preferences.empty());
  BOOST_TEST(user.version == 1u);

  BootstrapUser again;
  again.email = "ANN@example.com";
  BOOST_TEST(outcome(world.run_operator(again)) == "conflict");
  BootstrapUser bad;
  bad.email = "ann";
  BOOST_TEST(outcome(world.run_operator(bad)) == "validation_error");
}

BOOST_AUTO_TEST_CASE(operator_commands_need_the_operator_and_others_a_caller) {
  World world;
  Person ann = world.person("ann@example.com");
  BootstrapUser command;
  command.email = "bob@example.com";
  BOOST_TEST(outcome(world.run(ann.session, command)) == "forbidden");
  IssueToken token;
  token.user_id = ann.user_id;
  token.expires_at_ms = world.now + kDay;
  BOOST_TEST(outcome(world.run(ann.session, token)) == "forbidden");
  CreateOrganization create;
  create.name = "Acme";
  create.country = "US";
  BOOST_TEST(outcome(world.run_operator(create)) == "forbidden");
}

BOOST_AUTO_TEST_CASE(tokens_are_issued_hashed_and_revoked) {
  World world;
  Person ann = world.person("ann@example.com");
  IssueToken issue;
  issue.user_id = ann.user_id;
  issue.expires_at_ms = world.now + kDay;
  Decision decision = World::must(world.run_operator(issue));
  BOOST_TEST(decision.secret.size() == 43u);
  const NewEvent& event = decision.appends[0].events[0];
  BOOST_TEST(event.type == "TokenIssued");
  BOOST_TEST(event.data.dump().find(decision.secret) == std::string::npos);
  const Token* token = world.users.at(ann.user_id).find_token(decision.entity_id);
  BOOST_REQUIRE(token);
  BOOST_TEST(secret_matches(decision.secret, token->token_sha256));
  BOOST_TEST(token->live_at(world.now));
  BOOST_TEST(!token->live_at(world.now + kDay));

  IssueToken expired = issue;
  expired.token_id.clear();
  expired.raw_token.clear();
  expired.expires_at_ms = world.now;
  BOOST_TEST(outcome(world.run_operator(expired)) == "validation_error");
  IssueToken nobody = issue;
  nobody.user_id = "CnEqURgZ3swzj528KMLvX5";
  BOOST_TEST(outcome(world.run_operator(nobody)) == "not_found");

  RevokeToken revoke;
  revoke.user_id = ann.user_id;
  revoke.token_id = decision.entity_id;
  World::must(world.run_operator(revoke));
  BOOST_TEST(world.users.at(ann.user_id).find_token(decision.entity_id)->revoked);
  BOOST_TEST(outcome(world.run_operator(revoke)) == "not_found");
}

BOOST_AUTO_TEST_CASE(sessions_carry_authenticated_at_and_a_csrf_token) {
  World world;
  Person ann = world.person("ann@example.com");
  IssueSession issue;
  issue.user_id = ann.user_id;
  issue.authenticated_at_ms = world.now - 1000;
  issue.expires_at_ms = world.now + kDay;
  Decision decision = World::must(world.run_operator(issue));
  BOOST_TEST(!decision.secret.empty());
  BOOST_TEST(!decision.csrf_token.empty());
  BOOST_TEST(decision.secret != decision.csrf_token);
  const std::string stored = decision.appends[0].events[0].data.dump();
  BOOST_TEST(stored.find(decision.secret) == std::string::npos);
  BOOST_TEST(stored.find(decision.csrf_token) == std::string::npos);
  const Session* session = world.users.at(ann.user_id).find_session(decision.entity_id);
  BOOST_REQUIRE(session);
  BOOST_TEST(session->authenticated_at_ms == world.now - 1000);
  BOOST_TEST(secret_matches(decision.secret, session->session_sha256));
  BOOST_TEST(secret_matches(decision.csrf_token, session->csrf_sha256));

  IssueSession future = issue;
  future.session_id.clear();
  future.authenticated_at_ms = world.now + 1;
  BOOST_TEST(outcome(world.run_operator(future)) == "validation_error");

  RevokeSession revoke;
  revoke.user_id = ann.user_id;
  revoke.session_id = decision.entity_id;
  World::must(world.run_operator(revoke));
  BOOST_TEST(!world.users.at(ann.user_id).find_session(decision.entity_id)->live_at(world.now));
  BOOST_TEST(outcome(world.run_operator(revoke)) == "not_found");
}

BOOST_AUTO_TEST_CASE(preferences_are_replaced_as_a_whole) {
  World world;
  Person ann = world.person("ann@example.com");
  ReplacePreferences replace;
  replace.preferences = {
      {"tree_nuts", "Tree Nuts", TraitCategory::ALLERGEN, TraitStance::AVOID},
      {"halal", "Halal", TraitCategory::RELIGIOUS, TraitStance::REQUIRE},
  };
  World::must(world.run(ann.session, replace));
  BOOST_TEST(world.users.at(ann.user_id).preferences == replace.preferences);

  ReplacePreferences shorter;
  shorter.preferences = {{"vegan", "Vegan", TraitCategory::DIETARY, TraitStance::PREFER}};
  World::must(world.run(ann.session, shorter));
  BOOST_TEST(world.users.at(ann.user_id).preferences == shorter.preferences);
  BOOST_TEST(World::must(world.run(ann.session, shorter)).changes_nothing());

  ReplacePreferences cleared;
  World::must(world.run(ann.session, cleared));
  BOOST_TEST(world.users.at(ann.user_id).preferences.empty());

  ReplacePreferences duplicate;
  duplicate.preferences = {{"vegan", "Vegan", TraitCategory::DIETARY, TraitStance::PREFER},
                           {"vegan", "Vegan", TraitCategory::DIETARY, TraitStance::AVOID}};
  BOOST_TEST(outcome(world.run(ann.session, duplicate)) == "validation_error");
}

BOOST_AUTO_TEST_CASE(preferences_are_the_users_own) {
  World world;
  Person ann = world.person("ann@example.com");
  const std::string org = world.create_org(ann.session);
  ReplacePreferences replace;
  replace.preferences = {{"vegan", "Vegan", TraitCategory::DIETARY, TraitStance::PREFER}};
  const Caller org_key = world.org_key(ann.session, org, KeyKind::business, KeyRole::manager);
  const Caller readonly = world.user_key(ann.session, KeyRole::readonly);
  BOOST_TEST(outcome(world.run(org_key, replace)) == "forbidden");
  BOOST_TEST(outcome(world.run(readonly, replace)) == "forbidden");
  BOOST_TEST(outcome(world.run(world.user_key(ann.session, KeyRole::manager), replace)) == "ok");
}
