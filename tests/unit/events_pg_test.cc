// The PostgreSQL store beyond the EventLog contract (which events_log_test and
// friends check on both backends): hashes identical to RocksDB's, several
// processes on one database, lost connections, the schema and its guards.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "events/append_rules.h"
#include "events/pg_event_log.h"
#include "events/pg_schema.h"
#include "events/rocks_event_log.h"
#include "events_test_support.h"
#include "test_store.h"

using namespace closient;
using namespace closient::testing;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<PgEventLog> open_pg(const TestDatabase& database, PgOptions options = {}) {
  auto log = PgEventLog::open(database.uri(), std::move(options));
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
  return std::move(log).value();
}

PgOptions fast() {
  PgOptions options;
  options.durability = Durability::never;
  options.poll_interval = 50ms;
  return options;
}

// What an observer was told, in order.
struct Observed {
  std::mutex mutex;
  std::vector<EventEnvelope> events;
  CommitObserver observer() {
    return [this](const std::vector<EventEnvelope>& committed) {
      std::lock_guard<std::mutex> lock(mutex);
      events.insert(events.end(), committed.begin(), committed.end());
    };
  }
  uint64_t last() {
    std::lock_guard<std::mutex> lock(mutex);
    return events.empty() ? 0 : events.back().position;
  }
  bool wait_for(uint64_t position, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (last() < position) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }
};

std::vector<AppendRequest> sample_appends() {
  std::vector<AppendRequest> appends;
  appends.push_back(append_to("org-1", ExpectedVersion::no_stream(),
                              {event("OrgCreated", {{"name", "Ünïcødé ✓"}, {"n", 1}}),
                               event("MemberAdded", {{"role", "owner"}}, 2)}));
  AppendRequest invite = append_to("user-9", ExpectedVersion::no_stream(), {event("UserInvited")});
  invite.streams.push_back({"org-1", ExpectedVersion::exact(2), {event("MemberInvited")}});
  invite.actor = Actor{"api_key", "key-1", "user-7"};
  appends.push_back(invite);
  appends.push_back(append_to("org-1", ExpectedVersion::any(),
                              {event("Renamed", {{"name", "quote \" and \\ and \n"}})}));
  return appends;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_same_appends_get_the_same_hashes_on_both_backends) {
  TempDir dir;
  TestDatabase database;
  auto rocks = RocksEventLog::open(dir.str());
  BOOST_REQUIRE(rocks.ok());
  auto pg = open_pg(database);
  for (AppendRequest& request : sample_appends()) {
    auto in_rocks = (*rocks)->append(request);
    auto in_pg = pg->append(request);
    BOOST_REQUIRE(in_rocks.ok());
    BOOST_REQUIRE(in_pg.ok());
    BOOST_REQUIRE(in_rocks->events.size() == in_pg->events.size());
    for (size_t i = 0; i < in_pg->events.size(); ++i) {
      BOOST_TEST(in_rocks->events[i].hash == in_pg->events[i].hash);
      BOOST_TEST(in_rocks->events[i].position == in_pg->events[i].position);
    }
  }
  std::vector<EventEnvelope> from_rocks, from_pg;
  BOOST_REQUIRE((*rocks)
                    ->scan({},
                           [&](EventEnvelope& e) {
                             from_rocks.push_back(e);
                             return true;
                           })
                    .ok());
  BOOST_REQUIRE(pg->scan({}, [&](EventEnvelope& e) {
                    from_pg.push_back(e);
                    return true;
                  }).ok());
  BOOST_REQUIRE(from_rocks.size() == 5u);
  BOOST_REQUIRE(from_pg.size() == 5u);
  for (size_t i = 0; i < from_pg.size(); ++i) {
    BOOST_TEST(canonical_bytes(from_rocks[i]) == canonical_bytes(from_pg[i]));
    BOOST_TEST(from_rocks[i].hash == from_pg[i].hash);
  }
  BOOST_TEST(pg->verify_chain().problem == "");
  BOOST_TEST(pg->verify_chain().events_checked == 5u);
}

BOOST_AUTO_TEST_CASE(two_logs_on_one_database_interleave_gaplessly_and_see_each_other) {
  TestDatabase database;
  auto a = open_pg(database, fast());
  auto b = open_pg(database, fast());
  Observed seen_by_a, seen_by_b;
  a->set_commit_observer(seen_by_a.observer());
  b->set_commit_observer(seen_by_b.observer());

  // Both append to shared streams with exact versions (some lose) and to their own.
  std::atomic<int> accepted{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      PgEventLog& log = t % 2 == 0 ? *a : *b;
      for (int i = 0; i < 40; ++i) {
        const std::string stream = i % 2 == 0 ? "hot" : "own-" + std::to_string(t);
        auto version = log.stream_version(stream);
        if (!version.ok()) {
          ++other;
          continue;
        }
        auto result = log.append(append_to(stream, ExpectedVersion::exact(*version), {event("E")}));
        if (result.ok()) {
          ++accepted;
        } else if (result.error().code == ErrorCode::conflict) {
          BOOST_TEST(result.error().reason == "wrong_expected_version");
          ++conflicts;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(other.load() == 0);
  BOOST_TEST(accepted.load() > 0);
  const uint64_t last = a->last_position();
  BOOST_TEST(last == static_cast<uint64_t>(accepted.load()));
  BOOST_TEST(b->last_position() == last);

  // Each hears of everything, its own appends and the other's, in order, once.
  BOOST_REQUIRE(seen_by_a.wait_for(last));
  BOOST_REQUIRE(seen_by_b.wait_for(last));
  for (Observed* observed : {&seen_by_a, &seen_by_b}) {
    std::lock_guard<std::mutex> lock(observed->mutex);
    BOOST_REQUIRE(observed->events.size() == last);
    for (size_t i = 0; i < observed->events.size(); ++i)
      BOOST_REQUIRE(observed->events[i].position == i + 1);
  }
  ChainReport report = a->verify_chain();
  BOOST_TEST(report.problem == "");
  BOOST_TEST(report.events_checked == last);
  BOOST_TEST_MESSAGE(accepted.load() << " appends, " << conflicts.load() << " conflicts");
}

// A writer knows the versions of the streams it has seen delivered; one it
// never saw is probed, or taken as new when the append creates it, and the
// UNIQUE (stream, version) constraint catches a wrong guess.
BOOST_AUTO_TEST_CASE(a_stream_taken_as_new_that_has_events_refuses_its_group_as_stale) {
  TestDatabase database;
  {
    auto earlier = open_pg(database, fast());
    BOOST_REQUIRE(
        earlier->append(append_to("user-1", ExpectedVersion::no_stream(), {event("A")})).ok());
  }
  // Opened after that write: this log never delivered it.
  auto log = open_pg(database, fast());
  auto group = [] {
    std::vector<AppendRequest> appends;
    appends.push_back(append_to("org-1", ExpectedVersion::no_stream(), {event("B")}));
    appends.push_back(append_to("user-1", ExpectedVersion::no_stream(), {event("C")}));
    return appends;
  };
  auto refused = log->append_all(group());
  BOOST_REQUIRE_EQUAL(refused.size(), 2u);
  for (auto& result : refused) {
    BOOST_REQUIRE(!result.ok());
    BOOST_TEST((result.error().code == ErrorCode::conflict));
    BOOST_TEST(result.error().reason == kWrongExpectedVersionReason);
  }
  BOOST_TEST(log->last_position() == 1u);  // nothing of the group was written
  BOOST_TEST(log->writable());

  // Decided again, the versions are read: only the stale append is refused.
  auto again = log->append_all(group());
  BOOST_REQUIRE_EQUAL(again.size(), 2u);
  BOOST_REQUIRE(again[0].ok());
  BOOST_TEST(again[0]->events[0].position == 2u);
  BOOST_REQUIRE(!again[1].ok());
  BOOST_TEST(again[1].error().reason == kWrongExpectedVersionReason);
  BOOST_TEST(again[1].error().detail.find("at version 1") != std::string::npos);

  auto next = log->append(append_to("user-1", ExpectedVersion::exact(1), {event("D")}));
  BOOST_REQUIRE(next.ok());
  BOOST_TEST(next->events[0].position == 3u);
  BOOST_TEST(next->events[0].version == 2u);
  // Another fresh log appends after the stream's true version when it expects any.
  auto other = open_pg(database, fast());
  auto any = other->append(append_to("user-1", ExpectedVersion::any(), {event("E")}));
  BOOST_REQUIRE(any.ok());
  BOOST_TEST(any->events[0].version == 3u);
  BOOST_TEST(other->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(a_pipeline_runs_in_order_and_stops_at_its_first_failure) {
  TestDatabase database;
  auto connection = database.connect();
  BOOST_REQUIRE(connection->exec("CREATE TABLE numbers (n integer PRIMARY KEY)").ok());
  auto insert = [](uint64_t n) {
    return PgStatement{"INSERT INTO numbers VALUES ($1::integer)", PgParams().number(n), "insert"};
  };
  size_t failed_at = 99;
  auto done = connection->pipeline(
      {insert(1), insert(2), PgStatement{"SELECT count(*), max(n) FROM numbers"}}, &failed_at);
  BOOST_REQUIRE_MESSAGE(done.ok(), (done.ok() ? "" : done.error().detail));
  BOOST_TEST(failed_at == 3u);
  BOOST_REQUIRE_EQUAL(done->size(), 3u);
  BOOST_TEST((*done)[2].u64(0, 0) == 2u);
  BOOST_TEST((*done)[2].u64(0, 1) == 2u);

  // In a transaction: the duplicate fails, what follows it does not run.
  auto stopped = connection->pipeline(
      {PgStatement{"BEGIN"}, insert(3), insert(1), insert(4), PgStatement{"COMMIT"}}, &failed_at);
  BOOST_REQUIRE(!stopped.ok());
  BOOST_TEST(failed_at == 2u);
  BOOST_TEST((stopped.error().code == ErrorCode::conflict));
  BOOST_TEST(!connection->broken());
  BOOST_REQUIRE(connection->exec("ROLLBACK").ok());
  auto count = connection->exec("SELECT count(*) FROM numbers");
  BOOST_REQUIRE(count.ok());
  BOOST_TEST(count->u64(0, 0) == 2u);  // neither 3 nor 4
  // Out of pipeline mode, and the prepared statement is kept.
  BOOST_TEST(connection
                 ->query_prepared("insert", "INSERT INTO numbers VALUES ($1::integer)",
                                  PgParams().number(5))
                 .ok());
}

BOOST_AUTO_TEST_CASE(begin_group_hands_over_what_others_committed_and_names_their_streams) {
  TestDatabase database;
  PgOptions no_tail = fast();
  no_tail.follow = false;  // only begin_group brings b up to date
  auto a = open_pg(database, fast());
  auto b = open_pg(database, no_tail);
  Observed seen_by_b;
  b->set_commit_observer(seen_by_b.observer());

  BOOST_REQUIRE(a->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());
  BOOST_REQUIRE(a->append(append_to("user-1", ExpectedVersion::any(), {event("B")})).ok());
  BOOST_TEST(seen_by_b.last() == 0u);

  auto held = b->begin_group();
  BOOST_REQUIRE(held.ok());
  BOOST_TEST((held.value() == std::vector<std::string>{"org-1", "user-1"}));
  BOOST_TEST(seen_by_b.last() == 2u);  // before the group is decided
  auto appended = b->append_all({append_to("org-1", ExpectedVersion::exact(1), {event("C")})});
  BOOST_REQUIRE(appended.front().ok());
  BOOST_TEST(appended.front()->events[0].position == 3u);
  BOOST_TEST(seen_by_b.last() == 3u);

  // Its own appends are not "other" streams.
  auto again = b->begin_group();
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->empty());
  b->end_group();
  BOOST_TEST(b->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(a_hold_makes_other_writers_wait_and_lock_timeout_bounds_the_wait) {
  TestDatabase database;
  auto a = open_pg(database, fast());
  PgOptions impatient = fast();
  impatient.lock_timeout = 300ms;
  auto b = open_pg(database, impatient);

  BOOST_REQUIRE(a->begin_group().ok());
  auto refused = b->append(append_to("org-1", ExpectedVersion::any(), {event("B")}));
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST((refused.error().code == ErrorCode::service_unavailable));
  BOOST_TEST(b->writable());  // the server is there; the head was only busy

  std::atomic<bool> b_done{false};
  std::thread waiter([&] {
    PgOptions patient = fast();
    auto c = PgEventLog::open(database.uri(), patient);
    BOOST_REQUIRE(c.ok());
    auto result = (*c)->append(append_to("org-1", ExpectedVersion::any(), {event("C")}));
    BOOST_TEST(result.ok());
    b_done = true;
  });
  std::this_thread::sleep_for(200ms);
  BOOST_TEST(!b_done.load());
  auto mine = a->append_all({append_to("org-1", ExpectedVersion::no_stream(), {event("A")})});
  BOOST_REQUIRE(mine.front().ok());
  BOOST_TEST(mine.front()->events[0].position == 1u);
  waiter.join();
  BOOST_TEST(b_done.load());
  BOOST_TEST(a->last_position() == 2u);
}

BOOST_AUTO_TEST_CASE(a_killed_connection_mid_transaction_leaves_no_trace) {
  TestDatabase database;
  auto log = open_pg(database, fast());
  Observed observed;
  log->set_commit_observer(observed.observer());
  BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());

  BOOST_REQUIRE(log->begin_group().ok());
  const int pid = log->writer_backend_pid();
  BOOST_REQUIRE(pid != 0);
  auto admin = database.connect();
  BOOST_REQUIRE(admin->query("SELECT pg_terminate_backend($1)", PgParams().number(pid)).ok());

  auto lost = log->append_all({append_to("org-1", ExpectedVersion::exact(1), {event("B")}),
                               append_to("org-2", ExpectedVersion::any(), {event("C")})});
  for (auto& result : lost) {
    BOOST_REQUIRE(!result.ok());
    BOOST_TEST((result.error().code == ErrorCode::service_unavailable));
  }
  BOOST_TEST(!log->writable());
  BOOST_TEST(log->last_position() == 1u);
  auto rows = admin->exec("SELECT count(*) FROM events");
  BOOST_REQUIRE(rows.ok());
  BOOST_TEST(rows->u64(0, 0) == 1u);

  // The next append reconnects.
  auto retried = log->append(append_to("org-1", ExpectedVersion::exact(1), {event("B")}));
  BOOST_REQUIRE(retried.ok());
  BOOST_TEST(retried->events[0].position == 2u);
  BOOST_TEST(log->writable());
  BOOST_TEST(observed.last() == 2u);
  BOOST_TEST(log->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(an_unreachable_server_is_one_line_and_no_crash) {
  auto log = PgEventLog::open("postgresql:///db?host=/nonexistent/dir&connect_timeout=2");
  BOOST_REQUIRE(!log.ok());
  BOOST_TEST((log.error().code == ErrorCode::service_unavailable));
  BOOST_TEST(log.error().detail.find('\n') == std::string::npos);
  BOOST_TEST_MESSAGE(log.error().detail);
}

BOOST_AUTO_TEST_CASE(a_schema_newer_than_this_build_is_refused) {
  TestDatabase database;
  { open_pg(database); }
  auto admin = database.connect();
  BOOST_REQUIRE(admin->exec("INSERT INTO account_schema (version) VALUES (99)").ok());
  auto log = PgEventLog::open(database.uri());
  BOOST_REQUIRE(!log.ok());
  BOOST_TEST(log.error().detail.find("schema version 99, newer than this build's") !=
             std::string::npos);

  PgOptions reading;
  reading.mode = OpenMode::read_only;
  TestDatabase empty;
  auto none = PgEventLog::open(empty.uri(), reading);
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST((none.error().code == ErrorCode::not_found));
}

BOOST_AUTO_TEST_CASE(events_are_append_only_and_tampering_is_named) {
  TestDatabase database;
  auto log = open_pg(database, fast());
  for (int i = 0; i < 5; ++i)
    BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::any(), {event("E")})).ok());
  auto admin = database.connect();
  BOOST_TEST(!admin->exec("UPDATE events SET type = 'X' WHERE position = 3").ok());
  BOOST_TEST(!admin->exec("DELETE FROM events WHERE position = 3").ok());
  BOOST_TEST(!admin->exec("TRUNCATE events").ok());

  // Someone who can drop the guard changes an event: verify names it.
  BOOST_REQUIRE(admin
                    ->exec("ALTER TABLE events DISABLE TRIGGER events_append_only; "
                           "UPDATE events SET payload = replace(payload, '\"E\"', '\"F\"') "
                           "WHERE position = 3")
                    .ok());
  ChainReport report = log->verify_chain();
  BOOST_TEST(report.first_broken_position == 3u);
  BOOST_TEST_MESSAGE(report.problem);

  BOOST_REQUIRE(admin->exec("DELETE FROM events WHERE position = 4").ok());
  report = log->verify_chain();
  BOOST_TEST(report.first_broken_position == 3u);
}

BOOST_AUTO_TEST_CASE(side_data_keeps_bytes_and_orders_keys_bytewise) {
  TestDatabase database;
  auto log = open_pg(database, fast());
  const std::string zero("k\0a", 3), high("k\xff", 2);
  BOOST_REQUIRE(log->side_put("key_usage", {{"k1", std::string("v\0\x80", 3)},
                                            {high, "high"},
                                            {zero, "zero"},
                                            {"k1", "last wins"},
                                            {"other", "x"}})
                    .ok());
  BOOST_TEST(log->side_get("key_usage", "k1").value_or("") == "last wins");
  BOOST_TEST(log->side_get("key_usage", zero).value_or("") == "zero");
  std::vector<std::string> keys;
  BOOST_REQUIRE(log->side_scan("key_usage", "k", "",
                               [&](const std::string& key, const std::string&) {
                                 keys.push_back(key);
                                 return true;
                               })
                    .ok());
  BOOST_TEST((keys == std::vector<std::string>{zero, "k1", high}));
  BOOST_REQUIRE(log->side_erase("key_usage", {"k1", zero}).ok());
  BOOST_TEST(!log->side_get("key_usage", "k1").has_value());
  BOOST_TEST(!log->side_put("nope", {{"a", "b"}}).ok());
}

BOOST_AUTO_TEST_CASE(following_logs_beat_and_are_counted_as_live_nodes) {
  TestDatabase database;
  PgOptions options = fast();
  options.heartbeat_interval = 100ms;
  auto a = open_pg(database, options);
  auto b = open_pg(database, options);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (a->live_nodes() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  BOOST_TEST(a->live_nodes() == 2u);
  b.reset();  // a clean stop leaves the table
  BOOST_TEST(a->live_nodes() == 1u);
}
