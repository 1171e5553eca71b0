#include <rocksdb/db.h>

#include <boost/test/unit_test.hpp>

#include "events/rocks_event_log.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;

namespace {

// A read model: how many events each stream has, under "count/<stream>".
Status count_events(const std::vector<EventEnvelope>& events, BatchWriter& batch) {
  for (const auto& e : events) {
    auto current = batch.get("count/" + e.stream);
    int n = current ? std::stoi(*current) : 0;
    batch.put("count/" + e.stream, std::to_string(n + 1));
  }
  return ok_status();
}

std::unique_ptr<RocksEventLog> open_counting(const std::string& dir) {
  LogOptions options;
  options.durability = Durability::never;
  auto log = RocksEventLog::open(dir, options);
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
  (*log)->set_projection_hook(count_events);
  return std::move(log).value();
}

void append_n(RocksEventLog& log, const std::string& stream, int n) {
  for (int i = 0; i < n; ++i)
    BOOST_REQUIRE(log.append(append_to(stream, ExpectedVersion::any(), {event("E")})).ok());
}

// What a projections layer does: replay the log into the rebuild's writer.
uint64_t replay_all(RocksEventLog& log, ReadModelRebuild& rebuild) {
  uint64_t applied = 0;
  BOOST_REQUIRE(log.scan(ReadFilter{},
                         [&](const EventEnvelope& e) {
                           BOOST_REQUIRE(count_events({e}, rebuild.writer()).ok());
                           applied = e.position;
                           return true;
                         })
                    .ok());
  return applied;
}

std::vector<std::string> column_families(const std::string& dir) {
  std::vector<std::string> names;
  BOOST_REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_identical_rebuild_shows_no_difference_and_abandon_leaves_live_alone) {
  TempDir dir;
  auto log = open_counting(dir.str());
  append_n(*log, "org-1", 3);
  append_n(*log, "org-2", 2);
  BOOST_TEST(log->read_model_generation() == 1u);

  auto rebuild = log->begin_rebuild();
  BOOST_REQUIRE(rebuild.ok());
  BOOST_TEST(!log->begin_rebuild().ok());  // one at a time
  replay_all(*log, **rebuild);
  BOOST_TEST((*rebuild)->first_difference() == "");

  (*rebuild)->writer().put("count/org-1", "99");
  (*rebuild)->writer().put("count/org-3", "1");
  BOOST_TEST((*rebuild)->first_difference() == "key count/org-1: live has 3, rebuilt has 99");
  (*rebuild)->abandon();
  rebuild->reset();

  BOOST_TEST(log->read_model_generation() == 1u);
  BOOST_TEST(log->get("count/org-1").value_or("") == "3");
  BOOST_TEST(!log->get("count/org-3").has_value());
  BOOST_TEST(
      log->begin_rebuild().ok());  // a new one may start (and is abandoned by its destructor)
}

BOOST_AUTO_TEST_CASE(commit_switches_generations_and_replays_what_was_appended_meanwhile) {
  TempDir dir;
  {
    auto log = open_counting(dir.str());
    append_n(*log, "org-1", 4);
    // A projection that was wrong in generation 1, fixed by the rebuild.
    log->side_put("key_usage", {{"k", "v"}}).ok();

    auto rebuild = log->begin_rebuild();
    BOOST_REQUIRE(rebuild.ok());
    uint64_t applied = replay_all(*log, **rebuild);
    (*rebuild)->writer().put("rebuilt", "yes");
    BOOST_REQUIRE((*rebuild)->flush().ok());

    append_n(*log, "org-1", 2);  // after the rebuild's applied position
    append_n(*log, "org-2", 1);
    BOOST_TEST(!log->get("rebuilt").has_value());  // the fresh space is not live yet

    Status committed = (*rebuild)->commit(applied);
    BOOST_REQUIRE_MESSAGE(committed.ok(), (committed.ok() ? "" : committed.error().detail));
    rebuild->reset();
    BOOST_TEST(log->read_model_generation() == 2u);
    BOOST_TEST(log->get("rebuilt").value_or("") == "yes");
    BOOST_TEST(log->get("count/org-1").value_or("") == "6");
    BOOST_TEST(log->get("count/org-2").value_or("") == "1");
    BOOST_TEST(*log->read_models_applied_position() == 7u);

    // The inline projection now writes to the new generation.
    append_n(*log, "org-2", 1);
    BOOST_TEST(log->get("count/org-2").value_or("") == "2");
  }
  BOOST_TEST(column_families(dir.str()) ==
             std::vector<std::string>({"default", "events", "idempotency", "key_usage", "meta",
                                       "readmodel.2", "streams"}));
  auto log = open_counting(dir.str());
  BOOST_TEST(log->read_model_generation() == 2u);
  BOOST_TEST(log->get("count/org-2").value_or("") == "2");
  BOOST_TEST(log->side_get("key_usage", "k").value_or("") == "v");
}

BOOST_AUTO_TEST_CASE(commit_refuses_positions_the_log_has_not_reached) {
  TempDir dir;
  auto log = open_counting(dir.str());
  append_n(*log, "org-1", 2);
  auto rebuild = log->begin_rebuild();
  BOOST_REQUIRE(rebuild.ok());
  Status refused = (*rebuild)->commit(5);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().detail.find("log ends at 2") != std::string::npos);
  BOOST_TEST(log->read_model_generation() == 1u);
}

BOOST_AUTO_TEST_CASE(a_rebuild_interrupted_by_a_crash_is_dropped_at_open) {
  TempDir dir;
  {
    auto log = open_counting(dir.str());
    append_n(*log, "org-1", 1);
  }
  // A crash mid-rebuild leaves its space behind; make one by hand.
  {
    rocksdb::DB* db = nullptr;
    std::vector<std::string> names = column_families(dir.str());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    BOOST_REQUIRE(
        rocksdb::DB::Open(rocksdb::DBOptions(), dir.str(), descriptors, &handles, &db).ok());
    rocksdb::ColumnFamilyHandle* leftover = nullptr;
    BOOST_REQUIRE(
        db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "readmodel.2", &leftover).ok());
    handles.push_back(leftover);
    for (auto* h : handles) BOOST_REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  {
    auto log = open_counting(dir.str());
    BOOST_TEST(log->read_model_generation() == 1u);
    BOOST_TEST(log->get("count/org-1").value_or("") == "1");
  }
  auto names = column_families(dir.str());
  BOOST_TEST((std::find(names.begin(), names.end(), "readmodel.2") == names.end()));
}
