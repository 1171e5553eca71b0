#include "events/commit_delivery.h"

#include <fmt/format.h>

#include "events/read_rules.h"

namespace closient {

CommitDelivery::CommitDelivery(uint64_t position, std::string hash, const EventCatalog* catalog)
    : catalog_(catalog), delivered_(position), delivered_hash_(std::move(hash)) {}

void CommitDelivery::set_observer(CommitObserver observer) {
  std::lock_guard<std::mutex> lock(mutex_);
  observer_ = std::move(observer);
}

bool CommitDelivery::has_observer() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<bool>(observer_);
}

uint64_t CommitDelivery::delivered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return delivered_;
}

Status CommitDelivery::deliver(std::vector<EventEnvelope> events, Origin origin) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::vector<EventEnvelope> fresh;
  fresh.reserve(events.size());
  Status problem = ok_status();
  uint64_t position = delivered_;
  std::string hash = delivered_hash_;
  for (EventEnvelope& event : events) {
    if (event.position <= position) continue;  // already handed over
    if (origin == Origin::other && reserved_from_ != 0 && event.position >= reserved_from_) break;
    if (event.position != position + 1) {
      problem = Error::make(ErrorCode::internal_error,
                            fmt::format("position {} is missing from the log (next read: {})",
                                        position + 1, event.position));
      break;
    }
    if (event.prev_hash != hash) {
      problem =
          Error::make(ErrorCode::internal_error,
                      fmt::format("the event at position {} does not link to the hash before it",
                                  event.position));
      break;
    }
    if (origin == Origin::other && compute_event_hash(event) != event.hash) {
      problem = Error::make(
          ErrorCode::internal_error,
          fmt::format("the event at position {} does not match its hash", event.position));
      break;
    }
    const uint64_t this_position = event.position;
    std::string this_hash = event.hash;
    if (origin == Origin::other) other_streams_.insert(event.stream);
    Result<EventEnvelope> current = upcast_event(catalog_, std::move(event));
    if (!current.ok()) {
      problem = current.error();
      break;
    }
    position = this_position;
    hash = std::move(this_hash);
    if (stream_versions_.size() >= kRememberedStreams) stream_versions_.clear();
    stream_versions_[current->stream] = current->version;
    fresh.push_back(std::move(current).value());
  }
  if (origin == Origin::own) reserved_from_ = 0;
  if (!fresh.empty()) {
    if (observer_) observer_(fresh);
    delivered_ = position;
    delivered_hash_ = hash;
    advanced_.notify_all();
  }
  return problem;
}

void CommitDelivery::reserve(uint64_t first) {
  std::lock_guard<std::mutex> lock(mutex_);
  reserved_from_ = first;
}

void CommitDelivery::release() {
  std::lock_guard<std::mutex> lock(mutex_);
  reserved_from_ = 0;
}

std::vector<std::string> CommitDelivery::take_other_streams() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> streams(other_streams_.begin(), other_streams_.end());
  other_streams_.clear();
  return streams;
}

void CommitDelivery::known_versions(const std::vector<std::string>& streams,
                                    std::unordered_map<std::string, uint64_t>* versions) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& stream : streams) {
    if (versions->count(stream)) continue;
    if (auto known = stream_versions_.find(stream); known != stream_versions_.end())
      versions->emplace(stream, known->second);
  }
}

uint64_t CommitDelivery::wait_past(uint64_t after, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  advanced_.wait_for(lock, timeout, [&] { return delivered_ > after; });
  return delivered_;
}

}  // namespace closient
