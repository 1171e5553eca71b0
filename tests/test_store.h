// Which event store tests run on. ctest runs some tests twice: as they are
// (RocksDB in a temp directory), and with ACCOUNT_TEST_STORE set to the URI of
// a throwaway PostgreSQL cluster (tools/pg-cluster, started by the pg_cluster
// fixture), where each test gets a database of its own, so tests in parallel
// never share one. Shared by every kind of test.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "events/pg_connection.h"

namespace closient::testing {

// The cluster's URI when the tests run on PostgreSQL, else "".
inline std::string test_cluster_uri() {
  const char* store = std::getenv("ACCOUNT_TEST_STORE");
  std::string uri = store ? store : "";
  return uri.rfind("postgres", 0) == 0 ? uri : "";
}

inline bool testing_on_postgres() {
  return !test_cluster_uri().empty();
}

// `uri` naming database `name` instead: scheme://authority/NAME?query.
inline std::string with_database(const std::string& uri, const std::string& name) {
  const size_t authority = uri.find("://");
  const size_t slash = uri.find('/', authority + 3);
  const size_t query = uri.find('?', authority + 3);
  if (slash == std::string::npos || (query != std::string::npos && slash > query)) {
    return query == std::string::npos ? uri + "/" + name
                                      : uri.substr(0, query) + "/" + name + uri.substr(query);
  }
  return uri.substr(0, slash + 1) + name +
         (query == std::string::npos ? std::string() : uri.substr(query));
}

// A database of its own in the test cluster, dropped (connections and all)
// when destroyed.
class TestDatabase {
 public:
  explicit TestDatabase(std::string cluster = test_cluster_uri()) : cluster_(std::move(cluster)) {
    if (cluster_.empty()) {
      throw std::runtime_error(
          "ACCOUNT_TEST_STORE names no PostgreSQL cluster: run this test through ctest, "
          "which starts one (tools/pg-cluster)");
    }
    static std::atomic<int> counter{0};
    name_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
    auto admin = admin_connection();
    auto created = admin->exec("CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0");
    if (!created.ok()) throw std::runtime_error(created.error().detail);
    uri_ = with_database(cluster_, name_);
  }
  ~TestDatabase() {
    try {
      admin_connection()->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").ok();
    } catch (...) {
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& uri() const { return uri_; }
  const std::string& name() const { return name_; }

  // A connection to this database as the cluster's superuser (for tampering,
  // killing sessions, looking at rows).
  std::unique_ptr<PgConnection> connect() const {
    auto connection = PgConnection::connect(uri_, "test");
    if (!connection.ok()) throw std::runtime_error(connection.error().detail);
    return std::move(connection).value();
  }

 private:
  std::unique_ptr<PgConnection> admin_connection() const {
    auto connection = PgConnection::connect(cluster_, "test admin");
    if (!connection.ok()) throw std::runtime_error(connection.error().detail);
    return std::move(connection).value();
  }

  std::string cluster_;
  std::string name_;
  std::string uri_;
};

}  // namespace closient::testing
