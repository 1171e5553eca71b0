#include "projections/snapshotter.h"

#include <fmt/format.h>

namespace closient {

Snapshotter::Snapshotter(const LiveState& state, std::vector<SnapshotStore*> stores,
                         uint64_t written_position, SnapshotterOptions options,
                         std::function<void(const std::string&)> note)
    : state_(state),
      stores_(std::move(stores)),
      options_(options),
      note_(std::move(note)),
      last_position_(written_position) {}

Snapshotter::~Snapshotter() {
  stop();
}

void Snapshotter::start() {
  thread_ = std::thread([this] { run(); });
}

void Snapshotter::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  Status last = snapshot_now();
  if (!last.ok() && note_) note_("final snapshot failed: " + last.error().detail);
}

uint64_t Snapshotter::last_position() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_position_;
}

Status Snapshotter::snapshot_now(bool even_if_unchanged) {
  std::lock_guard<std::mutex> one_at_a_time(write_mutex_);
  if (!even_if_unchanged && state_.position() == last_position()) return ok_status();
  const auto started = std::chrono::steady_clock::now();
  StoredSnapshot snapshot;
  {
    LiveState::View view = state_.read();
    snapshot = snapshot_of(*view);
  }
  const uint64_t position = snapshot.position;
  Status written = write_everywhere(snapshot);
  if (!written.ok()) return written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_position_ = position;
  }
  if (note_) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    note_(fmt::format("snapshot at position {} written ({} bytes, {:.0f} ms)", position,
                      snapshot.bytes.size(), ms));
  }
  return ok_status();
}

Status Snapshotter::write_everywhere(const StoredSnapshot& snapshot) {
  std::vector<std::pair<const SnapshotStore*, Error>> failed;
  for (SnapshotStore* store : stores_) {
    Status written = store->write(snapshot);
    if (!written.ok()) failed.emplace_back(store, written.error());
  }
  if (failed.size() == stores_.size() && !failed.empty()) return failed.front().second;
  // Taken somewhere a start finds it: the others' failures are worth a line.
  for (const auto& [store, error] : failed) {
    if (note_) note_(store->name_of(snapshot.position) + " not written: " + error.detail);
  }
  return ok_status();
}

void Snapshotter::run() {
  auto last_write = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.poll, [&] { return stopping_; });
    if (stopping_) break;
    const uint64_t behind = state_.position() - last_position_;
    const bool due_by_count = behind >= options_.every_events;
    const bool due_by_time =
        behind > 0 && std::chrono::steady_clock::now() - last_write >= options_.every_interval;
    if (!due_by_count && !due_by_time) continue;
    lock.unlock();
    Status written = snapshot_now();
    if (!written.ok() && note_) note_("snapshot failed: " + written.error().detail);
    last_write = std::chrono::steady_clock::now();
    lock.lock();
  }
}

}  // namespace closient
