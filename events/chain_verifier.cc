// RocksEventLog::verify_chain: recomputes the hash chain from position 1 and
// checks everything the log promises about itself (gapless positions, stream
// versions from 1 without gaps, the stream index, meta). Reads one snapshot,
// so it can run while the writer appends.
#include <fmt/format.h>

#include <unordered_map>

#include "events/keys.h"
#include "events/rocks_event_log.h"
#include "events/stored_event.h"

namespace closient {
namespace {

ChainReport broken(ChainReport report, uint64_t position, std::string problem) {
  report.first_broken_position = position == 0 ? 1 : position;
  report.problem = std::move(problem);
  return report;
}

}  // namespace

ChainReport RocksEventLog::verify_chain() {
  ChainReport report;
  const RocksStore::ReadLease lease = store_->lease();
  if (!lease.ok()) return broken(report, 0, "the event log cannot be read now");
  rocksdb::DB* db = store_->db();
  ConsistentRead view(*store_);
  const rocksdb::ReadOptions& options = view.options();

  std::string prev_hash = zero_hash();
  std::unordered_map<std::string, uint64_t> stream_versions;
  uint64_t expected = 1;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, store_->events()));
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
      auto position = decode_u64(it->key().ToStringView());
      if (!position) return broken(report, expected, "an events key is not an 8-byte position");
      if (*position != expected) {
        return broken(
            report, expected,
            fmt::format("position {} is missing (the next stored is {})", expected, *position));
      }
      auto event = decode_stored_event(it->value().ToStringView());
      if (!event) return broken(report, expected, "the stored bytes are not a valid envelope");
      if (event->position != expected) {
        return broken(report, expected,
                      fmt::format("the envelope says position {}", event->position));
      }
      if (event->prev_hash != prev_hash) {
        return broken(report, expected, "prev_hash does not equal the hash of the previous event");
      }
      if (compute_event_hash(*event) != event->hash) {
        return broken(report, expected, "the hash does not match the event's contents");
      }
      uint64_t& version = stream_versions[event->stream];
      if (event->version != version + 1) {
        return broken(report, expected,
                      fmt::format("stream {} goes from version {} to {}", event->stream, version,
                                  event->version));
      }
      version = event->version;
      auto indexed =
          store_->get(store_->streams(), stream_key(event->stream, event->version), options);
      if (!indexed.ok()) return broken(report, expected, indexed.error().detail);
      if (!indexed->has_value() || decode_u64(**indexed) != expected) {
        return broken(report, expected,
                      fmt::format("the stream index does not map {} version {} to it",
                                  event->stream, event->version));
      }
      prev_hash = event->hash;
      ++report.events_checked;
    }
    if (!it->status().ok()) {
      return broken(report, expected, storage_error(it->status(), "reading events").detail);
    }
  }

  uint64_t last = expected - 1;
  auto meta_last = store_->meta_u64(meta_key::kLastPosition, 0, options);
  if (!meta_last.ok()) return broken(report, last + 1, meta_last.error().detail);
  if (*meta_last != last) {
    return broken(
        report, std::min(*meta_last, last) + 1,
        fmt::format("meta records last position {}, but the log ends at {}", *meta_last, last));
  }
  auto meta_hash = store_->get(store_->meta(), meta_key::kLastHash, options);
  if (!meta_hash.ok()) return broken(report, last, meta_hash.error().detail);
  if (meta_hash->value_or(zero_hash()) != prev_hash) {
    return broken(report, last, "meta's last hash differs from the last event's hash");
  }

  // Every event has its index entry (checked above); an entry beyond a
  // stream's last version points at nothing.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, store_->streams()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string stream;
    uint64_t version = 0;
    uint64_t position = decode_u64(it->value().ToStringView()).value_or(0);
    if (!parse_stream_key(it->key().ToStringView(), &stream, &version)) {
      return broken(report, position, "a stream index key is malformed");
    }
    auto known = stream_versions.find(stream);
    if (known == stream_versions.end() || version > known->second) {
      return broken(report, position,
                    fmt::format("the stream index lists {} version {}, which is not in the log",
                                stream, version));
    }
  }
  if (!it->status().ok()) {
    return broken(report, last, storage_error(it->status(), "reading the stream index").detail);
  }
  return report;
}

}  // namespace closient
