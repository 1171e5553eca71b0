#include "http/access_log.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "events/timestamp.h"
#include "http/response.h"

namespace closient::http {

std::string format_access_log_line(const AccessLogEntry& entry) {
  nlohmann::ordered_json line = {
      {"time", format_timestamp_ms(entry.time_ms)},
      {"request_id", entry.request_id},
      {"method", entry.method},
      {"route", entry.route},
      {"status", entry.status},
      // Three decimals: microseconds are the useful resolution of a latency.
      {"latency_ms", std::round(entry.latency_ms * 1000.0) / 1000.0},
      {"credential_id", nullptr},
  };
  if (!entry.credential_id.empty()) line["credential_id"] = entry.credential_id;
  return dump_json(line) + "\n";
}

void AccessLog::write(const AccessLogEntry& entry) {
  if (sink_ != nullptr) write_line(format_access_log_line(entry));
}

void AccessLog::write_error(int64_t time_ms, std::string_view request_id,
                            std::string_view message) {
  if (sink_ == nullptr) return;
  const nlohmann::ordered_json line = {{"time", format_timestamp_ms(time_ms)},
                                       {"level", "error"},
                                       {"request_id", request_id},
                                       {"message", message}};
  write_line(dump_json(line) + "\n");
}

void AccessLog::write_line(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), sink_);
  std::fflush(sink_);
}

}  // namespace closient::http
