#include <atomic>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "http/access_log.h"
#include "http/reply.h"

using namespace closient::http;

BOOST_AUTO_TEST_CASE(the_first_send_wins) {
  std::vector<int> statuses;
  Reply reply([&statuses](Response response) { statuses.push_back(response.status); });
  reply.send(Response::empty(200));
  reply.send(Response::empty(500));
  BOOST_TEST(statuses == std::vector<int>{200});
  BOOST_TEST(reply.sent());
}

BOOST_AUTO_TEST_CASE(racing_senders_answer_once) {
  std::atomic<int> answers{0};
  {
    Reply reply([&answers](Response) { ++answers; });
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([reply] { reply.send(Response::empty(200)); });
    }
    for (auto& thread : threads) thread.join();
  }
  BOOST_TEST(answers.load() == 1);
}

BOOST_AUTO_TEST_CASE(an_abandoned_reply_sends_its_fallback) {
  std::vector<int> statuses;
  {
    Reply reply([&statuses](Response response) { statuses.push_back(response.status); },
                [] { return Response::empty(500); });
    Reply copy = reply;  // the fallback waits for the last copy
  }
  BOOST_TEST(statuses == std::vector<int>{500});
}

BOOST_AUTO_TEST_CASE(no_fallback_after_an_answer) {
  std::vector<int> statuses;
  {
    Reply reply([&statuses](Response response) { statuses.push_back(response.status); },
                [] { return Response::empty(500); });
    reply.send(Response::empty(201));
  }
  BOOST_TEST(statuses == std::vector<int>{201});
}

BOOST_AUTO_TEST_CASE(with_headers_decorates_the_answer) {
  Response seen;
  Reply reply([&seen](Response response) { seen = std::move(response); });
  Reply decorated = reply.with_headers(Headers{{"RateLimit-Limit", "300"}});
  decorated.send(Response::json(200, nlohmann::json{{"a", 1}}));
  BOOST_TEST(*seen.headers.find("RateLimit-Limit") == "300");
  BOOST_TEST(seen.body == "{\"a\":1}");
  BOOST_TEST(reply.sent());
}

BOOST_AUTO_TEST_CASE(an_abandoned_decorated_reply_falls_back_through_the_inner_one) {
  std::vector<int> statuses;
  {
    Reply reply([&statuses](Response response) { statuses.push_back(response.status); },
                [] { return Response::empty(500); });
    Reply decorated = reply.with_headers(Headers{{"X", "1"}});
  }
  BOOST_TEST(statuses == std::vector<int>{500});
}

BOOST_AUTO_TEST_CASE(access_log_strings_are_escaped) {
  const std::string line =
      format_access_log_line(AccessLogEntry{0, "a\"b\\c\n", "GET", "/x", 404, 0, "key\x01"});
  const nlohmann::json parsed = nlohmann::json::parse(line);
  BOOST_TEST(parsed["request_id"] == "a\"b\\c\n");
  BOOST_TEST(parsed["credential_id"] == "key\x01");
}

BOOST_AUTO_TEST_CASE(access_log_lines_are_json_without_secrets) {
  const std::string line = format_access_log_line(AccessLogEntry{
      1774958400123, "req-1", "GET", "/account/api/v1/organizations/{id}", 200, 1.23456, ""});
  BOOST_TEST(line.back() == '\n');
  const nlohmann::json parsed = nlohmann::json::parse(line);
  BOOST_TEST(parsed["time"] == "2026-03-31T12:00:00.123Z");
  BOOST_TEST(parsed["request_id"] == "req-1");
  BOOST_TEST(parsed["method"] == "GET");
  BOOST_TEST(parsed["route"] == "/account/api/v1/organizations/{id}");
  BOOST_TEST(parsed["status"] == 200);
  BOOST_TEST(line.find("\"latency_ms\":1.235,") != std::string::npos);
  BOOST_TEST(parsed["credential_id"].is_null());
  BOOST_TEST(parsed.size() == 7u);
}
