#include <boost/test/unit_test.hpp>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/api_description.h"
#include "http/dispatcher.h"
#include "http/system_routes.h"
#include "unit/http_test_support.h"

using namespace closient;
using namespace closient::http;

namespace {

constexpr int64_t kNow = 1774958400000;

// A dispatcher over the real route table with a fixed clock, plus a way to call it
// and capture the one response.
struct Fixture {
  MetricsRegistry registry;
  HttpMetrics metrics{registry};
  Dispatcher dispatcher{build_router(api_route_specs()).value(), options()};

  DispatcherOptions options() {
    DispatcherOptions o;
    o.metrics = &metrics;
    o.clock = [] { return kNow; };
    return o;
  }

  std::optional<Response> call(Request request) {
    auto captured = std::make_shared<std::optional<Response>>();
    dispatcher.handle(std::move(request),
                      Reply([captured](Response response) { *captured = std::move(response); }));
    return *captured;
  }
};

nlohmann::json body_of(const Response& response) {
  return nlohmann::json::parse(response.body);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(dispatching, Fixture)

BOOST_AUTO_TEST_CASE(unknown_route_is_404_problem_with_request_id) {
  const auto response = call(make_request("GET", "/nope?x=1"));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 404);
  BOOST_TEST(*response->headers.find("Content-Type") == "application/problem+json");
  const std::string id(*response->headers.find("X-Request-ID"));
  BOOST_TEST(id.size() == 32u);
  const nlohmann::json body = body_of(*response);
  BOOST_TEST(body["request_id"] == id);
  BOOST_TEST(body["instance"] == "/nope");
  BOOST_TEST(body["timestamp"] == "2026-03-31T12:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(echoes_the_client_request_id) {
  const auto response = call(make_request("GET", "/healthz", Headers{{"X-Request-ID", "trace-7"}}));
  BOOST_TEST(*response->headers.find("X-Request-ID") == "trace-7");
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  const auto response = call(make_request("POST", "/account/api/v1/organizations/abc"));
  BOOST_TEST(response->status == 405);
  BOOST_TEST(*response->headers.find("Allow") == "GET, HEAD, PUT, DELETE, OPTIONS");
  BOOST_TEST(body_of(*response)["error_code"] == "method_not_allowed");
}

BOOST_AUTO_TEST_CASE(unbound_route_is_503) {
  const auto response = call(make_request("GET", "/account/api/v1/whoami"));
  BOOST_TEST(response->status == 503);
  BOOST_TEST(body_of(*response)["retryable"] == true);
}

BOOST_AUTO_TEST_CASE(a_body_over_64_kib_is_413) {
  const auto response = call(make_request("POST", "/account/api/v1/organizations",
                                          Headers{{"Content-Type", "application/json"}},
                                          std::string(64 * 1024 + 1, 'x')));
  BOOST_TEST(response->status == 413);
  BOOST_TEST(body_of(*response)["error_code"] == "payload_too_large");
  // Exactly 64 KiB is allowed through (here to the unbound 503).
  BOOST_TEST(
      call(make_request("POST", "/account/api/v1/organizations", {}, std::string(64 * 1024, 'x')))
          ->status == 503);
}

BOOST_AUTO_TEST_CASE(a_bound_handler_gets_the_context) {
  std::optional<RequestContext> seen;
  BOOST_REQUIRE(dispatcher
                    .bind("apps_accounts_api_members_get_member",
                          [&seen](RequestContext context, Reply reply) {
                            seen = context;
                            reply.send(Response::json(200, {{"ok", true}}));
                          })
                    .ok());
  const auto response = call(make_request(
      "GET", "/account/api/v1/organizations/O1/members/M1?page=2",
      Headers{{"X-API-Key", "csb_key"}, {"Authorization", "Bearer tok"}, {"X-Request-ID", "r1"}}));
  BOOST_TEST(response->status == 200);
  BOOST_REQUIRE(seen);
  BOOST_TEST(seen->route->operation_id == "apps_accounts_api_members_get_member");
  BOOST_TEST(seen->path_param("org_id") == "O1");
  BOOST_TEST(seen->path_param("member_id") == "M1");
  BOOST_TEST(*seen->request.query.find("page") == "2");
  BOOST_TEST(seen->request_id == "r1");
  BOOST_TEST(seen->received_at_ms == kNow);
  BOOST_TEST(*seen->credentials.api_key == "csb_key");
  BOOST_TEST(*seen->credentials.bearer_token == "tok");
  const Response problem = seen->problem(Error::make(ErrorCode::forbidden, "no"));
  BOOST_TEST(body_of(problem)["request_id"] == "r1");
  BOOST_TEST(body_of(problem)["instance"] == "/account/api/v1/organizations/O1/members/M1");
}

BOOST_AUTO_TEST_CASE(answers_from_another_thread) {
  BOOST_REQUIRE(dispatcher
                    .bind("apps_accounts_api_account_whoami",
                          [](RequestContext, Reply reply) {
                            std::thread([reply] { reply.send(Response::empty(204)); }).detach();
                          })
                    .ok());
  auto done = std::make_shared<std::promise<Response>>();
  auto future = done->get_future();
  dispatcher.handle(make_request("GET", "/account/api/v1/whoami"),
                    Reply([done](Response response) { done->set_value(std::move(response)); }));
  BOOST_REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  const Response response = future.get();
  BOOST_TEST(response.status == 204);
  BOOST_TEST(response.headers.contains("X-Request-ID"));
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_is_answered_500_without_internals) {
  BOOST_REQUIRE(dispatcher
                    .bind("apps_accounts_api_account_whoami",
                          [](RequestContext, Reply) -> void {
                            throw std::runtime_error("secret database path /var/x");
                          })
                    .ok());
  const auto response = call(make_request("GET", "/account/api/v1/whoami"));
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->body.find("secret") == std::string::npos);
  BOOST_TEST(body_of(*response)["retryable"] == true);
}

BOOST_AUTO_TEST_CASE(an_abandoned_reply_is_answered_500) {
  BOOST_REQUIRE(
      dispatcher.bind("apps_accounts_api_account_whoami", [](RequestContext, Reply) {}).ok());
  const auto response = call(make_request("GET", "/account/api/v1/whoami"));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->headers.contains("X-Request-ID"));
}

BOOST_AUTO_TEST_CASE(binding_refuses_unknown_and_repeated_operations) {
  BOOST_TEST(!dispatcher.bind("noSuchOperation", [](RequestContext, Reply) {}).ok());
  BOOST_TEST(
      dispatcher.bind("apps_accounts_api_service_get_health", [](RequestContext, Reply) {}).ok());
  BOOST_TEST(
      !dispatcher.bind("apps_accounts_api_service_get_health", [](RequestContext, Reply) {}).ok());
}

BOOST_AUTO_TEST_CASE(system_routes_answer) {
  BOOST_REQUIRE(bind_system_routes(dispatcher, SystemRoutesOptions{&registry, {}}).ok());
  BOOST_TEST(call(make_request("GET", "/healthz"))->status == 200);
  BOOST_TEST(call(make_request("GET", "/readyz"))->status == 200);

  const auto openapi = call(make_request("GET", "/account/api/v1/openapi.json"));
  BOOST_TEST(openapi->status == 200);
  BOOST_TEST(body_of(*openapi)["openapi"] == "3.1.0");

  const auto catalog =
      call(make_request("GET", "/.well-known/api-catalog", Headers{{"Host", "api.test:8000"}}));
  BOOST_TEST(catalog->status == 200);
  BOOST_TEST(catalog->headers.find("Content-Type")->find("application/linkset+json") == 0u);
  const nlohmann::json linkset = body_of(*catalog)["linkset"][0];
  BOOST_TEST(linkset["service-desc"][0]["href"] ==
             "http://api.test:8000/account/api/v1/openapi.json");
  BOOST_TEST(linkset["status"][0]["href"] == "http://api.test:8000/healthz");

  const auto metrics_page = call(make_request("GET", "/metrics"));
  BOOST_TEST(metrics_page->status == 200);
  BOOST_TEST(metrics_page->body.find("http_requests_total{method=\"GET\",route=\"/healthz\","
                                     "status=\"200\"} 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(readiness_follows_the_probe) {
  bool ready = false;
  BOOST_REQUIRE(
      bind_system_routes(dispatcher, SystemRoutesOptions{&registry, [&ready] { return ready; }})
          .ok());
  BOOST_TEST(call(make_request("GET", "/readyz"))->status == 503);
  ready = true;
  BOOST_TEST(call(make_request("GET", "/readyz"))->status == 200);
}

BOOST_AUTO_TEST_CASE(a_hostile_host_header_does_not_reach_the_catalog) {
  const std::string linkset = api_catalog_linkset("evil\"/><script>");
  BOOST_TEST(linkset.find("evil") == std::string::npos);
  BOOST_TEST(linkset.find("http://localhost/account/api/v1/") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_credential_noted_by_a_handler_reaches_the_log) {
  std::FILE* log_file = std::tmpfile();
  AccessLog log(log_file);
  DispatcherOptions o = options();
  o.access_log = &log;
  Dispatcher logged(build_router(api_route_specs()).value(), o);
  BOOST_REQUIRE(logged
                    .bind("apps_accounts_api_account_whoami",
                          [](RequestContext context, Reply reply) {
                            context.note_credential("key_123");
                            reply.send(Response::empty(204));
                          })
                    .ok());
  logged.handle(make_request("GET", "/account/api/v1/whoami", Headers{{"X-API-Key", "secret"}}),
                Reply([](Response) {}));
  log.flush();
  std::rewind(log_file);
  char buffer[1024] = {};
  BOOST_REQUIRE(std::fgets(buffer, sizeof buffer, log_file) != nullptr);
  std::fclose(log_file);
  const nlohmann::json line = nlohmann::json::parse(buffer);
  BOOST_TEST(line["credential_id"] == "key_123");
  BOOST_TEST(line["route"] == "/account/api/v1/whoami");
  BOOST_TEST(line["status"] == 204);
  BOOST_TEST(std::string(buffer).find("secret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(answers_below_the_base_path_get_the_rate_limit_window) {
  std::vector<std::string> asked_for;
  DispatcherOptions o = options();
  o.rate_limit_window = [&asked_for](const PresentedCredentials& presented,
                                     std::string_view remote_address, int64_t now_ms) {
    asked_for.push_back(presented.api_key.value_or("-") + "@" + std::string(remote_address) + "@" +
                        std::to_string(now_ms));
    return Headers{{"RateLimit-Policy", "60;w=60"}, {"RateLimit-Remaining", "60"}};
  };
  Dispatcher windowed(build_router(api_route_specs()).value(), o);
  BOOST_REQUIRE(windowed
                    .bind("apps_accounts_api_account_whoami",
                          [](RequestContext, Reply reply) {
                            // As the gate does: the handler's own window wins.
                            Response answer = Response::empty(204);
                            answer.headers.set("RateLimit-Policy", "300;w=60, 10000;w=86400");
                            reply.send(std::move(answer));
                          })
                    .ok());
  auto send = [&windowed](Request request) {
    auto captured = std::make_shared<std::optional<Response>>();
    windowed.handle(std::move(request),
                    Reply([captured](Response response) { *captured = std::move(response); }));
    return captured->value();
  };
  // Unknown route, wrong method, oversized body: the dispatcher's own answers.
  const Request requests[] = {
      make_request("GET", "/account/api/v1/nope", Headers{{"X-API-Key", "k1"}}, {}, "10.0.0.7"),
      make_request("PATCH", "/account/api/v1/whoami", {}, {}, "10.0.0.7"),
      make_request("POST", "/account/api/v1/organizations", {}, std::string(70000, 'x'),
                   "10.0.0.7")};
  for (const Request& request : requests) {
    const Response answer = send(request);
    BOOST_TEST(*answer.headers.find("RateLimit-Policy") == "60;w=60", request.target);
    BOOST_TEST(*answer.headers.find("RateLimit-Remaining") == "60");
  }
  BOOST_TEST(asked_for.size() == 3u);
  BOOST_TEST(asked_for[0] == "k1@10.0.0.7@" + std::to_string(kNow));
  // A handler's headers are kept; routes outside the base path get none.
  BOOST_TEST(
      *send(make_request("GET", "/account/api/v1/whoami")).headers.find("RateLimit-Policy") ==
      "300;w=60, 10000;w=86400");
  BOOST_TEST(!send(make_request("GET", "/nope")).headers.contains("RateLimit-Policy"));
  BOOST_TEST(!send(make_request("GET", "/healthz")).headers.contains("RateLimit-Policy"));
  BOOST_TEST(asked_for.size() == 3u);
}

BOOST_AUTO_TEST_CASE(only_cors_routes_answer_other_origins) {
  const CorsPolicy cors({"https://app.example.com"});
  DispatcherOptions o = options();
  o.cors = &cors;
  Dispatcher browsers(build_router(api_route_specs()).value(), o);
  BOOST_REQUIRE(bind_system_routes(browsers, SystemRoutesOptions{&registry, {}, &cors}).ok());
  auto send = [&browsers](Request request) {
    auto captured = std::make_shared<std::optional<Response>>();
    browsers.handle(std::move(request),
                    Reply([captured](Response response) { *captured = std::move(response); }));
    return captured->value();
  };
  const Headers origin{{"Origin", "https://app.example.com"}};
  // GET /whoami (unbound here: 503) and its preflight allow the origin...
  BOOST_TEST(*send(make_request("GET", "/account/api/v1/whoami", origin))
                  .headers.find("Access-Control-Allow-Origin") == "https://app.example.com");
  Headers preflight = origin;
  preflight.add("Access-Control-Request-Method", "GET");
  const Response granted =
      send(make_request("OPTIONS", "/account/api/v1/organizations/abc", preflight));
  BOOST_TEST(granted.status == 204);
  BOOST_TEST(*granted.headers.find("Access-Control-Allow-Origin") == "https://app.example.com");
  BOOST_TEST(*granted.headers.find("Access-Control-Allow-Methods") == "GET, HEAD");
  // ...PUT on the same path, other routes, and preflights elsewhere do not.
  BOOST_TEST(!send(make_request("PUT", "/account/api/v1/organizations/abc", origin))
                  .headers.contains("Access-Control-Allow-Origin"));
  BOOST_TEST(!send(make_request("GET", "/account/api/v1/organizations", origin))
                  .headers.contains("Access-Control-Allow-Origin"));
  const Response elsewhere =
      send(make_request("OPTIONS", "/account/api/v1/organizations", preflight));
  BOOST_TEST(elsewhere.status == 405);
  BOOST_TEST(!elsewhere.headers.contains("Access-Control-Allow-Origin"));
  BOOST_TEST(!elsewhere.headers.contains("Vary"));
}

BOOST_AUTO_TEST_SUITE_END()
