#include "tools/accountctl/in_memory_rebuild.h"

#include <fmt/format.h>

#include <map>

namespace accountctl {
namespace {

using closient::Status;

class MapBatchWriter : public closient::BatchWriter {
 public:
  explicit MapBatchWriter(std::map<std::string, std::string> seed) : entries_(std::move(seed)) {}

  std::optional<std::string> get(const std::string& key) override {
    auto found = entries_.find(key);
    if (found == entries_.end()) return std::nullopt;
    return found->second;
  }
  void put(const std::string& key, const std::string& value) override { entries_[key] = value; }
  void erase(const std::string& key) override { entries_.erase(key); }

  const std::map<std::string, std::string>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string> entries_;
};

// Keys and values in a report: printable and short, like the log's own.
std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (out.size() >= 120) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

// Walks the live read models in key order beside the rebuilt map and names the
// first key where they part.
std::string first_difference(closient::ReadModelStore& live,
                             const std::map<std::string, std::string>& rebuilt, uint64_t* live_keys,
                             Status* status) {
  auto expected = rebuilt.begin();
  std::string difference;
  *status = live.scan("", "", [&](const std::string& key, const std::string& value) {
    ++*live_keys;
    if (expected == rebuilt.end() || key < expected->first) {
      difference = fmt::format("key {} is in the live read models but not in a rebuild (value {})",
                               printable(key), printable(value));
      return false;
    }
    if (expected->first < key) {
      difference = fmt::format("key {} is missing from the live read models (a rebuild has {})",
                               printable(expected->first), printable(expected->second));
      return false;
    }
    if (expected->second != value) {
      difference = fmt::format("key {} differs: live {}, rebuilt {}", printable(key),
                               printable(value), printable(expected->second));
      return false;
    }
    ++expected;
    return true;
  });
  if (difference.empty() && status->ok() && expected != rebuilt.end()) {
    difference = fmt::format("key {} is missing from the live read models (a rebuild has {})",
                             printable(expected->first), printable(expected->second));
  }
  return difference;
}

}  // namespace

closient::Result<ReadModelComparison> compare_with_rebuild_in_memory(
    closient::EventLog& log, closient::ReadModelStore& live,
    const closient::ProjectionHook& projector, std::map<std::string, std::string> seed) {
  ReadModelComparison comparison;
  MapBatchWriter rebuilt(std::move(seed));
  Status projected = closient::ok_status();
  std::vector<closient::EventEnvelope> one(1);
  Status scanned = log.scan({}, [&](const closient::EventEnvelope& event) {
    one[0] = event;
    projected = projector(one, rebuilt);
    ++comparison.events_replayed;
    return projected.ok();
  });
  if (!scanned.ok()) return scanned.error();
  if (!projected.ok()) {
    return closient::Error::make(closient::ErrorCode::internal_error,
                                 fmt::format("the projector refused event {}: {}",
                                             comparison.events_replayed, projected.error().detail));
  }
  uint64_t live_keys = 0;
  Status compared = closient::ok_status();
  comparison.first_difference = first_difference(live, rebuilt.entries(), &live_keys, &compared);
  if (!compared.ok()) return compared.error();
  comparison.keys_compared = std::max<uint64_t>(live_keys, rebuilt.entries().size());
  return comparison;
}

}  // namespace accountctl
