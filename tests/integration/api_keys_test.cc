// The real accountd: API keys — organization keys (csb, cpk) and user keys (csu):
// create with the raw key once, list, get, patch, revoke, expiry, last_used, and
// the rate limits they carry (headers, per-key overrides, publishable keys, 429).
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

std::string keys_of(const std::string& org) {
  return "/organizations/" + org + "/api-keys";
}

int header_int(const HttpResponse& response, const char* name) {
  return std::stoi(response.header(name).value_or("-1"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_org_key_answers_the_raw_key_once) {
  World& w = world();
  const Client c = api();
  const HttpResponse response =
      c.post(keys_of(w.org_a), w.owner_token, json{{"name", "CI deploys"}});
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  const json created = body_of(response);
  expect_api_key(created, true);
  BOOST_TEST(created["name"] == "CI deploys");
  BOOST_TEST(created["description"] == "");
  BOOST_TEST(created["role"] == "readonly");
  BOOST_TEST(created["kind"] == "business");
  BOOST_TEST(created["expires_at"].is_null());
  BOOST_TEST(created["last_used"].is_null());
  BOOST_TEST(created["rate_limit_per_minute"] == 0);
  BOOST_TEST(created["rate_limit_per_day"] == 0);
  BOOST_TEST(created["metadata"] == json::object());
  const std::string raw = created["key"];
  BOOST_TEST(is_well_formed_key(raw, "csb"), raw);
  BOOST_TEST(created["prefix"] == raw.substr(0, 8));
  BOOST_TEST(response.header("ETag").has_value());
  BOOST_TEST(response.header("X-Event-Position").has_value());

  // Never shown again.
  const std::string path = keys_of(w.org_a) + "/" + created["id"].get<std::string>();
  const HttpResponse got = c.get(path, w.owner_token);
  BOOST_TEST_REQUIRE(got.status == 200);
  json expected = created;
  expected.erase("key");
  BOOST_TEST(body_of(got) == expected);
  BOOST_TEST(got.body.find(raw) == std::string::npos);
  BOOST_TEST(got.header("ETag").has_value());
  const json listed = body_of(c.get(keys_of(w.org_a) + "?page_size=100", w.owner_token));
  BOOST_TEST(listed.dump().find(raw.substr(9)) == std::string::npos);

  // The key works, as a csb readonly key of Acme.
  const json whoami = c.ok("GET", "/whoami", api_key("new", raw));
  BOOST_TEST(whoami["api_key"]["id"] == created["id"]);
}

BOOST_AUTO_TEST_CASE(create_org_key_with_every_field) {
  World& w = world();
  const Client c = api();
  const std::string expires = rfc3339(unix_now() + 86400 * 30);
  const json created = c.ok("POST", keys_of(w.org_a), w.manager_token,
                            json{{"name", "widget"},
                                 {"description", "for the web page"},
                                 {"role", "readonly"},
                                 {"kind", "publishable"},
                                 {"expires_at", expires},
                                 {"rate_limit_per_minute", 50},
                                 {"rate_limit_per_day", 5000},
                                 {"metadata", {{"site", "shop"}}}});
  expect_api_key(created, true);
  BOOST_TEST(is_well_formed_key(created["key"], "cpk"));
  BOOST_TEST(created["kind"] == "publishable");
  BOOST_TEST(created["description"] == "for the web page");
  BOOST_TEST(is_timestamp(created["expires_at"]));
  BOOST_TEST(created["expires_at"].get<std::string>().substr(0, 19) == expires.substr(0, 19));
  BOOST_TEST(created["rate_limit_per_minute"] == 50);
  BOOST_TEST(created["rate_limit_per_day"] == 5000);
  BOOST_TEST(created["metadata"] == json({{"site", "shop"}}));
  const HttpResponse used = c.get("/whoami", api_key("cpk", created["key"]));
  BOOST_TEST(used.status == 200);
  BOOST_TEST(used.header("RateLimit-Policy").value_or("") == "50;w=60, 5000;w=86400");
}

BOOST_AUTO_TEST_CASE(create_org_key_validates_its_body) {
  World& w = world();
  const Client c = api();
  const std::string path = keys_of(w.org_a);
  expect_invalid(c.post(path, w.owner_token, json::object()), "name");
  expect_invalid(c.post(path, w.owner_token, json{{"name", ""}}), "name");
  expect_invalid(c.post(path, w.owner_token, json{{"name", std::string(256, 'k')}}), "name");
  expect_invalid(
      c.post(path, w.owner_token, json{{"name", "k"}, {"description", std::string(256, 'd')}}),
      "description");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"role", "owner"}}), "role");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"kind", "user"}}), "kind");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"kind", "secret"}}), "kind");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"expires_at", "tomorrow"}}),
                 "expires_at");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"rate_limit_per_minute", -1}}),
                 "rate_limit_per_minute");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"rate_limit_per_day", -5}}),
                 "rate_limit_per_day");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"rate_limit_per_day", "10"}}),
                 "rate_limit_per_day");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"metadata", {{"a", 1}}}}),
                 "metadata");
  expect_invalid(c.post(path, w.owner_token, json{{"name", "k"}, {"prefix", "csb_x"}}), "prefix");
}

BOOST_AUTO_TEST_CASE(patch_merges_metadata_and_keeps_what_is_not_sent) {
  World& w = world();
  const Client c = api();
  const json created = c.ok(
      "POST", keys_of(w.org_a), w.owner_token,
      json{
          {"name", "patchable"}, {"description", "first"}, {"metadata", {{"a", "1"}, {"b", "2"}}}});
  const std::string path = keys_of(w.org_a) + "/" + created["id"].get<std::string>();
  json key = c.ok("PATCH", path, w.owner_token,
                  json{{"name", "renamed"}, {"metadata", {{"b", ""}, {"c", "3"}}}});
  expect_api_key(key);
  BOOST_TEST(key["name"] == "renamed");
  BOOST_TEST(key["description"] == "first");
  BOOST_TEST(key["metadata"] == json({{"a", "1"}, {"c", "3"}}));
  BOOST_TEST(key["created"] == created["created"]);
  BOOST_TEST(key["role"] == created["role"]);
  key = c.ok("PATCH", path, w.owner_token,
             json{{"name", nullptr}, {"description", nullptr}, {"metadata", nullptr}});
  BOOST_TEST(key["name"] == "renamed");
  BOOST_TEST(key["description"] == "first");
  BOOST_TEST(key["metadata"] == json::object());
  key = c.ok("PATCH", path, w.owner_token, json{{"description", ""}, {"metadata", {{"z", "1"}}}});
  BOOST_TEST(key["description"] == "");
  key = c.ok("PATCH", path, w.owner_token, json{{"metadata", json::object()}});
  BOOST_TEST(key["metadata"] == json::object());
  BOOST_TEST(c.ok("GET", path, w.owner_token)["name"] == "renamed");
  expect_invalid(c.patch(path, w.owner_token, json{{"role", "manager"}}), "role");
  expect_invalid(c.patch(path, w.owner_token, json{{"name", ""}}), "name");
  expect_invalid(c.patch(path, w.owner_token, json{{"metadata", {{std::string(41, 'k'), "v"}}}}),
                 "metadata");
}

BOOST_AUTO_TEST_CASE(a_revoked_key_is_gone) {
  World& w = world();
  const Client c = api();
  const json before = body_of(c.get(keys_of(w.org_a) + "?page_size=100", w.owner_token));
  const int count = before["pagination"]["total_count"];
  const json created = c.ok("POST", keys_of(w.org_a), w.owner_token, json{{"name", "short lived"}});
  const Credential key = api_key("short lived", created["key"]);
  const std::string path = keys_of(w.org_a) + "/" + created["id"].get<std::string>();
  BOOST_TEST(c.get("/whoami", key).status == 200);
  expect_page(c.get(keys_of(w.org_a) + "?page_size=100", w.owner_token), 1, 100, count + 1);

  const HttpResponse revoked = c.del(path, w.owner_token);
  BOOST_TEST(revoked.status == 204);
  BOOST_TEST(revoked.body.empty());
  expect_problem(c.get("/whoami", key), 401, "unauthorized");
  expect_problem(c.get(path, w.owner_token), 404, "not_found");
  expect_problem(c.patch(path, w.owner_token, json{{"name", "x"}}), 404, "not_found");
  expect_problem(c.del(path, w.owner_token), 404, "not_found");
  const json after =
      expect_page(c.get(keys_of(w.org_a) + "?page_size=100", w.owner_token), 1, 100, count);
  for (const json& k : after) {
    expect_api_key(k);
    BOOST_TEST(k["id"] != created["id"]);
  }
}

BOOST_AUTO_TEST_CASE(org_keys_list_in_creation_order_and_page) {
  World& w = world();
  const Client c = api();
  const std::string org = c.ok("POST", "/organizations", w.owner_token,
                               json{{"name", "Keyring"}, {"country", "DE"}})["id"];
  for (int i = 0; i < 5; ++i)
    c.ok("POST", keys_of(org), w.owner_token, json{{"name", "k" + std::to_string(i)}});
  const json page1 = expect_page(c.get(keys_of(org) + "?page_size=2", w.owner_token), 1, 2, 5);
  const json page3 =
      expect_page(c.get(keys_of(org) + "?page=3&page_size=2", w.owner_token), 3, 2, 5);
  BOOST_TEST(page1[0]["name"] == "k0");
  BOOST_TEST(page1[1]["name"] == "k1");
  BOOST_TEST(page3[0]["name"] == "k4");
  expect_page(c.get(keys_of(org) + "?page=4&page_size=2", w.owner_token), 4, 2, 5);
  // Another organization's key ids do not resolve here.
  expect_problem(c.get(keys_of(org) + "/" + w.csb_readonly_id, w.owner_token), 404, "not_found");
  expect_problem(c.del(keys_of(org) + "/" + w.csb_readonly_id, w.owner_token), 404, "not_found");
  BOOST_TEST(c.get(keys_of(w.org_a) + "/" + w.csb_readonly_id, w.owner_token).status == 200);
}

BOOST_AUTO_TEST_CASE(user_keys_are_the_callers_own) {
  World& w = world();
  const Client c = api();
  const HttpResponse response =
      c.post("/api-keys", w.editor_token, json{{"name", "eddie cli"}, {"role", "editor"}});
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  const json created = body_of(response);
  expect_api_key(created, true);
  BOOST_TEST(created["kind"] == "user");
  BOOST_TEST(created["role"] == "editor");
  BOOST_TEST(is_well_formed_key(created["key"], "csu"));
  BOOST_TEST(created["prefix"] == created["key"].get<std::string>().substr(0, 8));
  const Credential key = api_key("eddie csu", created["key"]);
  const json whoami = c.ok("GET", "/whoami", key);
  BOOST_TEST(whoami["user_id"] == w.eddie.user_id);
  BOOST_TEST(whoami["organizations"][0]["role"] == "editor");

  const json mine = expect_page(c.get("/api-keys", w.editor_token), 1, 25, 1);
  json expected = created;
  expected.erase("key");
  expected["last_used"] = mine[0]["last_used"];  // just used above
  BOOST_TEST(mine[0] == expected);
  // Visible through the key itself too (a read).
  expect_page(c.get("/api-keys", key), 1, 25, 1);

  const std::string path = "/api-keys/" + created["id"].get<std::string>();
  const json patched = c.ok("PATCH", path, w.editor_token,
                            json{{"description", "laptop"}, {"metadata", {{"os", "linux"}}}});
  BOOST_TEST(patched["description"] == "laptop");
  BOOST_TEST(patched["metadata"] == json({{"os", "linux"}}));
  // Someone else's key: not found.
  expect_problem(c.patch(path, w.billing_token, json{{"name", "mine now"}}), 404, "not_found");
  expect_problem(c.del(path, w.billing_token), 404, "not_found");
  expect_problem(c.del("/api-keys/" + w.csu_readonly_id, w.editor_token), 404, "not_found");
  // kind is not for user keys.
  expect_invalid(c.post("/api-keys", w.editor_token, json{{"name", "x"}, {"kind", "user"}}),
                 "kind");
  expect_invalid(c.post("/api-keys", w.editor_token, json{{"name", "x"}, {"kind", "business"}}),
                 "kind");
  expect_invalid(c.post("/api-keys", w.editor_token, json{{"description", "x"}}), "name");

  const HttpResponse revoked = c.del(path, w.editor_token);
  BOOST_TEST(revoked.status == 204);
  expect_problem(c.get("/whoami", key), 401, "unauthorized");
  expect_problem(c.patch(path, w.editor_token, json{{"name", "x"}}), 404, "not_found");
  expect_problem(c.del(path, w.editor_token), 404, "not_found");
  expect_page(c.get("/api-keys", w.editor_token), 1, 25, 0);
}

BOOST_AUTO_TEST_CASE(a_key_past_its_expiry_is_rejected) {
  World& w = world();
  const Client c = api();
  const json created = c.ok("POST", keys_of(w.org_a), w.owner_token,
                            json{{"name", "expiring"}, {"expires_at", rfc3339(unix_now() + 2)}});
  const Credential key = api_key("expiring", created["key"]);
  BOOST_TEST(c.get("/whoami", key).status == 200);
  std::this_thread::sleep_for(3s);
  expect_problem(c.get("/whoami", key), 401, "unauthorized");
}

BOOST_AUTO_TEST_CASE(last_used_is_kept_current) {
  World& w = world();
  const Client c = api();
  const json created = c.ok("POST", keys_of(w.org_a), w.owner_token, json{{"name", "tracked"}});
  BOOST_TEST(created["last_used"].is_null());
  const std::string path = keys_of(w.org_a) + "/" + created["id"].get<std::string>();
  BOOST_TEST(c.ok("GET", path, w.owner_token)["last_used"].is_null());
  const int64_t before = unix_now();
  BOOST_TEST(c.get("/organizations/" + w.org_a, api_key("tracked", created["key"])).status == 200);
  json seen;
  for (int attempt = 0; attempt < 50; ++attempt) {
    seen = c.ok("GET", path, w.owner_token)["last_used"];
    if (!seen.is_null()) break;
    std::this_thread::sleep_for(100ms);
  }
  BOOST_TEST_REQUIRE(is_timestamp(seen), seen.dump());
  // Within a few seconds of the use, in UTC.
  const std::string text = seen;
  BOOST_TEST(text.substr(0, 16) >= rfc3339(before - 5).substr(0, 16));
  BOOST_TEST(text.substr(0, 16) <= rfc3339(unix_now() + 5).substr(0, 16));
  // In the list and in whoami too.
  bool listed = false;
  for (const json& k :
       part(body_of(c.get(keys_of(w.org_a) + "?page_size=100", w.owner_token)), "data"))
    if (k["id"] == created["id"]) listed = is_timestamp(k["last_used"]);
  BOOST_TEST(listed);
  BOOST_TEST(is_timestamp(
      c.ok("GET", "/whoami", api_key("tracked", created["key"]))["api_key"]["last_used"]));
}

BOOST_AUTO_TEST_CASE(every_authenticated_answer_carries_rate_limit_headers) {
  World& w = world();
  const Client c = api();
  const std::vector<HttpResponse> answers = {
      c.get("/whoami", w.billing_token),
      c.get("/organizations/" + w.org_a, w.billing_token),
      c.get("/organizations/" + w.org_b, w.billing_token),                  // 404
      c.put("/organizations/" + w.org_a, w.billing_token, json::object()),  // 403
      c.post("/organizations", w.billing_token, json{{"country", "DE"}}),   // 422
      c.get("/whoami", w.csb_editor),
      c.get("/api-keys", w.csb_editor),  // 403
  };
  int previous_remaining = 1 << 30;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const HttpResponse& r = answers[i];
    BOOST_TEST_CONTEXT("answer " << i << ": " << r.status << " " << r.body) {
      BOOST_TEST(r.header("RateLimit-Policy").value_or("") == "300;w=60, 10000;w=86400");
      const int limit = header_int(r, "RateLimit-Limit");
      const int remaining = header_int(r, "RateLimit-Remaining");
      const int reset = header_int(r, "RateLimit-Reset");
      BOOST_TEST(limit == 300);  // the minute window is the most restrictive
      BOOST_TEST(remaining >= 0);
      BOOST_TEST(remaining < 300);
      BOOST_TEST(reset >= 0);
      BOOST_TEST(reset <= 60);
      BOOST_TEST(r.header("X-RateLimit-Limit") == r.header("RateLimit-Limit"));
      BOOST_TEST(r.header("X-RateLimit-Remaining") == r.header("RateLimit-Remaining"));
      const int64_t reset_at = std::stoll(r.header("X-RateLimit-Reset").value_or("0"));
      BOOST_TEST(reset_at % 60 == 0);  // aligned to the UTC minute
      BOOST_TEST(reset_at > unix_now() - 2);
      BOOST_TEST(reset_at <= unix_now() + 61);
      if (i < 5 && reset > 2) {
        BOOST_TEST(remaining < previous_remaining);  // each one counted
      }
      previous_remaining = i < 5 ? remaining : previous_remaining;
    }
  }
  // Answers to a request without a credential describe the address's
  // failed-authentication window instead (api_headers_test has the details).
  BOOST_TEST(c.get("/whoami", kNobody).header("RateLimit-Policy").value_or("") == "60;w=60");
  BOOST_TEST(c.get("/openapi.json", kNobody).header("RateLimit-Policy").value_or("") == "60;w=60");
}

BOOST_AUTO_TEST_CASE(a_key_over_its_minute_limit_gets_429) {
  World& w = world();
  const Client c = api();
  const json created = c.ok("POST", keys_of(w.org_a), w.owner_token,
                            json{{"name", "slow"}, {"rate_limit_per_minute", 3}});
  const Credential key = api_key("slow", created["key"]);
  avoid_minute_boundary();
  std::vector<HttpResponse> answers;
  for (int i = 0; i < 4; ++i) answers.push_back(c.get("/organizations/" + w.org_a, key));
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(answers[i].status == 200);
    BOOST_TEST(answers[i].header("RateLimit-Policy").value_or("") == "3;w=60, 10000;w=86400");
    BOOST_TEST(answers[i].header("RateLimit-Limit").value_or("") == "3");
    BOOST_TEST(header_int(answers[i], "RateLimit-Remaining") == 2 - i);
  }
  const HttpResponse& limited = answers[3];
  expect_problem(limited, 429, "rate_limited");
  const int retry_after = header_int(limited, "Retry-After");
  BOOST_TEST(retry_after >= 1);
  BOOST_TEST(retry_after <= 60);
  BOOST_TEST(body_of(limited).value("retry_after_seconds", -1) == retry_after);
  BOOST_TEST(body_of(limited)["retryable"] == true);
  BOOST_TEST(limited.header("RateLimit-Remaining").value_or("") == "0");
  BOOST_TEST(limited.header("RateLimit-Limit").value_or("") == "3");
  // Writes and other routes are counted by the same allowance.
  expect_problem(
      c.patch(keys_of(w.org_a) + "/" + created["id"].get<std::string>(), key, json{{"name", "x"}}),
      429, "rate_limited");
  // Other credentials are not affected.
  BOOST_TEST(c.get("/organizations/" + w.org_a, w.owner_token).status == 200);
}

BOOST_AUTO_TEST_CASE(publishable_keys_read_only_whoami_and_their_org_at_100_a_minute) {
  World& w = world();
  const Client c = api();
  const json created = c.ok("POST", keys_of(w.org_a), w.owner_token,
                            json{{"name", "embed"}, {"kind", "publishable"}});
  const Credential key = api_key("embed", created["key"]);
  const std::string org = "/organizations/" + w.org_a;
  avoid_minute_boundary(8);
  const HttpResponse first = c.get(org, key);
  BOOST_TEST(first.status == 200);
  BOOST_TEST(first.header("RateLimit-Policy").value_or("") == "100;w=60, 10000;w=86400");
  BOOST_TEST(first.header("RateLimit-Limit").value_or("") == "100");
  BOOST_TEST(first.header("RateLimit-Remaining").value_or("") == "99");
  BOOST_TEST(c.get("/whoami", key).status == 200);
  // Everything else: 403, counted too.
  for (const std::string& path :
       {std::string("/organizations"), org + "/members", org + "/api-keys",
        std::string("/api-keys"), std::string("/preferences"), org + "/events"}) {
    const HttpResponse refused = c.get(path, key);
    expect_problem(refused, 403, "forbidden", std::string(kBase) + path);
    BOOST_TEST(refused.header("RateLimit-Limit").value_or("") == "100");
  }
  expect_problem(c.put(org, key, json{{"name", "x"}}), 403, "forbidden");
  expect_problem(c.post(org + "/members", key, json{{"email", "x@example.com"}}), 403, "forbidden");
  // 10 used; 90 more are admitted, the next is not.
  int admitted = 0;
  HttpResponse last;
  for (int i = 0; i < 91; ++i) {
    last = c.get(org, key);
    if (last.status == 200) ++admitted;
  }
  BOOST_TEST(admitted == 90);
  expect_problem(last, 429, "rate_limited");
}

BOOST_AUTO_TEST_CASE(the_daily_window_shows_when_it_is_the_most_restrictive) {
  World& w = world();
  const Client c = api();
  const json created = c.ok("POST", keys_of(w.org_a), w.owner_token,
                            json{{"name", "daily"}, {"rate_limit_per_day", 2}});
  const Credential key = api_key("daily", created["key"]);
  const HttpResponse first = c.get("/whoami", key);
  BOOST_TEST(first.status == 200);
  BOOST_TEST(first.header("RateLimit-Policy").value_or("") == "300;w=60, 2;w=86400");
  BOOST_TEST(first.header("RateLimit-Limit").value_or("") == "2");
  BOOST_TEST(first.header("RateLimit-Remaining").value_or("") == "1");
  const int64_t midnight = (unix_now() / 86400 + 1) * 86400;
  const int64_t reset_at = std::stoll(first.header("X-RateLimit-Reset").value_or("0"));
  BOOST_TEST(std::abs(reset_at - midnight) <= 1);  // the next UTC midnight
  BOOST_TEST(std::abs(header_int(first, "RateLimit-Reset") - (midnight - unix_now())) <= 2);
  BOOST_TEST(c.get("/whoami", key).status == 200);
  const HttpResponse limited = c.get("/whoami", key);
  expect_problem(limited, 429, "rate_limited");
  BOOST_TEST(std::abs(header_int(limited, "Retry-After") - (midnight - unix_now())) <= 2);
  BOOST_TEST(limited.header("RateLimit-Remaining").value_or("") == "0");
}

BOOST_AUTO_TEST_CASE(using_a_key_writes_no_event) {
  World& w = world();
  const Client c = api();
  const json created = c.ok("POST", keys_of(w.org_a), w.owner_token, json{{"name", "quiet"}});
  const Credential key = api_key("quiet", created["key"]);
  const std::string org = "/organizations/" + w.org_a;
  const std::string etag = c.get(org, w.owner_token).header("ETag").value_or("");
  const json feed = c.ok("GET", org + "/events?limit=1000", w.owner_token);
  for (int i = 0; i < 20; ++i) BOOST_TEST(c.get(org, key).status == 200);
  std::this_thread::sleep_for(1500ms);  // past a flush of last_used
  BOOST_TEST(c.get(org, w.owner_token).header("ETag").value_or("") == etag);
  BOOST_TEST(c.ok("GET", org + "/events?limit=1000", w.owner_token) == feed);
}
