#include "http/descriptor_limits.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

namespace closient::http {

Result<uint64_t> raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return Error::make(ErrorCode::internal_error,
                       std::string("cannot read RLIMIT_NOFILE: ") + std::strerror(errno));
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // Not fatal: the cap then follows the lower limit.
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(limit.rlim_cur);
}

std::size_t open_descriptor_count() {
  std::error_code ec;
  std::size_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  // The iterator's own descriptor was one of them.
  return count > 0 ? count - 1 : 0;
}

std::size_t connections_within_budget(uint64_t limit, std::size_t open_now) {
  if (limit <= open_now) return 0;
  return static_cast<std::size_t>(std::min<uint64_t>((limit - open_now) / 2, SIZE_MAX));
}

std::size_t default_max_connections(uint64_t limit, std::size_t open_now) {
  return std::clamp<std::size_t>(connections_within_budget(limit, open_now), 1,
                                 kMaxDefaultConnections);
}

}  // namespace closient::http
