// The version of the core projector's output. Bump kCoreProjectionVersion in
// the same change that alters what the projector writes (a key, a document
// field, an encoding): on start, ensure_read_models_current() sees the stored
// version differ and rebuilds the read models before serving.
#pragma once

#include <cstdint>
#include <optional>

#include "events/read_model_store.h"

namespace closient {

inline constexpr uint64_t kCoreProjectionVersion = 1;

// The version stored at `_/version` by the rebuild that made the live read
// models; nullopt when none was stored (a store no rebuild has filled yet).
std::optional<uint64_t> stored_projection_version(ReadModelStore& store);

}  // namespace closient
