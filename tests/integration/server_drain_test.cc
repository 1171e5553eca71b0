// The Server class in-process: asynchronous answers, and a stop that finishes the
// requests in flight before it returns.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "http/server.h"
#include "integration/server_process.h"

using namespace closient;
using namespace closient::http;
using namespace closient::testing;

namespace {

ServerOptions loopback_options() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  return options;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(answers_from_another_thread) {
  Server server(loopback_options(), [](Request request, Reply reply) {
    std::thread([request = std::move(request), reply] {
      Response response = Response::text(200, "echo " + request.path, "text/plain");
      reply.send(std::move(response));
    }).detach();
  });
  const Result<uint16_t> port = server.start();
  BOOST_REQUIRE(port.ok());
  BOOST_TEST(port.value() != 0);
  BOOST_TEST(server.bound_address() == "127.0.0.1");
  const HttpResponse response = http_request(port.value(), "GET", "/a/b?c=d");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "echo /a/b");
  server.stop();
}

BOOST_AUTO_TEST_CASE(converts_the_request_faithfully) {
  std::promise<Request> seen;
  Server server(loopback_options(), [&seen](Request request, Reply reply) {
    seen.set_value(request);
    reply.send(Response::empty(204));
  });
  const uint16_t port = server.start().value();
  const HttpResponse response =
      http_request(port, "POST", "/p%20q?x=1&y=a+b",
                   {{"X-Custom", "v"}, {"Content-Type", "text/plain"}}, "hello");
  BOOST_TEST(response.status == 204);
  const Request request = seen.get_future().get();
  BOOST_TEST(request.method == "POST");
  BOOST_TEST(request.target == "/p%20q?x=1&y=a+b");
  BOOST_TEST(request.path == "/p%20q");
  BOOST_TEST(*request.query.find("y") == "a b");
  BOOST_TEST(*request.headers.find("x-custom") == "v");
  BOOST_TEST(request.body == "hello");
  BOOST_TEST(request.remote_address == "127.0.0.1");
  server.stop();
}

BOOST_AUTO_TEST_CASE(stop_finishes_requests_in_flight) {
  std::mutex mutex;
  std::optional<Reply> parked;
  Server server(loopback_options(), [&](Request, Reply reply) {
    std::lock_guard<std::mutex> lock(mutex);
    parked = reply;
  });
  const uint16_t port = server.start().value();

  auto in_flight =
      std::async(std::launch::async, [port] { return http_request(port, "GET", "/slow"); });
  BOOST_REQUIRE(wait_until([&] { return server.requests_in_flight() == 1; }, 5s));

  // Answer the parked request a little after stop() has begun.
  std::thread late_answer([&] {
    std::this_thread::sleep_for(300ms);
    std::lock_guard<std::mutex> lock(mutex);
    parked->send(Response::text(200, "finished", "text/plain"));
    parked.reset();
  });
  const auto stop_started = std::chrono::steady_clock::now();
  server.stop();
  const auto stop_took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - stop_started);
  BOOST_TEST(stop_took.count() >= 250);
  late_answer.join();

  const HttpResponse response = in_flight.get();
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "finished");
  BOOST_TEST(response.header("Connection").value_or("") == "close");
  // And nothing is accepted any more.
  BOOST_TEST(http_request(port, "GET", "/after", {}, {}, 2s).status == 0);
}

BOOST_AUTO_TEST_CASE(a_reply_that_outlives_the_server_is_harmless) {
  std::mutex mutex;
  std::optional<Reply> parked;
  uint16_t port = 0;
  std::future<HttpResponse> in_flight;
  {
    ServerOptions options = loopback_options();
    options.drain_timeout = 100ms;
    Server server(options, [&](Request, Reply reply) {
      std::lock_guard<std::mutex> lock(mutex);
      parked = reply;
    });
    port = server.start().value();
    in_flight = std::async(std::launch::async,
                           [port] { return http_request(port, "GET", "/never", {}, {}, 3s); });
    BOOST_REQUIRE(wait_until([&] { return server.requests_in_flight() == 1; }, 5s));
  }  // stop() gives up after the drain timeout; the Server is gone
  {
    std::lock_guard<std::mutex> lock(mutex);
    parked->send(Response::empty(200));  // must not crash
    parked.reset();
  }
  BOOST_TEST(in_flight.get().status == 0);
}

BOOST_AUTO_TEST_CASE(an_abandoned_reply_is_answered_500) {
  Server server(loopback_options(), [](Request, Reply) {});
  const uint16_t port = server.start().value();
  const HttpResponse response = http_request(port, "GET", "/dropped");
  BOOST_TEST(response.status == 500);
  BOOST_TEST(response.header("Content-Type").value_or("") == "application/problem+json");
  server.stop();
}

BOOST_AUTO_TEST_CASE(a_port_in_use_is_an_error_not_a_crash) {
  Server first(loopback_options(), [](Request, Reply reply) { reply.send(Response::empty(204)); });
  const uint16_t port = first.start().value();
  ServerOptions options = loopback_options();
  options.port = port;
  Server second(options, [](Request, Reply reply) { reply.send(Response::empty(204)); });
  const Result<uint16_t> result = second.start();
  BOOST_TEST(!result.ok());
  BOOST_TEST(result.error().detail.find("cannot listen") != std::string::npos);
  BOOST_TEST(http_request(port, "GET", "/").status == 204);
  first.stop();
}
