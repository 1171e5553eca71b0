// Data directories written when the read models lived in RocksDB hold
// readmodel.<n> column families and readmodel.* / checkpoint/* meta keys. A
// read-write open drops them once; the reading modes open them and ignore them.
#include <rocksdb/db.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "events/keys.h"
#include "events/rocks_event_log.h"
#include "events/rocks_store.h"
#include "events_test_support.h"

using namespace closient;
using namespace closient::testing;

namespace {

std::vector<std::string> column_families(const std::string& dir) {
  std::vector<std::string> names;
  BOOST_REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::sort(names.begin(), names.end());
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Adds what an old build left, through RocksDB itself: read-model spaces
// with documents in them, their meta keys, and a column family this build
// does not know at all.
void add_old_read_models(const std::string& dir) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : column_families(dir))
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  BOOST_REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles, &db).ok());
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  for (auto* handle : handles)
    if (handle->GetName() == "meta") meta = handle;
  BOOST_REQUIRE(meta != nullptr);
  for (const char* name : {"readmodel.1", "readmodel.2", "someone-elses"}) {
    rocksdb::ColumnFamilyHandle* family = nullptr;
    BOOST_REQUIRE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), name, &family).ok());
    BOOST_REQUIRE(db->Put(rocksdb::WriteOptions(), family, "org/1", "{\"name\":\"A\"}").ok());
    handles.push_back(family);
  }
  BOOST_REQUIRE(db->Put(rocksdb::WriteOptions(), meta, "readmodel.generation", encode_u64(1)).ok());
  BOOST_REQUIRE(
      db->Put(rocksdb::WriteOptions(), meta, "readmodel.applied_position", encode_u64(2)).ok());
  BOOST_REQUIRE(db->Put(rocksdb::WriteOptions(), meta, "checkpoint/search", encode_u64(2)).ok());
  for (auto* handle : handles) BOOST_REQUIRE(db->DestroyColumnFamilyHandle(handle).ok());
  BOOST_REQUIRE(db->Close().ok());
  delete db;
}

// Every meta key, read through a read-only store.
std::vector<std::string> meta_keys(const std::string& dir) {
  auto store = RocksStore::open(dir, OpenMode::read_only);
  BOOST_REQUIRE(store.ok());
  std::unique_ptr<rocksdb::Iterator> it(
      (*store)->db()->NewIterator(rocksdb::ReadOptions(), (*store)->meta()));
  std::vector<std::string> keys;
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
  return keys;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_read_write_open_drops_the_old_read_models_once) {
  TempDir dir;
  std::string last_hash;
  {
    auto log = RocksEventLog::open(dir.str());
    BOOST_REQUIRE(log.ok());
    auto appended =
        (*log)->append(append_to("org-1", ExpectedVersion::any(), {event("A"), event("B")}));
    BOOST_REQUIRE(appended.ok());
    last_hash = appended->events.back().hash;
    BOOST_REQUIRE((*log)->side_put("key_usage", {{"key-1", "1700000000000"}}).ok());
  }
  BOOST_TEST(!has(column_families(dir.str()), "readmodel.1"));  // new stores have none
  add_old_read_models(dir.str());

  // The reading modes open every column family and change nothing.
  for (OpenMode m : {OpenMode::read_only, OpenMode::secondary}) {
    LogOptions reading;
    reading.mode = m;
    auto log = RocksEventLog::open(dir.str(), reading);
    BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
    BOOST_TEST((*log)->verify_chain().problem == "");
    BOOST_TEST((*log)->last_position() == 2u);
  }
  BOOST_TEST(has(column_families(dir.str()), "readmodel.2"));
  BOOST_TEST(has(meta_keys(dir.str()), "readmodel.generation"));

  {
    auto log = RocksEventLog::open(dir.str());
    BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
    ChainReport chain = (*log)->verify_chain();
    BOOST_TEST(chain.problem == "");
    BOOST_TEST(chain.events_checked == 2u);
    BOOST_TEST((*log)->side_get("key_usage", "key-1").value_or("") == "1700000000000");
    auto next = (*log)->append(append_to("org-1", ExpectedVersion::exact(2), {event("C")}));
    BOOST_REQUIRE(next.ok());
    BOOST_TEST(next->events[0].position == 3u);
    BOOST_TEST(next->events[0].prev_hash == last_hash);
  }
  std::vector<std::string> families = column_families(dir.str());
  BOOST_TEST(!has(families, "readmodel.1"));
  BOOST_TEST(!has(families, "readmodel.2"));
  BOOST_TEST(has(families, "someone-elses"));  // not ours to drop
  BOOST_TEST(meta_keys(dir.str()) ==
             std::vector<std::string>({"format_version", "last_hash", "last_position"}));

  // Nothing is left to migrate: the next open is an ordinary one.
  auto again = RocksEventLog::open(dir.str());
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((*again)->verify_chain().events_checked == 3u);
}
