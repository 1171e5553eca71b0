// The commit observer is how the in-memory serving state follows the log, so
// it must see exactly what the log holds: every committed event once, in
// position order, nothing refused or lost to a failed write, and each group
// before any of its appenders is answered (a write is visible to the next read).
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <mutex>
#include <thread>

#include "events_backend.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;

namespace {

// What the observer was told, call by call.
struct Observed {
  std::mutex mutex;
  std::vector<std::vector<EventEnvelope>> calls;
  std::atomic<uint64_t> last_position{0};

  CommitObserver observer() {
    return [this](const std::vector<EventEnvelope>& committed) {
      std::lock_guard<std::mutex> lock(mutex);
      calls.push_back(committed);
      if (!committed.empty()) last_position = committed.back().position;
    };
  }
  size_t call_count() {
    std::lock_guard<std::mutex> lock(mutex);
    return calls.size();
  }
  std::vector<EventEnvelope> events() {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<EventEnvelope> all;
    for (const auto& call : calls) all.insert(all.end(), call.begin(), call.end());
    return all;
  }
};

std::vector<EventEnvelope> everything(EventStore& log) {
  std::vector<EventEnvelope> out;
  BOOST_REQUIRE(log.scan(ReadFilter{},
                         [&](const EventEnvelope& e) {
                           out.push_back(e);
                           return true;
                         })
                    .ok());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_committed_event_is_observed_once_in_position_order) {
  TestStore store;
  TestLogOptions options;
  options.durability = Durability::never;
  auto log = store.open(options);
  Observed observed;
  log->set_commit_observer(observed.observer());

  // Threads race on shared streams with exact versions, so some appends are
  // refused; every answered append must already have been observed.
  constexpr int kThreads = 8, kAppends = 40;
  std::atomic<int> answered_before_observed{0}, accepted{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        std::string stream = "hot-" + std::to_string(i % 3);
        auto version = log->stream_version(stream);
        if (!version.ok()) {
          ++other;
          continue;
        }
        std::vector<NewEvent> events = {event("E", {{"t", t}, {"i", i}})};
        if (i % 4 == 0) events.push_back(event("F"));
        auto result = log->append(append_to(stream, ExpectedVersion::exact(*version), events));
        if (result.ok()) {
          ++accepted;
          if (observed.last_position.load() < result->last_position()) ++answered_before_observed;
        } else if (result.error().code == ErrorCode::conflict) {
          ++conflicts;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  BOOST_TEST(answered_before_observed.load() == 0);
  BOOST_TEST(other.load() == 0);
  BOOST_TEST(accepted.load() > 0);
  BOOST_TEST_MESSAGE(accepted.load() << " appends accepted, " << conflicts.load() << " refused");

  std::vector<EventEnvelope> seen = observed.events();
  std::vector<EventEnvelope> stored = everything(*log);
  BOOST_REQUIRE(seen.size() == stored.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    BOOST_TEST(seen[i].position == i + 1);  // gapless, ascending, none twice
    BOOST_TEST(seen[i].hash == stored[i].hash);
    BOOST_TEST(seen[i].stream == stored[i].stream);
    BOOST_TEST(seen[i].version == stored[i].version);
  }
  // One call per committed batch, none empty.
  BOOST_TEST(observed.call_count() == log->stats().batches);
  for (const auto& call : observed.calls) BOOST_TEST(!call.empty());
}

BOOST_AUTO_TEST_CASE(refused_appends_and_failed_writes_are_not_observed) {
  TestStore store;
  TestLogOptions options;
  options.faults = std::make_shared<FaultSwitch>();
  auto log = store.open(options);
  Observed observed;
  log->set_commit_observer(observed.observer());

  BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());
  BOOST_TEST(observed.call_count() == 1u);

  // Refused: a conflict, an invalid request. A group with nothing accepted
  // writes nothing and tells the observer nothing.
  BOOST_TEST(!log->append(append_to("org-1", ExpectedVersion::exact(5), {event("B")})).ok());
  BOOST_TEST(!log->append(append_to("", ExpectedVersion::any(), {event("B")})).ok());
  BOOST_TEST(observed.call_count() == 1u);

  // A group mixing refused and accepted appends: only the accepted are observed.
  std::vector<AppendRequest> mixed;
  mixed.push_back(append_to("org-1", ExpectedVersion::exact(9), {event("X")}));
  mixed.push_back(append_to("org-2", ExpectedVersion::any(), {event("B"), event("C")}));
  auto results = log->append_all(std::move(mixed));
  BOOST_REQUIRE(!results[0].ok());
  BOOST_REQUIRE(results[1].ok());
  BOOST_REQUIRE(observed.call_count() == 2u);
  BOOST_TEST(observed.calls[1].size() == 2u);
  BOOST_TEST(observed.calls[1][0].position == 2u);

  // A failed write: every accepted append fails, the observer hears nothing.
  options.faults->set(Fault::sync);
  std::vector<AppendRequest> lost;
  lost.push_back(append_to("org-1", ExpectedVersion::exact(1), {event("D")}));
  lost.push_back(append_to("org-3", ExpectedVersion::any(), {event("E")}));
  for (auto& r : log->append_all(std::move(lost))) BOOST_TEST(!r.ok());
  BOOST_TEST(observed.call_count() == 2u);

  // The log goes on from what is on disk, and so does the observer.
  options.faults->set(Fault::none);
  auto retried = log->append(append_to("org-1", ExpectedVersion::exact(1), {event("D")}));
  BOOST_REQUIRE(retried.ok());
  BOOST_TEST(retried->events[0].position == 4u);
  std::vector<EventEnvelope> seen = observed.events();
  std::vector<EventEnvelope> stored = everything(*log);
  BOOST_REQUIRE(seen.size() == 4u);
  BOOST_REQUIRE(stored.size() == 4u);
  for (size_t i = 0; i < seen.size(); ++i) {
    BOOST_TEST(seen[i].position == i + 1);
    BOOST_TEST(seen[i].hash == stored[i].hash);
  }
}

BOOST_AUTO_TEST_CASE(the_observer_runs_after_the_write_and_before_the_answer) {
  TestStore store;
  auto log = store.open();
  EventStore* raw = log.get();
  std::atomic<uint64_t> version_seen_by_observer{0};
  std::atomic<bool> observer_done{false};
  log->set_commit_observer([&](const std::vector<EventEnvelope>& committed) {
    // The batch is written: a read of the log already sees the group.
    auto version = raw->stream_version(committed.front().stream);
    version_seen_by_observer = version.ok() ? *version : 0;
    // A slow observer holds the answer back; the appender must not get ahead.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    observer_done = true;
  });

  auto result = log->append(append_to("org-1", ExpectedVersion::any(), {event("A"), event("B")}));
  BOOST_REQUIRE(result.ok());
  BOOST_TEST(observer_done.load());
  BOOST_TEST(version_seen_by_observer.load() == 2u);
}
