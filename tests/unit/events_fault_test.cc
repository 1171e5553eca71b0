// The event log on a failing disk (a fault-injecting RocksDB file system): a
// failed sync, write, full disk or read-only disk fails every append of its
// group as service_unavailable, and none of it is observed; nothing
// acknowledged is lost and nothing failed ever shows up (not even after a
// reopen replays the write-ahead log); reads go on; writes resume by
// themselves once the disk is healthy. A failing disk at open is an error, not
// a crash.
#include <boost/test/unit_test.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "events/fault_injection.h"
#include "events/rocks_event_log.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;

namespace {

constexpr Fault kFaults[] = {Fault::sync, Fault::write, Fault::disk_full, Fault::read_only};

// What the commit observer was told, in order.
class Observed {
 public:
  CommitObserver observer() {
    return [this](const std::vector<EventEnvelope>& committed) {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.insert(events_.end(), committed.begin(), committed.end());
    };
  }
  std::vector<EventEnvelope> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<EventEnvelope> events_;
};

struct FaultyLog {
  std::shared_ptr<FaultSwitch> faults = std::make_shared<FaultSwitch>();
  std::vector<std::string> notes;  // LogOptions::note, written on the writer thread
  std::unique_ptr<RocksEventLog> log;

  explicit FaultyLog(const std::string& dir, Durability durability = Durability::always) {
    LogOptions options;
    options.durability = durability;
    options.faults = faults;
    options.note = [this](const std::string& line) { notes.push_back(line); };
    auto opened = RocksEventLog::open(dir, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().detail));
    log = std::move(opened).value();
  }
};

std::vector<EventEnvelope> everything(RocksEventLog& log) {
  std::vector<EventEnvelope> out;
  Status s = log.scan(ReadFilter{}, [&](const EventEnvelope& e) {
    out.push_back(e);
    return true;
  });
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().detail));
  return out;
}

Result<AppendResult> add(RocksEventLog& log, const std::string& stream, const std::string& tag) {
  return log.append(append_to(stream, ExpectedVersion::any(), {event("Noted", {{"tag", tag}})}));
}

std::set<std::string> tags(const std::vector<EventEnvelope>& events) {
  std::set<std::string> out;
  for (const auto& e : events) out.insert(e.data.value("tag", ""));
  return out;
}

// Positions 1..n, each event's prev_hash the hash before it, and the log's own check.
void expect_consistent(RocksEventLog& log) {
  const std::vector<EventEnvelope> events = everything(log);
  std::string previous = zero_hash();
  for (std::size_t i = 0; i < events.size(); ++i) {
    BOOST_TEST(events[i].position == i + 1);
    BOOST_TEST(events[i].prev_hash == previous);
    previous = events[i].hash;
  }
  BOOST_TEST(log.last_position() == events.size());
  const ChainReport report = log.verify_chain();
  BOOST_TEST(report.problem == "");
  BOOST_TEST(report.events_checked == events.size());
}

void expect_unavailable(const Result<AppendResult>& result) {
  BOOST_REQUIRE(!result.ok());
  BOOST_TEST((result.error().code == ErrorCode::service_unavailable));
  // Retryable, and nothing of the files or system errors behind it.
  BOOST_TEST(result.error().detail.find("Try again") != std::string::npos, result.error().detail);
  BOOST_TEST(result.error().detail.find('/') == std::string::npos, result.error().detail);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_failing_disk_fails_the_group_reads_go_on_and_writes_resume) {
  for (Fault fault : kFaults) {
    BOOST_TEST_CONTEXT("fault " << fault_name(fault)) {
      TempDir dir;
      std::set<std::string> acknowledged;
      {
        FaultyLog faulty(dir.str());
        RocksEventLog& log = *faulty.log;
        Observed observed;
        log.set_commit_observer(observed.observer());
        for (int i = 0; i < 5; ++i) {
          BOOST_REQUIRE(add(log, "org-1", "before-" + std::to_string(i)).ok());
          acknowledged.insert("before-" + std::to_string(i));
        }
        BOOST_REQUIRE(log.side_put("key_usage", {{"k", "before"}}).ok());
        BOOST_TEST(log.writable());

        faulty.faults->set(fault);
        expect_unavailable(add(log, "org-1", "lost-1"));
        expect_unavailable(add(log, "org-2", "lost-2"));  // still failing: refused outright
        BOOST_TEST(faulty.faults->injected() > 0u);
        BOOST_TEST(!log.writable());
        BOOST_TEST(observed.events().size() == 5u);  // nothing failed was observed
        // Reads go on, and show only what was acknowledged.
        BOOST_TEST(tags(everything(log)) == acknowledged);
        BOOST_TEST(log.read_stream("org-1")->size() == 5u);
        BOOST_TEST(*log.stream_version("org-1") == 5u);
        BOOST_TEST(*log.stream_version("org-2") == 0u);
        BOOST_TEST((log.side_get("key_usage", "k") == std::optional<std::string>("before")));
        BOOST_TEST(log.last_position() == 5u);
        BOOST_TEST(log.verify_chain().problem == "");

        faulty.faults->set(Fault::none);
        for (int i = 0; i < 3; ++i) {
          auto resumed = add(log, "org-1", "after-" + std::to_string(i));
          BOOST_REQUIRE_MESSAGE(resumed.ok(), (resumed.ok() ? "" : resumed.error().detail));
          BOOST_TEST(resumed->events[0].position == 6u + i);  // no gap where the failures were
          BOOST_TEST(resumed->events[0].version == 6u + i);
          acknowledged.insert("after-" + std::to_string(i));
        }
        BOOST_TEST(log.writable());
        BOOST_TEST(tags(everything(log)) == acknowledged);
        BOOST_TEST(log.read_stream("org-1")->size() == 8u);
        BOOST_TEST(log.side_put("key_usage", {{"k", "after"}}).ok());
        expect_consistent(log);
        // The observer saw exactly what the log holds, in order.
        const std::vector<EventEnvelope> seen = observed.events();
        const std::vector<EventEnvelope> stored = everything(log);
        BOOST_REQUIRE(seen.size() == stored.size());
        for (std::size_t i = 0; i < seen.size(); ++i) BOOST_TEST(seen[i].hash == stored[i].hash);
        // The operator was told of the failure, why writes stayed refused (once
        // per reason, however often it was tried), and of the recovery.
        const std::vector<std::string>& notes = faulty.notes;
        BOOST_REQUIRE(notes.size() >= 2u);
        BOOST_TEST(notes.size() <= 3u);
        BOOST_TEST(notes.front().find("failed") != std::string::npos, notes.front());
        for (std::size_t i = 1; i + 1 < notes.size(); ++i)
          BOOST_TEST(notes[i].find("still refused") != std::string::npos, notes[i]);
        BOOST_TEST(notes.back().find("reopened at position 5") != std::string::npos, notes.back());
      }
      // Reopened, the write-ahead log is replayed: the failed appends stay gone.
      FaultyLog reopened(dir.str());
      BOOST_TEST(tags(everything(*reopened.log)) == acknowledged);
      expect_consistent(*reopened.log);
      BOOST_TEST(add(*reopened.log, "org-3", "later").ok());
      expect_consistent(*reopened.log);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_append_of_a_failing_group_fails_and_takes_no_version) {
  TempDir dir;
  FaultyLog faulty(dir.str());
  RocksEventLog& log = *faulty.log;
  BOOST_REQUIRE(add(log, "org-0", "first").ok());
  faulty.faults->set(Fault::sync);
  std::vector<std::thread> writers;
  std::atomic<int> failed{0};
  std::atomic<int> succeeded{0};
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto result = add(log, "group-" + std::to_string(t), "x");
        (result.ok() ? succeeded : failed)++;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  BOOST_TEST(succeeded.load() == 0);
  BOOST_TEST(failed.load() == 80);
  BOOST_TEST(everything(log).size() == 1u);
  BOOST_TEST(log.stats().failed == 80u);

  faulty.faults->set(Fault::none);
  for (int t = 0; t < 8; ++t) {
    auto result = add(log, "group-" + std::to_string(t), "y");
    BOOST_REQUIRE(result.ok());
    BOOST_TEST(result->events[0].version == 1u);  // the failed ones took no version
  }
  BOOST_TEST(everything(log).size() == 9u);
  expect_consistent(log);
}

BOOST_AUTO_TEST_CASE(readers_go_on_while_the_writer_fails_and_recovers) {
  TempDir dir;
  FaultyLog faulty(dir.str());
  RocksEventLog& log = *faulty.log;
  BOOST_REQUIRE(add(log, "org-1", "kept-0").ok());
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> failed_reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        std::set<std::string> seen;
        Status scanned = log.scan(ReadFilter{}, [&](const EventEnvelope& e) {
          seen.insert(e.data.value("tag", ""));
          return true;
        });
        auto stream = log.read_stream("org-1");
        const bool ok = scanned.ok() && stream.ok() && log.stream_version("org-1").ok();
        // Only acknowledged events, ever: every failed one is tagged "lost".
        for (const std::string& tag : seen) {
          if (tag.rfind("lost", 0) == 0) failed_reads++;
        }
        (ok ? reads : failed_reads)++;
      }
    });
  }
  int kept = 1;
  for (int round = 0; round < 6; ++round) {
    faulty.faults->set(kFaults[round % 4]);
    expect_unavailable(add(log, "org-1", "lost-" + std::to_string(round)));
    faulty.faults->set(Fault::none);
    BOOST_REQUIRE(add(log, "org-1", "kept-" + std::to_string(kept++)).ok());
  }
  stop = true;
  for (auto& reader : readers) reader.join();
  BOOST_TEST(failed_reads.load() == 0);
  BOOST_TEST(reads.load() > 0);
  BOOST_TEST(everything(log).size() == static_cast<std::size_t>(kept));
  expect_consistent(log);
}

BOOST_AUTO_TEST_CASE(a_failed_side_write_costs_no_append_once_the_disk_is_back) {
  for (Fault fault : {Fault::write, Fault::disk_full, Fault::read_only}) {
    BOOST_TEST_CONTEXT("fault " << fault_name(fault)) {
      TempDir dir;
      FaultyLog faulty(dir.str());
      RocksEventLog& log = *faulty.log;
      BOOST_REQUIRE(add(log, "org-1", "kept").ok());
      BOOST_REQUIRE(log.side_put("key_usage", {{"k", "1"}}).ok());
      faulty.faults->set(fault);
      BOOST_TEST(!log.side_put("key_usage", {{"k", "2"}}).ok());
      BOOST_TEST(!log.side_erase("key_usage", {"k"}).ok());
      BOOST_TEST((log.side_get("key_usage", "k") == std::optional<std::string>("1")));
      faulty.faults->set(Fault::none);
      // RocksDB refuses writes after the failed one until reopened: the writer
      // does that before its next group, which then goes through.
      auto appended = add(log, "org-1", "next");
      BOOST_REQUIRE_MESSAGE(appended.ok(), (appended.ok() ? "" : appended.error().detail));
      BOOST_TEST(log.side_put("key_usage", {{"k", "3"}}).ok());
      BOOST_TEST((log.side_get("key_usage", "k") == std::optional<std::string>("3")));
      expect_consistent(log);
    }
  }
}

// Without any append to notice it: the idle writer tries again by itself, so
// writable() (and accountd's /readyz) come back with the disk.
BOOST_AUTO_TEST_CASE(an_idle_log_recovers_by_itself_once_the_disk_does) {
  TempDir dir;
  FaultyLog faulty(dir.str());
  RocksEventLog& log = *faulty.log;
  BOOST_REQUIRE(add(log, "org-1", "kept").ok());
  auto writable_within = [&log](std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (!log.writable() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return log.writable();
  };

  faulty.faults->set(Fault::sync);
  expect_unavailable(add(log, "org-1", "lost"));
  BOOST_TEST(!writable_within(std::chrono::milliseconds(1200)));  // still failing
  faulty.faults->set(Fault::none);
  BOOST_TEST(writable_within(std::chrono::seconds(10)));
  BOOST_TEST(faulty.log->stats().write_failures == 1u);

  faulty.faults->set(Fault::disk_full);
  BOOST_TEST(!log.side_put("key_usage", {{"k", "v"}}).ok());
  BOOST_TEST(!log.writable());  // RocksDB refuses every write after the failed one
  faulty.faults->set(Fault::none);
  BOOST_TEST(writable_within(std::chrono::seconds(10)));
  BOOST_TEST(log.side_put("key_usage", {{"k", "v"}}).ok());  // no append needed for that

  auto appended = add(log, "org-1", "after");
  BOOST_REQUIRE(appended.ok());
  BOOST_TEST(appended->events[0].position == 2u);
  expect_consistent(log);
}

// Side writes come from other threads (last_used, idempotency) at any time.
// After a failed write none may reach RocksDB before the reopen: left to
// itself, RocksDB takes writes again once a full disk has space (it polls every
// second), and when its memtable was empty its WAL writer still holds the
// error, so the next write aborts the process. Here the disk stays full long
// enough for the idle writer's tries to space out, and side writes go on after
// it clears.
BOOST_AUTO_TEST_CASE(side_writes_after_a_full_disk_clears_neither_abort_nor_lose_appends) {
  TempDir dir;
  { BOOST_REQUIRE(add(*FaultyLog(dir.str()).log, "org-1", "kept").ok()); }
  FaultyLog faulty(dir.str());  // reopened: its memtable is empty
  RocksEventLog& log = *faulty.log;
  faulty.faults->set(Fault::disk_full);
  BOOST_TEST(!log.side_put("key_usage", {{"k", "lost"}}).ok());
  std::this_thread::sleep_for(std::chrono::seconds(4));
  faulty.faults->set(Fault::none);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  for (int i = 0; i < 50; ++i) {
    log.side_put("key_usage", {{"k", std::to_string(i)}}).ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  BOOST_TEST(add(log, "org-1", "kept-too").ok());
  BOOST_TEST(log.side_put("key_usage", {{"k", "last"}}).ok());
  BOOST_TEST(tags(everything(log)) == (std::set<std::string>{"kept", "kept-too"}));
  expect_consistent(log);
}

BOOST_AUTO_TEST_CASE(unsynced_logs_recover_the_same_way) {
  TempDir dir;
  {
    FaultyLog faulty(dir.str(), Durability::never);
    BOOST_REQUIRE(add(*faulty.log, "org-1", "kept").ok());
    faulty.faults->set(Fault::write);
    expect_unavailable(add(*faulty.log, "org-1", "lost"));
    faulty.faults->set(Fault::none);
    BOOST_REQUIRE(add(*faulty.log, "org-1", "kept-too").ok());
    BOOST_TEST(tags(everything(*faulty.log)) == (std::set<std::string>{"kept", "kept-too"}));
  }
  FaultyLog reopened(dir.str(), Durability::never);
  BOOST_TEST(tags(everything(*reopened.log)) == (std::set<std::string>{"kept", "kept-too"}));
  expect_consistent(*reopened.log);
}

BOOST_AUTO_TEST_CASE(a_failing_disk_at_open_is_an_error_of_one_line) {
  for (Fault fault : kFaults) {
    BOOST_TEST_CONTEXT("fault " << fault_name(fault)) {
      TempDir dir;
      {
        FaultyLog healthy(dir.str());  // an existing log
        BOOST_REQUIRE(add(*healthy.log, "org-1", "a").ok());
      }
      for (const std::string& path : {dir.str(), dir.sub("fresh")}) {
        LogOptions options;
        options.faults = std::make_shared<FaultSwitch>();
        options.faults->set(fault);
        auto opened = RocksEventLog::open(path, options);
        BOOST_REQUIRE(!opened.ok());
        BOOST_TEST((opened.error().code == ErrorCode::service_unavailable));
        BOOST_TEST(opened.error().detail.find('\n') == std::string::npos);
      }
      // Nothing was harmed: the existing log opens on a healthy disk, as it was.
      FaultyLog again(dir.str());
      BOOST_TEST(tags(everything(*again.log)) == (std::set<std::string>{"a"}));
      expect_consistent(*again.log);
    }
  }
}

BOOST_AUTO_TEST_CASE(fault_names_read_back) {
  for (Fault fault : {Fault::none, Fault::sync, Fault::write, Fault::disk_full, Fault::read_only}) {
    BOOST_TEST((parse_fault(fault_name(fault)) == fault));
  }
  BOOST_TEST(!parse_fault("sometimes").has_value());
}
