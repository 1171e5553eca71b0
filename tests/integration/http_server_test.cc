// The real accountd over loopback: what answers before any business route exists.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "http/api_description.h"
#include "integration/server_process.h"

using namespace closient::testing;

namespace {

ServerProcess& server() {
  static ServerProcess instance;
  return instance;
}

nlohmann::json json_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body);
}

void expect_problem(const HttpResponse& response, int status, const char* error_code) {
  BOOST_TEST(response.status == status);
  BOOST_TEST(response.header("Content-Type").value_or("") == "application/problem+json");
  const nlohmann::json body = json_of(response);
  BOOST_TEST(body["status"] == status);
  BOOST_TEST(body["error_code"] == error_code);
  BOOST_TEST(body["request_id"] == response.header("X-Request-ID").value_or("<none>"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(healthz_answers_ok) {
  const HttpResponse response = server().get("/healthz");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.header("Content-Type").value_or("").find("application/json") == 0u);
  BOOST_TEST(json_of(response)["status"] == "ok");
  BOOST_TEST(response.header("X-Request-ID").has_value());
}

BOOST_AUTO_TEST_CASE(readyz_answers_ready) {
  BOOST_TEST(server().get("/readyz").status == 200);
}

BOOST_AUTO_TEST_CASE(head_answers_headers_without_a_body) {
  const HttpResponse response = server().request("HEAD", "/healthz");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body.empty());
  BOOST_TEST(response.header("Content-Length").value_or("") == "15");
}

BOOST_AUTO_TEST_CASE(openapi_document_parses_and_lists_every_route) {
  const HttpResponse response = server().get("/account/api/v1/openapi.json");
  BOOST_TEST(response.status == 200);
  const nlohmann::json document = json_of(response);
  BOOST_TEST(document["openapi"] == "3.1.0");
  std::size_t operations = 0;
  for (const closient::http::ApiOperation& op : closient::http::api_operations()) {
    std::string method = op.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    BOOST_TEST(document["paths"][op.path].contains(method), op.method << " " << op.path);
    ++operations;
  }
  BOOST_TEST(operations == 31u);  // §4 and the two CORS preflights of §8
  BOOST_TEST(
      document["paths"].contains("/account/api/v1/organizations/{org_id}/members/{member_id}"));
}

BOOST_AUTO_TEST_CASE(api_catalog_links_the_document_and_health) {
  const HttpResponse response = server().get("/.well-known/api-catalog");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.header("Content-Type").value_or("").find("application/linkset+json") == 0u);
  BOOST_TEST(response.header("Link").value_or("").find("rel=\"api-catalog\"") != std::string::npos);
  const nlohmann::json entry = json_of(response)["linkset"][0];
  const std::string origin = "http://127.0.0.1:" + std::to_string(server().port());
  BOOST_TEST(entry["service-desc"][0]["href"] == origin + "/account/api/v1/openapi.json");
  BOOST_TEST(entry["status"][0]["href"] == origin + "/healthz");
  // The link works.
  BOOST_TEST(server().get("/account/api/v1/openapi.json").status == 200);
}

BOOST_AUTO_TEST_CASE(unknown_route_is_a_404_problem_with_a_request_id) {
  const HttpResponse response = server().get("/account/api/v1/nothing-here?x=1");
  expect_problem(response, 404, "not_found");
  BOOST_TEST(response.header("X-Request-ID").value_or("").size() == 32u);
  BOOST_TEST(json_of(response)["instance"] == "/account/api/v1/nothing-here");
  BOOST_TEST(json_of(response)["type"] == "https://closient.com/docs/errors/not_found");
}

BOOST_AUTO_TEST_CASE(a_client_request_id_is_echoed_and_a_bad_one_replaced) {
  const HttpResponse echoed = server().get("/nope", {{"X-Request-ID", "client.trace-1"}});
  BOOST_TEST(echoed.header("X-Request-ID").value_or("") == "client.trace-1");
  BOOST_TEST(json_of(echoed)["request_id"] == "client.trace-1");

  const HttpResponse replaced = server().get("/healthz", {{"X-Request-ID", "has space"}});
  BOOST_TEST(replaced.header("X-Request-ID").value_or("has space") != "has space");
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  const HttpResponse response = server().request("DELETE", "/account/api/v1/organizations");
  expect_problem(response, 405, "method_not_allowed");
  BOOST_TEST(response.header("Allow").value_or("") == "GET, HEAD, POST");
}

BOOST_AUTO_TEST_CASE(an_api_route_without_credentials_is_401_with_a_challenge) {
  const HttpResponse response = server().get("/account/api/v1/whoami");
  expect_problem(response, 401, "unauthorized");
  BOOST_TEST(response.header("WWW-Authenticate").value_or("").find("Bearer") == 0u);
}

BOOST_AUTO_TEST_CASE(a_70_kib_body_is_413) {
  const HttpResponse response =
      server().request("POST", "/account/api/v1/organizations",
                       {{"Content-Type", "application/json"}}, std::string(70 * 1024, ' '));
  expect_problem(response, 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(a_body_near_the_server_buffer_limit_is_still_answered_413) {
  const HttpResponse response =
      server().request("PUT", "/account/api/v1/preferences", {{"Content-Type", "application/json"}},
                       std::string(1024 * 1024, 'x'));
  expect_problem(response, 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(a_body_beyond_the_discard_limit_is_answered_413_at_once) {
  // Declared over 1 MiB: answered before the body is read, and the connection
  // closed; the server goes on serving others.
  const HttpResponse response =
      server().request("PUT", "/account/api/v1/preferences", {{"Content-Type", "application/json"}},
                       std::string(4 * 1024 * 1024, 'x'));
  expect_problem(response, 413, "payload_too_large");
  BOOST_TEST(server().get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_by_route_and_status) {
  server().get("/healthz");
  server().get("/no/such/route");
  const HttpResponse response = server().get("/metrics");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.header("Content-Type").value_or("").find("text/plain") == 0u);
  BOOST_TEST(response.body.find("http_requests_total{method=\"GET\",route=\"/healthz\","
                                "status=\"200\"}") != std::string::npos);
  BOOST_TEST(response.body.find("route=\"unmatched\",status=\"404\"") != std::string::npos);
  BOOST_TEST(response.body.find("http_request_duration_seconds_bucket") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_request_is_logged_as_one_json_line) {
  server().get("/healthz", {{"X-Request-ID", "log-me-1"}, {"X-API-Key", "csb_secret_value"}});
  // The log is written in batches a few milliseconds apart.
  std::string log;
  std::size_t at = std::string::npos;
  for (int attempt = 0; attempt < 200 && at == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(10ms);
    log = server().stderr_text();
    at = log.find("\"request_id\":\"log-me-1\"");
  }
  BOOST_REQUIRE(at != std::string::npos);
  const std::size_t start = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
  const nlohmann::json line = nlohmann::json::parse(log.substr(start, log.find('\n', at) - start));
  BOOST_TEST(line["route"] == "/healthz");
  BOOST_TEST(line["status"] == 200);
  BOOST_TEST(line["latency_ms"].is_number());
  BOOST_TEST(log.find("csb_secret_value") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_clients_are_all_answered) {
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&ok] {
      for (int i = 0; i < 25; ++i) ok += server().get("/healthz").status == 200 ? 1 : 0;
    });
  }
  for (auto& client : clients) client.join();
  BOOST_TEST(ok.load() == 200);
}

// Last, since it ends the shared server.
BOOST_AUTO_TEST_CASE(zz_sigterm_stops_the_server_with_status_0) {
  BOOST_TEST(server().stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_CASE(sigint_stops_a_server_with_status_0) {
  ServerProcess other;
  BOOST_TEST(other.get("/healthz").status == 200);
  BOOST_TEST(other.stop(SIGINT) == 0);
}
