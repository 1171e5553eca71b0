// The PostgreSQL store's command ledger: a group whose COMMIT answer was lost
// is answered by whether it landed, and a command named by a command_id (a
// write with an Idempotency-Key) is carried out once, whichever node it
// reaches, for 24 hours.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <mutex>

#include "events/append_rules.h"
#include "events/pg_event_log.h"
#include "events_test_support.h"
#include "test_store.h"

using namespace closient;
using namespace closient::testing;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<PgEventLog> open_pg(const TestDatabase& database, PgOptions options = {}) {
  options.poll_interval = 50ms;
  auto log = PgEventLog::open(database.uri(), std::move(options));
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
  return std::move(log).value();
}

AppendRequest keyed(std::string stream, std::string command_id, std::string fingerprint) {
  AppendRequest request = append_to(std::move(stream), ExpectedVersion::any(), {event("Keyed")});
  request.command_id = std::move(command_id);
  request.command_fingerprint = std::move(fingerprint);
  request.request_id = "req-1";
  return request;
}

uint64_t count(const TestDatabase& database, const std::string& sql) {
  auto rows = database.connect()->exec(sql);
  BOOST_REQUIRE_MESSAGE(rows.ok(), (rows.ok() ? "" : rows.error().detail));
  return rows->u64(0, 0);
}

struct Delivered {
  std::mutex mutex;
  std::vector<uint64_t> positions;
  CommitObserver observer() {
    return [this](const std::vector<EventEnvelope>& events) {
      std::lock_guard<std::mutex> lock(mutex);
      for (const EventEnvelope& e : events) positions.push_back(e.position);
    };
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_commit_whose_answer_is_lost_is_answered_as_committed) {
  TestDatabase database;
  std::atomic<bool> lose_next{false};
  PgOptions options;
  options.lose_commit_answer_for_testing = [&] { return lose_next.exchange(false); };
  auto log = open_pg(database, options);
  Delivered delivered;
  log->set_commit_observer(delivered.observer());
  BOOST_REQUIRE(log->append(append_to("org-1", ExpectedVersion::no_stream(), {event("A")})).ok());

  lose_next = true;
  auto results = log->append_all({append_to("org-1", ExpectedVersion::exact(1), {event("B")}),
                                  append_to("org-2", ExpectedVersion::no_stream(), {event("C")})});
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  for (auto& result : results)
    BOOST_REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error().detail));
  BOOST_TEST(results[0]->events[0].position == 2u);
  BOOST_TEST(results[1]->events[0].position == 3u);
  BOOST_TEST(log->writable());

  // Delivered once, from the writer, and the next group follows on.
  auto next = log->append(append_to("org-1", ExpectedVersion::exact(2), {event("D")}));
  BOOST_REQUIRE(next.ok());
  BOOST_TEST(next->events[0].position == 4u);
  {
    std::lock_guard<std::mutex> lock(delivered.mutex);
    BOOST_TEST(delivered.positions == (std::vector<uint64_t>{1, 2, 3, 4}),
               boost::test_tools::per_element());
  }
  BOOST_TEST(count(database, "SELECT count(*) FROM events") == 4u);
  BOOST_TEST(
      count(database, "SELECT count(*) FROM command_ledger WHERE command_id LIKE 'group/%'") == 3u);
  BOOST_TEST(log->verify_chain().problem == "");
}

BOOST_AUTO_TEST_CASE(a_commit_that_failed_is_answered_unavailable_and_left_no_ledger_row) {
  TestDatabase database;
  std::atomic<bool> fail_next{false};
  PgOptions options;
  options.fail_commit_for_testing = [&] { return fail_next.exchange(false); };
  auto log = open_pg(database, options);
  fail_next = true;
  auto failed = log->append(keyed("org-1", "key/k1", "f1"));
  BOOST_REQUIRE(!failed.ok());
  BOOST_TEST((failed.error().code == ErrorCode::service_unavailable));
  BOOST_TEST(count(database, "SELECT count(*) FROM command_ledger") == 0u);
  // Nothing was carried out, so the retry is.
  auto retried = log->append(keyed("org-1", "key/k1", "f1"));
  BOOST_REQUIRE(retried.ok());
  BOOST_TEST(retried->events[0].position == 1u);
}

BOOST_AUTO_TEST_CASE(a_keyed_command_is_carried_out_once_whichever_node_it_reaches) {
  TestDatabase database;
  auto a = open_pg(database);
  auto b = open_pg(database);

  auto first = a->append(keyed("org-1", "key/k1", "f1"));
  BOOST_REQUIRE(first.ok());

  auto again = b->append(keyed("org-1", "key/k1", "f1"));
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST((again.error().code == ErrorCode::conflict));
  BOOST_TEST(again.error().reason == kCommandAlreadyAppliedReason);
  BOOST_TEST(again.error().detail.find("position 1") != std::string::npos);

  auto other_request = b->append(keyed("org-1", "key/k1", "f2"));
  BOOST_REQUIRE(!other_request.ok());
  BOOST_TEST((other_request.error().code == ErrorCode::validation_error));

  // Within one group too: the second of two appends naming one command is refused.
  auto group = a->append_all({keyed("org-2", "key/k2", "f"), keyed("org-3", "key/k2", "f")});
  BOOST_REQUIRE(group[0].ok());
  BOOST_REQUIRE(!group[1].ok());
  BOOST_TEST(group[1].error().reason == kCommandAlreadyAppliedReason);

  // Another key, or none, is carried out as usual.
  BOOST_TEST(b->append(keyed("org-1", "key/k3", "f1")).ok());
  BOOST_TEST(b->append(append_to("org-1", ExpectedVersion::any(), {event("Plain")})).ok());
  BOOST_TEST(count(database, "SELECT count(*) FROM events") == 4u);
  BOOST_TEST(count(database, "SELECT count(*) FROM command_ledger WHERE command_id LIKE 'key/%'") ==
             3u);
  BOOST_TEST(count(database,
                   "SELECT last_position FROM command_ledger WHERE command_id = "
                   "'key/k1'") == 1u);
}

BOOST_AUTO_TEST_CASE(after_24_hours_a_key_runs_again_and_old_rows_are_swept) {
  TestDatabase database;
  {
    auto a = open_pg(database);
    BOOST_REQUIRE(a->append(keyed("org-1", "key/old", "f1")).ok());
  }
  BOOST_REQUIRE(database.connect()
                    ->exec("UPDATE command_ledger SET committed_at = now() - interval '25 hours'")
                    .ok());
  // A new process sweeps in its first group's commit.
  auto b = open_pg(database);
  auto rerun = b->append(keyed("org-1", "key/old", "f2"));
  BOOST_REQUIRE_MESSAGE(rerun.ok(), (rerun.ok() ? "" : rerun.error().detail));
  BOOST_TEST(count(database,
                   "SELECT count(*) FROM command_ledger WHERE committed_at < now() - "
                   "interval '24 hours'") == 0u);
  BOOST_TEST(count(database, "SELECT count(*) FROM command_ledger WHERE command_id = 'key/old'") ==
             1u);
}
