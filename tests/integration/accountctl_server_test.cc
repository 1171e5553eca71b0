// accountctl beside the real accountd: what the operator tool issues works as a
// credential on the server, read commands work while the server holds the data
// directory (and see what it writes), and write commands refuse until it stops.
#include "accountctl_support.h"
#include "server_process.h"

using namespace accountctl_test;
using closient::testing::HttpResponse;
using closient::testing::ServerProcess;

namespace {

const std::string kApi = "/account/api/v1";

// accountd takes the last --data it is given, so the server serves `dir`.
std::unique_ptr<ServerProcess> serve(const std::string& dir) {
  return std::make_unique<ServerProcess>(std::vector<std::string>{"--data", dir});
}

nlohmann::json body_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

BOOST_AUTO_TEST_CASE(what_accountctl_issues_works_on_the_server) {
  TempDir dir;
  Bootstrapped ann = bootstrap(dir.str(), "ann@example.com");
  nlohmann::json token = ok_json(dir.str(), {"token", "issue", "--email", "ann@example.com"});
  nlohmann::json session = ok_json(dir.str(), {"session", "issue", "--email", "ann@example.com"});
  auto server = serve(dir.str());

  HttpResponse by_key = server->get(kApi + "/whoami", {{"X-API-Key", ann.api_key}});
  BOOST_REQUIRE_MESSAGE(by_key.status == 200, by_key.body);
  nlohmann::json whoami = body_of(by_key);
  BOOST_TEST(whoami.value("user_id", "") == ann.user_id);
  BOOST_TEST(whoami.value("email", "") == "ann@example.com");
  BOOST_TEST(whoami.at("api_key").value("role", "") == "manager");
  BOOST_TEST(whoami.at("organizations").size() == 1u);

  HttpResponse members = server->get(kApi + "/organizations/" + ann.organization_id + "/members",
                                     {{"X-API-Key", ann.api_key}});
  BOOST_TEST(members.status == 200, members.body);
  BOOST_TEST(body_of(members).at("data").at(0).value("id", "") == ann.member_id);

  HttpResponse by_token = server->get(
      kApi + "/whoami", {{"Authorization", "Bearer " + token.at("token").get<std::string>()}});
  BOOST_TEST(by_token.status == 200, by_token.body);
  HttpResponse by_session = server->get(
      kApi + "/whoami", {{"Cookie", "sessionid=" + session.at("sessionid").get<std::string>()}});
  BOOST_TEST(by_session.status == 200, by_session.body);

  HttpResponse wrong = server->get(kApi + "/whoami", {{"X-API-Key", ann.api_key + "x"}});
  BOOST_TEST(wrong.status == 401);
  BOOST_TEST(server->stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_follower_sees_what_the_server_appends) {
  TempDir dir;
  Bootstrapped ann = bootstrap(dir.str(), "ann@example.com");
  auto server = serve(dir.str());

  Child follower(ACCOUNTCTL_PATH, {"--data", dir.str(), "events", "--json", "--follow", "--type",
                                   "OrganizationCreated"});
  auto lines_at_least = [](size_t n) {
    return [n](const std::string& out) {
      return static_cast<size_t>(std::count(out.begin(), out.end(), '\n')) >= n;
    };
  };
  BOOST_REQUIRE(follower.read_until(lines_at_least(1), std::chrono::seconds(10)));
  HttpResponse created =
      server->request("POST", kApi + "/organizations",
                      {{"X-API-Key", ann.api_key}, {"Content-Type", "application/json"}},
                      R"({"name": "Second", "country": "NL"})");
  BOOST_REQUIRE_MESSAGE(created.status == 200, created.body);
  const std::string second = body_of(created).value("id", "");
  BOOST_TEST(follower.read_until(lines_at_least(2), std::chrono::seconds(10)), follower.out());
  follower.signal(SIGTERM);
  RunResult followed = follower.finish(std::chrono::seconds(10));
  BOOST_TEST(followed.exit_code == 0);
  std::vector<nlohmann::json> orgs = json_lines(followed.out);
  BOOST_REQUIRE(orgs.size() == 2u);
  BOOST_TEST(orgs[1].at("data").at("org_id") == second);
  BOOST_TEST(orgs[1].at("actor").at("kind") == "api_key");

  // A read command started now sees the server's writes, and so does as-of.
  BOOST_TEST(json_lines(ok(dir.str(), {"events", "--json"})).size() == 8u);
  nlohmann::json as_of = ok_json(dir.str(), {"as-of", "--org", second, "--position", "8"});
  BOOST_TEST(as_of.at("members").at(0).at("user_email") == "ann@example.com");
  nlohmann::json verified = ok_json(dir.str(), {"verify"});
  BOOST_TEST(verified.at("ok") == true, verified.dump());
  BOOST_TEST(server->stop() == 0);
}

BOOST_AUTO_TEST_CASE(read_commands_work_while_the_server_runs_and_writes_wait) {
  TempDir dir;
  const std::string data = dir.sub("data");
  Bootstrapped ann = bootstrap(data, "ann@example.com");
  ok(data, {"token", "issue", "--email", "ann@example.com"});
  auto server = serve(data);

  // Every read command, while the server holds the directory.
  BOOST_TEST(json_lines(ok(data, {"events", "--json"})).size() == 7u);
  nlohmann::json stats = ok_json(data, {"stats"});
  BOOST_TEST(stats.at("organizations") == 1);
  BOOST_TEST(stats.at("tokens") == 1);
  nlohmann::json as_of = ok_json(data, {"as-of", "--org", ann.organization_id, "--position", "7"});
  BOOST_TEST(as_of.at("members").size() == 1u);
  nlohmann::json verified = ok_json(data, {"verify"});
  BOOST_TEST(verified.at("ok") == true, verified.dump());
  ok(data, {"backup", dir.sub("backup")});

  // Writes refuse with one clear line.
  for (const std::vector<std::string>& write : std::vector<std::vector<std::string>>{
           {"token", "issue", "--email", "ann@example.com"},
           {"bootstrap", "--email", "bob@example.com", "--org", "Bobco", "--country", "FR"},
           {"rebuild"}}) {
    std::vector<std::string> args = {"--data", data};
    args.insert(args.end(), write.begin(), write.end());
    RunResult refused = accountctl(args);
    BOOST_TEST(refused.exit_code == 1);
    BOOST_TEST(refused.err == "accountctl: data directory " + data +
                                  " is in use by a running accountd; stop it first\n");
  }

  BOOST_TEST(server->stop() == 0);
  server.reset();
  ok(data, {"token", "issue", "--email", "ann@example.com"});
  BOOST_TEST(accountctl({"--data", data, "verify"}).exit_code == 0);

  // The backup made while the server ran restores to a directory that verifies.
  RunResult restored = accountctl({"restore", dir.sub("backup"), "--data", dir.sub("restored")});
  BOOST_TEST(restored.exit_code == 0, restored.err);
  BOOST_TEST(accountctl({"--data", dir.sub("restored"), "verify"}).exit_code == 0);
}
