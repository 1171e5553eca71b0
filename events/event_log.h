// The event log: an append-only, hash-chained sequence of events grouped into
// streams. This interface (with SideDataStore for the data events do not
// derive) is all that domain/ and projections/ know of storage.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "events/envelope.h"
#include "events/result.h"

namespace closient {

// What a writer believes about a stream before appending to it.
struct ExpectedVersion {
  enum class Kind { any, no_stream, exact };
  Kind kind = Kind::any;
  uint64_t version = 0;  // for exact; a stream's version is its number of events

  static ExpectedVersion any() { return {Kind::any, 0}; }
  static ExpectedVersion no_stream() { return {Kind::no_stream, 0}; }
  static ExpectedVersion exact(uint64_t v) { return {Kind::exact, v}; }
};

struct NewEvent {
  std::string type;
  int schema = 1;
  nlohmann::json data = nlohmann::json::object();
};

struct StreamAppend {
  std::string stream;
  ExpectedVersion expected;
  std::vector<NewEvent> events;
};

// One atomic append: every stream's events are written, or none are.
struct AppendRequest {
  std::vector<StreamAppend> streams;
  Actor actor;
  std::string request_id;
  int64_t occurred_at_ms = 0;  // stamped on every event of the append; 0 = now
  // The command this append carries out, when a retry of it must never be
  // carried out a second time (a write sent with an Idempotency-Key). A store
  // with a command ledger (PostgreSQL) records it in the append's transaction
  // and, for 24 hours, refuses another append naming it: command_already_applied,
  // or command_fingerprint_differs when the fingerprint is not the same. Empty:
  // no such promise asked.
  std::string command_id;
  std::string command_fingerprint;
};

struct AppendResult {
  std::vector<EventEnvelope> events;  // as stored, with positions and hashes
  uint64_t last_position() const { return events.empty() ? 0 : events.back().position; }
};

struct ReadFilter {
  uint64_t after_position = 0;          // events with position > after_position
  std::vector<std::string> types;       // empty = all types
  std::string stream_prefix;            // "" = every stream
  std::optional<int64_t> since_ms;      // occurred_at_ms >= since_ms
  std::optional<int64_t> until_ms;      // occurred_at_ms <= until_ms
  std::optional<std::string> actor_id;  // actor.id or actor.user_id equals it
  size_t limit = 0;                     // 0 = no limit
};

struct ChainReport {
  uint64_t events_checked = 0;
  uint64_t first_broken_position = 0;  // 0 when the chain is intact
  std::string problem;                 // empty when intact
};

enum class Durability { always, never };

// Told of every committed group, after it is durable and before any of its
// appenders is answered, with the group's events in position order. This is
// how the in-memory serving state follows the log: whatever appended, the
// next read sees it. Called on the log's writer thread; keep it short.
using CommitObserver = std::function<void(const std::vector<EventEnvelope>& committed)>;

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Atomic append; blocks until durable (per the durability policy). A version
  // mismatch on any stream rejects the whole append with ErrorCode::conflict.
  // An append_all of one.
  Result<AppendResult> append(AppendRequest request) {
    std::vector<AppendRequest> one;
    one.push_back(std::move(request));
    return std::move(append_all(std::move(one)).front());
  }

  // Several independent appends handed to the writer together: they commit in
  // order, in one batch, with one sync; each succeeds or fails on its own.
  virtual std::vector<Result<AppendResult>> append_all(std::vector<AppendRequest> requests) = 0;

  // Events of one stream with version >= from_version, in order.
  virtual Result<std::vector<EventEnvelope>> read_stream(const std::string& stream,
                                                         uint64_t from_version = 1) = 0;
  // Current version of a stream (0 when it does not exist).
  virtual Result<uint64_t> stream_version(const std::string& stream) = 0;

  // The whole log in position order, filtered. The visitor returns false to
  // stop; it may take the event it is given (it is not used after the call).
  virtual Status scan(const ReadFilter& filter,
                      const std::function<bool(EventEnvelope&)>& visit) = 0;

  virtual uint64_t last_position() = 0;

  // Recomputes the hash chain from position 1; names the first broken position.
  virtual ChainReport verify_chain() = 0;

  // Installs the commit observer (set once, before the first append).
  virtual void set_commit_observer(CommitObserver observer) = 0;

  // ---- Logs shared by several processes (PostgreSQL) ----
  // A log with one writer (RocksDB) keeps these defaults. A shared log also
  // hands the commit observer the events other processes commit, in position
  // order, with no gap and nothing twice, as it learns of them (tailing).

  // Taken by the single writer of this process before it decides a group:
  // holds the log's head for this process (other writers wait) and first hands
  // the observer every event committed elsewhere that it has not seen yet, so
  // the group is decided against state that is exactly current. The hold ends
  // with the next append_all (which commits in it) or end_group(). Answers the
  // streams those other processes changed since the previous begin_group(), so
  // the writer can drop what it cached of them. An error (the store cannot be
  // reached) fails the group as a failing disk would: service_unavailable.
  virtual Result<std::vector<std::string>> begin_group() { return std::vector<std::string>{}; }
  // Releases a hold that no append_all used (the group appended nothing).
  virtual void end_group() {}
  // Whether this process can write now; a shared log that lost its store says
  // false (reads are still served from memory). For /readyz.
  virtual bool writable() { return true; }
};

}  // namespace closient
