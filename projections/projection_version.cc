#include "projections/projection_version.h"

#include "projections/counters.h"
#include "projections/read_model_keys.h"

namespace closient {

std::optional<uint64_t> stored_projection_version(ReadModelStore& store) {
  std::optional<std::string> stored = store.get(rm_key::projection_version());
  if (!stored) return std::nullopt;
  return counter_from(stored);
}

}  // namespace closient
