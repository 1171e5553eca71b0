#include "projections/counters.h"

#include <charconv>

namespace closient {

uint64_t counter_from(const std::optional<std::string>& stored) {
  if (!stored) return 0;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(stored->data(), stored->data() + stored->size(), value);
  if (error != std::errc() || end != stored->data() + stored->size()) return 0;
  return value;
}

void add_to_counter(BatchWriter& batch, const std::string& key, int64_t delta) {
  const int64_t current = static_cast<int64_t>(counter_from(batch.get(key)));
  const int64_t next = current + delta;
  if (next <= 0) {
    batch.erase(key);
  } else {
    batch.put(key, std::to_string(next));
  }
}

uint64_t take_next_seq(BatchWriter& batch, const std::string& key) {
  const uint64_t next = counter_from(batch.get(key));
  batch.put(key, std::to_string(next + 1));
  return next;
}

void put_counted(BatchWriter& batch, const std::string& key, const std::string& value,
                 const std::string& counter) {
  if (!batch.get(key)) add_to_counter(batch, counter, 1);
  batch.put(key, value);
}

void erase_counted(BatchWriter& batch, const std::string& key, const std::string& counter) {
  if (!batch.get(key)) return;
  batch.erase(key);
  add_to_counter(batch, counter, -1);
}

}  // namespace closient
