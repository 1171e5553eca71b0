#include "events/backup.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <vector>

#include "events/envelope.h"
#include "events/keys.h"
#include "events/private_file_system.h"
#include "events/private_files.h"
#include "events/rocks_store.h"

namespace closient {
namespace {

// Big enough to amortize a write, small enough to keep memory flat.
constexpr size_t kCopyBatchBytes = 4 << 20;

// The destination database with its column family handles, which RocksDB
// wants destroyed before the database itself.
class Destination {
 public:
  ~Destination() {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    if (db_) {
      db_->Close().PermitUncheckedError();
      delete db_;
    }
  }

  Status open(const std::string& dir, const std::vector<std::string>& families) {
    Status created = create_private_directories(dir);
    if (!created.ok()) return created;
    rocksdb::Options options;
    options.env = private_env();
    options.create_if_missing = true;
    options.error_if_exists = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    for (const auto& name : families)
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::Status s = rocksdb::DB::Open(options, dir, descriptors, &handles_, &db_);
    if (!s.ok()) return storage_error(s, fmt::format("creating the copy in {}", dir));
    return ok_status();
  }

  rocksdb::DB* db() const { return db_; }
  // The handle of families[i] as given to open() (0 is the default family).
  rocksdb::ColumnFamilyHandle* family(size_t i) const { return handles_[i + 1]; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles() const { return handles_; }

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// Copies one column family, in key order, in batches. The WAL is skipped: the
// copy is flushed to table files before it is declared done.
Status copy_family(rocksdb::DB* source, rocksdb::ColumnFamilyHandle* from, rocksdb::DB* dest,
                   rocksdb::ColumnFamilyHandle* to, uint64_t* keys) {
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  rocksdb::WriteOptions write;
  write.disableWAL = true;
  std::unique_ptr<rocksdb::Iterator> it(source->NewIterator(read, from));
  rocksdb::WriteBatch batch;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    batch.Put(to, it->key(), it->value());
    ++*keys;
    if (batch.GetDataSize() >= kCopyBatchBytes) {
      rocksdb::Status s = dest->Write(write, &batch);
      if (!s.ok()) return storage_error(s, "writing the copy");
      batch.Clear();
    }
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading " + from->GetName());
  rocksdb::Status s = dest->Write(write, &batch);
  if (!s.ok()) return storage_error(s, "writing the copy");
  return ok_status();
}

}  // namespace

Result<CopySummary> copy_event_store(const std::string& source_dir, const std::string& dest_dir) {
  auto opened = RocksStore::open(source_dir, OpenMode::secondary);
  if (!opened.ok()) return opened.error();
  const RocksStore& store = *opened.value();

  std::vector<rocksdb::ColumnFamilyHandle*> sources = {store.events(), store.streams(),
                                                       store.meta(), store.side_space("key_usage"),
                                                       store.side_space("idempotency")};
  std::vector<std::string> names;
  for (auto* family : sources) names.push_back(family->GetName());

  CopySummary summary;
  auto last_position = store.meta_u64(meta_key::kLastPosition, 0);
  if (!last_position.ok()) return last_position.error();
  summary.last_position = *last_position;
  auto last_hash = store.get(store.meta(), meta_key::kLastHash);
  if (!last_hash.ok()) return last_hash.error();
  summary.last_hash = last_hash->value_or(zero_hash());

  Destination dest;
  Status created = dest.open(dest_dir, names);
  if (!created.ok()) return created.error();
  for (size_t i = 0; i < sources.size(); ++i) {
    Status copied = copy_family(store.db(), sources[i], dest.db(), dest.family(i), &summary.keys);
    if (!copied.ok()) return copied.error();
  }
  rocksdb::FlushOptions flush;
  flush.wait = true;
  rocksdb::Status s = dest.db()->Flush(flush, dest.handles());
  if (!s.ok()) return storage_error(s, "flushing the copy");
  return summary;
}

}  // namespace closient
