#include "events/event_store.h"

#include "events/pg_event_log.h"
#include "events/rocks_event_log.h"

namespace closient {

bool is_postgres_uri(const std::string& where) {
  return where.rfind("postgresql://", 0) == 0 || where.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<EventStore>> open_event_store(const std::string& where,
                                                     StoreOptions options) {
  if (is_postgres_uri(where)) {
    PgOptions pg;
    pg.mode = options.mode;
    pg.durability = options.durability;
    pg.catalog = options.catalog;
    pg.follow = options.follow;
    auto log = PgEventLog::open(where, std::move(pg));
    if (!log.ok()) return log.error();
    return std::unique_ptr<EventStore>(std::move(log).value());
  }
  LogOptions rocks;
  rocks.mode = options.mode;
  rocks.durability = options.durability;
  rocks.catalog = options.catalog;
  rocks.faults = std::move(options.faults);
  rocks.note = std::move(options.note);
  auto log = RocksEventLog::open(where, std::move(rocks));
  if (!log.ok()) return log.error();
  return std::unique_ptr<EventStore>(std::move(log).value());
}

}  // namespace closient
