// The real accountd: the three credential schemes of §2 — what authenticates,
// what answers 401 (always with WWW-Authenticate), session CSRF and the
// re-authentication gate on deleting an organization, and the throttling of
// failed authentication per client address.
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

void expect_unauthorized(const HttpResponse& response) {
  expect_problem(response, 401, "unauthorized", std::string(kBase) + "/whoami");
  BOOST_TEST(response.header("WWW-Authenticate").value_or("").find("Bearer") == 0u);
  // Not authenticated: the headers describe the address's failed-authentication window.
  BOOST_TEST(response.header("RateLimit-Policy").value_or("") == "60;w=60");
  BOOST_TEST(response.header("RateLimit-Limit").value_or("") == "60");
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_scheme_authenticates) {
  World& w = world();
  const Client c = api();
  BOOST_TEST(c.ok("GET", "/whoami", w.owner_token)["user_id"] == w.ann.user_id);
  BOOST_TEST(c.ok("GET", "/whoami", w.owner_session)["user_id"] == w.ann.user_id);
  BOOST_TEST(c.ok("GET", "/whoami", w.csu_manager)["user_id"] == w.ann.user_id);
  // The Bearer scheme name is case-insensitive.
  const std::string token = w.owner_token.headers[0].second.substr(7);
  BOOST_TEST(
      c.get("/whoami", Credential{"lower", {{"Authorization", "bearer " + token}}, {}}).status ==
      200);
  // The session cookie among others.
  const std::string sessionid = w.owner_session.headers[0].second.substr(10);
  BOOST_TEST(c.get("/whoami",
                   Credential{"cookies", {{"Cookie", "a=1; sessionid=" + sessionid + "; b=2"}}, {}})
                 .status == 200);
}

BOOST_AUTO_TEST_CASE(no_or_bad_credentials_are_401_with_a_challenge) {
  const Client c = api();
  expect_unauthorized(c.get("/whoami", kNobody));
  // A key that fails the checksum (the last hex digit changed).
  const std::string good = key_with_checksum("csb", "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf");
  BOOST_TEST(good == "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098");  // the §2 example
  std::string bad_checksum = world().csu_manager.headers[0].second;
  bad_checksum.back() = bad_checksum.back() == '0' ? '1' : '0';
  expect_unauthorized(c.get("/whoami", api_key("bad checksum", bad_checksum)));
  // Well-formed and checksummed, but no such key.
  expect_unauthorized(c.get("/whoami", api_key("unknown", good)));
  expect_unauthorized(
      c.get("/whoami", api_key("unknown csu", key_with_checksum("csu", std::string(32, 'Q')))));
  // Malformed keys.
  for (const std::string& key : {std::string("csx_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098"),
                                 std::string("csb_short_00000000"), std::string("not a key"),
                                 std::string("csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098_x")})
    expect_unauthorized(c.get("/whoami", api_key("malformed", key)));
  // The right body under another kind's prefix.
  std::string as_cpk = world().csb_readonly.headers[0].second;
  as_cpk.replace(0, 3, "cpk");
  expect_unauthorized(c.get("/whoami", api_key("wrong prefix", as_cpk)));
  // Tokens and sessions nobody issued; schemes that are not Bearer.
  expect_unauthorized(c.get("/whoami", bearer("unknown token", "definitely-not-issued")));
  expect_unauthorized(c.get("/whoami", Credential{"basic", {{"Authorization", "Basic YTpi"}}, {}}));
  expect_unauthorized(
      c.get("/whoami", Credential{"empty bearer", {{"Authorization", "Bearer "}}, {}}));
  expect_unauthorized(c.get("/whoami", session("unknown session", "no-such-session")));
  expect_unauthorized(c.get("/whoami", Credential{"empty key", {{"X-API-Key", ""}}, {}}));
  // X-API-Key sent twice is refused, even when one of them is good.
  expect_unauthorized(
      c.get("/whoami",
            Credential{"two keys",
                       {{"X-API-Key", world().csb_readonly.headers[0].second}, {"X-API-Key", good}},
                       {}}));
}

BOOST_AUTO_TEST_CASE(expired_and_revoked_tokens_and_sessions_are_401) {
  World& w = world();
  w.stop();
  const json short_token = accountctl_json(
      w.data_dir(), {"token", "issue", "--email", "eddie@example.com", "--ttl", "1"});
  const json revoked_token =
      accountctl_json(w.data_dir(), {"token", "issue", "--email", "eddie@example.com"});
  accountctl_json(w.data_dir(), {"token", "revoke", "--email", "eddie@example.com", "--token",
                                 revoked_token["token"]});
  const json short_session = accountctl_json(
      w.data_dir(), {"session", "issue", "--email", "eddie@example.com", "--ttl", "1"});
  w.start();
  const Client c = api();
  std::this_thread::sleep_for(1200ms);
  expect_unauthorized(c.get("/whoami", bearer("expired", short_token["token"])));
  expect_unauthorized(c.get("/whoami", bearer("revoked", revoked_token["token"])));
  expect_unauthorized(c.get("/whoami", session("expired session", short_session["sessionid"])));
  // The tokens made at setup still work after the restart.
  BOOST_TEST(c.get("/whoami", w.editor_token).status == 200);
}

BOOST_AUTO_TEST_CASE(every_protected_route_wants_a_credential) {
  World& w = world();
  const Client c = api();
  const std::string org = "/organizations/" + w.org_a;
  const std::string member = org + "/members/" + w.mia.member_id;
  const std::string key = org + "/api-keys/" + w.csb_readonly_id;
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/whoami"},
      {"GET", "/organizations"},
      {"POST", "/organizations"},
      {"GET", org},
      {"PUT", org},
      {"DELETE", org},
      {"POST", org + "/restore"},
      {"GET", org + "/members"},
      {"POST", org + "/members"},
      {"GET", member},
      {"PUT", member},
      {"DELETE", member},
      {"GET", org + "/api-keys"},
      {"POST", org + "/api-keys"},
      {"GET", key},
      {"PATCH", key},
      {"DELETE", key},
      {"GET", "/api-keys"},
      {"POST", "/api-keys"},
      {"PATCH", "/api-keys/" + w.csu_readonly_id},
      {"DELETE", "/api-keys/" + w.csu_readonly_id},
      {"GET", "/preferences"},
      {"PUT", "/preferences"},
      {"GET", org + "/events"},
  };
  for (const auto& [method, path] : routes) {
    BOOST_TEST_CONTEXT(method << " " << path) {
      const bool has_body = method == "POST" || method == "PUT" || method == "PATCH";
      const HttpResponse response = c.call(
          method, path, kNobody, has_body ? std::optional<json>(json::object()) : std::nullopt);
      expect_problem(response, 401, "unauthorized", std::string(kBase) + path);
    }
  }
  // Nothing changed.
  BOOST_TEST(c.get(member, w.owner_token).status == 200);
  BOOST_TEST(c.get(key, w.owner_token).status == 200);
}

BOOST_AUTO_TEST_CASE(sessions_need_the_csrf_token_to_write) {
  World& w = world();
  const Client c = api();
  const std::string path = "/organizations/" + w.org_a;
  // Reads without it are fine.
  BOOST_TEST(c.get(path, w.owner_session).status == 200);
  const Credential no_csrf = session(
      "session without csrf", w.owner_session.headers[0].second.substr(strlen("sessionid=")));
  const HttpResponse refused = c.put(path, no_csrf, json{{"name", "Acme"}});
  expect_problem(refused, 403, "forbidden");
  BOOST_TEST(body_of(refused).value("reason", "") == "csrf_token_missing");
  const Credential wrong_csrf{"wrong csrf", no_csrf.headers, {{"X-CSRF-Token", "not-the-token"}}};
  const HttpResponse mismatched = c.put(path, wrong_csrf, json{{"name", "Acme"}});
  expect_problem(mismatched, 403, "forbidden");
  BOOST_TEST(body_of(mismatched).value("reason", "") == "csrf_token_mismatch");
  // A missing token and a wrong one are told apart, so a client knows which to fix.
  BOOST_TEST(body_of(refused).value("detail", "") != body_of(mismatched).value("detail", ""));
  BOOST_TEST(body_of(refused).value("detail", "").find("none was sent") != std::string::npos);
  BOOST_TEST(body_of(mismatched).value("detail", "").find("does not match") != std::string::npos);
  expect_problem(c.post("/organizations", no_csrf, json{{"name", "S"}, {"country", "DE"}}), 403,
                 "forbidden");
  BOOST_TEST(c.put(path, w.owner_session, json{{"name", "Acme"}}).status == 200);
  // Every method that changes state: POST, PUT, PATCH and DELETE.
  const std::string key_path = path + "/api-keys/" + w.csb_readonly_id;
  expect_problem(c.patch(key_path, no_csrf, json{{"description", "x"}}), 403, "forbidden");
  expect_problem(c.del(path + "/members/" + w.ann.member_id, no_csrf), 403, "forbidden");
  expect_problem(c.del(key_path, no_csrf), 403, "forbidden");
  expect_problem(c.put("/preferences", no_csrf, json::array()), 403, "forbidden");
  BOOST_TEST(c.get(key_path, w.owner_token).status == 200);  // still there
  BOOST_TEST(c.patch(key_path, w.owner_session, json{{"description", "by session"}}).status == 200);
  // The CSRF token alone, without the session, is no credential.
  expect_problem(
      c.get("/whoami", Credential{"csrf only", {{"X-CSRF-Token", w.owner_session_csrf}}, {}}), 401,
      "unauthorized");
}

BOOST_AUTO_TEST_CASE(deleting_with_a_stale_session_needs_reauthentication) {
  World& w = world();
  const Client c = api();
  auto fresh_org = [&](const std::string& name) {
    return "/organizations/" + c.ok("POST", "/organizations", w.owner_token,
                                    json{{"name", name}, {"country", "SE"}})["id"]
                                   .get<std::string>();
  };
  const std::string path = fresh_org("Guarded");
  const HttpResponse refused = c.del(path, w.stale_owner_session);
  expect_problem(refused, 403, "forbidden");
  BOOST_TEST(body_of(refused).value("reason", "") == "reauthentication_required");
  BOOST_TEST(c.get(path, w.owner_token).status == 200);

  BOOST_TEST(c.del(path, w.owner_session).status == 204);
  // Within the 15 minutes is recent enough.
  BOOST_TEST(c.del(fresh_org("Fourteen minutes"), w.recent_owner_session).status == 204);
  // Bearer tokens and keys skip the gate.
  BOOST_TEST(c.del(fresh_org("Token deleted"), w.owner_token).status == 204);
  BOOST_TEST(c.del(fresh_org("Key deleted"), w.csu_manager).status == 204);
  // An organization that does not require it lets the stale session delete.
  const std::string relaxed = fresh_org("Relaxed");
  c.ok("PUT", relaxed, w.owner_token, json{{"require_reauth_to_delete", false}});
  BOOST_TEST(c.del(relaxed, w.stale_owner_session).status == 204);
}

BOOST_AUTO_TEST_CASE(session_writes_count_against_the_users_allowance) {
  World& w = world();
  const Client c = api();
  // A session counts as its user: two requests, two fewer remaining.
  const HttpResponse first = c.get("/whoami", w.owner_session);
  const HttpResponse second = c.get("/whoami", w.stale_owner_session);
  BOOST_TEST(first.header("RateLimit-Policy").value_or("") == "300;w=60, 10000;w=86400");
  const int reset = std::stoi(second.header("RateLimit-Reset").value_or("0"));
  if (reset > 1) {
    BOOST_TEST(std::stoi(second.header("RateLimit-Remaining").value_or("0")) ==
               std::stoi(first.header("RateLimit-Remaining").value_or("0")) - 1);
  }
}

// On a server of its own, so no other test's failures count in its minute.
BOOST_AUTO_TEST_CASE(repeated_failed_authentication_is_throttled_per_address) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const json boot = accountctl_json(
      data, {"bootstrap", "--email", "solo@example.com", "--org", "Solo", "--country", "DE"});
  ServerProcess server({}, data);
  const Client c(server.port());
  const Credential good = api_key("good", boot["api_key"]);
  avoid_minute_boundary(6);
  const Credential wrong = api_key("wrong", key_with_checksum("csb", std::string(32, 'z')));
  // 60 failures within the minute are answered 401 ...
  for (int i = 0; i < 60; ++i) {
    const HttpResponse r = i % 2 ? c.get("/whoami", wrong) : c.get("/whoami", bearer("bad", "x"));
    BOOST_TEST(r.status == 401, "failure " << i + 1);
  }
  // ... valid credentials meanwhile are not affected, nor counted ...
  BOOST_TEST(c.get("/whoami", good).status == 200);
  // ... and the next bad ones are refused until the minute ends.
  const HttpResponse limited = c.get("/whoami", wrong);
  expect_problem(limited, 429, "rate_limited", std::string(kBase) + "/whoami");
  const int retry_after = std::stoi(limited.header("Retry-After").value_or("0"));
  BOOST_TEST(retry_after >= 1);
  BOOST_TEST(retry_after <= 60);
  BOOST_TEST(retry_after >= 60 - unix_now() % 60 - 2);
  // The 429 carries the window it enforces, exhausted (§7: every response).
  BOOST_TEST(limited.header("RateLimit-Policy").value_or("") == "60;w=60");
  BOOST_TEST(limited.header("RateLimit-Remaining").value_or("") == "0");
  BOOST_TEST(limited.header("X-RateLimit-Remaining").value_or("") == "0");
  BOOST_TEST(limited.header("RateLimit-Reset").value_or("") == std::to_string(retry_after));
  expect_problem(c.get("/whoami", session("bad session", "nope")), 429, "rate_limited");
  BOOST_TEST(c.get("/whoami", good).status == 200);
  BOOST_TEST(c.get("/organizations", good).status == 200);
  // Requests without any credential are not failed authentications: still 401.
  expect_problem(c.get("/whoami", kNobody), 401, "unauthorized");
  BOOST_TEST(server.stop() == 0);
}
