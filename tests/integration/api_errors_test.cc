// The real accountd: every error of §6 as problem+json — 400, 401, 403, 404,
// 405, 409, 412, 413, 415, 422 and 429 — with error_code, retryable, timestamp,
// instance and request_id, and X-Request-ID on every answer.
#include "integration/api_support.h"

using namespace api_test;

namespace {

World& world() {
  static World instance;
  return instance;
}

Client api() {
  return world().client();
}

const HeaderList kJson = {{"Content-Type", "application/json"}};

std::set<std::string> method_set(const std::string& allow) {
  std::set<std::string> methods;
  std::size_t start = 0;
  while (start < allow.size()) {
    std::size_t comma = allow.find(',', start);
    if (comma == std::string::npos) comma = allow.size();
    std::string method = allow.substr(start, comma - start);
    method.erase(0, method.find_first_not_of(' '));
    method.erase(method.find_last_not_of(' ') + 1);
    methods.insert(method);
    start = comma + 1;
  }
  return methods;
}

}  // namespace

BOOST_AUTO_TEST_CASE(malformed_json_is_400) {
  World& w = world();
  const Client c = api();
  const std::string target = std::string(kBase) + "/organizations";
  for (const std::string& body : {std::string("{"), std::string("{\"name\": \"x\",}"),
                                  std::string("nonsense"), std::string("")}) {
    BOOST_TEST_CONTEXT("body '" << body << "'") {
      expect_problem(c.raw("POST", "/organizations", w.owner_token, body, kJson), 400,
                     "bad_request", target);
    }
  }
  // A JSON value that is not an object: 422 naming the body.
  expect_invalid(c.raw("POST", "/organizations", w.owner_token, "[1, 2]", kJson), "body");
  expect_invalid(c.raw("POST", "/organizations", w.owner_token, "\"text\"", kJson), "body");
  // Nothing was created.
  expect_page(c.get("/organizations", w.owner_token), 1, 25, 1);
}

BOOST_AUTO_TEST_CASE(a_bad_header_is_400) {
  World& w = world();
  const Client c = api();
  const std::string org = "/organizations/" + w.org_a;
  expect_problem(c.put(org, w.owner_token, json{{"name", "Acme"}}, {{"If-Match", "seven"}}), 400,
                 "bad_request");
  expect_problem(c.put(org, w.owner_token, json{{"name", "Acme"}},
                       {{"Idempotency-Key", std::string(300, 'k')}}),
                 400, "bad_request");
}

BOOST_AUTO_TEST_CASE(a_body_that_is_not_json_is_415) {
  World& w = world();
  const Client c = api();
  const std::string body = json{{"name", "X"}, {"country", "DE"}}.dump();
  for (const HeaderList& headers :
       {HeaderList{{"Content-Type", "text/plain"}}, HeaderList{},
        HeaderList{{"Content-Type", "application/x-www-form-urlencoded"}},
        HeaderList{{"Content-Type", "application/json; charset=latin1"}}}) {
    BOOST_TEST_CONTEXT((headers.empty() ? "no content type" : headers[0].second)) {
      expect_problem(c.raw("POST", "/organizations", w.owner_token, body, headers), 415,
                     "unsupported_media_type", std::string(kBase) + "/organizations");
    }
  }
  // The contract's own spelling, and its parameters, are fine.
  BOOST_TEST(c.raw("POST", "/organizations", w.owner_token, body,
                   {{"Content-Type", "application/json; charset=utf-8"}})
                 .status == 200);
  BOOST_TEST(
      c.raw("PUT", "/preferences", w.owner_token, "[]", {{"Content-Type", "Application/JSON"}})
          .status == 200);
}

BOOST_AUTO_TEST_CASE(a_body_over_64_kib_is_413) {
  World& w = world();
  const Client c = api();
  // Valid JSON, one byte over the limit.
  std::string big = "{\"name\": \"" + std::string(65536, 'n') + "\", \"country\": \"DE\"}";
  big.resize(65537 - 2);
  big += "\"}";
  BOOST_TEST_REQUIRE(big.size() == 65537u);
  expect_problem(c.raw("POST", "/organizations", w.owner_token, big, kJson), 413,
                 "payload_too_large", std::string(kBase) + "/organizations");
  expect_problem(c.raw("PUT", "/preferences", w.owner_token, std::string(200 * 1024, ' '), kJson),
                 413, "payload_too_large");
  // Exactly 64 KiB is read, and judged on its content (a name far over 255).
  std::string at_limit = "{\"country\": \"DE\", \"name\": \"\"}";
  at_limit.insert(at_limit.size() - 2, 65536 - at_limit.size(), 'n');
  BOOST_TEST_REQUIRE(at_limit.size() == 65536u);
  BOOST_TEST_REQUIRE(json::parse(at_limit)["name"].get<std::string>().size() > 255u);
  expect_invalid(c.raw("POST", "/organizations", w.owner_token, at_limit, kJson), "name");
  // Even without credentials the size is judged first.
  expect_problem(c.raw("POST", "/organizations", kNobody, big, kJson), 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(unknown_routes_are_404) {
  World& w = world();
  const Client c = api();
  for (const std::string& path :
       {std::string("/account/api/v1/nothing"),
        std::string("/account/api/v1/organizations/") + w.org_a + "/members/" + w.mia.member_id +
            "/x",
        std::string("/account/api/v2/whoami"), std::string("/account/api"),
        std::string("/account/api/v1/organizations/") + w.org_a + "/unknown"}) {
    BOOST_TEST_CONTEXT(path) {
      expect_problem(c.get(path, w.owner_token), 404, "not_found", path);
      expect_problem(c.get(path, kNobody), 404, "not_found", path);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_wrong_method_is_405_with_allow) {
  World& w = world();
  const Client c = api();
  const std::string org = std::string(kBase) + "/organizations/" + w.org_a;
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"DELETE", std::string(kBase) + "/organizations", "GET, HEAD, POST"},
      // Browsers may call GET /organizations/{id} with a publishable key: it has a preflight.
      {"PATCH", org, "DELETE, GET, HEAD, PUT, OPTIONS"},
      {"GET", org + "/restore", "POST"},
      {"PATCH", org + "/members/" + w.mia.member_id, "DELETE, GET, HEAD, PUT"},
      {"PUT", org + "/api-keys/" + w.csb_readonly_id, "DELETE, GET, HEAD, PATCH"},
      {"GET", std::string(kBase) + "/api-keys/" + w.csu_readonly_id, "DELETE, PATCH"},
      {"POST", std::string(kBase) + "/whoami", "GET, HEAD, OPTIONS"},
      {"OPTIONS", std::string(kBase) + "/organizations", "GET, HEAD, POST"},
      {"DELETE", std::string(kBase) + "/preferences", "GET, HEAD, PUT"},
      {"POST", "/healthz", "GET, HEAD"},
  };
  for (const auto& [method, path, allow] : cases) {
    BOOST_TEST_CONTEXT(method << " " << path) {
      const HttpResponse response = c.call(method, path, w.owner_token);
      expect_problem(response, 405, "method_not_allowed", path);
      // The methods allowed, in any order.
      BOOST_TEST(method_set(response.header("Allow").value_or("")) == method_set(allow));
    }
  }
}

BOOST_AUTO_TEST_CASE(no_credential_is_401) {
  const HttpResponse response = api().get("/organizations", kNobody);
  expect_problem(response, 401, "unauthorized", std::string(kBase) + "/organizations");
  BOOST_TEST(response.header("WWW-Authenticate").has_value());
}

BOOST_AUTO_TEST_CASE(seen_but_not_allowed_is_403) {
  World& w = world();
  const HttpResponse response =
      api().put("/organizations/" + w.org_a, w.editor_token, json{{"name", "Mine"}});
  expect_problem(response, 403, "forbidden", std::string(kBase) + "/organizations/" + w.org_a);
  BOOST_TEST(api().ok("GET", "/organizations/" + w.org_a, w.editor_token)["name"] == "Acme");
}

BOOST_AUTO_TEST_CASE(a_403_names_the_rule_that_refused) {
  World& w = world();
  const Client c = api();
  const std::string org = "/organizations/" + w.org_a;
  // Its own organization, so that no earlier test's setting can let the delete through.
  const std::string doomed =
      "/organizations/" +
      c.ok("POST", "/organizations", w.owner_token, json{{"name", "Kept"}, {"country", "DE"}})["id"]
          .get<std::string>();
  struct Case {
    std::string what;
    HttpResponse response;
    std::string reason;
    std::string detail;  // a part of the detail that states the rule
  };
  const std::vector<Case> cases = {
      {"a manager removes an owner", c.del(org + "/members/" + w.ann.member_id, w.manager_token),
       "owner_required",
       "Only an owner can grant or take away the owner role, or remove an owner."},
      {"a manager makes someone owner",
       c.put(org + "/members/" + w.bill.member_id, w.manager_token, json{{"role", "owner"}}),
       "owner_required", "Your role here is manager."},
      {"a manager key makes someone owner",
       c.put(org + "/members/" + w.bill.member_id, w.csb_manager, json{{"role", "owner"}}),
       "owner_required", "A business key never acts as an owner."},
      {"a manager updates the organization", c.put(org, w.manager_token, json{{"name", "M"}}),
       "owner_required", "Only an owner can update the organization."},
      {"billing invites", c.post(org + "/members", w.billing_token, json{{"email", "x@e.com"}}),
       "owner_or_manager_required", "Only an owner or a manager can invite members"},
      {"an editor lists keys", c.get(org + "/api-keys", w.editor_token),
       "owner_or_manager_required", "manage the organization's API keys"},
      {"an editor reads events", c.get(org + "/events", w.editor_token),
       "owner_or_manager_required", "read the organization's events"},
      {"a readonly key writes", c.put(org, w.csb_readonly, json{{"name", "R"}}),
       "read_only_credential", "editor or readonly"},
      {"a readonly csu key creates an organization",
       c.post("/organizations", w.csu_readonly, json{{"name", "R"}, {"country", "DE"}}),
       "read_only_credential", "editor or readonly"},
      {"an org key creates an organization",
       c.post("/organizations", w.csb_manager, json{{"name", "R"}, {"country", "DE"}}),
       "user_credential_required", "an organization key cannot"},
      {"an org key reads preferences", c.get("/preferences", w.csb_manager),
       "user_credential_required", "an organization key cannot"},
      {"a publishable key lists organizations", c.get("/organizations", w.cpk),
       "publishable_key_scope", "whoami and its own organization"},
      {"a stale session deletes", c.del(doomed, w.stale_owner_session), "reauthentication_required",
       "15 minutes"},
  };
  for (const Case& refused : cases) {
    BOOST_TEST_CONTEXT(refused.what) {
      expect_problem(refused.response, 403, "forbidden");
      const json body = body_of(refused.response);
      BOOST_TEST(body.value("reason", "") == refused.reason);
      BOOST_TEST(body.value("detail", "").find(refused.detail) != std::string::npos,
                 body.value("detail", ""));
    }
  }
  BOOST_TEST(api().ok("GET", org, w.owner_token)["name"] == "Acme");
}

BOOST_AUTO_TEST_CASE(unseen_is_404_with_the_contracts_detail) {
  World& w = world();
  const std::string target = "/organizations/" + w.org_a + "/members/" + w.bob_member_in_b;
  const HttpResponse response = api().get(target, w.owner_token);
  expect_problem(response, 404, "not_found", std::string(kBase) + target);
  BOOST_TEST(body_of(response).value("detail", "").find("No member") == 0u);
  BOOST_TEST(body_of(response)["title"] == "Not Found");
}

BOOST_AUTO_TEST_CASE(conflicts_are_409) {
  World& w = world();
  const Client c = api();
  const HttpResponse member = c.post("/organizations/" + w.org_a + "/members", w.owner_token,
                                     json{{"email", "mia@example.com"}});
  expect_problem(member, 409, "conflict");
  BOOST_TEST(!body_of(member).contains("reason"));
  const HttpResponse last_owner =
      c.del("/organizations/" + w.org_a + "/members/" + w.ann.member_id, w.owner_token);
  expect_problem(last_owner, 409, "conflict");
  BOOST_TEST(body_of(last_owner)["reason"] == "last_owner");
  expect_problem(c.call("POST", "/organizations/" + w.org_a + "/restore", w.owner_token), 409,
                 "conflict");
}

BOOST_AUTO_TEST_CASE(a_stale_if_match_is_412) {
  World& w = world();
  const Client c = api();
  const std::string org = "/organizations/" + w.org_a;
  const std::string etag = c.get(org, w.owner_token).header("ETag").value();
  c.ok("PUT", org, w.owner_token, json{{"metadata", {{"touched", "yes"}}}});
  const HttpResponse stale =
      c.put(org, w.owner_token, json{{"name", "Stale"}}, {{"If-Match", etag}});
  expect_problem(stale, 412, "precondition_failed", std::string(kBase) + org);
  BOOST_TEST(c.ok("GET", org, w.owner_token)["name"] == "Acme");
  c.ok("PUT", org, w.owner_token, json{{"metadata", nullptr}});
}

BOOST_AUTO_TEST_CASE(validation_errors_are_422_naming_each_field) {
  World& w = world();
  const HttpResponse response = api().post(
      "/organizations/" + w.org_a + "/api-keys", w.owner_token,
      json{{"name", ""}, {"role", "root"}, {"rate_limit_per_minute", -1}, {"surprise", true}});
  expect_problem(response, 422, "validation_error",
                 std::string(kBase) + "/organizations/" + w.org_a + "/api-keys");
  std::set<std::string> fields;
  for (const json& e : part(body_of(response), "errors"))
    fields.insert(e["field"].get<std::string>());
  BOOST_TEST(fields.count("surprise") == 1u);
  expect_invalid(api().get("/organizations/" + w.org_a + "/members?page_size=1000", w.owner_token),
                 "page_size");
  expect_invalid(api().get("/organizations/" + w.org_a + "/api-keys/nope", w.owner_token),
                 "key_id");
  expect_invalid(api().patch("/api-keys/nope", w.owner_token, json::object()), "key_id");
  expect_invalid(api().get("/organizations/12345/members", w.owner_token), "org_id");
  expect_invalid(api().get("/organizations/" + w.org_a + "/events?limit=0", w.owner_token),
                 "limit");
}

// The fields a 422 names, in order.
std::vector<std::string> invalid_fields(const HttpResponse& response) {
  std::vector<std::string> fields;
  if (response.status != 422) return fields;
  for (const json& e : part(body_of(response), "errors")) fields.push_back(e["field"]);
  return fields;
}

BOOST_AUTO_TEST_CASE(a_422_lists_every_invalid_path_and_query_parameter) {
  World& w = world();
  const Client c = api();
  using Fields = std::vector<std::string>;
  struct Case {
    std::string method, path;
    Fields fields;
  };
  const std::string org = "/organizations/" + w.org_a;
  const std::vector<Case> cases = {
      {"GET", "/organizations/bad-org/members/bad-member", {"org_id", "member_id"}},
      {"PUT", "/organizations/bad-org/members/bad-member", {"org_id", "member_id"}},
      {"DELETE", "/organizations/bad-org/members/bad-member", {"org_id", "member_id"}},
      {"GET", "/organizations/x/api-keys/y", {"organization_id", "key_id"}},
      {"PATCH", "/organizations/x/api-keys/y", {"organization_id", "key_id"}},
      {"GET",
       org + "/members?page=0&page_size=101&role=admin&as_of=yesterday",
       {"page", "page_size", "role", "as_of"}},
      {"GET", "/organizations/bad/members?page=x&role=boss", {"org_id", "page", "role"}},
      {"GET", org + "/events?after=-1&limit=5000", {"after", "limit"}},
      {"GET", "/organizations/bad/events?limit=0", {"id", "limit"}},
      {"GET", "/organizations?page=0&page_size=0", {"page", "page_size"}},
  };
  for (const Case& bad : cases) {
    BOOST_TEST_CONTEXT(bad.method << " " << bad.path) {
      const bool with_body = bad.method == "PUT" || bad.method == "PATCH";
      const HttpResponse response =
          c.call(bad.method, bad.path, w.owner_token,
                 with_body ? std::optional<json>(json{{"role", "editor"}}) : std::nullopt);
      expect_problem(response, 422, "validation_error");
      BOOST_TEST(invalid_fields(response) == bad.fields, response.body);
    }
  }
}

BOOST_AUTO_TEST_CASE(over_the_limit_is_429) {
  World& w = world();
  const Client c = api();
  const json key = c.ok("POST", "/organizations/" + w.org_a + "/api-keys", w.owner_token,
                        json{{"name", "tiny"}, {"rate_limit_per_minute", 1}});
  avoid_minute_boundary(3);
  const Credential tiny = api_key("tiny", key["key"]);
  BOOST_TEST(c.get("/whoami", tiny).status == 200);
  const HttpResponse limited = c.get("/whoami", tiny);
  expect_problem(limited, 429, "rate_limited", std::string(kBase) + "/whoami");
  BOOST_TEST(body_of(limited)["retryable"] == true);
  BOOST_TEST(std::to_string(body_of(limited)["retry_after_seconds"].get<int>()) ==
             limited.header("Retry-After").value_or(""));
}

BOOST_AUTO_TEST_CASE(every_answer_has_a_request_id) {
  World& w = world();
  const Client c = api();
  const HttpResponse echoed =
      c.get("/whoami", w.owner_token, {{"X-Request-ID", "trace.ABC-123_x"}});
  BOOST_TEST(echoed.header("X-Request-ID").value_or("") == "trace.ABC-123_x");
  const HttpResponse error =
      c.get("/organizations/" + w.org_b, w.owner_token, {{"X-Request-ID", "trace-404"}});
  BOOST_TEST(error.header("X-Request-ID").value_or("") == "trace-404");
  BOOST_TEST(body_of(error)["request_id"] == "trace-404");
  const HttpResponse write = c.put("/organizations/" + w.org_a, w.owner_token,
                                   json{{"name", "Acme"}}, {{"X-Request-ID", "trace-write"}});
  BOOST_TEST(write.status == 200);
  BOOST_TEST(write.header("X-Request-ID").value_or("") == "trace-write");
  // Out of the allowed alphabet or length: replaced by a generated one.
  for (const std::string& bad :
       {std::string("has space"), std::string(129, 'a'), std::string("é")}) {
    const HttpResponse replaced = c.get("/whoami", w.owner_token, {{"X-Request-ID", bad}});
    const std::string id = replaced.header("X-Request-ID").value_or("");
    BOOST_TEST(!id.empty());
    BOOST_TEST(id != bad);
  }
  BOOST_TEST(c.get("/whoami", w.owner_token, {{"X-Request-ID", std::string(128, 'a')}})
                 .header("X-Request-ID")
                 .value_or("") == std::string(128, 'a'));
  // Generated ones differ.
  BOOST_TEST(c.get("/healthz", kNobody).header("X-Request-ID") !=
             c.get("/healthz", kNobody).header("X-Request-ID"));
  BOOST_TEST(c.del("/organizations", kNobody).header("X-Request-ID").has_value());
}
