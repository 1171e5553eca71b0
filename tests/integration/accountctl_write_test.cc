// accountctl's write commands against a real data directory: what they print,
// what they append to the log, and what they refuse.
#include <fstream>
#include <regex>

#include "accountctl_support.h"
#include "domain/secret.h"
#include "events/timestamp.h"

using namespace accountctl_test;

namespace {

std::vector<nlohmann::json> all_events(const std::string& dir) {
  return json_lines(ok(dir, {"events", "--json"}));
}

std::vector<std::string> types_of(const std::vector<nlohmann::json>& events) {
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event.at("type"));
  return types;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t time_of(const nlohmann::json& value) {
  return closient::parse_timestamp_ms(value.get<std::string>()).value_or(0);
}

const std::regex kShortUuid("[2-9A-HJ-NP-Za-km-z]{22}");

}  // namespace

BOOST_AUTO_TEST_CASE(bootstrap_prints_ids_and_a_manager_csu_key) {
  TempDir dir;
  nlohmann::json out = ok_json(dir.str(), {"bootstrap", "--email", "Ann@Example.com", "--name",
                                           "Ann", "--org", "Acme", "--country", "DE"});
  BOOST_TEST(out.size() == 4u);
  for (const char* id : {"user_id", "organization_id", "member_id"}) {
    BOOST_TEST(std::regex_match(out.at(id).get<std::string>(), kShortUuid), id);
  }
  const std::string key = out.at("api_key");
  BOOST_TEST(std::regex_match(key, std::regex("csu_[A-Za-z0-9]{32}_[0-9a-f]{8}")), key);

  std::vector<nlohmann::json> events = all_events(dir.str());
  BOOST_TEST(types_of(events) ==
                 (std::vector<std::string>{"UserCreated", "TokenIssued", "OrganizationCreated",
                                           "MemberAdded", "UserApiKeyCreated", "TokenRevoked"}),
             boost::test_tools::per_element());
  BOOST_TEST(events[0].at("data").at("email") == "ann@example.com");
  BOOST_TEST(events[0].at("actor").at("kind") == "operator");
  BOOST_TEST(events[2].at("data").at("org_id") == out.at("organization_id"));
  BOOST_TEST(events[3].at("data").at("member_id") == out.at("member_id"));
  BOOST_TEST(events[3].at("data").at("role") == "owner");
  // The organization and key were made by the user, through the token issued for it.
  const std::string token_id = events[1].at("data").at("token_id");
  BOOST_TEST(events[2].at("actor").at("kind") == "token");
  BOOST_TEST(events[2].at("actor").at("id") == token_id);
  BOOST_TEST(events[2].at("actor").at("user_id") == out.at("user_id"));
  BOOST_TEST(events[5].at("data").at("token_id") == token_id);
  // Only the key's hash is stored.
  BOOST_TEST(events[4].at("data").at("role") == "manager");
  BOOST_TEST(events[4].at("data").at("key_sha256") == closient::secret_hash(key));
  BOOST_TEST(ok(dir.str(), {"events"}).find(key) == std::string::npos);
  // One request id for the whole bootstrap.
  for (const auto& event : events) BOOST_TEST(event.at("request_id") == events[0].at("request_id"));
}

BOOST_AUTO_TEST_CASE(bootstrap_refuses_an_existing_email_and_bad_input_before_writing) {
  TempDir dir;
  bootstrap(dir.str(), "ann@example.com");
  const size_t before = all_events(dir.str()).size();

  RunResult again = accountctl({"--data", dir.str(), "bootstrap", "--email", "ANN@example.com",
                                "--org", "Other", "--country", "FR"});
  BOOST_TEST(again.exit_code == 1);
  BOOST_TEST(again.err == "accountctl: a user with email ann@example.com already exists\n");

  RunResult bad_country = accountctl({"--data", dir.str(), "bootstrap", "--email",
                                      "bob@example.com", "--org", "Bobco", "--country", "XX"});
  BOOST_TEST(bad_country.exit_code == 1);
  BOOST_TEST(bad_country.err.find("--country") != std::string::npos, bad_country.err);

  RunResult bad_email = accountctl({"--data", dir.str(), "bootstrap", "--email", "not-an-email",
                                    "--org", "Bobco", "--country", "FR"});
  BOOST_TEST(bad_email.exit_code == 1);
  BOOST_TEST(all_events(dir.str()).size() == before);
}

BOOST_AUTO_TEST_CASE(a_token_is_issued_hashed_and_revoked_by_its_value) {
  TempDir dir;
  Bootstrapped ann = bootstrap(dir.str(), "ann@example.com");
  const int64_t before = now_ms();
  nlohmann::json token =
      ok_json(dir.str(), {"token", "issue", "--email", "ann@example.com", "--ttl", "600"});
  BOOST_TEST(
      std::regex_match(token.at("token").get<std::string>(), std::regex("[A-Za-z0-9_-]{43}")));
  const int64_t expires = time_of(token.at("expires_at"));
  BOOST_TEST(expires >= before + 600000);
  BOOST_TEST(expires <= now_ms() + 600000);

  nlohmann::json issued = all_events(dir.str()).back();
  BOOST_TEST(issued.at("type") == "TokenIssued");
  BOOST_TEST(issued.at("stream") == "user-" + ann.user_id);
  BOOST_TEST(issued.at("data").at("token_id") == token.at("id"));
  BOOST_TEST(issued.at("data").at("token_sha256") ==
             closient::secret_hash(token.at("token").get<std::string>()));

  nlohmann::json revoked = ok_json(
      dir.str(), {"token", "revoke", "--email", "ann@example.com", "--token", token.at("token")});
  BOOST_TEST(revoked.at("id") == token.at("id"));
  BOOST_TEST(all_events(dir.str()).back().at("type") == "TokenRevoked");

  RunResult twice = accountctl({"--data", dir.str(), "token", "revoke", "--email",
                                "ann@example.com", "--id", token.at("id")});
  BOOST_TEST(twice.exit_code == 1);
  RunResult unknown =
      accountctl({"--data", dir.str(), "token", "issue", "--email", "nobody@example.com"});
  BOOST_TEST(unknown.exit_code == 1);
  BOOST_TEST(unknown.err == "accountctl: no user with email nobody@example.com\n");
}

BOOST_AUTO_TEST_CASE(a_session_carries_csrf_and_when_the_user_authenticated) {
  TempDir dir;
  bootstrap(dir.str(), "ann@example.com");
  const int64_t before = now_ms();
  nlohmann::json session = ok_json(
      dir.str(), {"session", "issue", "--email", "ann@example.com", "--authenticated-ago", "3600"});
  for (const char* field : {"sessionid", "csrf_token", "expires_at", "id"}) {
    BOOST_TEST(session.contains(field), field);
  }
  BOOST_TEST(session.at("sessionid") != session.at("csrf_token"));
  BOOST_TEST(time_of(session.at("expires_at")) >= before + int64_t{14} * 24 * 3600 * 1000);

  nlohmann::json issued = all_events(dir.str()).back();
  BOOST_TEST(issued.at("type") == "SessionIssued");
  BOOST_TEST(issued.at("data").at("session_sha256") ==
             closient::secret_hash(session.at("sessionid").get<std::string>()));
  BOOST_TEST(issued.at("data").at("csrf_sha256") ==
             closient::secret_hash(session.at("csrf_token").get<std::string>()));
  const int64_t authenticated = time_of(issued.at("data").at("authenticated_at"));
  BOOST_TEST(authenticated <= now_ms() - 3600 * 1000);
  BOOST_TEST(authenticated >= before - 3600 * 1000);

  ok(dir.str(), {"session", "revoke", "--email", "ann@example.com", "--id", session.at("id")});
  nlohmann::json revoked = all_events(dir.str()).back();
  BOOST_TEST(revoked.at("type") == "SessionRevoked");
  BOOST_TEST(revoked.at("data").at("session_id") == session.at("id"));
}

BOOST_AUTO_TEST_CASE(preferences_are_replaced_from_a_file) {
  TempDir dir;
  Bootstrapped ann = bootstrap(dir.str(), "ann@example.com");
  {
    std::ofstream file(dir.sub("prefs.json"));
    file << R"([{"trait": "tree_nuts", "category": "ALLERGEN", "stance": "AVOID"},
                {"trait": "vegan", "trait_label": "Plant based", "category": "DIETARY",
                 "stance": "PREFER"}])";
  }
  nlohmann::json stored = ok_json(dir.str(), {"preferences", "set", "--email", "ann@example.com",
                                              "--file", dir.sub("prefs.json")});
  BOOST_TEST(stored.size() == 2u);
  BOOST_TEST(stored[0].at("trait_label") == "Tree Nuts");
  BOOST_TEST(stored[1].at("trait_label") == "Plant based");

  std::vector<nlohmann::json> events = all_events(dir.str());
  nlohmann::json replaced;
  for (const auto& event : events) {
    if (event.at("type") == "PreferencesReplaced") replaced = event;
  }
  BOOST_REQUIRE(!replaced.is_null());
  BOOST_TEST(replaced.at("stream") == "user-" + ann.user_id);
  BOOST_TEST(replaced.at("data").at("preferences").size() == 2u);
  BOOST_TEST(events.back().at("type") == "TokenRevoked");  // the short-lived token is gone

  // The same rules as PUT /preferences, read from stdin with --file -.
  RunResult bad = accountctl(
      {"--data", dir.str(), "preferences", "set", "--email", "ann@example.com", "--file", "-"},
      R"([{"trait": "Tree Nuts", "category": "ALLERGEN", "stance": "AVOID"}])");
  BOOST_TEST(bad.exit_code == 1);
  BOOST_TEST(bad.err.find("trait") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(the_operator_and_request_id_are_recorded) {
  TempDir dir;
  ok(dir.str(), {"--operator", "alice", "--request-id", "change-42", "bootstrap", "--email",
                 "ann@example.com", "--org", "Acme", "--country", "DE"});
  nlohmann::json first = all_events(dir.str()).front();
  BOOST_TEST(first.at("actor").at("kind") == "operator");
  BOOST_TEST(first.at("actor").at("id") == "alice");
  BOOST_TEST(first.at("request_id") == "change-42");
}
