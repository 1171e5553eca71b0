// accountctl migrate: a data directory into an empty PostgreSQL database and
// back, every hash the same, the copy verifying with accountctl verify, and an
// occupied destination refused.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "integration/server_process.h"

using namespace closient::testing;
using nlohmann::json;

namespace {

CommandResult ctl(const std::vector<std::string>& args) {
  CommandResult result = run_accountctl(args);
  BOOST_TEST_INFO("accountctl stderr: " << result.err);
  return result;
}

// Every event of a store, as accountctl events --json prints them.
std::string events_of(const std::string& where) {
  CommandResult result = ctl({"--store", where, "--json", "events"});
  BOOST_REQUIRE(result.exit_code == 0);
  return result.out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_data_directory_goes_to_postgresql_and_back_with_the_same_hashes) {
  TempDir dir;
  const std::string source = dir.sub("source");
  BOOST_REQUIRE(ctl({"--store", source, "--json", "bootstrap", "--email", "ann@example.com",
                     "--org", "Acme", "--country", "DE"})
                    .exit_code == 0);
  BOOST_REQUIRE(
      ctl({"--store", source, "token", "issue", "--email", "ann@example.com"}).exit_code == 0);

  TestDatabase database;
  CommandResult there = ctl({"--json", "migrate", "--from", source, "--to", database.uri()});
  BOOST_REQUIRE(there.exit_code == 0);
  const json summary = json::parse(there.out);
  BOOST_TEST(summary["events"].get<int>() > 0);

  BOOST_TEST(events_of(database.uri()) == events_of(source));
  CommandResult verified =
      ctl({"--store", database.uri(), "--data", dir.sub("snapshots"), "verify"});
  BOOST_TEST(verified.exit_code == 0);
  BOOST_TEST(verified.out.find("all checks passed") != std::string::npos);

  const std::string back = dir.sub("back");
  BOOST_REQUIRE(ctl({"migrate", "--from", database.uri(), "--to", back}).exit_code == 0);
  BOOST_TEST(events_of(back) == events_of(source));

  // Never into a store that holds events.
  CommandResult again = ctl({"migrate", "--from", source, "--to", database.uri()});
  BOOST_TEST(again.exit_code == 1);
  BOOST_TEST(again.err.find("already holds events") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(backup_says_it_is_for_data_directories_only) {
  TestDatabase database;
  TempDir dir;
  CommandResult result = ctl({"--store", database.uri(), "backup", dir.sub("copy")});
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find("RocksDB data directory only") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unreachable_store_is_one_line_and_exit_1) {
  TempDir dir;
  CommandResult ctl_result =
      ctl({"--store", "postgresql:///x?host=/nonexistent&connect_timeout=2", "verify"});
  BOOST_TEST(ctl_result.exit_code == 1);
  BOOST_TEST(std::count(ctl_result.err.begin(), ctl_result.err.end(), '\n') == 1);
  CommandResult accountd = run_accountd({"--store", "postgresql:///x?host=/nonexistent", "--data",
                                         dir.sub("data"), "--listen", "127.0.0.1:0"});
  BOOST_TEST(accountd.exit_code == 1);
  BOOST_TEST(std::count(accountd.err.begin(), accountd.err.end(), '\n') == 1);
  BOOST_TEST(accountd.err.find("cannot connect to PostgreSQL") != std::string::npos);
}
