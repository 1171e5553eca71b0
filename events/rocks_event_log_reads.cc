// The read side of RocksEventLog: streams, the filtered log and the side
// spaces. Reads go straight to RocksDB, never through the writer; a group is
// one WriteBatch, so no read ever sees half of an append. Each holds a lease on
// the store while it reads: a reopen after a failed write waits for it.
#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "events/keys.h"
#include "events/read_rules.h"
#include "events/rocks_event_log.h"
#include "events/stored_event.h"

namespace closient {
namespace {

Error undecodable(uint64_t position) {
  return Error::make(ErrorCode::internal_error,
                     fmt::format("the event at position {} cannot be decoded", position));
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<EventEnvelope> RocksEventLog::as_current(EventEnvelope event) const {
  return upcast_event(options_.catalog, std::move(event));
}

Result<std::vector<EventEnvelope>> RocksEventLog::read_stream(const std::string& stream,
                                                              uint64_t from_version) {
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return lease.error();
  ConsistentRead view(*store_);
  const rocksdb::ReadOptions& options = view.options();
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(options, store_->streams()));

  std::vector<EventEnvelope> events;
  const std::string prefix = stream_key_prefix(stream);
  for (it->Seek(stream_key(stream, std::max<uint64_t>(from_version, 1)));
       it->Valid() && starts_with(it->key().ToStringView(), prefix); it->Next()) {
    auto position = decode_u64(it->value().ToStringView());
    if (!position) {
      return Error::make(ErrorCode::internal_error,
                         fmt::format("the stream index of {} is malformed", stream));
    }
    auto bytes = store_->get(store_->events(), encode_u64(*position), options);
    if (!bytes.ok()) return bytes.error();
    if (!bytes->has_value()) {
      return Error::make(ErrorCode::internal_error,
                         fmt::format("stream {} points at missing position {}", stream, *position));
    }
    auto event = decode_stored_event(**bytes);
    if (!event) return undecodable(*position);
    Result<EventEnvelope> current = as_current(std::move(*event));
    if (!current.ok()) return current.error();
    events.push_back(std::move(current).value());
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading a stream");
  return events;
}

Result<uint64_t> RocksEventLog::stream_version(const std::string& stream) {
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return lease.error();
  return load_stream_version(stream);
}

Status RocksEventLog::scan(const ReadFilter& filter,
                           const std::function<bool(EventEnvelope&)>& visit) {
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return lease.error();
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(rocksdb::ReadOptions(), store_->events()));
  size_t visited = 0;
  if (filter.after_position == UINT64_MAX) return ok_status();
  for (it->Seek(encode_u64(filter.after_position + 1)); it->Valid(); it->Next()) {
    auto position = decode_u64(it->key().ToStringView()).value_or(0);
    auto event = decode_stored_event(it->value().ToStringView());
    if (!event) return undecodable(position);
    if (!event_matches(filter, *event)) continue;
    Result<EventEnvelope> current = as_current(std::move(*event));
    if (!current.ok()) return current.error();
    if (!visit(current.value())) return ok_status();
    if (filter.limit != 0 && ++visited >= filter.limit) return ok_status();
  }
  if (!it->status().ok()) return storage_error(it->status(), "scanning the event log");
  return ok_status();
}

uint64_t RocksEventLog::wait_for_append(uint64_t after_position,
                                        std::chrono::milliseconds timeout) {
  // Only a read-write log hears of appends as they commit.
  if (options_.mode != OpenMode::read_write) return last_position();
  std::unique_lock<std::mutex> lock(tail_mutex_);
  tail_advanced_.wait_for(lock, timeout, [&] { return last_position_ > after_position; });
  return last_position_;
}

std::optional<std::string> RocksEventLog::side_get(const std::string& space,
                                                   const std::string& key) {
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return std::nullopt;
  rocksdb::ColumnFamilyHandle* family = store_->side_space(space);
  if (!family) return std::nullopt;
  auto value = store_->get(family, key);
  if (!value.ok()) return std::nullopt;
  return std::move(*value);
}

Status RocksEventLog::side_put(const std::string& space,
                               const std::vector<std::pair<std::string, std::string>>& entries) {
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return lease.error();
  Status writable = refuse_unless_writable();
  if (!writable.ok()) return writable;
  rocksdb::ColumnFamilyHandle* family = store_->side_space(space);
  if (!family) {
    return Error::make(ErrorCode::internal_error, fmt::format("no side space named {}", space));
  }
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : entries) batch.Put(family, key, value);
  // Not synced: side data is advisory (last_used) or a cache of answers.
  rocksdb::Status s = store_->db()->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) {
    side_write_failed_ = true;
    return storage_error(s, fmt::format("writing side space {}", space));
  }
  return ok_status();
}

Status RocksEventLog::side_scan(const std::string& space, const std::string& prefix,
                                const std::string& start, const KeyValueVisitor& visit) {
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return lease.error();
  rocksdb::ColumnFamilyHandle* family = store_->side_space(space);
  if (!family) {
    return Error::make(ErrorCode::internal_error, fmt::format("no side space named {}", space));
  }
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(rocksdb::ReadOptions(), family));
  for (it->Seek(std::max(prefix, start));
       it->Valid() && starts_with(it->key().ToStringView(), prefix); it->Next()) {
    if (!visit(it->key().ToString(), it->value().ToString())) break;
  }
  if (!it->status().ok()) return storage_error(it->status(), "scanning side space " + space);
  return ok_status();
}

Status RocksEventLog::side_erase(const std::string& space, const std::vector<std::string>& keys) {
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return lease.error();
  Status writable = refuse_unless_writable();
  if (!writable.ok()) return writable;
  rocksdb::ColumnFamilyHandle* family = store_->side_space(space);
  if (!family) {
    return Error::make(ErrorCode::internal_error, fmt::format("no side space named {}", space));
  }
  rocksdb::WriteBatch batch;
  for (const std::string& key : keys) batch.Delete(family, key);
  // Not synced, like side_put: a deletion lost in a crash is made again.
  rocksdb::Status s = store_->db()->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) {
    side_write_failed_ = true;
    return storage_error(s, fmt::format("erasing from side space {}", space));
  }
  return ok_status();
}

Status RocksEventLog::catch_up() {
  return store_->catch_up();
}

std::string RocksEventLog::describe() const {
  return "RocksDB in " + store_->dir();
}

AppendStats RocksEventLog::stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

}  // namespace closient
