// The PostgreSQL store's tables, created and migrated by the service itself.
// Migrations are numbered; each opening writer applies those the database
// lacks, all in one transaction under an advisory lock (two nodes starting at
// once do it once), and refuses a database whose schema is newer than this
// build. Layout and roles: events/FORMAT.md, "The PostgreSQL store".
#pragma once

#include "events/pg_connection.h"
#include "events/result.h"

namespace closient {

// The schema version this build writes and reads.
int pg_schema_version();

// Brings the database up to pg_schema_version() (creating every table on an
// empty database). Refuses a newer schema and a database that is not UTF-8.
Status migrate_pg_schema(PgConnection& connection);

// For readers that must not change anything: not_found when the database
// holds no event store; an error when its schema is not this build's.
Status check_pg_schema(PgConnection& connection);

}  // namespace closient
