// accountctl beside the real accountd: read commands work while the server
// holds the data directory, and write commands refuse until it stops.
#include "accountctl_support.h"
#include "server_process.h"

using namespace accountctl_test;
using closient::testing::ServerProcess;

namespace {

// accountd takes the last --data it is given, so the server serves `dir`.
std::unique_ptr<ServerProcess> serve(const std::string& dir) {
  return std::make_unique<ServerProcess>(std::vector<std::string>{"--data", dir});
}

}  // namespace

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
  BOOST_TEST(verified.at("read_models_compared_in_memory") == true);
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
