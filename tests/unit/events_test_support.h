// Helpers shared by the events/ tests: a scratch directory and short ways to
// build append requests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

#include "events/event_log.h"
#include "temp_dir.h"

namespace closient::testing {

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
