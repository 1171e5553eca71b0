// RocksEventLog::verify_chain: recomputes the hash chain from position 1 and
// checks everything the log promises about itself (gapless positions, stream
// versions from 1 without gaps, the stream index, meta). Reads one snapshot,
// so it can run while the writer appends.
#include <fmt/format.h>

#include "events/chain_walk.h"
#include "events/keys.h"
#include "events/rocks_event_log.h"

namespace closient {

ChainReport RocksEventLog::verify_chain() {
  ChainWalk walk;
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return walk.broken("the event log cannot be read now");
  rocksdb::DB* db = store_->db();
  ConsistentRead view(*store_);
  const rocksdb::ReadOptions& options = view.options();

  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, store_->events()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto position = decode_u64(it->key().ToStringView());
      if (!position) return walk.broken("an events key is not an 8-byte position");
      if (auto problem = walk.check(*position, it->value().ToStringView())) {
        return walk.broken(*problem);
      }
      const EventEnvelope& event = walk.current();
      auto indexed =
          store_->get(store_->streams(), stream_key(event.stream, event.version), options);
      if (!indexed.ok()) return walk.broken(indexed.error().detail);
      if (!indexed->has_value() || decode_u64(**indexed) != *position) {
        return walk.broken(fmt::format("the stream index does not map {} version {} to it",
                                       event.stream, event.version));
      }
      walk.advance();
    }
    if (!it->status().ok())
      return walk.broken(storage_error(it->status(), "reading events").detail);
  }

  const uint64_t last = walk.last_position();
  auto meta_last = store_->meta_u64(meta_key::kLastPosition, 0, options);
  if (!meta_last.ok()) return walk.broken_at(last + 1, meta_last.error().detail);
  if (*meta_last != last) {
    return walk.broken_at(
        std::min(*meta_last, last) + 1,
        fmt::format("meta records last position {}, but the log ends at {}", *meta_last, last));
  }
  auto meta_hash = store_->get(store_->meta(), meta_key::kLastHash, options);
  if (!meta_hash.ok()) return walk.broken_at(last, meta_hash.error().detail);
  if (meta_hash->value_or(zero_hash()) != walk.last_hash()) {
    return walk.broken_at(last, "meta's last hash differs from the last event's hash");
  }

  // Every event has its index entry (checked above); an entry beyond a
  // stream's last version points at nothing.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, store_->streams()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string stream;
    uint64_t version = 0;
    uint64_t position = decode_u64(it->value().ToStringView()).value_or(0);
    if (!parse_stream_key(it->key().ToStringView(), &stream, &version)) {
      return walk.broken_at(position, "a stream index key is malformed");
    }
    auto known = walk.stream_versions().find(stream);
    if (known == walk.stream_versions().end() || version > known->second) {
      return walk.broken_at(
          position, fmt::format("the stream index lists {} version {}, which is not in the log",
                                stream, version));
    }
  }
  if (!it->status().ok()) {
    return walk.broken_at(last, storage_error(it->status(), "reading the stream index").detail);
  }
  return walk.intact();
}

}  // namespace closient
