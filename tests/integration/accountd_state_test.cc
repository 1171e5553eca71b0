// accountd's serving state across restarts: it starts from its own snapshot,
// and a snapshot made by older apply rules is served at once while a fresh
// state is rebuilt beside it and switched in.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "api_support.h"
#include "projections/snapshot.h"
#include "projections/snapshot_files.h"

using namespace closient::testing;
using namespace api_test;

namespace {

// An owner, an organization and a key, made by the operator tool.
void populate(const std::string& data) {
  const std::string command = std::string(ACCOUNTCTL_PATH) + " --data '" + data +
                              "' bootstrap --email ann@example.com --org Acme --country DE" +
                              " --json > /dev/null";
  BOOST_REQUIRE(std::system(command.c_str()) == 0);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_restart_starts_from_the_snapshot_written_at_stop) {
  TempDir dir;
  const std::string data = dir.sub("data");
  populate(data);
  {
    ServerProcess server({}, data);
    BOOST_TEST(server.stop() == 0);
  }
  closient::SnapshotFiles snapshots(data);
  BOOST_REQUIRE(!snapshots.positions()->empty());
  const uint64_t at = snapshots.positions()->front();
  ServerProcess again({}, data);
  const std::string started = again.stderr_text();
  BOOST_TEST(
      started.find("snapshot " + std::to_string(at) + " + 0 events replayed") != std::string::npos,
      started);
  BOOST_TEST(again.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_stale_snapshot_is_served_while_an_online_rebuild_replaces_it) {
  TempDir dir;
  const std::string data = dir.sub("data");
  populate(data);
  { BOOST_TEST(ServerProcess({}, data).stop() == 0); }
  closient::SnapshotFiles snapshots(data);
  const uint64_t at = snapshots.positions()->front();
  auto state = closient::decode_snapshot(read_bytes(snapshots.path_of(at)));
  BOOST_REQUIRE(state.ok());
  BOOST_REQUIRE(
      snapshots.write(closient::snapshot_of(**state, closient::kServingStateVersion + 1)).ok());

  ServerProcess server({}, data);
  Client client(server.port());
  BOOST_TEST(client.get("/readyz", kNobody).status == 200);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string log;
  while (std::chrono::steady_clock::now() < deadline) {
    log = server.stderr_text();
    if (log.find("online rebuild switched") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST(log.find("served while a fresh state is rebuilt") != std::string::npos, log);
  BOOST_TEST(log.find("online rebuild switched") != std::string::npos, log);
  BOOST_TEST(server.stop() == 0);
  // The snapshot now on disk is of the current rules.
  uint64_t version = 0;
  BOOST_REQUIRE(closient::decode_snapshot(
                    read_bytes(snapshots.path_of(snapshots.positions()->front())), &version)
                    .ok());
  BOOST_TEST(version == closient::kServingStateVersion);
}
