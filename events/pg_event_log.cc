#include "events/pg_event_log.h"

#include <fmt/format.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <system_error>

#include "events/pg_schema.h"

namespace closient {
namespace {

// host:pid:start time, unique enough among the nodes of one store.
std::string make_node_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  const auto started = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return fmt::format("{}:{}:{:x}", host, ::getpid(), started);
}

}  // namespace

PgEventLog::PgEventLog(std::string uri, PgOptions options)
    : uri_(std::move(uri)),
      options_(std::move(options)),
      node_id_(make_node_id()),
      readers_(uri_, "accountd reader", std::max<size_t>(options_.read_connections, 1)),
      snapshots_(readers_, node_id_, options_.mode),
      hold_(write_mutex_, std::defer_lock) {}

Result<std::unique_ptr<PgEventLog>> PgEventLog::open(const std::string& uri, PgOptions options) {
  std::unique_ptr<PgEventLog> log(new PgEventLog(uri, std::move(options)));
  uint64_t head = 0;
  std::string hash;
  {
    auto connection = log->readers_.take();
    if (!connection.ok()) return connection.error();
    Status schema = log->options_.mode == OpenMode::read_write ? migrate_pg_schema(**connection)
                                                               : check_pg_schema(**connection);
    if (!schema.ok()) {
      Error error = schema.error();
      error.detail += " (" + describe_postgres_uri(uri) + ")";
      return error;
    }
    auto row = (*connection)->exec("SELECT last_position, last_hash FROM log_head");
    if (!row.ok()) return row.error();
    if (row->rows() != 1) {
      return Error::make(ErrorCode::internal_error, "log_head must hold exactly one row");
    }
    head = row->u64(0, 0);
    hash = row->text(0, 1);
  }
  log->delivery_ = std::make_unique<CommitDelivery>(head, hash, log->options_.catalog);
  if (log->options_.follow) {
    log->stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (log->stop_fd_ < 0) {
      return Error::make(ErrorCode::service_unavailable, "cannot create the tail's eventfd");
    }
    try {
      log->tail_ = std::thread([raw = log.get()] { raw->run_tail(); });
    } catch (const std::system_error& e) {
      return Error::make(ErrorCode::service_unavailable,
                         fmt::format("cannot start the log tail: {}", e.what()));
    }
  }
  return log;
}

PgEventLog::~PgEventLog() {
  stopping_ = true;
  if (stop_fd_ >= 0) {
    const uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof(one)) < 0) {
      // The tail also wakes at its next poll interval.
    }
  }
  if (tail_.joinable()) tail_.join();
  if (stop_fd_ >= 0) ::close(stop_fd_);
  if (hold_.owns_lock()) {
    if (writer_) writer_->exec("ROLLBACK").ok();
    hold_.unlock();
  }
}

void PgEventLog::set_commit_observer(CommitObserver observer) {
  delivery_->set_observer(std::move(observer));
}

std::string PgEventLog::describe() const {
  return "PostgreSQL " + describe_postgres_uri(uri_);
}

AppendStats PgEventLog::stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

bool PgEventLog::writable() {
  return options_.mode == OpenMode::read_write && writable_.load();
}

int PgEventLog::writer_backend_pid() {
  return writer_pid_.load();
}

uint64_t PgEventLog::last_position() {
  auto connection = readers_.take();
  if (connection.ok()) {
    auto row = (*connection)->exec("SELECT last_position FROM log_head");
    if (row.ok() && row->rows() == 1) return row->u64(0, 0);
  }
  return delivery_->delivered();
}

uint64_t PgEventLog::wait_for_append(uint64_t after_position, std::chrono::milliseconds timeout) {
  if (options_.follow && delivery_->has_observer()) {
    return delivery_->wait_past(after_position, timeout);
  }
  // No tail to wake us: look at the head now and then.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const uint64_t last = last_position();
    if (last > after_position || std::chrono::steady_clock::now() >= deadline) return last;
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        options_.poll_interval, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())));
  }
}

size_t PgEventLog::live_nodes() {
  auto connection = readers_.take();
  if (!connection.ok()) return 0;
  auto count =
      (*connection)
          ->query("SELECT count(*) FROM nodes WHERE last_heartbeat > now() - $1::interval",
                  PgParams().text(fmt::format("{} milliseconds", options_.node_timeout.count())));
  if (!count.ok()) return 0;
  return static_cast<size_t>(count->u64(0, 0));
}

}  // namespace closient
