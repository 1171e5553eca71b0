// Kills a process that is appending with sync=always, then checks the log it
// left: nothing acknowledged is lost, the chain verifies, positions are
// gapless, and no append that spans two streams is visible by halves.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "events/keys.h"
#include "events/rocks_event_log.h"
#include "unit/events_test_support.h"

extern char** environ;

using namespace closient;
using namespace closient::testing;

namespace {

const char kDirVariable[] = "EVENTS_CRASH_DIR";
const char kFdVariable[] = "EVENTS_CRASH_FD";
constexpr int kChildFd = 99;
constexpr int kAppenders = 4;

// The child: appenders that report every acknowledged position to the pipe.
void append_until_killed(const std::string& dir, int fd) {
  auto opened = RocksEventLog::open(dir);
  if (!opened.ok()) _exit(2);
  RocksEventLog& log = **opened;
  std::vector<std::thread> appenders;
  for (int t = 0; t < kAppenders; ++t) {
    appenders.emplace_back([&log, fd, t] {
      auto stop = std::chrono::steady_clock::now() + std::chrono::seconds(20);  // if orphaned
      for (int i = 0; std::chrono::steady_clock::now() < stop; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        AppendRequest request;
        request.request_id = id;
        request.streams.push_back({"pair-a-" + std::to_string(i % 5),
                                   ExpectedVersion::any(),
                                   {event("HalfA", {{"request", id}})}});
        request.streams.push_back({"pair-b-" + std::to_string(i % 7),
                                   ExpectedVersion::any(),
                                   {event("HalfB", {{"request", id}})}});
        auto result = log.append(std::move(request));
        if (!result.ok()) _exit(3);
        std::string acked;
        for (const auto& e : result->events) acked += encode_u64(e.position);
        // One write of 16 bytes: atomic on a pipe, so reports never interleave.
        if (write(fd, acked.data(), acked.size()) != static_cast<ssize_t>(acked.size())) _exit(4);
      }
    });
  }
  for (auto& t : appenders) t.join();
  _exit(0);
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

pid_t spawn_appender(const std::string& dir, int write_fd) {
  std::string env_dir = std::string(kDirVariable) + "=" + dir;
  std::string env_fd = std::string(kFdVariable) + "=" + std::to_string(kChildFd);
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) env.push_back(*e);
  env.push_back(env_dir.data());
  env.push_back(env_fd.data());
  env.push_back(nullptr);
  std::string self = "/proc/self/exe";
  std::string run = "--run_test=child_appends_until_killed";
  std::string quiet = "--log_level=nothing";
  std::string no_report = "--report_level=no";
  char* argv[] = {self.data(), run.data(), quiet.data(), no_report.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_fd, kChildFd);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  BOOST_REQUIRE(rc == 0);
  return pid;
}

// Reads 8-byte positions from `fd` until `deadline` (or EOF when deadline is unset).
void collect(int fd, std::string& buffer,
             std::optional<std::chrono::steady_clock::time_point> deadline) {
  char chunk[4096];
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      wait_ms = static_cast<int>(left.count());
    }
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, wait_ms);
    if (ready == 0) return;
    if (ready < 0) {
      if (errno == EINTR) continue;
      BOOST_FAIL("poll failed");
    }
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n == 0) return;  // EOF: the child is gone
    if (n < 0) {
      if (errno == EINTR) continue;
      BOOST_FAIL("read failed");
    }
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

void check_reopened_log(const std::string& dir, const std::set<uint64_t>& acked) {
  auto opened = RocksEventLog::open(dir);
  BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().detail));
  RocksEventLog& log = **opened;
  uint64_t last = log.last_position();
  BOOST_TEST_MESSAGE("acknowledged " << acked.size() << " events; the log holds " << last);
  BOOST_REQUIRE(!acked.empty());
  BOOST_TEST(last >= *acked.rbegin());

  ChainReport report = log.verify_chain();
  BOOST_TEST(report.problem == "");
  BOOST_TEST(report.events_checked == last);

  uint64_t expected = 1;
  std::map<std::string, std::vector<EventEnvelope>> by_request;
  BOOST_REQUIRE(log.scan(ReadFilter{},
                         [&](const EventEnvelope& e) {
                           BOOST_REQUIRE(e.position == expected++);
                           by_request[e.request_id].push_back(e);
                           return true;
                         })
                    .ok());
  BOOST_TEST(expected - 1 == last);
  for (uint64_t position : acked) BOOST_REQUIRE(position <= last);
  for (const auto& [id, halves] : by_request) {
    BOOST_REQUIRE_MESSAGE(halves.size() == 2u, "request " << id << " is visible by halves");
    BOOST_TEST(halves[0].type == "HalfA");
    BOOST_TEST(halves[1].type == "HalfB");
    BOOST_TEST(halves[1].position == halves[0].position + 1);
  }

  // The log goes on from where the crash left it.
  auto next = log.append(append_to("after-crash", ExpectedVersion::no_stream(), {event("E")}));
  BOOST_REQUIRE(next.ok());
  BOOST_TEST(next->events[0].position == last + 1);
}

}  // namespace

// Runs only in the child process started below (disabled runs need --run_test).
BOOST_AUTO_TEST_CASE(child_appends_until_killed, *boost::unit_test::disabled()) {
  const char* dir = std::getenv(kDirVariable);
  const char* fd = std::getenv(kFdVariable);
  if (!dir || !fd) return;
  append_until_killed(dir, std::atoi(fd));
}

BOOST_AUTO_TEST_CASE(kill_9_mid_append_loses_nothing_acknowledged) {
  std::mt19937 random(std::random_device{}());
  for (int round = 0; round < 4; ++round) {
    TempDir dir;
    int fds[2];
    BOOST_REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    Child child;
    child.pid = spawn_appender(dir.str(), fds[1]);
    close(fds[1]);

    std::string buffer;
    auto run_for = std::chrono::milliseconds(500 + random() % 500);
    collect(fds[0], buffer, std::chrono::steady_clock::now() + run_for);
    BOOST_REQUIRE(kill(child.pid, SIGKILL) == 0);
    int status = 0;
    BOOST_REQUIRE(waitpid(child.pid, &status, 0) == child.pid);
    child.pid = -1;
    BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
               "the child ended on its own, status " << status);
    collect(fds[0], buffer, std::nullopt);
    close(fds[0]);

    BOOST_REQUIRE(buffer.size() % 8 == 0);
    std::set<uint64_t> acked;
    for (size_t i = 0; i < buffer.size(); i += 8)
      acked.insert(*decode_u64(std::string_view(buffer).substr(i, 8)));
    BOOST_TEST_MESSAGE("round " << round << " ran " << run_for.count() << " ms");
    check_reopened_log(dir.str(), acked);
  }
}
