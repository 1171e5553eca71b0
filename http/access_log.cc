#include "http/access_log.h"

#include <fmt/format.h>

#include <iterator>

#include "events/timestamp.h"

namespace closient::http {
namespace {

// Past this much buffered text the flusher is woken early.
constexpr std::size_t kEagerFlushBytes = 64 * 1024;
// Past this much (stderr blocked by a stalled reader), new lines are dropped rather
// than letting the log grow without bound.
constexpr std::size_t kMaxBufferedBytes = 16 * 1024 * 1024;

// A JSON string literal. The values logged are ASCII in practice (ids, methods,
// route templates); bytes above 0x7F pass through unchanged.
void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", byte);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string format_access_log_line(const AccessLogEntry& entry) {
  // Built by hand: this runs for every request, and a JSON DOM per line costs
  // more than the rest of a small request's handling.
  std::string line;
  line.reserve(192 + entry.route.size());
  line += "{\"time\":\"";
  line += format_timestamp_ms(entry.time_ms);
  line += "\",\"request_id\":";
  append_json_string(line, entry.request_id);
  line += ",\"method\":";
  append_json_string(line, entry.method);
  line += ",\"route\":";
  append_json_string(line, entry.route);
  // Microseconds are the useful resolution of a latency.
  fmt::format_to(std::back_inserter(line),
                 ",\"status\":{},\"latency_ms\":{:.3f},\"credential_id\":", entry.status,
                 entry.latency_ms);
  if (entry.credential_id.empty()) {
    line += "null";
  } else {
    append_json_string(line, entry.credential_id);
  }
  line += "}\n";
  return line;
}

AccessLog::AccessLog(std::FILE* sink, std::chrono::milliseconds flush_interval)
    : sink_(sink), flush_interval_(flush_interval) {
  if (sink_ != nullptr && flush_interval_.count() > 0) {
    flusher_ = std::thread([this] { run_flusher(); });
  }
}

AccessLog::~AccessLog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (flusher_.joinable()) flusher_.join();
  flush();
}

void AccessLog::write(const AccessLogEntry& entry) {
  if (sink_ != nullptr) append(format_access_log_line(entry));
}

void AccessLog::write_error(int64_t time_ms, std::string_view request_id,
                            std::string_view message) {
  if (sink_ == nullptr) return;
  std::string line =
      "{\"time\":\"" + format_timestamp_ms(time_ms) + "\",\"level\":\"error\",\"request_id\":";
  append_json_string(line, request_id);
  line += ",\"message\":";
  append_json_string(line, message);
  line += "}\n";
  append(line);
}

void AccessLog::append(const std::string& line) {
  if (flush_interval_.count() <= 0) {
    std::string pending = line;
    write_out(pending);
    return;
  }
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (buffer_.size() + line.size() > kMaxBufferedBytes) return;
    buffer_ += line;
    wake = buffer_.size() >= kEagerFlushBytes;
  }
  if (wake) wake_.notify_one();
}

void AccessLog::flush() {
  if (sink_ == nullptr) return;
  std::string pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending.swap(buffer_);
  }
  write_out(pending);
}

void AccessLog::write_out(std::string& pending) {
  if (pending.empty()) return;
  std::lock_guard<std::mutex> lock(sink_mutex_);
  std::fwrite(pending.data(), 1, pending.size(), sink_);
  std::fflush(sink_);
}

void AccessLog::run_flusher() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, flush_interval_,
                   [this] { return stopping_ || buffer_.size() >= kEagerFlushBytes; });
    std::string pending;
    pending.swap(buffer_);
    lock.unlock();
    write_out(pending);
    lock.lock();
  }
}

}  // namespace closient::http
