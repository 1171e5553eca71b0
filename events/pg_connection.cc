#include "events/pg_connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <optional>

namespace closient {
namespace {

// Whether a failed statement is worth retrying later: the server or the
// connection went away, a lock or transaction timed out, a serialization or
// deadlock victim. Everything else is a bug or a broken store.
bool transient(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P0", 0) == 0 || sqlstate == "55P03" ||
         sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "25P03" || sqlstate == "57014" ||
         sqlstate == "53300";
}

std::string first_line(const char* message) {
  // libpq's messages span lines (with tabs): one line, single spaces.
  std::string text;
  for (const char* c = message ? message : ""; *c != '\0'; ++c) {
    const bool space = *c == '\n' || *c == '\t' || *c == ' ';
    if (!space) {
      text += *c;
    } else if (!text.empty() && text.back() != ' ') {
      text += ' ';
    }
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

PgResult::PgResult(pg_result* result) : result_(result, PQclear) {}

int PgResult::rows() const {
  return result_ ? PQntuples(result_.get()) : 0;
}

bool PgResult::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgResult::view(int row, int column) const {
  return std::string_view(PQgetvalue(result_.get(), row, column),
                          static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

std::string PgResult::text(int row, int column) const {
  return std::string(view(row, column));
}

uint64_t PgResult::u64(int row, int column) const {
  const std::string value = text(row, column);
  char* end = nullptr;
  const unsigned long long number = std::strtoull(value.c_str(), &end, 10);
  return value.empty() || *end != '\0' ? 0 : number;
}

std::string PgResult::bytes(int row, int column) const {
  std::string_view hex = view(row, column);
  if (hex.substr(0, 2) != "\\x") return std::string(hex);
  std::string out;
  out.reserve((hex.size() - 2) / 2);
  for (size_t i = 2; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(hex_value(hex[i]) * 16 + hex_value(hex[i + 1])));
  }
  return out;
}

PgParams& PgParams::text(std::string value) {
  values_.push_back(std::move(value));
  binary_.push_back(0);
  return *this;
}

PgParams& PgParams::bytes(std::string value) {
  values_.push_back(std::move(value));
  binary_.push_back(1);
  return *this;
}

PgArrayLiteral& PgArrayLiteral::add(std::string_view item) {
  if (literal_.size() > 1) literal_ += ',';
  literal_ += '"';
  for (char c : item) {
    if (c == '"' || c == '\\') literal_ += '\\';
    literal_ += c;
  }
  literal_ += '"';
  return *this;
}

std::string PgArrayLiteral::take() {
  literal_ += '}';
  return std::move(literal_);
}

PgParams& PgParams::text_array(const std::vector<std::string>& items) {
  PgArrayLiteral literal;
  for (const std::string& item : items) literal.add(item);
  return text(literal.take());
}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& uri,
                                                            const std::string& application) {
  // Defaults first: what the URI names overrides them; the encoding is ours.
  const char* keywords[] = {
      "connect_timeout",  "application_name", "keepalives_idle", "keepalives_interval",
      "keepalives_count", "dbname",           "client_encoding", nullptr};
  const char* values[] = {"5", application.c_str(), "10", "5", "3", uri.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return Error::make(ErrorCode::service_unavailable, "cannot allocate a PostgreSQL connection");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = first_line(PQerrorMessage(conn));
    PQfinish(conn);
    return Error::make(
        ErrorCode::service_unavailable,
        "cannot connect to PostgreSQL (" + describe_postgres_uri(uri) + "): " + message);
  }
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() {
  PQfinish(conn_);
}

bool PgConnection::broken() const {
  return unusable_ || PQstatus(conn_) != CONNECTION_OK;
}

bool PgConnection::idle() const {
  return !broken() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

int PgConnection::backend_pid() const {
  return PQbackendPID(conn_);
}

int PgConnection::socket() const {
  return PQsocket(conn_);
}

Result<PgResult> PgConnection::exec(const std::string& sql) {
  return finish(PQexec(conn_, sql.c_str()), sql);
}

namespace {

struct ParamPointers {
  explicit ParamPointers(const std::vector<std::string>& params) {
    values.reserve(params.size());
    lengths.reserve(params.size());
    for (const std::string& value : params) {
      values.push_back(value.data());
      lengths.push_back(static_cast<int>(value.size()));
    }
  }
  int count() const { return static_cast<int>(values.size()); }
  std::vector<const char*> values;
  std::vector<int> lengths;
};

}  // namespace

Result<PgResult> PgConnection::query(const std::string& sql, const PgParams& params) {
  const ParamPointers p(params.values_);
  return finish(PQexecParams(conn_, sql.c_str(), p.count(), nullptr, p.values.data(),
                             p.lengths.data(), params.binary_.data(), /*resultFormat=*/0),
                sql);
}

Result<PgResult> PgConnection::query_prepared(const std::string& name, const std::string& sql,
                                              const PgParams& params) {
  if (prepared_.count(name) == 0) {
    // Types are inferred from the text; the casts in it name them.
    auto made = finish(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), sql);
    if (!made.ok()) return made.error();
    prepared_.insert(name);
  }
  const ParamPointers p(params.values_);
  return finish(PQexecPrepared(conn_, name.c_str(), p.count(), p.values.data(), p.lengths.data(),
                               params.binary_.data(), /*resultFormat=*/0),
                sql);
}

Result<std::vector<PgResult>> PgConnection::pipeline(const std::vector<PgStatement>& statements,
                                                     size_t* failed_at) {
  *failed_at = 0;
  if (broken() || PQenterPipelineMode(conn_) != 1) return finish(nullptr, "pipeline").error();
  // What went out, in order: each statement, after its PREPARE when it needs one.
  struct Sent {
    size_t statement;
    bool prepare;
  };
  std::vector<Sent> sent;
  std::set<std::string> preparing;  // once per name, however often it comes
  bool sending = true;
  for (size_t i = 0; i < statements.size() && sending; ++i) {
    const PgStatement& s = statements[i];
    const ParamPointers p(s.params.values_);
    if (!s.name.empty() && prepared_.count(s.name) == 0 && preparing.insert(s.name).second) {
      sending = PQsendPrepare(conn_, s.name.c_str(), s.sql.c_str(), 0, nullptr) == 1;
      if (sending) sent.push_back({i, true});
    }
    if (!sending) break;
    sending = s.name.empty()
                  ? PQsendQueryParams(conn_, s.sql.c_str(), p.count(), nullptr, p.values.data(),
                                      p.lengths.data(), s.params.binary_.data(), 0) == 1
                  : PQsendQueryPrepared(conn_, s.name.c_str(), p.count(), p.values.data(),
                                        p.lengths.data(), s.params.binary_.data(), 0) == 1;
    if (sending) sent.push_back({i, false});
  }
  if (sending) sending = PQpipelineSync(conn_) == 1;
  if (!sending) {
    // Half a pipeline cannot be taken back: this connection is done.
    unusable_ = true;
    *failed_at = sent.empty() ? 0 : sent.back().statement;
    return Error::make(ErrorCode::service_unavailable,
                       "PostgreSQL pipeline: " + first_line(PQerrorMessage(conn_)));
  }
  std::vector<PgResult> results(statements.size());
  std::optional<Error> failure;
  *failed_at = statements.size();
  for (const Sent& item : sent) {
    pg_result* raw = PQgetResult(conn_);
    if (raw == nullptr) {  // the connection went away
      unusable_ = true;
      if (!failure) *failed_at = item.statement;
      return finish(nullptr, statements[item.statement].sql).error();
    }
    const bool skipped = PQresultStatus(raw) == PGRES_PIPELINE_ABORTED;
    Result<PgResult> answered = finish(raw, statements[item.statement].sql);
    while (pg_result* rest = PQgetResult(conn_)) PQclear(rest);  // the statement's end
    if (!answered.ok()) {
      if (!failure && !skipped) {
        failure = answered.error();
        *failed_at = item.statement;
      }
    } else if (item.prepare) {
      prepared_.insert(statements[item.statement].name);
    } else {
      results[item.statement] = std::move(answered).value();
    }
  }
  pg_result* sync = PQgetResult(conn_);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  if (sync != nullptr) PQclear(sync);
  if (!synced || PQexitPipelineMode(conn_) != 1) {
    unusable_ = true;
    if (!failure) {
      failure = Error::make(ErrorCode::service_unavailable,
                            "PostgreSQL pipeline: " + first_line(PQerrorMessage(conn_)));
    }
  }
  if (failure) return *failure;
  return results;
}

Result<PgResult> PgConnection::finish(pg_result* raw, const std::string& sql) {
  PgResult result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string message = first_line(raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_));
  if (message.empty()) message = first_line(PQerrorMessage(conn_));
  const std::string statement = sql.substr(0, sql.find_first_of(" \n"));
  ErrorCode code = ErrorCode::internal_error;
  if (broken() || transient(sqlstate)) {
    code = ErrorCode::service_unavailable;
  } else if (sqlstate == "23505") {
    code = ErrorCode::conflict;
  }
  return Error::make(code, "PostgreSQL " + statement + ": " + message);
}

bool PgConnection::consume_notifications(std::vector<std::string>* channels) {
  if (PQconsumeInput(conn_) == 0) return false;
  while (PGnotify* notify = PQnotifies(conn_)) {
    if (channels) channels->push_back(notify->relname);
    PQfreemem(notify);
  }
  return !broken();
}

std::string describe_postgres_uri(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    if (error) PQfreemem(error);
    return "an invalid PostgreSQL URI";
  }
  std::string host, port, dbname;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string keyword = o->keyword;
    if (keyword == "host") host = o->val;
    if (keyword == "port") port = o->val;
    if (keyword == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);
  std::string text = "database " + (dbname.empty() ? std::string("(default)") : dbname);
  text += " on " + (host.empty() ? std::string("the default socket") : host);
  if (!port.empty()) text += ":" + port;
  return text;
}

PgConnectionPool::PgConnectionPool(std::string uri, std::string application, size_t max_connections)
    : uri_(std::move(uri)),
      application_(std::move(application)),
      max_connections_(max_connections) {}

PgConnectionPool::~PgConnectionPool() = default;

PgConnectionPool::Lease::~Lease() {
  if (pool_ && connection_) pool_->give_back(std::move(connection_));
}

Result<PgConnectionPool::Lease> PgConnectionPool::take() {
  std::unique_lock<std::mutex> lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || out_ < max_connections_; });
  if (!idle_.empty()) {
    std::unique_ptr<PgConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    ++out_;
    return Lease(this, std::move(connection));
  }
  ++out_;
  lock.unlock();
  auto connection = PgConnection::connect(uri_, application_);
  if (!connection.ok()) {
    lock.lock();
    --out_;
    returned_.notify_one();
    return connection.error();
  }
  return Lease(this, std::move(connection).value());
}

void PgConnectionPool::give_back(std::unique_ptr<PgConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  --out_;
  if (connection->idle()) idle_.push_back(std::move(connection));
  returned_.notify_one();
}

}  // namespace closient
