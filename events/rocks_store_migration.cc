// The one-time migration from stores written when the read models lived in
// RocksDB: column families "readmodel.<n>" and meta keys "readmodel.*" and
// "checkpoint/*". The serving state is rebuilt from the log (or a snapshot)
// at every start, so nothing in them is needed. A read-write open drops them;
// the reading modes open them (RocksDB must open every column family) and
// ignore them. Each step is idempotent: a crash midway is finished by the
// next read-write open.
#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include <string_view>

#include "events/rocks_store.h"

namespace closient {
namespace {

constexpr std::string_view kReadModelPrefix = "readmodel.";
constexpr std::string_view kObsoleteMetaPrefixes[] = {"readmodel.", "checkpoint/"};

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Status RocksStore::drop_obsolete_read_models() {
  rocksdb::WriteBatch obsolete_keys;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta()));
  for (std::string_view prefix : kObsoleteMetaPrefixes) {
    for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
         it->Valid() && starts_with(it->key().ToStringView(), prefix); it->Next()) {
      obsolete_keys.Delete(meta(), it->key());
    }
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading meta");
  it.reset();
  if (obsolete_keys.Count() > 0) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::Status s = db_->Write(sync, &obsolete_keys);
    if (!s.ok()) return storage_error(s, "deleting obsolete read-model meta keys");
  }

  std::vector<ColumnFamily> kept;
  for (auto& family : others_) {
    if (!starts_with(family->GetName(), kReadModelPrefix)) {
      kept.push_back(std::move(family));
      continue;
    }
    // RocksDB deletes the files once the handle is gone (at the end of this loop turn).
    rocksdb::Status s = db_->DropColumnFamily(family.get());
    if (!s.ok()) return storage_error(s, fmt::format("dropping {}", family->GetName()));
  }
  others_ = std::move(kept);
  return ok_status();
}

}  // namespace closient
