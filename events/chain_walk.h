// What every log checks of its own history, whichever store holds it: stored
// positions run from 1 without a gap, each stored envelope decodes, names its
// position, links to the hash before it, hashes to what it says, and continues
// its stream's versions by one. A store adds its own checks (its index, its
// columns, its head record) between check() and advance().
//
//   ChainWalk walk;
//   for each stored (position, bytes) in position order:
//     if (auto problem = walk.check(position, bytes)) return walk.broken(*problem);
//     ... store checks on walk.current() ...
//     walk.advance();
//   ... compare the store's head with walk.last_position(), walk.last_hash() ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "events/envelope.h"
#include "events/event_log.h"

namespace closient {

class ChainWalk {
 public:
  // nullopt when the event stored at `position` continues the chain; the problem otherwise.
  std::optional<std::string> check(uint64_t position, std::string_view stored);
  // The event check() accepted last.
  const EventEnvelope& current() const { return current_; }
  // Takes the checked event as the chain's last.
  void advance();

  uint64_t last_position() const { return expected_ - 1; }
  const std::string& last_hash() const { return prev_hash_; }
  // Streams seen, with their last version.
  const std::unordered_map<std::string, uint64_t>& stream_versions() const { return versions_; }

  // The report of a walk broken at the position being checked (or at `position`).
  ChainReport broken(std::string problem) const { return broken_at(expected_, std::move(problem)); }
  ChainReport broken_at(uint64_t position, std::string problem) const;
  ChainReport intact() const { return report_; }

 private:
  ChainReport report_;
  uint64_t expected_ = 1;
  std::string prev_hash_ = zero_hash();
  std::unordered_map<std::string, uint64_t> versions_;
  EventEnvelope current_;
};

}  // namespace closient
