// accountctl's command line: help for every command, one clear line and exit 2
// for a bad command line, and how it behaves beside a running server (read
// commands work, write commands refuse).
#include <regex>

#include "accountctl_support.h"

using namespace accountctl_test;

namespace {

const std::vector<std::vector<std::string>> kCommands = {{"bootstrap"},
                                                         {"token", "issue"},
                                                         {"token", "revoke"},
                                                         {"session", "issue"},
                                                         {"session", "revoke"},
                                                         {"preferences", "set"},
                                                         {"events"},
                                                         {"as-of"},
                                                         {"verify"},
                                                         {"rebuild"},
                                                         {"backup"},
                                                         {"restore"},
                                                         {"stats"}};

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

// A failure is reported on exactly one line of stderr.
void expect_one_line(const RunResult& result, const std::string& fragment) {
  BOOST_TEST(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  BOOST_TEST(result.err.rfind("accountctl: ", 0) == 0u);
  BOOST_TEST_MESSAGE("stderr: " + result.err);
  BOOST_TEST(result.err.find(fragment) != std::string::npos, result.err);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_command_has_help) {
  for (const auto& command : kCommands) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    RunResult result = accountctl(args);
    BOOST_TEST_CONTEXT(joined(command)) {
      BOOST_TEST(result.exit_code == 0);
      BOOST_TEST(result.out.rfind("usage: accountctl " + joined(command), 0) == 0u, result.out);
      BOOST_TEST(result.err.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(the_overview_lists_every_command) {
  RunResult result = accountctl({"--help"});
  BOOST_TEST(result.exit_code == 0);
  for (const auto& command : kCommands) {
    BOOST_TEST(result.out.find("  " + joined(command) + " ") != std::string::npos, joined(command));
  }
  BOOST_TEST(accountctl({"token", "--help"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2_with_one_line) {
  TempDir dir;
  expect_one_line(accountctl({"--data", dir.str(), "events", "--nope"}), "unknown flag --nope");
  BOOST_TEST(accountctl({"--data", dir.str(), "events", "--nope"}).exit_code == 2);

  RunResult missing = accountctl({"--data", dir.str(), "bootstrap", "--email", "a@example.com"});
  BOOST_TEST(missing.exit_code == 2);
  expect_one_line(missing, "--org is required");

  RunResult bad_number = accountctl({"--data", dir.str(), "events", "--limit", "many"});
  BOOST_TEST(bad_number.exit_code == 2);
  expect_one_line(bad_number, "invalid --limit 'many'");

  RunResult bad_time = accountctl({"--data", dir.str(), "events", "--since", "yesterday"});
  BOOST_TEST(bad_time.exit_code == 2);
  expect_one_line(bad_time, "--since");

  RunResult bad_type = accountctl({"--data", dir.str(), "events", "--type", "MemberGone"});
  BOOST_TEST(bad_type.exit_code == 2);
  expect_one_line(bad_type, "unknown event type 'MemberGone'");

  RunResult both = accountctl({"--data", dir.str(), "as-of", "--org", "2222222222222222222222",
                               "--position", "1", "--time", "2026-01-01T00:00:00Z"});
  BOOST_TEST(both.exit_code == 2);
  expect_one_line(both, "exactly one of --position and --time");

  RunResult twice = accountctl({"--data", dir.str(), "token", "issue", "--email", "a@example.com",
                                "--email", "b@example.com"});
  BOOST_TEST(twice.exit_code == 2);
  expect_one_line(twice, "--email given twice");

  RunResult unknown = accountctl({"--data", dir.str(), "frobnicate"});
  BOOST_TEST(unknown.exit_code == 2);
  expect_one_line(unknown, "unknown command 'frobnicate'");

  BOOST_TEST(accountctl({}).exit_code == 2);
  BOOST_TEST(accountctl({"token"}).exit_code == 2);
  BOOST_TEST(accountctl({"--request-id", "no spaces", "stats"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(global_flags_may_follow_the_command) {
  TempDir dir;
  bootstrap(dir.str(), "ann@example.com");
  RunResult result = accountctl({"stats", "--json", "--data", dir.str()});
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(nlohmann::json::parse(result.out).at("users") == 1);
}

BOOST_AUTO_TEST_CASE(reading_a_directory_without_a_log_fails_clearly) {
  TempDir dir;
  RunResult result = accountctl({"--data", dir.sub("missing"), "events"});
  BOOST_TEST(result.exit_code == 1);
  expect_one_line(result, "no event log in " + dir.sub("missing"));
  // A write command other than bootstrap does not create a data directory either.
  RunResult write =
      accountctl({"--data", dir.sub("missing"), "token", "issue", "--email", "ann@example.com"});
  BOOST_TEST(write.exit_code == 1);
  BOOST_TEST(!std::filesystem::exists(dir.sub("missing") + "/CURRENT"));
}

// A running accountd holds both its flock on DIR/accountd.lock and RocksDB's
// own LOCK; this test holds the same two.
BOOST_AUTO_TEST_CASE(beside_a_running_server_reads_work_and_writes_refuse) {
  TempDir dir;
  const std::string data = dir.sub("data");
  Bootstrapped ann = bootstrap(data, "ann@example.com");

  ServerLock lock(data);
  RawDatabase server(data);

  for (const auto& write : std::vector<std::vector<std::string>>{
           {"token", "issue", "--email", "ann@example.com"},
           {"session", "issue", "--email", "ann@example.com"},
           {"bootstrap", "--email", "bob@example.com", "--org", "Bobco", "--country", "FR"},
           {"rebuild"}}) {
    std::vector<std::string> args = {"--data", data};
    args.insert(args.end(), write.begin(), write.end());
    RunResult refused = accountctl(args);
    BOOST_TEST_CONTEXT(joined(write)) {
      BOOST_TEST(refused.exit_code == 1);
      BOOST_TEST(refused.err == "accountctl: data directory " + data +
                                    " is in use by a running accountd; stop it first\n");
    }
  }

  BOOST_TEST(json_lines(ok(data, {"events", "--json"})).size() == 6u);
  BOOST_TEST(ok_json(data, {"stats"}).at("organizations") == 1);
  BOOST_TEST(ok_json(data, {"as-of", "--org", ann.organization_id, "--position", "100"})
                 .at("members")
                 .size() == 1u);
  nlohmann::json verified = ok_json(data, {"verify"});
  BOOST_TEST(verified.at("ok") == true);
  ok(data, {"backup", dir.sub("backup")});
  BOOST_TEST(std::filesystem::exists(dir.sub("backup") + "/BACKUP.json"));
}
