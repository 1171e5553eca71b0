// The process's descriptor budget, and the connection cap derived from it. Every
// open connection holds a descriptor; so do the database's files, the listening
// socket and the log. The cap keeps connections below the limit with room to
// spare, so that an accept never fails for want of one (see http/accept_gate.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "events/result.h"

namespace closient::http {

// The most connections the default cap allows, whatever the limit: each one may
// hold a request of up to 64 KiB of body and 16 KiB of header in memory.
inline constexpr std::size_t kMaxDefaultConnections = 1024;

// Raises the soft RLIMIT_NOFILE to the hard limit (a daemon's soft limit is often
// 1024 while the hard one is far higher) and returns the soft limit now in force.
Result<uint64_t> raise_descriptor_limit();

// Descriptors the process has open now (the entries of /proc/self/fd).
std::size_t open_descriptor_count();

// Half of the descriptors left free under `limit` once `open_now` are used, at
// most kMaxDefaultConnections, at least 1. The other half stays for the
// database's files (which grow with it) and everything else.
std::size_t default_max_connections(uint64_t limit, std::size_t open_now);

// Connections `limit` can carry while leaving the database and the rest the
// reserve default_max_connections keeps: a cap above it is allowed but warned of.
std::size_t connections_within_budget(uint64_t limit, std::size_t open_now);

}  // namespace closient::http
