// The access log: one JSON object per line on stderr for every answered request.
// It names the credential by its public id, never by anything secret.
//
// Lines are buffered and written by a background thread every few milliseconds
// (or sooner when much is pending), so the I/O threads never wait on stderr and
// a busy server makes a few writes a second instead of one per request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace closient::http {

struct AccessLogEntry {
  int64_t time_ms = 0;  // when the request arrived
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // the route template, not the concrete path
  int status = 0;
  double latency_ms = 0;
  std::string_view credential_id;  // empty when unauthenticated
};

// {"time":"...","request_id":"...","method":"GET","route":"...","status":200,
//  "latency_ms":0.420,"credential_id":null}\n
std::string format_access_log_line(const AccessLogEntry& entry);

class AccessLog {
 public:
  // Lines go to `sink` (stderr in the server); a null sink disables the log. With a
  // zero interval every line is written at once, with no background thread.
  explicit AccessLog(std::FILE* sink,
                     std::chrono::milliseconds flush_interval = std::chrono::milliseconds(20));
  ~AccessLog();  // writes whatever is still buffered
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Thread-safe; each line is written whole, never interleaved with another.
  void write(const AccessLogEntry& entry);
  // A failure the client only sees as a 500: {"time","level":"error","request_id","message"}.
  void write_error(int64_t time_ms, std::string_view request_id, std::string_view message);
  // Writes buffered lines now.
  void flush();

 private:
  void append(const std::string& line);
  void run_flusher();
  void write_out(std::string& pending);

  std::FILE* sink_;
  std::chrono::milliseconds flush_interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  std::mutex sink_mutex_;  // keeps batches in order when flush() races the flusher
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace closient::http
