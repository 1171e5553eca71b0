// PgEventLog's tail: a thread that LISTENs for the writers' NOTIFY, and polls
// anyway (a notification can be lost with a connection), for events past what
// the observer has; and the heartbeat that tells other nodes this one lives.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "events/pg_event_log.h"

namespace closient {
namespace {

constexpr size_t kTailChunk = 2000;

}  // namespace

void PgEventLog::run_tail() {
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<PgConnection> connection;
  Clock::time_point next_beat{};
  Clock::time_point next_connect{};
  const bool beats = options_.mode == OpenMode::read_write;
  while (!stopping_) {
    if (!connection || connection->broken()) {
      connection.reset();
      if (Clock::now() >= next_connect) {
        auto made = PgConnection::connect(uri_, "accountd tail");
        if (made.ok() && (*made)->exec("LISTEN account_log").ok()) {
          connection = std::move(made).value();
          next_beat = Clock::now();
        } else {
          next_connect = Clock::now() + options_.poll_interval * 5;
        }
      }
    }
    if (connection) {
      if (beats && Clock::now() >= next_beat) {
        heartbeat(*connection);
        next_beat = Clock::now() + options_.heartbeat_interval;
      }
      if (delivery_->has_observer()) {
        Status caught_up = tail_once(*connection);
        if (!caught_up.ok()) {
          std::lock_guard<std::mutex> lock(tail_problem_mutex_);
          if (caught_up.error().detail != last_tail_problem_) {
            last_tail_problem_ = caught_up.error().detail;
            std::fprintf(stderr, "%s\n",
                         nlohmann::json({{"event", "log_tail"}, {"problem", last_tail_problem_}})
                             .dump()
                             .c_str());
          }
        }
      }
    }
    // Sleep until a notification, the poll interval, or the stop.
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {connection ? connection->socket() : -1, POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(options_.poll_interval.count()));
    if (connection && !connection->consume_notifications(nullptr)) connection.reset();
  }
  if (connection && beats) {
    connection->query("DELETE FROM nodes WHERE node_id = $1", PgParams().text(node_id_)).ok();
  }
}

// Reads and delivers everything past the observer's position.
Status PgEventLog::tail_once(PgConnection& connection) {
  for (;;) {
    const uint64_t delivered = delivery_->delivered();
    auto events = read_range(connection, delivered, 0, kTailChunk);
    if (!events.ok()) return events.error();
    const size_t count = events->size();
    if (count == 0) return ok_status();
    Status handed = delivery_->deliver(std::move(events).value(), CommitDelivery::Origin::other);
    if (!handed.ok()) return handed;
    if (count < kTailChunk) return ok_status();
  }
}

void PgEventLog::heartbeat(PgConnection& connection) {
  connection
      .query(
          "INSERT INTO nodes (node_id) VALUES ($1) "
          "ON CONFLICT (node_id) DO UPDATE SET last_heartbeat = now()",
          PgParams().text(node_id_))
      .ok();
}

}  // namespace closient
