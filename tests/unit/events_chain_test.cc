#include <rocksdb/db.h>

#include <boost/test/unit_test.hpp>

#include "events/keys.h"
#include "events/rocks_event_log.h"
#include "events/stored_event.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;

namespace {

// Opens the database behind the log's back, as an attacker with disk access
// would, and lets `edit` change it.
void tamper(const std::string& dir,
            const std::function<void(rocksdb::DB&, rocksdb::ColumnFamilyHandle* events,
                                     rocksdb::ColumnFamilyHandle* streams,
                                     rocksdb::ColumnFamilyHandle* meta)>& edit) {
  std::vector<std::string> names;
  BOOST_REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  BOOST_REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles, &db).ok());
  auto handle = [&](const std::string& name) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return handles[i];
    return static_cast<rocksdb::ColumnFamilyHandle*>(nullptr);
  };
  edit(*db, handle("events"), handle("streams"), handle("meta"));
  for (auto* h : handles) BOOST_REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
  BOOST_REQUIRE(db->Close().ok());
  delete db;
}

void write_ten_events(const std::string& dir) {
  auto log = RocksEventLog::open(dir);
  BOOST_REQUIRE(log.ok());
  for (int i = 1; i <= 10; ++i) {
    auto r =
        (*log)->append(append_to("org-" + std::to_string(i % 3), ExpectedVersion::any(),
                                 {event("Noted", {{"note", "payload-" + std::to_string(i)}})}));
    BOOST_REQUIRE(r.ok());
  }
}

ChainReport verify(const std::string& dir) {
  auto log = RocksEventLog::open(dir);
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
  return (*log)->verify_chain();
}

std::string stored(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events, uint64_t position) {
  std::string value;
  BOOST_REQUIRE(db.Get(rocksdb::ReadOptions(), events, encode_u64(position), &value).ok());
  return value;
}

void store(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events, uint64_t position,
           const std::string& value) {
  BOOST_REQUIRE(db.Put(rocksdb::WriteOptions(), events, encode_u64(position), value).ok());
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_intact_log_verifies) {
  TempDir dir;
  write_ten_events(dir.str());
  ChainReport report = verify(dir.str());
  BOOST_TEST(report.first_broken_position == 0u);
  BOOST_TEST(report.events_checked == 10u);
  BOOST_TEST(report.problem == "");
}

BOOST_AUTO_TEST_CASE(one_flipped_byte_in_an_event_is_named) {
  TempDir dir;
  write_ten_events(dir.str());
  tamper(dir.str(), [](rocksdb::DB& db, auto* events, auto*, auto*) {
    std::string value = stored(db, events, 6);
    size_t at = value.find("payload-6");
    BOOST_REQUIRE(at != std::string::npos);
    value[at] ^= 0x01;  // 'p' -> 'q': still valid JSON, different content
    store(db, events, 6, value);
  });
  ChainReport report = verify(dir.str());
  BOOST_TEST(report.first_broken_position == 6u);
  BOOST_TEST(report.events_checked == 5u);
  BOOST_TEST(report.problem == "the hash does not match the event's contents");
}

BOOST_AUTO_TEST_CASE(a_flipped_byte_that_breaks_the_json_is_named) {
  TempDir dir;
  write_ten_events(dir.str());
  tamper(dir.str(), [](rocksdb::DB& db, auto* events, auto*, auto*) {
    std::string value = stored(db, events, 3);
    value[0] ^= 0x40;  // '{' -> ';'
    store(db, events, 3, value);
  });
  ChainReport report = verify(dir.str());
  BOOST_TEST(report.first_broken_position == 3u);
  BOOST_TEST(report.problem == "the stored bytes are not a valid envelope");
}

BOOST_AUTO_TEST_CASE(a_rewritten_event_with_a_fresh_hash_breaks_the_next_link) {
  TempDir dir;
  write_ten_events(dir.str());
  tamper(dir.str(), [](rocksdb::DB& db, auto* events, auto*, auto*) {
    auto e = decode_stored_event(stored(db, events, 4));
    BOOST_REQUIRE(e.has_value());
    e->data["note"] = "rewritten";
    auto bytes = seal_event(*e);  // a consistent hash for the forged event
    BOOST_REQUIRE(bytes.ok());
    store(db, events, 4, *bytes);
  });
  ChainReport report = verify(dir.str());
  BOOST_TEST(report.first_broken_position == 5u);
  BOOST_TEST(report.problem == "prev_hash does not equal the hash of the previous event");
}

BOOST_AUTO_TEST_CASE(a_deleted_event_is_a_gap) {
  TempDir dir;
  write_ten_events(dir.str());
  tamper(dir.str(), [](rocksdb::DB& db, auto* events, auto*, auto*) {
    BOOST_REQUIRE(db.Delete(rocksdb::WriteOptions(), events, encode_u64(7)).ok());
  });
  ChainReport report = verify(dir.str());
  BOOST_TEST(report.first_broken_position == 7u);
  BOOST_TEST(report.problem.find("position 7 is missing") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_stream_index_that_disagrees_with_the_events_is_named) {
  TempDir dir;
  write_ten_events(dir.str());
  // org-1 holds positions 1, 4, 7, 10: point its version 2 at position 5.
  tamper(dir.str(), [](rocksdb::DB& db, auto*, auto* streams, auto*) {
    BOOST_REQUIRE(
        db.Put(rocksdb::WriteOptions(), streams, stream_key("org-1", 2), encode_u64(5)).ok());
  });
  ChainReport report = verify(dir.str());
  BOOST_TEST(report.first_broken_position == 4u);
  BOOST_TEST(report.problem.find("org-1 version 2") != std::string::npos);

  TempDir other;
  write_ten_events(other.str());
  tamper(other.str(), [](rocksdb::DB& db, auto*, auto* streams, auto*) {
    BOOST_REQUIRE(
        db.Put(rocksdb::WriteOptions(), streams, stream_key("org-1", 9), encode_u64(11)).ok());
  });
  report = verify(other.str());
  BOOST_TEST(report.first_broken_position == 11u);
  BOOST_TEST(report.problem.find("not in the log") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_truncated_tail_is_refused_at_open) {
  TempDir dir;
  write_ten_events(dir.str());
  tamper(dir.str(), [](rocksdb::DB& db, auto* events, auto*, auto*) {
    BOOST_REQUIRE(db.Delete(rocksdb::WriteOptions(), events, encode_u64(10)).ok());
  });
  auto log = RocksEventLog::open(dir.str());
  BOOST_REQUIRE(!log.ok());
  BOOST_TEST(log.error().detail.find("inconsistent") != std::string::npos);
}
