#include "events/chain_walk.h"

#include <fmt/format.h>

#include "events/stored_event.h"

namespace closient {

std::optional<std::string> ChainWalk::check(uint64_t position, std::string_view stored) {
  if (position != expected_) {
    return fmt::format("position {} is missing (the next stored is {})", expected_, position);
  }
  std::optional<EventEnvelope> event = decode_stored_event(stored);
  if (!event) return std::string("the stored bytes are not a valid envelope");
  if (event->position != expected_) {
    return fmt::format("the envelope says position {}", event->position);
  }
  if (event->prev_hash != prev_hash_) {
    return std::string("prev_hash does not equal the hash of the previous event");
  }
  if (compute_event_hash(*event) != event->hash) {
    return std::string("the hash does not match the event's contents");
  }
  auto known = versions_.find(event->stream);
  const uint64_t version = known == versions_.end() ? 0 : known->second;
  if (event->version != version + 1) {
    return fmt::format("stream {} goes from version {} to {}", event->stream, version,
                       event->version);
  }
  current_ = std::move(*event);
  return std::nullopt;
}

void ChainWalk::advance() {
  versions_[current_.stream] = current_.version;
  prev_hash_ = current_.hash;
  ++expected_;
  ++report_.events_checked;
}

ChainReport ChainWalk::broken_at(uint64_t position, std::string problem) const {
  ChainReport report = report_;
  report.first_broken_position = position == 0 ? 1 : position;
  report.problem = std::move(problem);
  return report;
}

}  // namespace closient
