// A thin, owning wrapper of libpq (PostgreSQL's own C client): one connection,
// results that free themselves, parameters passed out of band (never spliced
// into SQL), and errors as values. Nothing here knows about events.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

struct pg_conn;
struct pg_result;

namespace closient {

// One row set. Text format: every value is its text; bytea columns come as
// "\x<hex>" (bytes() decodes them).
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result);
  int rows() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::string_view view(int row, int column) const;
  uint64_t u64(int row, int column) const;  // 0 when not a number
  std::string bytes(int row, int column) const;

 private:
  std::shared_ptr<pg_result> result_;
};

// A text[] literal ({"a","b"}) built item by item, each quoted and escaped:
// a column of many rows goes into one parameter without a copy per item.
class PgArrayLiteral {
 public:
  PgArrayLiteral& add(std::string_view item);
  std::string take();  // the literal; the builder is spent

 private:
  std::string literal_ = "{";
};

// Positional parameters ($1, $2, ...): text, or raw bytes for bytea.
class PgParams {
 public:
  PgParams& text(std::string value);
  PgParams& number(uint64_t value) { return text(std::to_string(value)); }
  PgParams& bytes(std::string value);
  // A text[] literal of `items` ({"a","b"}), quoted and escaped.
  PgParams& text_array(const std::vector<std::string>& items);
  size_t size() const { return values_.size(); }

 private:
  friend class PgConnection;
  std::vector<std::string> values_;
  std::vector<int> binary_;
};

// One statement of a pipeline: plain, or prepared once per connection under
// `name` (a name always comes with the same text).
struct PgStatement {
  std::string sql;
  PgParams params;
  std::string name;
};

class PgConnection {
 public:
  // `uri`: postgresql://... or postgres://... (libpq's connection URI). The
  // session's client encoding is UTF-8; a connect gives up after 5 s unless
  // the URI says otherwise. Unreachable: service_unavailable.
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& uri,
                                                       const std::string& application);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // One or more statements without parameters (BEGIN, SET, DDL).
  Result<PgResult> exec(const std::string& sql);
  // One statement with parameters.
  Result<PgResult> query(const std::string& sql, const PgParams& params = {});
  // The same, parsed and planned once per connection and kept under `name`
  // (a name always comes with the same text): for the statements a writer
  // runs in every group, whose parsing and planning would otherwise cost the
  // server more than running them.
  Result<PgResult> query_prepared(const std::string& name, const std::string& sql,
                                  const PgParams& params = {});

  // Statements sent at once and answered at once (libpq's pipeline mode): one
  // round trip for all. They run in order and the first that fails stops the
  // rest; `failed_at` says which it was (statements.size() when none did).
  // Answers every statement's rows.
  Result<std::vector<PgResult>> pipeline(const std::vector<PgStatement>& statements,
                                         size_t* failed_at);
  // The connection was lost: every later call fails; make a new one.
  bool broken() const;
  // Connected and outside any transaction.
  bool idle() const;
  int backend_pid() const;
  int socket() const;
  // Reads what the server sent without blocking and answers the channels of
  // notifications received (LISTEN); false when the connection is lost.
  bool consume_notifications(std::vector<std::string>* channels);

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  Result<PgResult> finish(pg_result* result, const std::string& sql);
  pg_conn* conn_;
  std::set<std::string> prepared_;
  bool unusable_ = false;  // a pipeline broke off half-way
};

// A few connections for reads, taken one at a time by whoever reads (HTTP
// threads, snapshotter, tools) and given back; a broken one is dropped and
// replaced by a fresh connect on the next take.
class PgConnectionPool {
 public:
  PgConnectionPool(std::string uri, std::string application, size_t max_connections);
  ~PgConnectionPool();

  class Lease {
   public:
    Lease(PgConnectionPool* pool, std::unique_ptr<PgConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) = default;
    ~Lease();
    PgConnection* operator->() { return connection_.get(); }
    PgConnection& operator*() { return *connection_; }

   private:
    PgConnectionPool* pool_;
    std::unique_ptr<PgConnection> connection_;
  };

  Result<Lease> take();

 private:
  void give_back(std::unique_ptr<PgConnection> connection);

  const std::string uri_;
  const std::string application_;
  const size_t max_connections_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  size_t out_ = 0;
};

// "database D on H" from a URI, without user or password.
std::string describe_postgres_uri(const std::string& uri);

}  // namespace closient
