// Shared by the http unit tests: lets Boost.Test print ErrorCode in failures.
#pragma once

#include <ostream>

#include "events/result.h"

namespace closient {

inline std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  return out << error_code_name(code);
}

}  // namespace closient
