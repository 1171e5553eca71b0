// Key-value access to the read models, for projections and queries. Read models
// live in their own storage space (a RocksDB column family per generation), so a
// rebuild can fill a fresh space and switch to it atomically.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "events/result.h"

namespace closient {

using KeyValueVisitor = std::function<bool(const std::string& key, const std::string& value)>;

class ReadModelStore {
 public:
  virtual ~ReadModelStore() = default;

  // Point lookup in the active read models.
  virtual std::optional<std::string> get(const std::string& key) = 0;
  // Keys starting with `prefix`, from `start` (inclusive; "" = from the prefix),
  // in byte order. The visitor returns false to stop.
  virtual Status scan(const std::string& prefix, const std::string& start,
                      const KeyValueVisitor& visit) = 0;

  // Side data that is not derived from events and not synced on every write:
  // space "key_usage" (coalesced last_used) and "idempotency" (stored responses).
  virtual std::optional<std::string> side_get(const std::string& space,
                                              const std::string& key) = 0;
  virtual Status side_put(const std::string& space,
                          const std::vector<std::pair<std::string, std::string>>& entries) = 0;
  // Keys of a side space starting with `prefix`, from `start` (inclusive; "" =
  // from the prefix), in byte order; the visitor returns false to stop. And
  // deletion, so that side data with a lifetime (idempotency answers, 24 h)
  // does not grow without bound. Stores without side data answer an error.
  virtual Status side_scan(const std::string& space, const std::string& prefix,
                           const std::string& start, const KeyValueVisitor& visit) {
    (void)space, (void)prefix, (void)start, (void)visit;
    return Error::make(ErrorCode::internal_error, "this store keeps no side data to scan");
  }
  virtual Status side_erase(const std::string& space, const std::vector<std::string>& keys) {
    (void)space, (void)keys;
    return Error::make(ErrorCode::internal_error, "this store keeps no side data to erase");
  }
};

// Everything a rebuild needs: a fresh, empty space to write, committed with one
// atomic switch. Until commit() succeeds the live read models are untouched.
class ReadModelRebuild {
 public:
  virtual ~ReadModelRebuild() = default;
  virtual BatchWriter& writer() = 0;      // writes go to the fresh space
  virtual Status flush() = 0;             // persist what writer() holds so far
  // Compares the fresh space with the live one; empty when equal, else a
  // one-line description of the first difference (key and both values).
  virtual std::string first_difference() = 0;
  // Makes the fresh space the live one and records the position it reflects.
  virtual Status commit(uint64_t applied_position) = 0;
  // Drops the fresh space, leaving the live read models as they were.
  virtual void abandon() = 0;
};

}  // namespace closient
