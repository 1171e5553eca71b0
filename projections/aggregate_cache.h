// The write pipeline's memory of aggregate states, keyed by stream. A miss
// takes an organization from the serving state when one is wired in (see
// set_organization_source), else replays the stream from the log; a hit costs
// nothing. The pipeline is the only writer in its process, so a cached state
// stays exact as long as every commit is put back here and every failed one is
// dropped. Bounded by a count per aggregate kind, least recently used first
// out, so memory stays flat however many organizations and users the log holds.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "domain/organization.h"
#include "domain/user.h"
#include "events/event_log.h"
#include "events/result.h"

namespace closient {

// Least recently used eviction over shared states.
template <typename State>
class LruStates {
 public:
  explicit LruStates(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Removes and returns the state of `stream`, or nullptr when not held.
  std::shared_ptr<State> take(const std::string& stream) {
    auto found = index_.find(stream);
    if (found == index_.end()) return nullptr;
    std::shared_ptr<State> state = std::move(found->second->second);
    order_.erase(found->second);
    index_.erase(found);
    return state;
  }

  // Holds `state` as the most recently used, evicting the oldest beyond capacity.
  void put(const std::string& stream, std::shared_ptr<State> state) {
    take(stream);
    order_.emplace_front(stream, std::move(state));
    index_[stream] = order_.begin();
    while (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  size_t size() const { return order_.size(); }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<State>>;
  size_t capacity_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

struct AggregateCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;      // each one a read_stream and a replay, unless taken from state
  uint64_t from_state = 0;  // misses answered by the organization source
  size_t organizations = 0;
  size_t users = 0;
};

// Organization and user states in front of the event log. Used by the writer
// thread only: not thread-safe.
class AggregateCache {
 public:
  AggregateCache(EventLog& log, size_t max_organizations, size_t max_users)
      : log_(log),
        states_(LruStates<OrganizationState>(max_organizations), LruStates<UserState>(max_users)) {}

  // The state of `stream`, taken out of the cache (or replayed from the log on
  // a miss; a stream without events gives an empty state at version 0). The
  // caller owns it until it puts it back; a state never put back is forgotten.
  template <typename State>
  Result<std::shared_ptr<State>> take(const std::string& stream) {
    if (std::shared_ptr<State> cached = lru<State>().take(stream)) {
      ++stats_.hits;
      return cached;
    }
    ++stats_.misses;
    if constexpr (std::is_same_v<State, OrganizationState>) {
      if (organization_source_) {
        if (std::shared_ptr<OrganizationState> built = organization_source_(stream)) {
          ++stats_.from_state;
          return built;
        }
      }
    }
    return replay<State>(stream);
  }

  // Where a miss of an organization looks first: its committed state built
  // without reading the stream, or nullptr to replay it. Called on the cache's
  // thread, between groups, when the source is exactly as current as the log.
  using OrganizationSource =
      std::function<std::shared_ptr<OrganizationState>(const std::string& stream)>;
  void set_organization_source(OrganizationSource source) {
    organization_source_ = std::move(source);
  }

  // Keeps `state` as the committed state of `stream`.
  template <typename State>
  void put(const std::string& stream, std::shared_ptr<State> state) {
    lru<State>().put(stream, std::move(state));
  }

  // Brings what is held of `stream` up to the log after another process
  // appended to it: only the events after the held version are read (a busy
  // organization shared by several nodes is not replayed whole for each group).
  // On any failure the state is dropped, and replayed when next needed.
  void refresh(const std::string& stream) {
    refresh_held<OrganizationState>(stream);
    refresh_held<UserState>(stream);
  }

  AggregateCacheStats stats() const {
    AggregateCacheStats stats = stats_;
    stats.organizations = std::get<0>(states_).size();
    stats.users = std::get<1>(states_).size();
    return stats;
  }

 private:
  template <typename State>
  LruStates<State>& lru() {
    return std::get<LruStates<State>>(states_);
  }

  template <typename State>
  void refresh_held(const std::string& stream) {
    std::shared_ptr<State> held = lru<State>().take(stream);
    if (!held) return;
    Result<std::vector<EventEnvelope>> events = log_.read_stream(stream, held->version + 1);
    if (!events.ok()) return;
    if (!events->empty()) {
      if (held.use_count() > 1) {
        // An answer of an earlier group may still be reading it on another thread.
        held = std::make_shared<State>(*held);
      } else {
        // Its last reads happen before the release of its reference.
        std::atomic_thread_fence(std::memory_order_acquire);
      }
      for (const EventEnvelope& event : events.value()) {
        if (!evolve_checked(*held, event).ok()) return;
      }
    }
    lru<State>().put(stream, std::move(held));
  }

  template <typename State>
  Result<std::shared_ptr<State>> replay(const std::string& stream) {
    Result<std::vector<EventEnvelope>> events = log_.read_stream(stream);
    if (!events.ok()) return events.error();
    auto state = std::make_shared<State>();
    for (const EventEnvelope& event : events.value()) {
      Status applied = evolve_checked(*state, event);
      if (!applied.ok()) {
        return Error::make(ErrorCode::internal_error,
                           "Event " + std::to_string(event.position) + " of stream " + stream +
                               " cannot be applied: " + applied.error().detail);
      }
    }
    return state;
  }

  EventLog& log_;
  OrganizationSource organization_source_;
  std::tuple<LruStates<OrganizationState>, LruStates<UserState>> states_;
  AggregateCacheStats stats_;
};

}  // namespace closient
