// Counters and sequences kept in the read models, so `total_count` is one
// point read and join order survives removals. Values are decimal text. A
// counter that drops to zero is erased, so an emptied collection leaves no key
// behind and a rebuild (which never creates it) agrees byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "events/event_log.h"

namespace closient {

// The value stored at a counter key (absent or unreadable = 0).
uint64_t counter_from(const std::optional<std::string>& stored);

template <typename Store>
uint64_t read_counter(Store& store, const std::string& key) {
  return counter_from(store.get(key));
}

void add_to_counter(BatchWriter& batch, const std::string& key, int64_t delta);

// The next number of a per-parent sequence (0, 1, 2, ...); advances it.
uint64_t take_next_seq(BatchWriter& batch, const std::string& key);

// Index entries that a counter counts: the counter moves only when the entry
// appears or disappears, so replaying a put or an erase twice cannot skew it.
void put_counted(BatchWriter& batch, const std::string& key, const std::string& value,
                 const std::string& counter);
void erase_counted(BatchWriter& batch, const std::string& key, const std::string& counter);

}  // namespace closient
