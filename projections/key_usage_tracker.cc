#include "projections/key_usage_tracker.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

namespace closient {
namespace {

void keep_newest(std::unordered_map<std::string, int64_t>& times, const std::string& key_id,
                 int64_t at_ms) {
  auto [it, inserted] = times.emplace(key_id, at_ms);
  if (!inserted && it->second < at_ms) it->second = at_ms;
}

std::optional<int64_t> find(const std::unordered_map<std::string, int64_t>& times,
                            const std::string& key_id) {
  auto it = times.find(key_id);
  if (it == times.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<int64_t> stored_last_used(SideDataStore& store, const std::string& key_id) {
  std::optional<std::string> stored = store.side_get(kKeyUsageSpace, key_id);
  if (!stored) return std::nullopt;
  int64_t value = 0;
  auto [end, error] = std::from_chars(stored->data(), stored->data() + stored->size(), value);
  if (error != std::errc() || end != stored->data() + stored->size()) return std::nullopt;
  return value;
}

KeyUsageTracker::KeyUsageTracker(SideDataStore& store) : store_(store) {}

KeyUsageTracker::~KeyUsageTracker() {
  stop();
}

void KeyUsageTracker::record(const std::string& key_id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  keep_newest(pending_, key_id, now_ms);
}

Status KeyUsageTracker::flush() {
  std::lock_guard<std::mutex> one_at_a_time(flush_mutex_);
  std::vector<std::pair<std::string, std::string>> entries;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.empty()) return ok_status();
    flushing_ = std::move(pending_);
    pending_.clear();
  }
  // Uses are recorded out of order across threads (a request stamped earlier
  // may record later), so a flush never moves a stored time backwards.
  // flushing_ is only replaced under flush_mutex_, which this flush holds.
  entries.reserve(flushing_.size());
  for (const auto& [key_id, at_ms] : flushing_) {
    const int64_t newest = std::max(at_ms, stored_last_used(store_, key_id).value_or(at_ms));
    entries.emplace_back(key_id, std::to_string(newest));
  }
  Status written = store_.side_put(kKeyUsageSpace, entries);
  std::lock_guard<std::mutex> lock(mutex_);
  if (written.ok()) {
    for (const auto& [key_id, text] : entries) stored_[key_id] = std::stoll(text);
  } else {
    // Keep the uses for the next attempt rather than lose them.
    for (const auto& [key_id, at_ms] : flushing_) keep_newest(pending_, key_id, at_ms);
  }
  flushing_.clear();
  return written;
}

std::optional<int64_t> KeyUsageTracker::last_used(const std::string& key_id) {
  std::optional<int64_t> recorded;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    recorded = find(pending_, key_id);
    if (auto in_flight = find(flushing_, key_id)) {
      recorded = std::max(recorded.value_or(*in_flight), *in_flight);
    }
  }
  std::optional<int64_t> stored;
  bool known = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = stored_.find(key_id);
    if (it != stored_.end()) {
      stored = it->second;
      known = true;
    }
  }
  if (!known) {
    stored = stored_last_used(store_, key_id);
    std::lock_guard<std::mutex> lock(mutex_);
    // A flush may have stored a newer value meanwhile: keep the newest.
    auto [it, inserted] = stored_.emplace(key_id, stored);
    if (!inserted && it->second) stored = it->second;
  }
  if (!recorded) return stored;
  return std::max(*recorded, stored.value_or(*recorded));
}

void KeyUsageTracker::start(std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lock(thread_mutex_);
  if (flusher_.joinable()) return;
  stopping_ = false;
  flusher_ = std::thread([this, interval] { run(interval); });
}

void KeyUsageTracker::stop() {
  {
    std::lock_guard<std::mutex> lock(thread_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  flush().ok();  // best effort at shutdown: last_used is advisory
}

void KeyUsageTracker::run(std::chrono::milliseconds interval) {
  std::unique_lock<std::mutex> lock(thread_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush().ok();  // a failed flush keeps its uses for the next round
    lock.lock();
  }
}

}  // namespace closient
