// Helpers shared by the query files. Internal to projections/.
#pragma once

#include <exception>
#include <string>

#include "domain/ids.h"
#include "events/result.h"

namespace closient::query_support {

// Runs a query body; a read-model document that fails to decode (a damaged
// store) becomes internal_error instead of an exception crossing the layer.
template <typename F>
auto guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception&) {
    return Error::make(ErrorCode::internal_error, "A read model could not be read.");
  }
}

// A shortuuid or canonical UUID as the shortuuid the read models use; other
// text is kept as is and simply finds nothing.
inline std::string normalized(const std::string& id) {
  return normalize_id(id).value_or(id);
}

}  // namespace closient::query_support
