// Helpers shared by the events/ tests: a scratch directory and short ways to
// build append requests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

#include "events/event_log.h"

namespace closient::testing {

// A unique directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("events-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
             std::to_string(now));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string str() const { return path_.string(); }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline NewEvent event(std::string type, nlohmann::json data = nlohmann::json::object(),
                      int schema = 1) {
  return NewEvent{std::move(type), schema, std::move(data)};
}

inline AppendRequest append_to(std::string stream, ExpectedVersion expected,
                               std::vector<NewEvent> events, std::string request_id = "req") {
  AppendRequest request;
  request.streams.push_back(StreamAppend{std::move(stream), expected, std::move(events)});
  request.actor = Actor{"user", "user-1", "user-1"};
  request.request_id = std::move(request_id);
  request.occurred_at_ms = 1700000000000;
  return request;
}

}  // namespace closient::testing
