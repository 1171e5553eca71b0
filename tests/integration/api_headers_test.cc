// The real accountd: the headers a client relies on beyond the body —
// rate-limit headers on every answer under the base path (§7), including those
// to requests without a recognised credential (the address's failed-
// authentication window); Content-Location on creates; and CORS for web pages
// using a publishable key (§8), with real preflight requests. This binary has a
// server of its own (started with --cors-origin), so the failed-authentication
// window it counts is its own.
#include "integration/api_support.h"

using namespace api_test;

namespace {

constexpr char kOrigin[] = "https://shop.example.com";

World& world() {
  static World instance(
      World::Options{{"--cors-origin", kOrigin, "--cors-origin=http://localhost:3000"}});
  return instance;
}

Client api() {
  return world().client();
}

int header_int(const HttpResponse& response, const char* name) {
  return std::stoi(response.header(name).value_or("-1"));
}

// All seven headers of §7, consistent with each other, for `policy`.
void expect_rate_limit_headers(const HttpResponse& r, const std::string& policy) {
  BOOST_TEST_CONTEXT(r.status << " " << r.body) {
    BOOST_TEST(r.header("RateLimit-Policy").value_or("<absent>") == policy);
    const int limit = header_int(r, "RateLimit-Limit");
    const int remaining = header_int(r, "RateLimit-Remaining");
    const int reset = header_int(r, "RateLimit-Reset");
    BOOST_TEST(limit > 0);
    BOOST_TEST(remaining >= 0);
    BOOST_TEST(remaining <= limit);
    BOOST_TEST(reset >= 0);
    BOOST_TEST(reset <= 86400);
    BOOST_TEST(r.header("X-RateLimit-Limit") == r.header("RateLimit-Limit"));
    BOOST_TEST(r.header("X-RateLimit-Remaining") == r.header("RateLimit-Remaining"));
    const int64_t reset_at = std::stoll(r.header("X-RateLimit-Reset").value_or("0"));
    BOOST_TEST(reset_at % 60 == 0);  // aligned to the UTC clock
    BOOST_TEST(std::abs(reset_at - (unix_now() + reset)) <= 2);
  }
}

const std::string kCredentialPolicy = "300;w=60, 10000;w=86400";
const std::string kAddressPolicy = "60;w=60";

}  // namespace

BOOST_AUTO_TEST_CASE(every_answer_under_the_base_path_carries_rate_limit_headers) {
  World& w = world();
  const Client c = api();
  const std::string big(70 * 1024, 'x');
  const HeaderList json_type = {{"Content-Type", "application/json"}};
  struct Case {
    std::string what;
    HttpResponse response;
    int status;
    std::string policy;
  };
  const std::vector<Case> cases = {
      {"200", c.get("/whoami", w.owner_token), 200, kCredentialPolicy},
      {"401 without a credential", c.get("/whoami", kNobody), 401, kAddressPolicy},
      {"401 with a bad key",
       c.get("/whoami", api_key("bad", key_with_checksum("csb", std::string(32, 'B')))), 401,
       kAddressPolicy},
      {"404 of an unknown route, no credential", c.get("/no/such/route", kNobody), 404,
       kAddressPolicy},
      {"404 of an unknown route, a good credential", c.get("/no/such/route", w.owner_token), 404,
       kCredentialPolicy},
      {"405, no credential", c.call("PATCH", "/whoami", kNobody), 405, kAddressPolicy},
      {"405, a good credential", c.call("PATCH", "/whoami", w.owner_token), 405, kCredentialPolicy},
      {"413, no credential", c.raw("POST", "/organizations", kNobody, big, json_type), 413,
       kAddressPolicy},
      {"413, a good credential", c.raw("POST", "/organizations", w.owner_token, big, json_type),
       413, kCredentialPolicy},
      {"403", c.get("/organizations", w.cpk), 403, "100;w=60, 10000;w=86400"},
      {"404 of an unseen organization", c.get("/organizations/" + w.org_b, w.owner_token), 404,
       kCredentialPolicy},
      {"422", c.get("/organizations/not-an-id", w.owner_token), 422, kCredentialPolicy},
      {"the OpenAPI document", c.get("/openapi.json", kNobody), 200, kAddressPolicy},
      {"a preflight",
       c.call("OPTIONS", "/whoami", kNobody, std::nullopt,
              {{"Origin", kOrigin}, {"Access-Control-Request-Method", "GET"}}),
       204, kAddressPolicy},
  };
  for (const Case& answer : cases) {
    BOOST_TEST_CONTEXT(answer.what) {
      BOOST_TEST(answer.response.status == answer.status);
      expect_rate_limit_headers(answer.response, answer.policy);
    }
  }
  // Routes outside the base path carry none.
  for (const std::string path :
       {"/healthz", "/readyz", "/metrics", "/.well-known/api-catalog", "/.well-known/nothing"}) {
    BOOST_TEST(!c.get(path, kNobody).header("RateLimit-Policy").has_value(), path);
  }
}

BOOST_AUTO_TEST_CASE(answers_not_counted_show_the_window_without_spending_it) {
  World& w = world();
  const Client c = api();
  avoid_minute_boundary();
  const int before = header_int(c.get("/whoami", w.manager_token), "RateLimit-Remaining");
  // An unknown route and a 405 describe the credential's window but are not counted.
  BOOST_TEST(header_int(c.get("/no/such/route", w.manager_token), "RateLimit-Remaining") == before);
  BOOST_TEST(header_int(c.call("PATCH", "/whoami", w.manager_token), "RateLimit-Remaining") ==
             before);
  // A request through the gate is.
  BOOST_TEST(header_int(c.get("/whoami", w.manager_token), "RateLimit-Remaining") == before - 1);
}

BOOST_AUTO_TEST_CASE(creates_answer_200_and_name_what_they_made) {
  World& w = world();
  const Client c = api();
  const HttpResponse org =
      c.post("/organizations", w.owner_token, json{{"name", "Located"}, {"country", "DE"}});
  BOOST_TEST_REQUIRE(org.status == 200);
  const std::string org_id = body_of(org)["id"];
  BOOST_TEST(org.header("Content-Location").value_or("") ==
             std::string(kBase) + "/organizations/" + org_id);

  const HttpResponse member = c.post("/organizations/" + org_id + "/members", w.owner_token,
                                     json{{"email", "located@example.com"}});
  BOOST_TEST_REQUIRE(member.status == 200);
  const std::string member_path =
      "/organizations/" + org_id + "/members/" + body_of(member)["id"].get<std::string>();
  BOOST_TEST(member.header("Content-Location").value_or("") == std::string(kBase) + member_path);

  const HttpResponse key =
      c.post("/organizations/" + org_id + "/api-keys", w.owner_token, json{{"name", "located"}});
  BOOST_TEST_REQUIRE(key.status == 200);
  const std::string key_path =
      "/organizations/" + org_id + "/api-keys/" + body_of(key)["id"].get<std::string>();
  BOOST_TEST(key.header("Content-Location").value_or("") == std::string(kBase) + key_path);
  BOOST_TEST(key.header("Cache-Control").value_or("") == "no-store");

  const HttpResponse user_key = c.post("/api-keys", w.owner_token, json{{"name", "mine"}});
  BOOST_TEST_REQUIRE(user_key.status == 200);
  const std::string user_key_path = "/api-keys/" + body_of(user_key)["id"].get<std::string>();
  BOOST_TEST(user_key.header("Content-Location").value_or("") ==
             std::string(kBase) + user_key_path);
  BOOST_TEST(user_key.header("Cache-Control").value_or("") == "no-store");

  // Each names a resource that answers as the create did (less the raw key).
  BOOST_TEST(c.ok("GET", org.header("Content-Location").value(), w.owner_token) == body_of(org));
  BOOST_TEST(c.ok("GET", member.header("Content-Location").value(), w.owner_token) ==
             body_of(member));
  json created_key = body_of(key);
  created_key.erase("key");
  json fetched_key = c.ok("GET", key.header("Content-Location").value(), w.owner_token);
  fetched_key.erase("last_used");
  created_key.erase("last_used");
  BOOST_TEST(fetched_key == created_key);
  BOOST_TEST(c.call("PATCH", user_key.header("Content-Location").value(), w.owner_token,
                    json{{"description", "found"}})
                 .status == 200);

  // Updates do not create: no Content-Location.
  BOOST_TEST(!c.put("/organizations/" + org_id, w.owner_token, json{{"name", "Moved"}})
                  .header("Content-Location")
                  .has_value());
}

// §8: a page on an allowed origin, using a publishable key, as a browser does it.
BOOST_AUTO_TEST_CASE(browsers_of_allowed_origins_may_call_what_a_publishable_key_may) {
  World& w = world();
  const Client c = api();
  const HeaderList ask = {{"Origin", kOrigin},
                          {"Access-Control-Request-Method", "GET"},
                          {"Access-Control-Request-Headers", "x-api-key"}};
  for (const std::string& path : {std::string("/whoami"), "/organizations/" + w.org_a}) {
    BOOST_TEST_CONTEXT(path) {
      // The preflight, with no credential, as browsers send it.
      const HttpResponse preflight = c.call("OPTIONS", path, kNobody, std::nullopt, ask);
      BOOST_TEST(preflight.status == 204);
      BOOST_TEST(preflight.body.empty());
      BOOST_TEST(preflight.header("Access-Control-Allow-Origin").value_or("") == kOrigin);
      BOOST_TEST(preflight.header("Access-Control-Allow-Methods").value_or("") == "GET, HEAD");
      BOOST_TEST(preflight.header("Access-Control-Allow-Headers").value_or("").find("X-API-Key") !=
                 std::string::npos);
      BOOST_TEST(preflight.header("Access-Control-Max-Age").has_value());
      BOOST_TEST(!preflight.header("Access-Control-Allow-Credentials").has_value());
      BOOST_TEST(preflight.header("Vary").value_or("") == "Origin");

      // The request itself, with the publishable key.
      const HttpResponse answer = c.get(path, w.cpk, {{"Origin", kOrigin}});
      BOOST_TEST(answer.status == 200);
      BOOST_TEST(answer.header("Access-Control-Allow-Origin").value_or("") == kOrigin);
      BOOST_TEST(
          answer.header("Access-Control-Expose-Headers").value_or("").find("RateLimit-Remaining") !=
          std::string::npos);
      BOOST_TEST(!answer.header("Access-Control-Allow-Credentials").has_value());
      // An error is readable by the page too.
      const HttpResponse refused = c.get(path, kNobody, {{"Origin", kOrigin}});
      BOOST_TEST(refused.status == 401);
      BOOST_TEST(refused.header("Access-Control-Allow-Origin").value_or("") == kOrigin);
    }
  }
  // The second configured origin is allowed as well.
  BOOST_TEST(c.get("/whoami", w.cpk, {{"Origin", "http://localhost:3000"}})
                 .header("Access-Control-Allow-Origin")
                 .value_or("") == "http://localhost:3000");
}

BOOST_AUTO_TEST_CASE(no_other_origin_route_or_method_gets_cors_headers) {
  World& w = world();
  const Client c = api();
  // Another origin: no grant, on the preflight nor on the answer.
  const HttpResponse foreign =
      c.call("OPTIONS", "/whoami", kNobody, std::nullopt,
             {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  BOOST_TEST(foreign.status == 204);
  BOOST_TEST(!foreign.header("Access-Control-Allow-Origin").has_value());
  BOOST_TEST(!foreign.header("Access-Control-Allow-Methods").has_value());
  BOOST_TEST(!c.get("/whoami", w.cpk, {{"Origin", "https://evil.example"}})
                  .header("Access-Control-Allow-Origin")
                  .has_value());
  // A method a publishable key may not use: no grant.
  const HttpResponse put = c.call("OPTIONS", "/organizations/" + w.org_a, kNobody, std::nullopt,
                                  {{"Origin", kOrigin}, {"Access-Control-Request-Method", "PUT"}});
  BOOST_TEST(!put.header("Access-Control-Allow-Methods").has_value());
  // Other routes: no preflight (405) and no CORS header at all, even for an allowed origin.
  for (const std::string& path :
       {std::string("/organizations"), "/organizations/" + w.org_a + "/members",
        std::string("/api-keys"), std::string("/preferences")}) {
    BOOST_TEST_CONTEXT(path) {
      const HttpResponse preflight =
          c.call("OPTIONS", path, kNobody, std::nullopt,
                 {{"Origin", kOrigin}, {"Access-Control-Request-Method", "GET"}});
      BOOST_TEST(preflight.status == 405);
      const HttpResponse answer = c.get(path, w.owner_token, {{"Origin", kOrigin}});
      for (const HttpResponse* r : {&preflight, &answer}) {
        for (const auto& [name, value] : r->headers) {
          BOOST_TEST(name.rfind("Access-Control-", 0) != 0u, name);
        }
        BOOST_TEST(!r->header("Vary").has_value());
      }
    }
  }
  // Writes on a CORS path are not CORS routes either.
  const HttpResponse write = c.put("/organizations/" + w.org_a, w.owner_token,
                                   json{{"name", "Acme"}}, {{"Origin", kOrigin}});
  BOOST_TEST(write.status == 200);
  BOOST_TEST(!write.header("Access-Control-Allow-Origin").has_value());
}

// Last: it spends this server's failed-authentication window for 127.0.0.1.
BOOST_AUTO_TEST_CASE(
    zz_without_a_credential_the_headers_describe_the_failed_authentication_window) {
  World& w = world();
  const Client c = api();
  avoid_minute_boundary(20);
  const Credential bad = api_key("bad", key_with_checksum("csb", std::string(32, 'Q')));
  const int start = header_int(c.get("/whoami", kNobody), "RateLimit-Remaining");
  // Sending nothing is no failed attempt: the window is shown, not spent.
  BOOST_TEST(header_int(c.get("/whoami", kNobody), "RateLimit-Remaining") == start);
  BOOST_TEST(header_int(c.get("/nowhere", kNobody), "RateLimit-Remaining") == start);
  // Each failure spends one.
  for (int i = 1; i <= start; ++i) {
    const HttpResponse failed = c.get("/whoami", bad);
    BOOST_TEST_REQUIRE(failed.status == 401);
    BOOST_TEST(header_int(failed, "RateLimit-Remaining") == start - i);
    BOOST_TEST(failed.header("RateLimit-Policy").value_or("") == kAddressPolicy);
  }
  // Then the throttle: 429, with the same window, exhausted, and Retry-After.
  const HttpResponse throttled = c.get("/whoami", bad);
  expect_problem(throttled, 429, "rate_limited");
  expect_rate_limit_headers(throttled, kAddressPolicy);
  BOOST_TEST(header_int(throttled, "RateLimit-Remaining") == 0);
  BOOST_TEST(header_int(throttled, "Retry-After") == header_int(throttled, "RateLimit-Reset"));
  BOOST_TEST(header_int(c.get("/nowhere", kNobody), "RateLimit-Remaining") == 0);
  // A good credential is not affected, and shows its own window.
  const HttpResponse fine = c.get("/whoami", w.owner_token);
  BOOST_TEST(fine.status == 200);
  expect_rate_limit_headers(fine, kCredentialPolicy);
}
