// Kills a process mid-write (sync always) while it also writes snapshots of
// its serving state as often as it can, and checks what it left: nothing
// acknowledged is lost, and the state a start loads (newest valid snapshot +
// the log after it) equals a full replay field by field, whatever moment of a
// snapshot write the kill hit.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstring>
#include <thread>

#include "events/keys.h"
#include "projections/snapshot_files.h"
#include "projections/snapshotter.h"
#include "unit/projections_random_commands.h"

using namespace closient;
using namespace closient::testing;

namespace {

// The child: random commands until killed, reporting each acknowledged
// position (8 bytes, one atomic pipe write) after its append returns.
[[noreturn]] void run_traffic_until_killed(const std::string& dir, int fd, uint64_t seed) {
  try {
    ProjectedWorld w(Durability::always, dir);
    RandomTraffic traffic(w, seed);
    SnapshotFiles snapshots(dir);
    SnapshotterOptions often;
    often.every_events = 25;
    often.poll = std::chrono::milliseconds(1);
    Snapshotter snapshotter(*w.state, {&snapshots}, 0, often, {});
    snapshotter.start();
    const auto orphaned = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < orphaned) {
      traffic.run(1);
      const std::string acked = encode_u64(w.log->last_position());
      if (write(fd, acked.data(), acked.size()) != static_cast<ssize_t>(acked.size())) _exit(4);
    }
    _exit(0);
  } catch (...) {
    _exit(3);
  }
}

struct Child {
  pid_t pid = -1;
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

// Reads acknowledgements until `wanted` have arrived; answers the highest.
uint64_t wait_for_acks(int fd, int wanted) {
  uint64_t highest = 0;
  char buffer[8];
  for (int got = 0; got < wanted;) {
    size_t filled = 0;
    while (filled < sizeof buffer) {
      ssize_t n = read(fd, buffer + filled, sizeof buffer - filled);
      BOOST_REQUIRE_MESSAGE(n > 0, "the child stopped before it was killed");
      filled += static_cast<size_t>(n);
    }
    highest = std::max(highest, decode_u64(std::string_view(buffer, 8)).value_or(0));
    ++got;
  }
  return highest;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_start_state_matches_the_log_after_kill_9_mid_snapshot) {
  for (int round = 0; round < 3; ++round) {
    TempDir dir;
    const std::string path = dir.sub("log");
    int pipe_fds[2];
    BOOST_REQUIRE(pipe(pipe_fds) == 0);
    Child child;
    // No thread runs in this process yet, so a plain fork is safe.
    child.pid = fork();
    BOOST_REQUIRE(child.pid >= 0);
    if (child.pid == 0) {
      close(pipe_fds[0]);
      run_traffic_until_killed(path, pipe_fds[1], 1000 + round);
    }
    close(pipe_fds[1]);
    // Let it get going, then kill it at a different moment each round.
    uint64_t acked = wait_for_acks(pipe_fds[0], 200 + 250 * round);
    std::this_thread::sleep_for(std::chrono::milliseconds(3 * round));
    kill(child.pid, SIGKILL);
    int status = 0;
    waitpid(child.pid, &status, 0);
    child.pid = -1;
    BOOST_TEST(WIFSIGNALED(status));
    // Acknowledgements written just before the kill.
    char buffer[8];
    while (read(pipe_fds[0], buffer, sizeof buffer) == 8) {
      acked = std::max(acked, decode_u64(std::string_view(buffer, 8)).value_or(0));
    }
    close(pipe_fds[0]);

    LogOptions options;
    options.durability = Durability::always;
    auto reopened = RocksEventLog::open(path, options);
    BOOST_REQUIRE(reopened.ok());
    RocksEventLog& log = **reopened;
    BOOST_TEST_MESSAGE("round " << round << ": " << log.last_position() << " events, " << acked
                                << " acknowledged");
    BOOST_TEST(log.last_position() >= acked);  // nothing acknowledged is lost
    SnapshotFiles snapshots(path);
    BOOST_TEST(!snapshots.positions()->empty());  // the child did write some
    std::vector<std::string> notes;
    auto loaded =
        load_serving_state(log, snapshots, [&](const std::string& line) { notes.push_back(line); });
    BOOST_REQUIRE(loaded.ok());
    for (const std::string& note : notes) BOOST_TEST_MESSAGE("  " << note);
    BOOST_TEST(loaded->snapshot_position > 0u);
    BOOST_TEST(loaded->state->position() == log.last_position());
    ServingState fresh;
    BOOST_REQUIRE(replay_log(log, fresh).ok());
    BOOST_TEST(loaded->state->first_difference(fresh) == "");
  }
}
