// Records every HTTP exchange a test has with accountd, so that the contract
// test (tests/contract/check_responses.mjs) can check each real answer against
// the served OpenAPI document. Off unless ctest sets ACCOUNT_API_EXCHANGES to a
// file; then each exchange is one JSON line appended to it:
//   {"method", "target", "request_headers": [[name, value]...],
//    "status", "headers": [[name, value]...], "body"}
// Exchanges without an answer (status 0) are not recorded: nothing to check.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace closient::testing {

using RecordedHeaders = std::vector<std::pair<std::string, std::string>>;

inline void record_exchange(const std::string& method, const std::string& target,
                            const RecordedHeaders& request_headers, int status,
                            const RecordedHeaders& response_headers, const std::string& body) {
  static const char* const path = std::getenv("ACCOUNT_API_EXCHANGES");
  if (path == nullptr || *path == '\0' || status == 0) return;
  nlohmann::json line = {{"method", method},
                         {"target", target},
                         {"request_headers", request_headers},
                         {"status", status},
                         {"headers", response_headers},
                         {"body", body}};
  // Tests send from several threads at once; one line at a time.
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::error_code ignored;  // a missing directory shows up as no recorded answers
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace closient::testing
