// PgEventLog's reads: streams, the filtered log and the chain's verification,
// on the read pool, never on the writer's connection (except the catch-up
// inside a hold, which passes its own).
#include <fmt/format.h>

#include <unordered_map>

#include "events/chain_walk.h"
#include "events/pg_event_log.h"
#include "events/read_rules.h"
#include "events/stored_event.h"

namespace closient {
namespace {

constexpr size_t kScanChunk = 1000;

Error undecodable(uint64_t position) {
  return Error::make(ErrorCode::internal_error,
                     fmt::format("the event at position {} cannot be decoded", position));
}

}  // namespace

// Events with after < position <= through (through 0: no bound), at most
// `limit`, as stored (not upcast).
Result<std::vector<EventEnvelope>> PgEventLog::read_range(PgConnection& connection, uint64_t after,
                                                          uint64_t through, size_t limit) {
  auto rows = connection.query(
      "SELECT position, payload FROM events WHERE position > $1::bigint "
      "AND ($2::bigint = 0 OR position <= $2::bigint) "
      "ORDER BY position LIMIT $3",
      PgParams().number(after).number(through).number(limit));
  if (!rows.ok()) return rows.error();
  std::vector<EventEnvelope> events;
  events.reserve(static_cast<size_t>(rows->rows()));
  for (int row = 0; row < rows->rows(); ++row) {
    auto event = decode_stored_event(rows->view(row, 1));
    if (!event || event->position != rows->u64(row, 0)) return undecodable(rows->u64(row, 0));
    events.push_back(std::move(*event));
  }
  return events;
}

Result<std::vector<EventEnvelope>> PgEventLog::read_stream(const std::string& stream,
                                                           uint64_t from_version) {
  auto connection = readers_.take();
  if (!connection.ok()) return connection.error();
  auto rows = (*connection)
                  ->query(
                      "SELECT position, payload FROM events WHERE stream = $1 AND version >= $2 "
                      "ORDER BY version",
                      PgParams().text(stream).number(std::max<uint64_t>(from_version, 1)));
  if (!rows.ok()) return rows.error();
  std::vector<EventEnvelope> events;
  events.reserve(static_cast<size_t>(rows->rows()));
  for (int row = 0; row < rows->rows(); ++row) {
    auto event = decode_stored_event(rows->view(row, 1));
    if (!event) return undecodable(rows->u64(row, 0));
    Result<EventEnvelope> current = upcast_event(options_.catalog, std::move(*event));
    if (!current.ok()) return current.error();
    events.push_back(std::move(current).value());
  }
  return events;
}

Result<uint64_t> PgEventLog::stream_version(const std::string& stream) {
  auto connection = readers_.take();
  if (!connection.ok()) return connection.error();
  auto row = (*connection)
                 ->query("SELECT coalesce(max(version), 0) FROM events WHERE stream = $1",
                         PgParams().text(stream));
  if (!row.ok()) return row.error();
  return row->u64(0, 0);
}

Status PgEventLog::scan(const ReadFilter& filter,
                        const std::function<bool(EventEnvelope&)>& visit) {
  if (filter.after_position == UINT64_MAX) return ok_status();
  // Types and the stream prefix narrow the query; every condition is checked
  // again on the decoded event. No connection is held while visiting.
  std::string sql = "SELECT position, payload FROM events WHERE position > $1";
  PgParams base;
  if (!filter.types.empty()) sql += " AND type = ANY($2::text[])";
  if (!filter.stream_prefix.empty())
    sql += fmt::format(" AND starts_with(stream, ${})", filter.types.empty() ? 2 : 3);
  sql += " ORDER BY position LIMIT " + std::to_string(kScanChunk);
  uint64_t after = filter.after_position;
  size_t visited = 0;
  for (;;) {
    PgParams params;
    params.number(after);
    if (!filter.types.empty()) params.text_array(filter.types);
    if (!filter.stream_prefix.empty()) params.text(filter.stream_prefix);
    std::vector<EventEnvelope> chunk;
    {
      auto connection = readers_.take();
      if (!connection.ok()) return connection.error();
      auto rows = (*connection)->query(sql, params);
      if (!rows.ok()) return rows.error();
      for (int row = 0; row < rows->rows(); ++row) {
        auto event = decode_stored_event(rows->view(row, 1));
        if (!event) return undecodable(rows->u64(row, 0));
        chunk.push_back(std::move(*event));
      }
    }
    for (EventEnvelope& event : chunk) {
      after = event.position;
      if (!event_matches(filter, event)) continue;
      Result<EventEnvelope> current = upcast_event(options_.catalog, std::move(event));
      if (!current.ok()) return current.error();
      if (!visit(current.value())) return ok_status();
      if (filter.limit != 0 && ++visited >= filter.limit) return ok_status();
    }
    if (chunk.size() < kScanChunk) return ok_status();
  }
}

namespace {

// The columns beside the payload must say what the payload says.
std::string columns_disagree(const PgResult& rows, int row, const EventEnvelope& e) {
  if (rows.view(row, 2) != e.stream) return "the stream column differs from the payload";
  if (rows.u64(row, 3) != e.version) return "the version column differs from the payload";
  if (rows.view(row, 4) != e.type) return "the type column differs from the payload";
  if (rows.view(row, 5) != e.prev_hash) return "the prev_hash column differs from the payload";
  if (rows.view(row, 6) != e.hash) return "the hash column differs from the payload";
  return "";
}

}  // namespace

ChainReport PgEventLog::verify_chain() {
  ChainWalk walk;
  auto connection = readers_.take();
  if (!connection.ok()) return walk.broken(connection.error().detail);
  PgConnection& reader = **connection;
  // One snapshot for the whole walk, so it can run while others append.
  auto begun = reader.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!begun.ok()) return walk.broken(begun.error().detail);
  struct Rollback {
    PgConnection& c;
    ~Rollback() { c.exec("ROLLBACK").ok(); }
  } rollback{reader};

  for (;;) {
    auto rows = reader.query(
        "SELECT position, payload, stream, version, type, prev_hash, hash FROM events "
        "WHERE position >= $1 ORDER BY position LIMIT $2",
        PgParams().number(walk.last_position() + 1).number(kScanChunk));
    if (!rows.ok()) return walk.broken(rows.error().detail);
    for (int row = 0; row < rows->rows(); ++row) {
      if (auto problem = walk.check(rows->u64(row, 0), rows->view(row, 1))) {
        return walk.broken(*problem);
      }
      std::string disagreement = columns_disagree(*rows, row, walk.current());
      if (!disagreement.empty()) return walk.broken(disagreement);
      walk.advance();
    }
    if (static_cast<size_t>(rows->rows()) < kScanChunk) break;
  }

  const uint64_t last = walk.last_position();
  auto head = reader.exec("SELECT last_position, last_hash FROM log_head");
  if (!head.ok()) return walk.broken_at(last + 1, head.error().detail);
  if (head->rows() != 1) return walk.broken_at(last + 1, "log_head must hold exactly one row");
  if (head->u64(0, 0) != last) {
    return walk.broken_at(std::min(head->u64(0, 0), last) + 1,
                          fmt::format("log_head records last position {}, but the log ends at {}",
                                      head->u64(0, 0), last));
  }
  if (head->text(0, 1) != walk.last_hash()) {
    return walk.broken_at(last, "log_head's last hash differs from the last event's hash");
  }
  return walk.intact();
}

}  // namespace closient
