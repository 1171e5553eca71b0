// Side data: what the service keeps beside the log but never derives from
// events, so neither a replay nor a snapshot can restore it. Two spaces:
// "key_usage" (coalesced last_used of API keys) and "idempotency" (stored
// answers to keyed writes). Writes are not synced: losing the last seconds of
// either on a power cut is acceptable, and it keeps them off the log's writer.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "events/result.h"

namespace closient {

using KeyValueVisitor = std::function<bool(const std::string& key, const std::string& value)>;

class SideDataStore {
 public:
  virtual ~SideDataStore() = default;

  // nullopt when absent, when `space` is not a side space, or when the read fails.
  virtual std::optional<std::string> side_get(const std::string& space, const std::string& key) = 0;
  // Writes every entry of one space at once (one unsynced batch).
  virtual Status side_put(const std::string& space,
                          const std::vector<std::pair<std::string, std::string>>& entries) = 0;
  // Keys of a side space starting with `prefix`, from `start` (inclusive; "" =
  // from the prefix), in byte order; the visitor returns false to stop.
  virtual Status side_scan(const std::string& space, const std::string& prefix,
                           const std::string& start, const KeyValueVisitor& visit) = 0;
  // Deletion, so that side data with a lifetime (idempotency answers, 24 h)
  // does not grow without bound.
  virtual Status side_erase(const std::string& space, const std::vector<std::string>& keys) = 0;
};

}  // namespace closient
