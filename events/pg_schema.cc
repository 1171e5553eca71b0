#include "events/pg_schema.h"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace closient {
namespace {

// Taken by pg_advisory_xact_lock while migrating ("accountd" in ASCII).
constexpr int64_t kMigrationLock = 0x6163636f756e7464;

// Migration n takes the schema from version n - 1 to n. Never edit one that
// has shipped: add the next.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> all = {
      // 1: the log, its head, side data, snapshots, nodes.
      R"sql(
CREATE TABLE log_head (
  singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_position bigint  NOT NULL CHECK (last_position >= 0),
  last_hash     text    NOT NULL
);
INSERT INTO log_head (last_position, last_hash) VALUES (0, repeat('0', 64));

CREATE TABLE events (
  position    bigint      PRIMARY KEY CHECK (position > 0),
  stream      text        NOT NULL,
  version     bigint      NOT NULL CHECK (version > 0),
  type        text        NOT NULL,
  schema      integer     NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor       jsonb       NOT NULL,
  request_id  text        NOT NULL,
  prev_hash   text        NOT NULL,
  hash        text        NOT NULL,
  payload     text        NOT NULL,
  UNIQUE (stream, version)
);

CREATE FUNCTION account_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only: % on events is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION account_events_are_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION account_events_are_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC;

CREATE TABLE side_data (
  space text  NOT NULL,
  key   bytea NOT NULL,
  value bytea NOT NULL,
  PRIMARY KEY (space, key)
);

CREATE TABLE snapshots (
  position bigint      PRIMARY KEY,
  hash     text        NOT NULL,
  node_id  text        NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT now(),
  bytes    bytea       NOT NULL
);

CREATE TABLE nodes (
  node_id        text        PRIMARY KEY,
  started_at     timestamptz NOT NULL DEFAULT now(),
  last_heartbeat timestamptz NOT NULL DEFAULT now()
);
)sql",
      // 2: the command ledger. One row per committed group (command_id
      // "group/<node>/<n>": whether a COMMIT whose answer was lost landed) and
      // one per command sent with an Idempotency-Key ("key/<slot>": a retry is
      // never carried out twice, whichever node it reaches). Written in the
      // group's transaction; rows older than 24 hours are deleted.
      R"sql(
CREATE TABLE command_ledger (
  command_id     text        NOT NULL,
  first_position bigint      NOT NULL,
  last_position  bigint      NOT NULL,
  fingerprint    text        NOT NULL,
  request_id     text        NOT NULL,
  node_id        text        NOT NULL,
  committed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (command_id, first_position)
);
CREATE INDEX command_ledger_by_time ON command_ledger (committed_at);
)sql",
  };
  return all;
}

Result<int> stored_version(PgConnection& connection) {
  auto exists = connection.exec("SELECT to_regclass('account_schema') IS NOT NULL");
  if (!exists.ok()) return exists.error();
  if (exists->text(0, 0) != "t") return 0;
  auto version = connection.exec("SELECT coalesce(max(version), 0) FROM account_schema");
  if (!version.ok()) return version.error();
  return static_cast<int>(version->u64(0, 0));
}

Status refuse_newer(int stored) {
  return Error::make(ErrorCode::service_unavailable,
                     fmt::format("the PostgreSQL store has schema version {}, newer than this "
                                 "build's {}; run a newer accountd",
                                 stored, pg_schema_version()));
}

Status require_utf8(PgConnection& connection) {
  auto encoding = connection.exec("SHOW server_encoding");
  if (!encoding.ok()) return encoding.error();
  if (encoding->text(0, 0) != "UTF8") {
    return Error::make(ErrorCode::service_unavailable,
                       "the PostgreSQL database's encoding is " + encoding->text(0, 0) +
                           "; the event store needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')");
  }
  return ok_status();
}

Status migrate_in_transaction(PgConnection& connection) {
  auto locked = connection.query("SELECT pg_advisory_xact_lock($1)",
                                 PgParams().text(std::to_string(kMigrationLock)));
  if (!locked.ok()) return locked.error();
  auto created = connection.exec(
      "CREATE TABLE IF NOT EXISTS account_schema ("
      "  version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
  if (!created.ok()) return created.error();
  auto stored = stored_version(connection);
  if (!stored.ok()) return stored.error();
  if (*stored > pg_schema_version()) return refuse_newer(*stored);
  for (int version = *stored + 1; version <= pg_schema_version(); ++version) {
    auto applied = connection.exec(migrations()[static_cast<size_t>(version - 1)]);
    if (!applied.ok()) return applied.error();
    auto recorded = connection.query("INSERT INTO account_schema (version) VALUES ($1)",
                                     PgParams().number(static_cast<uint64_t>(version)));
    if (!recorded.ok()) return recorded.error();
  }
  return ok_status();
}

}  // namespace

int pg_schema_version() {
  return static_cast<int>(migrations().size());
}

Status migrate_pg_schema(PgConnection& connection) {
  Status utf8 = require_utf8(connection);
  if (!utf8.ok()) return utf8;
  auto stored = stored_version(connection);
  if (!stored.ok()) return stored.error();
  if (*stored == pg_schema_version()) return ok_status();  // the usual case: no lock taken
  if (*stored > pg_schema_version()) return refuse_newer(*stored);
  auto begun = connection.exec("BEGIN");
  if (!begun.ok()) return begun.error();
  Status migrated = migrate_in_transaction(connection);
  if (!migrated.ok()) {
    connection.exec("ROLLBACK").ok();
    return migrated;
  }
  auto committed = connection.exec("COMMIT");
  if (!committed.ok()) return committed.error();
  return ok_status();
}

Status check_pg_schema(PgConnection& connection) {
  Status utf8 = require_utf8(connection);
  if (!utf8.ok()) return utf8;
  auto stored = stored_version(connection);
  if (!stored.ok()) return stored.error();
  if (*stored == 0) {
    return Error::make(ErrorCode::not_found, "no event log in the PostgreSQL database");
  }
  if (*stored > pg_schema_version()) return refuse_newer(*stored);
  if (*stored < pg_schema_version()) {
    return Error::make(ErrorCode::service_unavailable,
                       fmt::format("the PostgreSQL store has schema version {}, older than this "
                                   "build's {}; open it read-write once to migrate it",
                                   *stored, pg_schema_version()));
  }
  return ok_status();
}

}  // namespace closient
