// The access log: one JSON object per line on stderr for every answered request.
// It names the credential by its public id, never by anything secret.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

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
//  "latency_ms":0.42,"credential_id":null}\n
std::string format_access_log_line(const AccessLogEntry& entry);

class AccessLog {
 public:
  // Lines go to `sink` (stderr in the server); a null sink disables the log.
  explicit AccessLog(std::FILE* sink) : sink_(sink) {}

  // Thread-safe; each line is written whole, never interleaved with another.
  void write(const AccessLogEntry& entry);
  // A failure the client only sees as a 500: {"time","level":"error","request_id","message"}.
  void write_error(int64_t time_ms, std::string_view request_id, std::string_view message);

 private:
  void write_line(const std::string& line);

  std::FILE* sink_;
  std::mutex mutex_;
};

}  // namespace closient::http
