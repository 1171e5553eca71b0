// The events_* contract tests run on either backend: RocksDB in a temp
// directory, or (ACCOUNT_TEST_STORE=postgresql://...) PostgreSQL in a database
// of the test's own. TestStore is that place; open() opens the log there.
#pragma once

#include <boost/test/unit_test.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "events/fault_injection.h"
#include "events/pg_event_log.h"
#include "events/rocks_event_log.h"
#include "temp_dir.h"
#include "test_store.h"

namespace closient::testing {

struct TestLogOptions {
  Durability durability = Durability::always;
  // A failing store while it says so. RocksDB: a fault-injecting file system
  // under the database (events/fault_injection.h); PostgreSQL: any fault makes
  // the commit fail.
  std::shared_ptr<FaultSwitch> faults;
  OpenMode mode = OpenMode::read_write;
  const EventCatalog* catalog = nullptr;
};

class TestStore {
 public:
  TestStore() {
    if (testing_on_postgres()) database_.emplace();
  }
  bool postgres() const { return database_.has_value(); }
  // The directory or the URI.
  std::string where() const { return database_ ? database_->uri() : dir_.str(); }
  const TestDatabase& database() const { return *database_; }

  std::unique_ptr<EventStore> open(TestLogOptions options = {}) const {
    Result<std::unique_ptr<EventStore>> log = open_result(options);
    BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
    return std::move(log).value();
  }

  Result<std::unique_ptr<EventStore>> open_result(TestLogOptions options = {}) const {
    if (database_) {
      PgOptions pg;
      pg.mode = options.mode;
      pg.durability = options.durability;
      pg.catalog = options.catalog;
      if (options.faults) {
        pg.fail_commit_for_testing = [faults = options.faults] {
          return faults->get() != Fault::none;
        };
      }
      auto log = PgEventLog::open(database_->uri(), pg);
      if (!log.ok()) return log.error();
      return std::unique_ptr<EventStore>(std::move(log).value());
    }
    LogOptions rocks;
    rocks.mode = options.mode;
    rocks.durability = options.durability;
    rocks.catalog = options.catalog;
    rocks.faults = options.faults;
    auto log = RocksEventLog::open(dir_.str(), rocks);
    if (!log.ok()) return log.error();
    return std::unique_ptr<EventStore>(std::move(log).value());
  }

 private:
  TempDir dir_;
  std::optional<TestDatabase> database_;
};

}  // namespace closient::testing
