#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "events_backend.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;

namespace {

struct Outcome {
  std::mutex mutex;
  std::vector<uint64_t> positions;  // every position any append was told it got
  uint64_t events = 0;
  uint64_t conflicts = 0;
  uint64_t other_errors = 0;
};

// Each thread appends with the exact version it just read, so threads sharing
// a stream race and some must lose; its own stream never conflicts.
void hammer(EventStore& log, int thread, int appends, Outcome& outcome) {
  for (int i = 0; i < appends; ++i) {
    std::string hot = "hot-" + std::to_string(i % 4);
    std::string own = "own-" + std::to_string(thread);
    AppendRequest request;
    uint64_t hot_version = *log.stream_version(hot);
    request.streams.push_back(
        {hot, ExpectedVersion::exact(hot_version), {event("Hot", {{"t", thread}, {"i", i}})}});
    if (i % 3 == 0) {  // some appends touch two streams
      uint64_t own_version = *log.stream_version(own);
      request.streams.push_back(
          {own, ExpectedVersion::exact(own_version), {event("Own"), event("Own")}});
    }
    request.request_id = std::to_string(thread) + "/" + std::to_string(i);
    auto result = log.append(std::move(request));
    std::lock_guard<std::mutex> lock(outcome.mutex);
    if (result.ok()) {
      for (const auto& e : result->events) outcome.positions.push_back(e.position);
      outcome.events += result->events.size();
    } else if (result.error().code == ErrorCode::conflict) {
      ++outcome.conflicts;
      BOOST_TEST(result.error().detail.find("hot-") != std::string::npos);
    } else {
      ++outcome.other_errors;
    }
  }
}

void check_log(EventStore& log, Outcome& outcome) {
  BOOST_TEST(outcome.other_errors == 0u);
  BOOST_TEST(outcome.conflicts > 0u);  // the race is real
  BOOST_TEST(log.last_position() == outcome.events);

  // Positions handed out are exactly 1..N, each once.
  std::sort(outcome.positions.begin(), outcome.positions.end());
  BOOST_REQUIRE(outcome.positions.size() == outcome.events);
  for (size_t i = 0; i < outcome.positions.size(); ++i)
    BOOST_REQUIRE(outcome.positions[i] == i + 1);

  // The stored log agrees: gapless, and every stream's versions are 1..k.
  uint64_t expected = 1;
  std::map<std::string, uint64_t> versions;
  std::map<std::string, std::set<uint64_t>> seen;
  Status scanned = log.scan(ReadFilter{}, [&](const EventEnvelope& e) {
    BOOST_REQUIRE(e.position == expected++);
    BOOST_REQUIRE(e.version == ++versions[e.stream]);
    BOOST_REQUIRE(seen[e.stream].insert(e.version).second);
    return true;
  });
  BOOST_REQUIRE(scanned.ok());
  BOOST_TEST(expected - 1 == outcome.events);
  for (const auto& [stream, version] : versions) BOOST_TEST(*log.stream_version(stream) == version);

  ChainReport report = log.verify_chain();
  BOOST_TEST(report.problem == "");
  BOOST_TEST(report.events_checked == outcome.events);
}

void run(Durability durability, int threads, int appends_per_thread) {
  TestStore store;
  TestLogOptions options;
  options.durability = durability;
  auto log = store.open(options);
  Outcome outcome;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { hammer(*log, t, appends_per_thread, outcome); });
  for (auto& t : pool) t.join();
  check_log(*log, outcome);
  AppendStats stats = log->stats();
  BOOST_TEST(stats.rejected == outcome.conflicts);
  BOOST_TEST_MESSAGE(threads << " threads: " << outcome.events << " events, " << outcome.conflicts
                             << " conflicts, " << stats.batches << " batches");

  // And all of it is still there after reopening.
  log.reset();
  auto reopened = store.open(options);
  BOOST_TEST(reopened->last_position() == outcome.events);
  BOOST_TEST(reopened->verify_chain().problem == "");
}

}  // namespace

BOOST_AUTO_TEST_CASE(sixteen_threads_unsynced) {
  run(Durability::never, 16, 300);
}

BOOST_AUTO_TEST_CASE(sixteen_threads_synced) {
  run(Durability::always, 16, 60);
}

BOOST_AUTO_TEST_CASE(readers_never_see_half_of_an_append) {
  TestStore store;
  TestLogOptions options;
  options.durability = Durability::never;
  auto opened = store.open(options);
  EventStore& log = *opened;

  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        AppendRequest pair;
        pair.request_id = std::to_string(t) + "/" + std::to_string(i);
        pair.streams.push_back({"left-" + std::to_string(t), ExpectedVersion::any(), {event("L")}});
        pair.streams.push_back(
            {"right-" + std::to_string(i % 3), ExpectedVersion::any(), {event("R"), event("R")}});
        BOOST_REQUIRE(log.append(std::move(pair)).ok());
      }
    });
  }
  int scans = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (std::chrono::steady_clock::now() < deadline) {
    std::map<std::string, int> parts;
    uint64_t expected = 1;
    BOOST_REQUIRE(log.scan(ReadFilter{},
                           [&](const EventEnvelope& e) {
                             BOOST_REQUIRE(e.position == expected++);
                             ++parts[e.request_id];
                             return true;
                           })
                      .ok());
    for (const auto& [id, count] : parts) BOOST_REQUIRE_MESSAGE(count == 3, id << " is partial");
    ++scans;
  }
  stop = true;
  for (auto& w : writers) w.join();
  BOOST_TEST_MESSAGE(scans << " scans over up to " << log.last_position() << " events");
  BOOST_TEST(scans > 0);
}
