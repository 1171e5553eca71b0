#include "projections/replay.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "projections/live_state.h"

namespace closient {
namespace {

constexpr size_t kChunk = 2048;
constexpr size_t kMaxChunksQueued = 8;

// Chunks of decoded events from the scanning thread to the applying one.
class ChunkQueue {
 public:
  bool push(std::vector<EventEnvelope> chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return chunks_.size() < kMaxChunksQueued || cancelled_; });
    if (cancelled_) return false;
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }
  // Empty once the producer has finished and everything was taken.
  std::vector<EventEnvelope> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) return {};
    std::vector<EventEnvelope> chunk = std::move(chunks_.front());
    chunks_.pop_front();
    room_.notify_one();
    return chunk;
  }
  void finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    ready_.notify_all();
  }
  void cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    room_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<EventEnvelope>> chunks_;
  bool finished_ = false;
  bool cancelled_ = false;
};

}  // namespace

Result<ReplayReport> replay_log(EventLog& log, ServingState& state,
                                const ReplayProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  const uint64_t target = log.last_position();
  ReplayReport report;
  if (state.position() >= target) return report;

  ChunkQueue queue;
  Status scanned = ok_status();
  std::thread producer([&] {
    ReadFilter filter;
    filter.after_position = state.position();
    std::vector<EventEnvelope> chunk;
    chunk.reserve(kChunk);
    bool open = true;
    scanned = log.scan(filter, [&](EventEnvelope& event) {
      chunk.push_back(std::move(event));
      if (chunk.size() == kChunk) {
        open = queue.push(std::move(chunk));
        chunk = {};
        chunk.reserve(kChunk);
      }
      return open;
    });
    if (open && !chunk.empty()) queue.push(std::move(chunk));
    queue.finish();
  });

  uint64_t expected = state.position() + 1;
  Status gap = ok_status();
  for (std::vector<EventEnvelope> chunk = queue.pop(); !chunk.empty(); chunk = queue.pop()) {
    for (const EventEnvelope& event : chunk) {
      if (event.position != expected) {
        gap = Error::make(ErrorCode::internal_error, "the log skips from position " +
                                                         std::to_string(expected - 1) + " to " +
                                                         std::to_string(event.position));
        break;
      }
      ++expected;
      if (!state.apply(event).ok()) ++report.apply_errors;
      ++report.events;
    }
    if (!gap.ok()) {
      queue.cancel();
      while (!queue.pop().empty()) {
      }
      break;
    }
    if (progress) progress(report.events, target);
  }
  producer.join();
  if (!scanned.ok()) return scanned.error();
  if (!gap.ok()) return gap.error();
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

Status rebuild_online(LiveState& live, EventLog& log) {
  auto fresh = std::make_unique<ServingState>();
  Result<ReplayReport> replayed = replay_log(log, *fresh);
  if (!replayed.ok()) return replayed.error();
  return live.switch_to(std::move(fresh), log);
}

Result<std::string> hash_at(EventLog& log, uint64_t position) {
  if (position == 0) return std::string();
  std::string hash;
  ReadFilter filter;
  filter.after_position = position - 1;
  filter.limit = 1;
  Status scanned = log.scan(filter, [&](const EventEnvelope& event) {
    if (event.position == position) hash = event.hash;
    return false;
  });
  if (!scanned.ok()) return scanned.error();
  return hash;
}

namespace {

using Note = std::function<void(const std::string&)>;

struct Candidate {
  uint64_t position;
  const SnapshotStore* store;
};

// Every snapshot of every store, newest first; at one position, in the order
// of the stores.
std::vector<Candidate> candidates_of(const std::vector<const SnapshotStore*>& stores,
                                     const Note& note) {
  std::vector<Candidate> candidates;
  for (const SnapshotStore* store : stores) {
    if (!store) continue;
    Result<std::vector<uint64_t>> positions = store->positions();
    if (!positions.ok()) {
      note("snapshots cannot be listed: " + positions.error().detail + "; none of them used");
      continue;
    }
    for (uint64_t position : *positions) candidates.push_back({position, store});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.position > b.position; });
  return candidates;
}

// The state of one snapshot when it passes every check, else nullptr (and
// one note saying why). An error only when the log cannot be read.
Result<std::unique_ptr<ServingState>> checked_snapshot(EventLog& log, uint64_t head,
                                                       const Candidate& candidate,
                                                       uint64_t* state_version, const Note& note) {
  const std::string name = candidate.store->name_of(candidate.position);
  std::unique_ptr<ServingState> refused;
  if (candidate.position > head) {
    note(name + " is ahead of the log (position " + std::to_string(head) + "); ignored");
    return refused;
  }
  Result<StoredSnapshot> stored = candidate.store->read(candidate.position);
  if (!stored.ok()) {
    note(name + " cannot be read: " + stored.error().detail + "; ignored");
    return refused;
  }
  Result<std::string> logged = hash_at(log, candidate.position);
  if (!logged.ok()) return logged.error();
  // A hash recorded beside the bytes is checked before they are decoded: a
  // snapshot of another history is refused without the work.
  if (!stored->hash.empty() && stored->hash != *logged) {
    note(name + " does not match the log at its position; ignored");
    return refused;
  }
  Result<std::unique_ptr<ServingState>> state = decode_snapshot(stored->bytes, state_version);
  if (!state.ok()) {
    note(name + " is refused: " + state.error().detail + "; ignored");
    return refused;
  }
  if ((*state)->position() != candidate.position || *logged != (*state)->last_hash()) {
    note(name + " does not match the log at its position; ignored");
    return refused;
  }
  return std::move(state).value();
}

}  // namespace

Result<LoadedState> load_serving_state(EventLog& log,
                                       const std::vector<const SnapshotStore*>& stores,
                                       const Note& note) {
  LoadedState loaded;
  const uint64_t head = log.last_position();
  for (const Candidate& candidate : candidates_of(stores, note)) {
    uint64_t state_version = 0;
    Result<std::unique_ptr<ServingState>> state =
        checked_snapshot(log, head, candidate, &state_version, note);
    if (!state.ok()) return state.error();
    if (!*state) continue;
    loaded.state = std::move(state).value();
    loaded.snapshot_position = candidate.position;
    loaded.snapshot_name = candidate.store->name_of(candidate.position);
    loaded.stale = state_version != kServingStateVersion;
    if (loaded.stale) {
      note(loaded.snapshot_name + " was made by serving-state version " +
           std::to_string(state_version) + ", not " + std::to_string(kServingStateVersion) +
           ": served while a fresh state is rebuilt beside it");
    }
    break;
  }
  if (!loaded.state) loaded.state = std::make_unique<ServingState>();
  Result<ReplayReport> replayed = replay_log(log, *loaded.state);
  if (!replayed.ok()) return replayed.error();
  loaded.replay = *replayed;
  return loaded;
}

Result<LoadedState> load_serving_state(EventLog& log, const SnapshotStore& snapshots,
                                       const Note& note) {
  return load_serving_state(log, std::vector<const SnapshotStore*>{&snapshots}, note);
}

}  // namespace closient
