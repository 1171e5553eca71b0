#include "events/rocks_event_log.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <system_error>

#include "events/append_rules.h"
#include "events/keys.h"
#include "events/stored_event.h"

namespace closient {
namespace {

// What appenders are told when the disk fails: retryable, and nothing of the
// file names and system errors behind it (those go to LogOptions::note).
Error disk_failure() {
  return Error::make(ErrorCode::service_unavailable,
                     "The event log cannot write to its disk now; nothing of this change was "
                     "kept. Try again.");
}

// How soon an idle writer that owes a recovery (after a failed write) tries it,
// and how long it waits at most between tries that keep failing.
constexpr std::chrono::milliseconds kIdleRecoveryFirst{500};
constexpr std::chrono::milliseconds kIdleRecoveryAtMost{8000};

// Bounds the writer's cache of stream versions; a miss costs one seek.
constexpr size_t kMaxCachedStreams = 1 << 20;

}  // namespace

// What the writer has assigned so far in the group being built, on top of the
// committed state.
struct RocksEventLog::GroupState {
  uint64_t last_position = 0;
  std::string last_hash;
  std::unordered_map<std::string, uint64_t> stream_versions;
  bool accepted_any = false;
};

Result<std::unique_ptr<RocksEventLog>> RocksEventLog::open(const std::string& dir,
                                                           LogOptions options) {
  auto store = RocksStore::open(dir, options.mode, options.faults);
  if (!store.ok()) return store.error();
  std::unique_ptr<RocksEventLog> log(new RocksEventLog(std::move(store).value(), options));
  Status loaded = log->load_writer_state();
  if (!loaded.ok()) return loaded.error();
  if (options.mode == OpenMode::read_write) {
    try {
      log->writer_ = std::thread([raw = log.get()] { raw->run_writer(); });
    } catch (const std::system_error& e) {
      return Error::make(ErrorCode::service_unavailable,
                         fmt::format("cannot start the log writer: {}", e.what()));
    }
  }
  return log;
}

RocksEventLog::RocksEventLog(std::unique_ptr<RocksStore> store, LogOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

RocksEventLog::~RocksEventLog() {
  queue_.close();
  if (writer_.joinable()) writer_.join();
  store_.reset();
}

// Reads the last position and hash from meta, and checks them against the
// last stored event: both are written in the same batch, so they must agree.
Status RocksEventLog::load_writer_state() {
  stream_versions_.clear();
  writer_state_valid_ = false;
  auto position = store_->meta_u64(meta_key::kLastPosition, 0);
  if (!position.ok()) return position.error();
  auto hash = store_->get(store_->meta(), meta_key::kLastHash);
  if (!hash.ok()) return hash.error();

  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(rocksdb::ReadOptions(), store_->events()));
  it->SeekToLast();
  uint64_t stored_last = 0;
  if (it->Valid()) stored_last = decode_u64(it->key().ToStringView()).value_or(UINT64_MAX);
  if (!it->status().ok()) return storage_error(it->status(), "reading the last event");
  if (stored_last != *position) {
    return Error::make(ErrorCode::service_unavailable,
                       fmt::format("{} is inconsistent: meta says position {}, the last stored "
                                   "event is {}; run the chain verification",
                                   store_->dir(), *position, stored_last));
  }
  last_position_ = *position;
  last_hash_ = hash->value_or(zero_hash());
  writer_state_valid_ = true;
  return ok_status();
}

Result<uint64_t> RocksEventLog::load_stream_version(const std::string& stream) {
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(rocksdb::ReadOptions(), store_->streams()));
  it->SeekForPrev(stream_key(stream, UINT64_MAX));
  uint64_t version = 0;
  if (it->Valid()) {
    std::string found;
    uint64_t found_version = 0;
    if (parse_stream_key(it->key().ToStringView(), &found, &found_version) && found == stream)
      version = found_version;
  }
  if (!it->status().ok()) return storage_error(it->status(), "reading a stream's version");
  return version;
}

Status RocksEventLog::refuse_unless_writable() const {
  if (options_.mode != OpenMode::read_write) {
    return Error::make(ErrorCode::service_unavailable, "the event log is open read-only");
  }
  return ok_status();
}

std::vector<Result<AppendResult>> RocksEventLog::append_all(std::vector<AppendRequest> requests) {
  std::vector<Result<AppendResult>> refused;
  Status writable = refuse_unless_writable();
  if (requests.empty()) return refused;
  if (!writable.ok()) {
    for (size_t i = 0; i < requests.size(); ++i) refused.push_back(writable.error());
    return refused;
  }
  auto ticket = std::make_unique<AppendTicket>();
  ticket->requests = std::move(requests);
  size_t count = ticket->requests.size();
  auto answer = ticket->done.get_future();
  if (!queue_.push(std::move(ticket))) {
    for (size_t i = 0; i < count; ++i) {
      refused.push_back(Error::make(ErrorCode::service_unavailable, "the event log is closing"));
    }
    return refused;
  }
  return answer.get();
}

void RocksEventLog::set_commit_observer(CommitObserver observer) {
  std::lock_guard<std::mutex> lock(observer_mutex_);
  observer_ = std::move(observer);
}

void RocksEventLog::run_writer() {
  std::chrono::milliseconds idle = kIdleRecoveryFirst;
  for (;;) {
    std::vector<std::unique_ptr<AppendTicket>> group =
        queue_.take_within(options_.max_group_requests, idle);
    if (!group.empty()) {
      commit_group(group);
      idle = kIdleRecoveryFirst;
    } else if (queue_.closed()) {
      return;  // and drained
    } else if (owes_recovery()) {
      // Idle after a failure: recover now, so writes (and /readyz) come back
      // once the disk does, with no write needed to notice it. Each failed try
      // waits twice as long for the next, so a disk (or a long read holding
      // off the reopen) that keeps failing is not tried over and over.
      idle = ready_for_group().ok() ? kIdleRecoveryFirst : std::min(2 * idle, kIdleRecoveryAtMost);
    }
  }
}

bool RocksEventLog::owes_recovery() const {
  return recovery_point_ || side_write_failed_ || !writer_state_valid_;
}

Status RocksEventLog::ready_for_group() {
  // After a failed side write RocksDB refuses writes too: reopen first. Its
  // WAL needs no cut: side data is not synced and may come back or not.
  if (side_write_failed_) {
    recovering_ = true;  // first, so writable() stays false throughout
    side_write_failed_ = false;
    if (!recovery_point_) recovery_point_ = store_->wal_sizes();
  }
  Status ready = recovery_point_ ? recover_from_failed_write() : ok_status();
  if (ready.ok() && !writer_state_valid_) ready = load_writer_state();
  recovering_ = !ready.ok();
  // Why writes stay refused, for the operator: once per reason, not per try.
  if (!ready.ok() && ready.error().detail != refusal_told_) {
    refusal_told_ = ready.error().detail;
    tell("event log: writes still refused: " + refusal_told_);
  }
  if (ready.ok()) refusal_told_.clear();
  return ready;
}

void RocksEventLog::commit_group(std::vector<std::unique_ptr<AppendTicket>>& tickets) {
  if (tickets.empty()) return;
  std::vector<std::vector<Result<AppendResult>>> results(tickets.size());
  auto answer_all = [&] {
    for (size_t t = 0; t < tickets.size(); ++t) tickets[t]->done.set_value(std::move(results[t]));
  };
  Status ready = ready_for_group();
  if (!ready.ok()) {
    // Nothing is staged or written: the disk (or the database) is not back yet.
    uint64_t requests = 0;
    for (size_t t = 0; t < tickets.size(); ++t) {
      for (size_t r = 0; r < tickets[t]->requests.size(); ++r) results[t].push_back(disk_failure());
      requests += tickets[t]->requests.size();
    }
    {
      std::lock_guard<std::mutex> lock(stats_mutex_);
      stats_.failed += requests;
    }
    answer_all();
    return;
  }

  // A plain WriteBatch: nothing reads through it (versions of the group are
  // tracked in GroupState), so it needs no index.
  rocksdb::WriteBatch batch;
  GroupState group;
  group.last_position = last_position_;
  group.last_hash = last_hash_;

  uint64_t requests = 0, accepted = 0, events = 0;
  for (size_t t = 0; t < tickets.size(); ++t) {
    for (auto& request : tickets[t]->requests) {
      ++requests;
      results[t].push_back(stage_append(request, group, batch));
      if (results[t].back().ok()) {
        ++accepted;
        events += results[t].back()->events.size();
      }
    }
  }

  rocksdb::Status written;
  if (group.accepted_any) {
    batch.Put(store_->meta(), meta_key::kLastPosition, encode_u64(group.last_position));
    batch.Put(store_->meta(), meta_key::kLastHash, group.last_hash);
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.durability == Durability::always;
    WalSizes before = store_->wal_sizes();
    written = store_->db()->Write(write_options, &batch);
    if (!written.ok()) {
      // RocksDB takes no write after this one until it is reopened, and its
      // WAL may hold the batch: recover_from_failed_write cuts it off.
      recovery_point_ = std::move(before);
      recovering_ = true;
      tell(
          fmt::format("event log: a write of {} appends failed ({}); writes are refused until "
                      "the disk takes them again",
                      accepted, written.ToString()));
    }
  }

  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    stats_.rejected += requests - accepted;
    if (group.accepted_any) {
      ++stats_.batches;
      stats_.record_group(requests);
      if (options_.durability == Durability::always) ++stats_.syncs;
      if (written.ok()) {
        stats_.appends += accepted;
        stats_.events += events;
      } else {
        stats_.failed += accepted;
        ++stats_.write_failures;
      }
    }
  }

  if (!written.ok()) {
    // Nothing of the group may count as written: fail every accepted append and
    // tell the observer nothing. The writer's state never took the group in;
    // it is reloaded from disk once the database is reopened.
    for (auto& ticket_results : results)
      for (auto& result : ticket_results)
        if (result.ok()) result = disk_failure();
  } else if (group.accepted_any) {
    if (stream_versions_.size() + group.stream_versions.size() > kMaxCachedStreams)
      stream_versions_.clear();
    for (auto& [stream, version] : group.stream_versions) stream_versions_[stream] = version;
    last_hash_ = group.last_hash;
    {
      std::lock_guard<std::mutex> lock(tail_mutex_);
      last_position_ = group.last_position;
    }
    tail_advanced_.notify_all();
    // Durable now, and no appender has been answered yet: whatever the
    // observer keeps (the serving state) shows the group to the next read.
    CommitObserver observer;
    {
      std::lock_guard<std::mutex> lock(observer_mutex_);
      observer = observer_;
    }
    if (observer) {
      std::vector<EventEnvelope> committed;
      committed.reserve(events);
      for (auto& ticket_results : results)
        for (auto& result : ticket_results)
          if (result.ok())
            committed.insert(committed.end(), result->events.begin(), result->events.end());
      observer(committed);
    }
  }
  answer_all();
}

Status RocksEventLog::recover_from_failed_write() {
  // A cheap synced write first: while the disk still fails, a reopen would only
  // close the database under its readers for nothing.
  Status probe = store_->probe_writable();
  if (!probe.ok()) return probe;
  Status reopened = store_->reopen_after_failed_write(*recovery_point_);
  if (!reopened.ok()) return reopened;
  recovery_point_.reset();
  // The database as reopened is the truth: last position, hash, stream versions.
  Status loaded = load_writer_state();
  if (loaded.ok()) {
    tell(fmt::format("event log: the disk takes writes again; reopened at position {}",
                     last_position_.load()));
  }
  return loaded;
}

void RocksEventLog::tell(const std::string& line) const {
  if (options_.note) options_.note(line);
}

bool RocksEventLog::writable() {
  return options_.mode == OpenMode::read_write && !recovering_ && !side_write_failed_;
}

Result<uint64_t> RocksEventLog::version_in_group(const std::string& stream, GroupState& group) {
  if (auto it = group.stream_versions.find(stream); it != group.stream_versions.end())
    return it->second;
  if (auto it = stream_versions_.find(stream); it != stream_versions_.end()) return it->second;
  auto loaded = load_stream_version(stream);
  if (!loaded.ok()) return loaded.error();
  stream_versions_[stream] = *loaded;
  return *loaded;
}

Result<AppendResult> RocksEventLog::stage_append(AppendRequest& request, GroupState& group,
                                                 rocksdb::WriteBatch& batch) {
  Status valid = validate_append(request);
  if (!valid.ok()) return valid.error();

  // Check every stream before staging anything, so a conflict costs nothing.
  std::vector<uint64_t> current;
  for (const auto& s : request.streams) {
    auto version = version_in_group(s.stream, group);
    if (!version.ok()) return version.error();
    if (!version_matches(s.expected, *version)) {
      return wrong_expected_version(s.stream, *version, s.expected);
    }
    current.push_back(*version);
  }

  // An event that cannot be sealed (text that is not UTF-8) refuses the whole
  // append after earlier events of it were staged: roll those back.
  GroupState before{group.last_position, group.last_hash, {}, group.accepted_any};
  batch.SetSavePoint();
  auto reject = [&](Error error) -> Result<AppendResult> {
    batch.RollbackToSavePoint().PermitUncheckedError();
    group.last_position = before.last_position;
    group.last_hash = std::move(before.last_hash);
    return error;
  };

  int64_t occurred_at = request.occurred_at_ms != 0 ? request.occurred_at_ms : append_now_ms();
  AppendResult result;
  for (size_t i = 0; i < request.streams.size(); ++i) {
    auto& s = request.streams[i];
    uint64_t version = current[i];
    for (auto& event : s.events) {
      EventEnvelope e =
          envelope_of(event, s.stream, request,
                      {group.last_position + 1, ++version, occurred_at, group.last_hash});
      auto bytes = seal_event(e);
      if (!bytes.ok()) return reject(bytes.error());
      rocksdb::Status staged = batch.Put(store_->events(), encode_u64(e.position), *bytes);
      if (staged.ok())
        staged =
            batch.Put(store_->streams(), stream_key(e.stream, e.version), encode_u64(e.position));
      if (!staged.ok()) return reject(storage_error(staged, "staging an event"));
      group.last_position = e.position;
      group.last_hash = e.hash;
      result.events.push_back(std::move(e));
    }
  }

  batch.PopSavePoint().PermitUncheckedError();
  for (size_t i = 0; i < request.streams.size(); ++i)
    group.stream_versions[request.streams[i].stream] =
        current[i] + request.streams[i].events.size();
  if (!result.events.empty()) group.accepted_any = true;
  return result;
}

uint64_t RocksEventLog::last_position() {
  if (options_.mode == OpenMode::read_write) return last_position_;
  auto stored = store_->meta_u64(meta_key::kLastPosition, 0);
  return stored.ok() ? *stored : 0;
}

}  // namespace closient
