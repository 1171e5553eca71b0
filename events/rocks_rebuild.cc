#include "events/rocks_rebuild.h"

#include <fmt/format.h>

#include "events/keys.h"
#include "events/rocks_event_log.h"

namespace closient {
namespace {

// Keys and values in a difference report: printable, and short.
std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (out.size() >= 120) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\\')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ReadModelRebuild>> RocksEventLog::begin_rebuild() {
  Status writable = refuse_unless_writable();
  if (!writable.ok()) return writable.error();
  if (rebuild_in_progress_.exchange(true)) {
    return Error::make(ErrorCode::conflict, "a read-model rebuild is already in progress");
  }
  uint64_t generation = store_->read_model_generation() + 1;
  auto space = store_->create_read_model_space(generation);
  if (!space.ok()) {
    rebuild_in_progress_ = false;
    return space.error();
  }
  return std::unique_ptr<ReadModelRebuild>(
      new RocksReadModelRebuild(*this, std::move(space).value(), generation));
}

RocksReadModelRebuild::RocksReadModelRebuild(RocksEventLog& log, ColumnFamily space,
                                             uint64_t generation)
    : log_(log),
      space_(std::move(space)),
      generation_(generation),
      pending_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true),
      writer_(log.store_->db(), &pending_, space_.get()) {}

RocksReadModelRebuild::~RocksReadModelRebuild() {
  abandon();
}

Status RocksReadModelRebuild::flush() {
  if (finished_) return Error::make(ErrorCode::internal_error, "the rebuild is over");
  if (!writer_.first_failure().ok()) {
    return storage_error(writer_.first_failure(), "staging rebuilt read models");
  }
  if (pending_.GetWriteBatch()->Count() == 0) return ok_status();
  // Not synced: commit() syncs, and a crash before it discards this space anyway.
  rocksdb::Status s = log_.store_->db()->Write(rocksdb::WriteOptions(), pending_.GetWriteBatch());
  if (!s.ok()) return storage_error(s, "writing rebuilt read models");
  pending_.Clear();
  return ok_status();
}

std::string RocksReadModelRebuild::first_difference() {
  Status flushed = flush();
  if (!flushed.ok()) return flushed.error().detail;
  rocksdb::DB* db = log_.store_->db();
  ConsistentRead view(*log_.store_);
  const rocksdb::ReadOptions& options = view.options();
  ColumnFamily live_space = log_.store_->read_models();
  std::unique_ptr<rocksdb::Iterator> live(db->NewIterator(options, live_space.get()));
  std::unique_ptr<rocksdb::Iterator> fresh(db->NewIterator(options, space_.get()));
  live->SeekToFirst();
  fresh->SeekToFirst();
  while (live->Valid() || fresh->Valid()) {
    int order = !live->Valid() ? 1 : !fresh->Valid() ? -1 : live->key().compare(fresh->key());
    if (order < 0) {
      return fmt::format("key {}: live has {}, rebuilt has nothing",
                         printable(live->key().ToString()), printable(live->value().ToString()));
    }
    if (order > 0) {
      return fmt::format("key {}: live has nothing, rebuilt has {}",
                         printable(fresh->key().ToString()), printable(fresh->value().ToString()));
    }
    if (live->value() != fresh->value()) {
      return fmt::format("key {}: live has {}, rebuilt has {}", printable(live->key().ToString()),
                         printable(live->value().ToString()), printable(fresh->value().ToString()));
    }
    live->Next();
    fresh->Next();
  }
  if (!live->status().ok()) return live->status().ToString();
  if (!fresh->status().ok()) return fresh->status().ToString();
  return "";
}

Status RocksReadModelRebuild::commit(uint64_t applied_position) {
  Status flushed = flush();
  if (!flushed.ok()) return flushed;
  Status committed = log_.run_on_writer([&]() -> Status {
    // On the writer thread: no append can slip in between the replay below
    // and the switch.
    RocksStore& store = *log_.store_;
    uint64_t last = log_.last_position_;
    if (applied_position > last) {
      return Error::make(ErrorCode::bad_request,
                         fmt::format("the rebuild claims position {}, but the log ends at {}",
                                     applied_position, last));
    }
    ProjectionHook hook = log_.global_hook();
    if (applied_position < last && !hook) {
      return Error::make(ErrorCode::conflict,
                         fmt::format("the log moved on to {} since position {}, and no "
                                     "projection hook is installed to replay it",
                                     last, applied_position));
    }
    rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, true);
    RocksBatchWriter replay(store.db(), &batch, space_.get());
    if (applied_position < last) {
      Status replayed_all = ok_status();
      ReadFilter after;
      after.after_position = applied_position;
      Status scanned = log_.scan(after, [&](const EventEnvelope& e) {
        replayed_all = call_projection_hook(hook, {e}, replay);
        return replayed_all.ok() && e.position < last;
      });
      if (!scanned.ok()) return scanned;
      if (!replayed_all.ok()) return replayed_all;
      if (!replay.first_failure().ok()) {
        return storage_error(replay.first_failure(), "replaying into rebuilt read models");
      }
    }
    batch.Put(store.meta(), meta_key::kReadModelGeneration, encode_u64(generation_));
    batch.Put(store.meta(), meta_key::kReadModelApplied, encode_u64(last));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::Status s = store.db()->Write(sync, batch.GetWriteBatch());
    if (!s.ok()) return storage_error(s, "switching read-model generations");
    ColumnFamily old = store.read_models();
    store.activate_read_models(space_, generation_);
    // Readers still holding the old space finish on it; RocksDB deletes its
    // files once the last handle is gone. A failed drop is retried at open.
    store.drop_space(old).ok();
    return ok_status();
  });
  if (committed.ok()) finish();
  return committed;
}

void RocksReadModelRebuild::abandon() {
  if (finished_) return;
  log_.store_->drop_space(space_).ok();
  finish();
}

void RocksReadModelRebuild::finish() {
  finished_ = true;
  pending_.Clear();
  space_.reset();
  log_.rebuild_in_progress_ = false;
}

}  // namespace closient
