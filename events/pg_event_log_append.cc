// PgEventLog's writer: the hold on log_head, the catch-up before a group, and
// the group's commit. Runs on one thread at a time (write_mutex_).
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "events/append_rules.h"
#include "events/pg_event_log.h"
#include "events/stored_event.h"
#include "events/timestamp.h"

namespace closient {
namespace {

constexpr char kChannel[] = "account_log";
// Events read per query while catching up.
constexpr size_t kCatchUpChunk = 2000;
// Expired ledger rows deleted per sweep, and how often one runs (inside a
// group's commit, so that it costs no round trip of its own): 5 000 a second
// is above what one writer can add (a row per group and per keyed write), so
// the table cannot grow past a day's rows however hard clients push.
constexpr size_t kLedgerSweepRows = 5000;
constexpr std::chrono::seconds kLedgerSweepInterval{1};
// How long every stream is probed after a stream taken as new turned out to
// have events: long enough for the commands of the refused group to be
// decided again against versions read from the log.
constexpr std::chrono::seconds kProbeAfterCollision{10};

bool is_utf8(const std::string& text) {
  try {
    nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::string milliseconds(std::chrono::milliseconds value) {
  return std::to_string(value.count());
}

}  // namespace

// A group's accepted events, in position order, and where the head goes.
struct PgEventLog::Staged {
  struct LedgerRow {
    std::string command_id;
    uint64_t first_position = 0;
    uint64_t last_position = 0;
    std::string fingerprint;
    std::string request_id;
  };
  std::vector<EventEnvelope> events;
  std::vector<std::string> payloads;  // the sealed envelope of each event
  uint64_t last_position = 0;
  std::string last_hash;
  std::vector<LedgerRow> ledger;  // the group's own row first
};

// What the ledger holds of a command_id.
struct LedgerEntry {
  std::string fingerprint;
  uint64_t last_position = 0;
};

Result<PgConnection*> PgEventLog::writer_connection() {
  if (writer_ && !writer_->broken()) return writer_.get();
  writer_.reset();
  writer_pid_ = 0;
  auto connection = PgConnection::connect(uri_, "accountd writer");
  if (!connection.ok()) {
    writable_ = false;
    return connection.error();
  }
  // A hold that waits too long for the head, or sits idle inside a
  // transaction (a hung process), is cut off by the server.
  const std::string settings = fmt::format(
      "SET lock_timeout = {}; SET idle_in_transaction_session_timeout = {}; "
      "SET synchronous_commit = {}",
      milliseconds(options_.lock_timeout), milliseconds(options_.idle_in_transaction_timeout),
      options_.durability == Durability::always ? "on" : "off");
  auto set = (*connection)->exec(settings);
  if (!set.ok()) {
    writable_ = false;
    return set.error();
  }
  writer_ = std::move(connection).value();
  writer_pid_ = writer_->backend_pid();
  return writer_.get();
}

void PgEventLog::abandon_hold(const Error&) {
  if (writer_ && !writer_->broken()) writer_->exec("ROLLBACK").ok();
  if (writer_ && writer_->broken()) {
    writer_.reset();
    writer_pid_ = 0;
    writable_ = false;
  }
}

Status PgEventLog::open_hold() {
  auto connection = writer_connection();
  if (!connection.ok()) return connection.error();
  PgConnection& writer = **connection;
  // One round trip: PQexec runs both and answers the last statement's rows.
  auto head = writer.exec("BEGIN; SELECT last_position, last_hash FROM log_head FOR UPDATE");
  if (head.ok() && head->rows() != 1) {
    head = Error::make(ErrorCode::internal_error, "log_head must hold exactly one row");
  }
  if (!head.ok()) {
    abandon_hold(head.error());
    return head.error();
  }
  head_position_ = head->u64(0, 0);
  head_hash_ = head->text(0, 1);
  Status caught_up = catch_up_in_hold(head_position_);
  if (!caught_up.ok()) {
    abandon_hold(caught_up.error());
    return caught_up;
  }
  writable_ = true;
  return ok_status();
}

// Hands the observer every event up to `head` that it has not had yet, read
// inside the hold: nobody can commit past `head` meanwhile.
Status PgEventLog::catch_up_in_hold(uint64_t head) {
  for (;;) {
    const uint64_t delivered = delivery_->delivered();
    if (delivered == head) return ok_status();
    if (delivered > head) {
      return Error::make(ErrorCode::internal_error,
                         fmt::format("the log's head ({}) is behind what this process has seen "
                                     "({}): was the database replaced?",
                                     head, delivered));
    }
    auto events = read_range(*writer_, delivered, head, kCatchUpChunk);
    if (!events.ok()) return events.error();
    if (events->empty()) {
      return Error::make(ErrorCode::internal_error,
                         fmt::format("positions {} to {} are missing", delivered + 1, head));
    }
    Status delivered_now =
        delivery_->deliver(std::move(events).value(), CommitDelivery::Origin::other);
    if (!delivered_now.ok()) return delivered_now;
  }
}

Result<std::vector<std::string>> PgEventLog::begin_group() {
  if (options_.mode != OpenMode::read_write) {
    return Error::make(ErrorCode::service_unavailable, "the event log is open read-only");
  }
  if (hold_owner_.load() == std::this_thread::get_id()) {
    return delivery_->take_other_streams();  // already held by this thread
  }
  std::unique_lock<std::mutex> lock(write_mutex_);
  Status held = open_hold();
  if (!held.ok()) return held.error();
  hold_ = std::move(lock);
  hold_owner_ = std::this_thread::get_id();
  return delivery_->take_other_streams();
}

void PgEventLog::end_group() {
  if (hold_owner_.load() != std::this_thread::get_id()) return;
  std::unique_lock<std::mutex> lock = std::move(hold_);
  hold_owner_ = std::thread::id();
  if (writer_ && !writer_->broken()) writer_->exec("ROLLBACK").ok();
}

std::vector<Result<AppendResult>> PgEventLog::append_all(std::vector<AppendRequest> requests) {
  std::vector<Result<AppendResult>> refused;
  auto refuse_all = [&](const Error& error) {
    for (size_t i = 0; i < requests.size(); ++i) refused.push_back(error);
    return refused;
  };
  std::unique_lock<std::mutex> lock;
  if (hold_owner_.load() == std::this_thread::get_id()) {
    lock = std::move(hold_);
    hold_owner_ = std::thread::id();
  } else {
    if (options_.mode != OpenMode::read_write) {
      return refuse_all(
          Error::make(ErrorCode::service_unavailable, "the event log is open read-only"));
    }
    if (requests.empty()) return refused;
    lock = std::unique_lock<std::mutex>(write_mutex_);
    Status held = open_hold();
    if (!held.ok()) return refuse_all(held.error());
  }
  if (requests.empty()) {
    writer_->exec("ROLLBACK").ok();
    return refused;
  }
  return append_in_hold(requests);
}

std::vector<Result<AppendResult>> PgEventLog::append_in_hold(std::vector<AppendRequest>& requests) {
  std::vector<Result<AppendResult>> results;
  results.reserve(requests.size());

  // Refuse malformed requests first: their stream ids never reach the server.
  std::vector<std::optional<Error>> invalid(requests.size());
  for (size_t r = 0; r < requests.size(); ++r) {
    Status valid = validate_append(requests[r]);
    for (const StreamAppend& s : requests[r].streams) {
      if (!valid.ok()) break;
      if (!is_utf8(s.stream)) {
        valid = Error::make(ErrorCode::bad_request, "a stream id must be valid UTF-8");
      }
    }
    if (!valid.ok()) invalid[r] = valid.error();
  }
  std::unordered_map<std::string, uint64_t> versions;
  std::set<std::string> assumed_new;
  auto fail_all = [&](const Error& error) {
    abandon_hold(error);
    results.assign(requests.size(), error);
    record(requests.size(), 0, 0, false);
    return std::move(results);
  };
  Status known = stream_versions(requests, invalid, &versions, &assumed_new);
  if (!known.ok()) return fail_all(known.error());
  // Commands that must not be carried out twice: what the ledger remembers of them.
  std::vector<std::string> command_ids;
  for (size_t r = 0; r < requests.size(); ++r) {
    if (!invalid[r] && !requests[r].command_id.empty())
      command_ids.push_back(requests[r].command_id);
  }
  std::unordered_map<std::string, LedgerEntry> applied;
  if (!command_ids.empty()) {
    auto rows = writer_->query(
        "SELECT command_id, fingerprint, last_position FROM command_ledger "
        "WHERE command_id = ANY($1::text[]) "
        "AND committed_at > now() - $2::bigint * interval '1 millisecond'",
        PgParams().text_array(command_ids).number(kCommandLedgerRetentionMs));
    if (!rows.ok()) return fail_all(rows.error());
    for (int row = 0; row < rows->rows(); ++row)
      applied[rows->text(row, 0)] = LedgerEntry{rows->text(row, 1), rows->u64(row, 2)};
  }

  Staged staged;
  staged.last_position = head_position_;
  staged.last_hash = head_hash_;
  uint64_t accepted = 0;
  for (size_t r = 0; r < requests.size(); ++r) {
    AppendRequest& request = requests[r];
    if (invalid[r]) {
      results.push_back(*invalid[r]);
      continue;
    }
    if (!request.command_id.empty()) {
      if (auto done = applied.find(request.command_id); done != applied.end()) {
        results.push_back(done->second.fingerprint == request.command_fingerprint
                              ? command_already_applied(done->second.last_position)
                              : command_fingerprint_differs());
        continue;
      }
    }
    std::vector<uint64_t> current;
    std::optional<Error> conflict;
    for (const StreamAppend& s : request.streams) {
      const uint64_t version = versions.count(s.stream) ? versions[s.stream] : 0;
      if (!version_matches(s.expected, version)) {
        conflict = wrong_expected_version(s.stream, version, s.expected);
        break;
      }
      current.push_back(version);
    }
    if (conflict) {
      results.push_back(*conflict);
      continue;
    }
    // Seal every event before keeping any, so that one that cannot be sealed
    // (text that is not UTF-8) refuses its append alone.
    const int64_t occurred_at =
        request.occurred_at_ms != 0 ? request.occurred_at_ms : append_now_ms();
    AppendResult result;
    std::vector<std::string> payloads;
    uint64_t position = staged.last_position;
    std::string hash = staged.last_hash;
    std::optional<Error> unsealable;
    for (size_t i = 0; i < request.streams.size() && !unsealable; ++i) {
      StreamAppend& s = request.streams[i];
      uint64_t version = current[i];
      for (NewEvent& event : s.events) {
        EventEnvelope e =
            envelope_of(event, s.stream, request, {++position, ++version, occurred_at, hash});
        auto bytes = seal_event(e);
        if (!bytes.ok()) {
          unsealable = bytes.error();
          break;
        }
        hash = e.hash;
        payloads.push_back(std::move(bytes).value());
        result.events.push_back(std::move(e));
      }
    }
    if (unsealable) {
      results.push_back(*unsealable);
      continue;
    }
    for (size_t i = 0; i < request.streams.size(); ++i)
      versions[request.streams[i].stream] = current[i] + request.streams[i].events.size();
    if (!request.command_id.empty()) {
      applied[request.command_id] = LedgerEntry{request.command_fingerprint, position};
      staged.ledger.push_back({request.command_id, staged.last_position + 1, position,
                               request.command_fingerprint, request.request_id});
    }
    staged.last_position = position;
    staged.last_hash = hash;
    for (size_t i = 0; i < result.events.size(); ++i) {
      staged.events.push_back(result.events[i]);
      staged.payloads.push_back(std::move(payloads[i]));
    }
    ++accepted;
    results.push_back(std::move(result));
  }

  if (staged.events.empty()) {
    writer_->exec("ROLLBACK").ok();
    record(requests.size(), accepted, 0, true);
    return results;
  }
  const std::string group_id = fmt::format("group/{}/{}", node_id_, ++groups_written_);
  staged.ledger.insert(staged.ledger.begin(), Staged::LedgerRow{group_id, head_position_ + 1,
                                                                staged.last_position, "", ""});
  delivery_->reserve(head_position_ + 1);
  bool commit_sent = false;
  Status written = write_group(staged, &commit_sent);
  if (!written.ok() && written.error().code == ErrorCode::conflict && !commit_sent &&
      !assumed_new.empty()) {
    // A stream taken as new had events (it was written before this process
    // started, or forgotten): nothing was inserted. Every append of the group
    // is refused as stale, so that its command is decided again, and for a
    // while every stream is probed.
    abandon_hold(written.error());
    delivery_->release();
    probe_every_stream_until_ = std::chrono::steady_clock::now() + kProbeAfterCollision;
    record(requests.size(), 0, 0, true);
    for (auto& result : results) {
      if (result.ok()) {
        result = Error::make(ErrorCode::conflict,
                             "a stream the append expected to be new already has events; "
                             "decide it again",
                             kWrongExpectedVersionReason);
      }
    }
    return results;
  }
  if (!written.ok()) {
    abandon_hold(written.error());
    // A COMMIT whose answer was lost may have landed: the ledger tells.
    if (commit_sent) {
      Result<bool> landed = group_landed(group_id);
      if (landed.ok() && *landed) {
        head_position_ = staged.last_position;
        head_hash_ = staged.last_hash;
        written = ok_status();
      }
    }
  }
  record(requests.size(), accepted, staged.events.size(), written.ok());
  if (!written.ok()) {
    // Nothing of the group is known to be committed (if the ledger could not
    // be asked, it may still have landed: the tail then delivers it like
    // anyone else's events).
    delivery_->release();
    Error failure = written.error();
    if (failure.code != ErrorCode::service_unavailable) {
      failure = Error::make(ErrorCode::service_unavailable, failure.detail);
    }
    for (auto& result : results)
      if (result.ok()) result = failure;
    return results;
  }
  // Committed and durable, and no appender has been answered yet.
  Status delivered = delivery_->deliver(staged.events, CommitDelivery::Origin::own);
  if (!delivered.ok()) {
    std::fprintf(stderr, "event log: %s\n", delivered.error().detail.c_str());
  }
  return results;
}

// Inside the hold every event up to the head has been delivered, so the
// versions the delivery saw are exact and the log is not asked for them. A
// stream it never saw that the append creates (expects it to have no events,
// and adds some) is taken as new: if it had events after all, the insert of
// its version 1 breaks UNIQUE (stream, version) and nothing is written. Any
// other stream is probed, in one query.
Status PgEventLog::stream_versions(const std::vector<AppendRequest>& requests,
                                   const std::vector<std::optional<Error>>& invalid,
                                   std::unordered_map<std::string, uint64_t>* versions,
                                   std::set<std::string>* assumed_new) {
  const bool probe_all = std::chrono::steady_clock::now() < probe_every_stream_until_;
  std::vector<std::string> streams;
  for (size_t r = 0; r < requests.size(); ++r) {
    if (invalid[r]) continue;
    for (const StreamAppend& s : requests[r].streams) streams.push_back(s.stream);
  }
  if (!probe_all) delivery_->known_versions(streams, versions);
  std::vector<std::string> unknown;
  std::set<std::string> seen;
  for (size_t r = 0; r < requests.size(); ++r) {
    if (invalid[r]) continue;
    for (const StreamAppend& s : requests[r].streams) {
      // The first append to name a stream settles how its version is known.
      if (versions->count(s.stream) || !seen.insert(s.stream).second) continue;
      const bool creates =
          !s.events.empty() &&
          (s.expected.kind == ExpectedVersion::Kind::no_stream ||
           (s.expected.kind == ExpectedVersion::Kind::exact && s.expected.version == 0));
      if (creates && !probe_all) {
        assumed_new->insert(s.stream);
      } else {
        unknown.push_back(s.stream);
      }
    }
  }
  if (unknown.empty()) return ok_status();
  auto found = writer_->query_prepared(
      "stream_versions",
      // One index probe per stream (the newest version, read backwards): a
      // GROUP BY max() would read every version of a long stream.
      "SELECT s.stream, (SELECT e.version FROM events e WHERE e.stream = s.stream "
      "ORDER BY e.version DESC LIMIT 1) FROM unnest($1::text[]) AS s(stream)",
      PgParams().text_array(unknown));
  if (!found.ok()) return found.error();
  for (int row = 0; row < found->rows(); ++row) {
    if (!found->is_null(row, 1))
      (*versions)[found->text(row, 0)] = found->u64(row, 1);  // NULL: new
  }
  return ok_status();
}

namespace {

bool is_hex_digest(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Status PgEventLog::write_group(const Staged& staged, bool* commit_sent) {
  *commit_sent = false;
  // One prepared statement for any group: its rows come as arrays (unnest), so
  // the server parses and plans it once per connection, not once per group.
  // The ledger's rows ride on it: no round trip of their own.
  PgArrayLiteral ids, firsts, lasts, fingerprints, request_ids;
  for (const Staged::LedgerRow& row : staged.ledger) {
    ids.add(row.command_id);
    firsts.add(std::to_string(row.first_position));
    lasts.add(std::to_string(row.last_position));
    fingerprints.add(row.fingerprint);
    request_ids.add(row.request_id);
  }
  PgArrayLiteral positions, streams, versions, types, schemas, times, actors, requests, prev_hashes,
      hashes, payload_starts, payload_lengths;
  // The payloads, the bulk of a group's bytes, go as one bytea parameter (sent
  // as raw bytes) cut by offsets: in a text[] literal every quote of their JSON
  // is escaped, and unescaping the arrays took the server's backend 23 % of
  // its time (16 % without the payloads).
  std::string payload_bytes;
  std::string time, actor;
  for (size_t i = 0; i < staged.events.size(); ++i) {
    const EventEnvelope& e = staged.events[i];
    // The events of one append share their time and actor: each is formatted
    // once per run of equal values, not once per event.
    const EventEnvelope* previous = i == 0 ? nullptr : &staged.events[i - 1];
    if (previous == nullptr || previous->occurred_at_ms != e.occurred_at_ms)
      time = format_timestamp_ms(e.occurred_at_ms);
    if (previous == nullptr || !(previous->actor == e.actor)) {
      actor =
          nlohmann::json{{"kind", e.actor.kind}, {"id", e.actor.id}, {"user_id", e.actor.user_id}}
              .dump();
    }
    positions.add(std::to_string(e.position));
    streams.add(e.stream);
    versions.add(std::to_string(e.version));
    types.add(e.type);
    schemas.add(std::to_string(e.schema));
    times.add(time);
    actors.add(actor);
    requests.add(e.request_id);
    prev_hashes.add(e.prev_hash);
    hashes.add(e.hash);
    payload_starts.add(std::to_string(payload_bytes.size() + 1));  // substring() counts from 1
    payload_lengths.add(std::to_string(staged.payloads[i].size()));
    payload_bytes += staged.payloads[i];
  }
  PgParams params;
  for (PgArrayLiteral* ledger_column : {&ids, &firsts, &lasts, &fingerprints, &request_ids})
    params.text(ledger_column->take());
  params.text(node_id_);
  for (PgArrayLiteral* column :
       {&positions, &streams, &versions, &types, &schemas, &times, &actors, &requests, &prev_hashes,
        &hashes, &payload_starts, &payload_lengths})
    params.text(column->take());
  params.bytes(std::move(payload_bytes));
  PgStatement insert{
      "WITH ledger AS (INSERT INTO command_ledger (command_id, first_position, last_position, "
      "fingerprint, request_id, node_id) SELECT l.c, l.f, l.t, l.p, l.r, $6 "
      "FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) "
      "AS l(c, f, t, p, r)) "
      "INSERT INTO events (position, stream, version, type, schema, occurred_at, actor, "
      "request_id, prev_hash, hash, payload) "
      "SELECT e.p, e.s, e.v, e.t, e.sc, e.o, e.a, e.r, e.ph, e.h, "
      "convert_from(substring($19::bytea FROM e.start FOR e.length), 'UTF8') "
      "FROM unnest($7::bigint[], $8::text[], $9::bigint[], $10::text[], $11::integer[], "
      "$12::timestamptz[], $13::jsonb[], $14::text[], $15::text[], $16::text[], $17::integer[], "
      "$18::integer[]) AS e(p, s, v, t, sc, o, a, r, ph, h, start, length)",
      std::move(params), "append_group"};
  if (options_.fail_commit_for_testing && options_.fail_commit_for_testing()) {
    auto inserted = writer_->query_prepared(insert.name, insert.sql, insert.params);
    if (!inserted.ok()) return inserted.error();
    return Error::make(ErrorCode::service_unavailable, "injected commit failure");
  }
  // Literals are safe here: a number, a hex digest and a constant channel name.
  if (!is_hex_digest(staged.last_hash)) {
    return Error::make(ErrorCode::internal_error, "a hash that is not a hex digest");
  }
  // The insert, the head, the notification and the commit go out together and
  // come back together: one round trip. A failing statement stops the rest,
  // and the hold is rolled back.
  std::vector<PgStatement> statements;
  statements.push_back(std::move(insert));
  statements.push_back({fmt::format("UPDATE log_head SET last_position = {}, last_hash = '{}'",
                                    staged.last_position, staged.last_hash)});
  statements.push_back(
      {fmt::format("SELECT pg_notify('{}', '{}')", kChannel, staged.last_position)});
  if (std::string sweep = ledger_sweep_sql(); !sweep.empty()) statements.push_back({sweep});
  const size_t commit_index = statements.size();
  statements.push_back({"COMMIT"});
  size_t failed_at = 0;
  auto committed = writer_->pipeline(statements, &failed_at);
  if (!committed.ok()) {
    // Whether the COMMIT may have run: it was sent, and either the connection
    // went away (its answer lost) or it was the statement that failed.
    *commit_sent = writer_->broken() || failed_at >= commit_index;
    return committed.error();
  }
  *commit_sent = true;
  if (options_.lose_commit_answer_for_testing && options_.lose_commit_answer_for_testing()) {
    writer_.reset();
    writer_pid_ = 0;
    return Error::make(ErrorCode::service_unavailable, "injected loss of the COMMIT's answer");
  }
  head_position_ = staged.last_position;
  head_hash_ = staged.last_hash;
  writable_ = true;
  return ok_status();
}

// Once a second, a bounded delete of the ledger's expired rows.
std::string PgEventLog::ledger_sweep_sql() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_ledger_sweep_) return "";
  next_ledger_sweep_ = now + kLedgerSweepInterval;
  return fmt::format(
      "DELETE FROM command_ledger WHERE ctid IN (SELECT ctid FROM command_ledger "
      "WHERE committed_at < now() - interval '{} milliseconds' LIMIT {})",
      kCommandLedgerRetentionMs, kLedgerSweepRows);
}

Result<bool> PgEventLog::group_landed(const std::string& group_id) {
  auto connection = writer_connection();
  if (!connection.ok()) return connection.error();
  PgConnection& writer = **connection;
  auto locked = writer.exec("BEGIN; SELECT 1 FROM log_head FOR UPDATE");
  Result<PgResult> found = locked.ok()
                               ? writer.query("SELECT 1 FROM command_ledger WHERE command_id = $1",
                                              PgParams().text(group_id))
                               : Result<PgResult>(locked.error());
  if (!found.ok()) {
    abandon_hold(found.error());
    return found.error();
  }
  writer.exec("ROLLBACK").ok();
  return found->rows() > 0;
}

void PgEventLog::record(uint64_t requests, uint64_t accepted, uint64_t events, bool written) {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  stats_.rejected += requests - accepted;
  if (events == 0) return;
  ++stats_.batches;
  stats_.record_group(requests);
  if (options_.durability == Durability::always) ++stats_.syncs;
  if (written) {
    stats_.appends += accepted;
    stats_.events += events;
  } else {
    stats_.failed += accepted;
    ++stats_.write_failures;
  }
}

}  // namespace closient
