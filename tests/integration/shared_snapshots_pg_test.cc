// accountd nodes on one PostgreSQL store share their snapshots: what a node
// writes at a clean stop lands in the `snapshots` table too, `accountctl stats`
// reports it, and a node started on an empty data directory begins at it
// instead of replaying the whole log. ctest runs this in the throwaway
// cluster (pg_cluster fixture), a database per test.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "integration/server_process.h"
#include "test_store.h"

using namespace closient;
using namespace closient::testing;
using nlohmann::json;

namespace {

constexpr char kBase[] = "/account/api/v1";

struct Bootstrapped {
  std::string org_id;
  std::string api_key;
};

Bootstrapped bootstrap(const std::string& store, const std::string& data) {
  const CommandResult result =
      run_accountctl({"--store", store, "--data", data, "--json", "bootstrap", "--email",
                      "owner@shared.example", "--org", "Shared", "--country", "DE"});
  BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
  const json out = json::parse(result.out);
  return {out["organization_id"], out["api_key"]};
}

HttpResponse call(const ServerProcess& server, const std::string& method, const std::string& path,
                  const std::string& key, const json& body = nullptr) {
  HeaderList headers = {{"X-API-Key", key}};
  std::string text;
  if (!body.is_null()) {
    headers.emplace_back("Content-Type", "application/json");
    text = body.dump();
  }
  return server.request(method, kBase + path, headers, text);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_node_starts_from_the_snapshot_another_node_shared) {
  TestDatabase db;
  TempDir dirs;
  const Bootstrapped world = bootstrap(db.uri(), dirs.sub("operator"));
  const std::string org = "/organizations/" + world.org_id;

  {
    ServerProcess a({"--store", db.uri()}, dirs.sub("a"));
    for (int i = 0; i < 5; ++i) {
      const HttpResponse renamed =
          call(a, "PUT", org, world.api_key, json{{"name", "Renamed " + std::to_string(i)}});
      BOOST_TEST_REQUIRE(renamed.status == 200, renamed.body);
    }
    BOOST_TEST(a.stop() == 0);  // writes its last snapshot, to its files and the table
  }

  // What stats says from a directory that holds none of its own.
  const CommandResult stats =
      run_accountctl({"--store", db.uri(), "--data", dirs.sub("empty"), "--json", "stats"});
  BOOST_TEST_REQUIRE(stats.exit_code == 0, stats.err);
  const json figures = json::parse(stats.out);
  const uint64_t last = figures.at("last_position");
  BOOST_TEST(figures.at("snapshots").at("count") == 0);
  BOOST_TEST(figures.at("shared_snapshots").at("count") == 1);
  BOOST_TEST(figures.at("shared_snapshots").at("newest_position") == last);
  BOOST_TEST(figures.at("shared_snapshots").at("events_after") == 0);

  ServerProcess b({"--store", db.uri()}, dirs.sub("b"));
  const std::string started = b.stderr_text();
  BOOST_TEST(started.find("snapshot " + std::to_string(last) + " + 0 events replayed") !=
                 std::string::npos,
             started);
  BOOST_TEST(started.find("started from shared snapshot at position " + std::to_string(last)) !=
                 std::string::npos,
             started);
  const HttpResponse seen = call(b, "GET", org, world.api_key);
  BOOST_TEST_REQUIRE(seen.status == 200, seen.body);
  BOOST_TEST(json::parse(seen.body)["name"] == "Renamed 4");
  BOOST_TEST(b.stop() == 0);
}
