// PgEventLog's side data: the side_data table, one row per (space, key), keys
// and values as bytes (bytea orders bytewise, as RocksDB does). Writes commit
// without waiting for the WAL flush, as RocksDB's side writes are not synced.
#include <fmt/format.h>

#include <map>

#include "events/pg_event_log.h"

namespace closient {
namespace {

constexpr size_t kScanChunk = 500;
constexpr size_t kRowsPerWrite = 1000;

bool is_side_space(const std::string& space) {
  return space == "key_usage" || space == "idempotency";
}

Error no_such_space(const std::string& space) {
  return Error::make(ErrorCode::internal_error, fmt::format("no side space named {}", space));
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::optional<std::string> PgEventLog::side_get(const std::string& space, const std::string& key) {
  if (!is_side_space(space)) return std::nullopt;
  auto connection = readers_.take();
  if (!connection.ok()) return std::nullopt;
  auto row = (*connection)
                 ->query("SELECT value FROM side_data WHERE space = $1 AND key = $2",
                         PgParams().text(space).bytes(key));
  if (!row.ok() || row->rows() == 0) return std::nullopt;
  return row->bytes(0, 0);
}

Status PgEventLog::side_put(const std::string& space,
                            const std::vector<std::pair<std::string, std::string>>& entries) {
  if (options_.mode != OpenMode::read_write) {
    return Error::make(ErrorCode::service_unavailable, "the event log is open read-only");
  }
  if (!is_side_space(space)) return no_such_space(space);
  if (entries.empty()) return ok_status();
  // A key written twice in one call keeps its last value, as in a WriteBatch
  // (and ON CONFLICT may not touch one row twice in one statement).
  std::map<std::string, const std::string*> latest;
  for (const auto& [key, value] : entries) latest[key] = &value;
  auto connection = readers_.take();
  if (!connection.ok()) return connection.error();
  auto begun = (*connection)->exec("BEGIN; SET LOCAL synchronous_commit = off");
  if (!begun.ok()) return begun.error();
  auto it = latest.begin();
  while (it != latest.end()) {
    std::string sql = "INSERT INTO side_data (space, key, value) VALUES ";
    PgParams params;
    params.text(space);
    for (size_t rows = 0; it != latest.end() && rows < kRowsPerWrite; ++it, ++rows) {
      sql += fmt::format("{}($1, ${}, ${})", rows == 0 ? "" : ",", params.size() + 1,
                         params.size() + 2);
      params.bytes(it->first).bytes(*it->second);
    }
    sql += " ON CONFLICT (space, key) DO UPDATE SET value = excluded.value";
    auto put = (*connection)->query(sql, params);
    if (!put.ok()) {
      (*connection)->exec("ROLLBACK").ok();
      return put.error();
    }
  }
  auto committed = (*connection)->exec("COMMIT");
  if (!committed.ok()) return committed.error();
  return ok_status();
}

Status PgEventLog::side_scan(const std::string& space, const std::string& prefix,
                             const std::string& start, const KeyValueVisitor& visit) {
  if (!is_side_space(space)) return no_such_space(space);
  std::string from = std::max(prefix, start);
  bool inclusive = true;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> chunk;
    {
      auto connection = readers_.take();
      if (!connection.ok()) return connection.error();
      auto rows =
          (*connection)
              ->query(inclusive ? "SELECT key, value FROM side_data WHERE space = $1 AND key >= $2 "
                                  "ORDER BY key LIMIT $3"
                                : "SELECT key, value FROM side_data WHERE space = $1 AND key > $2 "
                                  "ORDER BY key LIMIT $3",
                      PgParams().text(space).bytes(from).number(kScanChunk));
      if (!rows.ok()) return rows.error();
      for (int row = 0; row < rows->rows(); ++row)
        chunk.emplace_back(rows->bytes(row, 0), rows->bytes(row, 1));
    }
    for (const auto& [key, value] : chunk) {
      if (!starts_with(key, prefix)) return ok_status();
      if (!visit(key, value)) return ok_status();
    }
    if (chunk.size() < kScanChunk) return ok_status();
    from = chunk.back().first;
    inclusive = false;
  }
}

Status PgEventLog::side_erase(const std::string& space, const std::vector<std::string>& keys) {
  if (options_.mode != OpenMode::read_write) {
    return Error::make(ErrorCode::service_unavailable, "the event log is open read-only");
  }
  if (!is_side_space(space)) return no_such_space(space);
  if (keys.empty()) return ok_status();
  auto connection = readers_.take();
  if (!connection.ok()) return connection.error();
  auto begun = (*connection)->exec("BEGIN; SET LOCAL synchronous_commit = off");
  if (!begun.ok()) return begun.error();
  for (const std::string& key : keys) {
    auto erased = (*connection)
                      ->query("DELETE FROM side_data WHERE space = $1 AND key = $2",
                              PgParams().text(space).bytes(key));
    if (!erased.ok()) {
      (*connection)->exec("ROLLBACK").ok();
      return erased.error();
    }
  }
  auto committed = (*connection)->exec("COMMIT");
  if (!committed.ok()) return committed.error();
  return ok_status();
}

}  // namespace closient
