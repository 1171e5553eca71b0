// The real accountd: the extensions of §8 — Idempotency-Key replays, ETag and
// If-Match, X-Event-Position, the audit feed, and restore.
#include <future>

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

std::string new_org(const std::string& name) {
  return api().ok("POST", "/organizations", world().owner_token,
                  json{{"name", name}, {"country", "DE"}})["id"];
}

uint64_t position_of(const HttpResponse& response) {
  const std::optional<std::string> header = response.header("X-Event-Position");
  BOOST_TEST_REQUIRE(header.has_value(), response.status << " " << response.body);
  return std::stoull(*header);
}

uint64_t etag_of(const HttpResponse& response) {
  const std::string etag = response.header("ETag").value_or("");
  BOOST_TEST_REQUIRE(etag.size() >= 3u, response.body);
  BOOST_TEST_REQUIRE(etag.front() == '"');
  BOOST_TEST_REQUIRE(etag.back() == '"');
  return std::stoull(etag.substr(1, etag.size() - 2));
}

std::string quoted(uint64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_idempotency_key_replays_the_first_answer) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Idempotent");
  const std::string members = "/organizations/" + org + "/members";
  const json body = {{"email", "once@example.com"}, {"role", "billing"}};
  const HeaderList key = {{"Idempotency-Key", "invite-once-1"}};

  const HttpResponse first = c.post(members, w.owner_token, body, key);
  BOOST_TEST_REQUIRE(first.status == 200, first.body);
  BOOST_TEST(!first.header("Idempotency-Replayed").has_value());
  const HttpResponse again = c.post(members, w.owner_token, body, key);
  BOOST_TEST(again.status == 200);
  BOOST_TEST(again.header("Idempotency-Replayed").value_or("") == "true");
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(again.header("ETag") == first.header("ETag"));
  BOOST_TEST(again.header("X-Event-Position") == first.header("X-Event-Position"));
  BOOST_TEST(again.header("X-Request-ID") != first.header("X-Request-ID"));
  // Without the key, the same request is a conflict: the invite really happened once.
  expect_problem(c.post(members, w.owner_token, body), 409, "conflict");
  expect_page(c.get(members, w.owner_token), 1, 25, 2);

  // The same key with another request: 422.
  expect_invalid(c.post(members, w.owner_token, json{{"email", "other@example.com"}}, key),
                 "Idempotency-Key");
  expect_invalid(c.put("/organizations/" + org, w.owner_token, json{{"name", "x"}}, key),
                 "Idempotency-Key");
  // Keys are scoped to the credential: the same string from another one runs anew.
  const HttpResponse other =
      c.post(members, w.csu_manager, json{{"email", "twice@example.com"}}, key);
  BOOST_TEST(other.status == 200, other.body);
  BOOST_TEST(!other.header("Idempotency-Replayed").has_value());
  expect_page(c.get(members, w.owner_token), 1, 25, 3);
}

BOOST_AUTO_TEST_CASE(idempotent_deletes_and_errors_replay_too) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Idempotent deletes");
  const json key =
      c.ok("POST", "/organizations/" + org + "/api-keys", w.owner_token, json{{"name", "once"}});
  const std::string path = "/organizations/" + org + "/api-keys/" + key["id"].get<std::string>();
  const HeaderList idem = {{"Idempotency-Key", "revoke-1"}};
  const HttpResponse first = c.del(path, w.owner_token, idem);
  BOOST_TEST(first.status == 204);
  const HttpResponse again = c.del(path, w.owner_token, idem);
  BOOST_TEST(again.status == 204);
  BOOST_TEST(again.header("Idempotency-Replayed").value_or("") == "true");
  expect_problem(c.del(path, w.owner_token), 404, "not_found");

  // A refusal decided on the organization's state is kept as well: after the
  // member is gone, the retry still answers the first 409.
  const std::string members = "/organizations/" + org + "/members";
  const json mia = c.ok("POST", members, w.owner_token, json{{"email", "mia@example.com"}});
  const HeaderList idem2 = {{"Idempotency-Key", "invite-mia"}};
  const json again_mia = {{"email", "mia@example.com"}};
  const HttpResponse refused = c.post(members, w.owner_token, again_mia, idem2);
  expect_problem(refused, 409, "conflict");
  c.ok("DELETE", members + "/" + mia["id"].get<std::string>(), w.owner_token);
  const HttpResponse replayed = c.post(members, w.owner_token, again_mia, idem2);
  BOOST_TEST(replayed.status == 409);
  BOOST_TEST(replayed.header("Idempotency-Replayed").value_or("") == "true");
  BOOST_TEST(replayed.header("Content-Type") == refused.header("Content-Type"));
  BOOST_TEST(replayed.body == refused.body);  // the first answer, its request_id included
  // Without the key the invite now succeeds.
  BOOST_TEST(c.post(members, w.owner_token, again_mia).status == 200);
}

BOOST_AUTO_TEST_CASE(etags_name_the_organizations_stream_version) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Versioned");
  const std::string path = "/organizations/" + org;
  const HttpResponse got = c.get(path, w.owner_token);
  const uint64_t v1 = etag_of(got);
  // Member and key answers carry the organization's version too.
  const json members = body_of(c.get(path + "/members", w.owner_token));
  const std::string member_path = path + "/members/" + members["data"][0]["id"].get<std::string>();
  BOOST_TEST(etag_of(c.get(member_path, w.owner_token)) == v1);

  const HttpResponse invited = c.post(path + "/members", w.owner_token,
                                      json{{"email", "v@example.com"}}, {{"If-Match", quoted(v1)}});
  BOOST_TEST_REQUIRE(invited.status == 200, invited.body);
  const uint64_t v2 = etag_of(invited);
  BOOST_TEST(v2 == v1 + 1);
  BOOST_TEST(etag_of(c.get(path, w.owner_token)) == v2);
  BOOST_TEST(etag_of(c.get(member_path, w.owner_token)) == v2);

  const HttpResponse created_key =
      c.post(path + "/api-keys", w.owner_token, json{{"name", "etag"}}, {{"If-Match", quoted(v2)}});
  BOOST_TEST_REQUIRE(created_key.status == 200, created_key.body);
  const uint64_t v3 = etag_of(created_key);
  BOOST_TEST(v3 == v2 + 1);
  const std::string key_path = path + "/api-keys/" + body_of(created_key)["id"].get<std::string>();
  BOOST_TEST(etag_of(c.get(key_path, w.owner_token)) == v3);

  // Stale If-Match: 412 on every kind of write, nothing changes.
  const HeaderList stale = {{"If-Match", quoted(v1)}};
  expect_problem(c.put(path, w.owner_token, json{{"name", "No"}}, stale), 412,
                 "precondition_failed");
  expect_problem(c.post(path + "/members", w.owner_token, json{{"email", "no@example.com"}}, stale),
                 412, "precondition_failed");
  expect_problem(c.put(member_path, w.owner_token, json{{"role", "owner"}}, stale), 412,
                 "precondition_failed");
  expect_problem(c.patch(key_path, w.owner_token, json{{"name", "no"}}, stale), 412,
                 "precondition_failed");
  expect_problem(c.del(key_path, w.owner_token, stale), 412, "precondition_failed");
  expect_problem(c.del(path, w.owner_token, stale), 412, "precondition_failed");
  BOOST_TEST(etag_of(c.get(path, w.owner_token)) == v3);
  BOOST_TEST(c.ok("GET", path, w.owner_token)["name"] == "Versioned");

  // Current If-Match (also weak, also *) passes.
  const HttpResponse renamed =
      c.put(path, w.owner_token, json{{"name", "Renamed"}}, {{"If-Match", "W/" + quoted(v3)}});
  BOOST_TEST(renamed.status == 200, renamed.body);
  BOOST_TEST(etag_of(renamed) == v3 + 1);
  BOOST_TEST(c.put(path, w.owner_token, json{{"name", "Again"}}, {{"If-Match", "*"}}).status ==
             200);
}

BOOST_AUTO_TEST_CASE(writes_answer_the_position_of_their_last_event) {
  World& w = world();
  const Client c = api();
  const HttpResponse created =
      c.post("/organizations", w.owner_token, json{{"name", "Positions"}, {"country", "DE"}});
  const uint64_t p1 = position_of(created);
  const std::string org = body_of(created)["id"];
  const std::string path = "/organizations/" + org;
  const uint64_t p2 = position_of(c.put(path, w.owner_token, json{{"name", "Positions 2"}}));
  BOOST_TEST(p2 > p1);
  const HttpResponse invited =
      c.post(path + "/members", w.owner_token, json{{"email", "p@example.com"}});
  const uint64_t p3 = position_of(invited);
  BOOST_TEST(p3 > p2);
  const uint64_t p4 =
      position_of(c.put(path + "/members/" + body_of(invited)["id"].get<std::string>(),
                        w.owner_token, json{{"role", "manager"}}));
  BOOST_TEST(p4 > p3);
  const uint64_t p5 = position_of(c.post("/api-keys", w.owner_token, json{{"name", "pos"}}));
  BOOST_TEST(p5 > p4);
  const uint64_t p6 = position_of(
      c.put("/preferences", w.owner_token,
            json::array({{{"trait", "peanuts"}, {"category", "ALLERGEN"}, {"stance", "AVOID"}}})));
  BOOST_TEST(p6 > p5);
  const uint64_t p7 = position_of(c.del(path, w.owner_token));
  BOOST_TEST(p7 > p6);
  const uint64_t p8 = position_of(c.call("POST", path + "/restore", w.owner_token));
  BOOST_TEST(p8 > p7);
  // The feed shows the organization's events at exactly those positions.
  const json feed = c.ok("GET", path + "/events", w.owner_token);
  std::vector<uint64_t> positions;
  for (const json& e : feed["data"]) positions.push_back(e["position"]);
  BOOST_TEST(positions == (std::vector<uint64_t>{p1 - 1, p1, p2, p3, p4, p7, p8}), feed.dump());
  // Errors and reads carry none.
  BOOST_TEST(
      !c.put(path, w.editor_token, json{{"name", "x"}}).header("X-Event-Position").has_value());
  BOOST_TEST(!c.get(path, w.owner_token).header("X-Event-Position").has_value());
}

BOOST_AUTO_TEST_CASE(the_audit_feed_pages_oldest_first_without_secrets) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Audited");
  const std::string path = "/organizations/" + org;
  const json invited = c.ok("POST", path + "/members", w.owner_token,
                            json{{"email", "mia@example.com"}, {"role", "manager"}});
  const HttpResponse key_response =
      c.post(path + "/api-keys", w.owner_token, json{{"name", "secret"}},
             {{"X-Request-ID", "audit-req-1"}});
  const json key = body_of(key_response);
  c.ok("DELETE", path + "/api-keys/" + key["id"].get<std::string>(), w.manager_token, {}, 204);

  const HttpResponse response = c.get(path + "/events", w.owner_token);
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  const json feed = body_of(response);
  BOOST_TEST(feed.size() == 2u);
  BOOST_TEST(feed["next_after"].is_null());
  const json& data = feed["data"];
  BOOST_TEST_REQUIRE(data.size() == 5u, data.dump());
  uint64_t previous = 0;
  uint64_t version = 0;
  for (const json& e : data) {
    BOOST_TEST_CONTEXT(e.dump()) {
      BOOST_TEST(e.size() == 8u);
      BOOST_TEST(e["position"].get<uint64_t>() > previous);
      previous = e["position"];
      BOOST_TEST(e["version"] == ++version);
      BOOST_TEST(e["stream"].get<std::string>().find(org) != std::string::npos);
      BOOST_TEST(e["type"].is_string());
      BOOST_TEST(is_timestamp(e["occurred_at"]));
      BOOST_TEST(e["actor"].size() == 3u);
      BOOST_TEST(e["actor"]["kind"].is_string());
      BOOST_TEST(e["data"].is_object());
    }
  }
  BOOST_TEST(data[0]["actor"]["kind"] == "token");
  BOOST_TEST(data[0]["actor"]["user_id"] == w.ann.user_id);
  BOOST_TEST(data[3]["request_id"] == "audit-req-1");
  BOOST_TEST(data[3]["data"].dump().find(key["id"].get<std::string>()) != std::string::npos);
  BOOST_TEST(data[4]["actor"]["user_id"] == w.mia.user_id);
  // No secret: not the raw key, nor its body, nor any hash.
  const std::string raw = key["key"];
  BOOST_TEST(response.body.find(raw.substr(4, 32)) == std::string::npos);
  BOOST_TEST(response.body.find("sha256") == std::string::npos);
  BOOST_TEST(response.body.find(w.owner_token.headers[0].second.substr(7)) == std::string::npos);

  // after and limit page through it; next_after says where to go on.
  const json first_two = c.ok("GET", path + "/events?limit=2", w.owner_token);
  BOOST_TEST(first_two["data"].size() == 2u);
  BOOST_TEST(first_two["data"][0] == data[0]);
  BOOST_TEST(first_two["next_after"] == data[1]["position"]);
  const json next =
      c.ok("GET", path + "/events?limit=2&after=" + first_two["next_after"].dump(), w.owner_token);
  BOOST_TEST(next["data"][0] == data[2]);
  BOOST_TEST(next["data"][1] == data[3]);
  BOOST_TEST(next["next_after"] == data[3]["position"]);
  const json last =
      c.ok("GET", path + "/events?limit=2&after=" + next["next_after"].dump(), w.owner_token);
  BOOST_TEST(last["data"].size() == 1u);
  BOOST_TEST(last["data"][0] == data[4]);
  BOOST_TEST(last["next_after"].is_null());
  const json beyond =
      c.ok("GET", path + "/events?after=" + data[4]["position"].dump(), w.owner_token);
  BOOST_TEST(beyond["data"] == json::array());
  BOOST_TEST(beyond["next_after"].is_null());
  BOOST_TEST(c.ok("GET", path + "/events?limit=1000", w.owner_token)["data"] == data);
  // A page that ends exactly at the last event says nothing follows.
  const json exact = c.ok("GET", path + "/events?limit=5", w.owner_token);
  BOOST_TEST(exact["data"] == data);
  BOOST_TEST(exact["next_after"].is_null());
  const json tail =
      c.ok("GET", path + "/events?limit=2&after=" + data[2]["position"].dump(), w.owner_token);
  BOOST_TEST(tail["data"].size() == 2u);
  BOOST_TEST(tail["next_after"].is_null());

  // Only owners and managers read it; strangers do not see it.
  BOOST_TEST(c.get(path + "/events", w.manager_token).status == 200);
  c.ok("POST", path + "/members", w.owner_token,
       json{{"email", "bill@example.com"}, {"role", "billing"}});
  expect_problem(c.get(path + "/events", w.billing_token), 403, "forbidden");
  expect_problem(c.get(path + "/events", w.bob_token), 404, "not_found");
  expect_invalid(c.get(path + "/events?limit=0", w.owner_token), "limit");
  expect_invalid(c.get(path + "/events?limit=1001", w.owner_token), "limit");
  expect_invalid(c.get(path + "/events?after=-1", w.owner_token), "after");
  expect_invalid(c.get(path + "/events?after=x", w.owner_token), "after");
}

BOOST_AUTO_TEST_CASE(no_secret_appears_in_any_feed_entry_of_the_shared_org) {
  World& w = world();
  const Client c = api();
  // The world's setup made keys of every kind in A; none of them shows.
  const HttpResponse feed =
      c.get("/organizations/" + w.org_a + "/events?limit=1000", w.owner_token);
  BOOST_TEST_REQUIRE(feed.status == 200);
  for (const Credential* key : {&w.csb_manager, &w.csb_editor, &w.csb_readonly, &w.cpk})
    BOOST_TEST(feed.body.find(key->headers[0].second.substr(4, 32)) == std::string::npos);
  BOOST_TEST(feed.body.find("sha256") == std::string::npos);
  BOOST_TEST(body_of(feed)["data"].size() >= 9u);
}

BOOST_AUTO_TEST_CASE(restore_answers_409_when_not_deleted) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Alive");
  const HttpResponse response = c.call("POST", "/organizations/" + org + "/restore", w.owner_token);
  expect_problem(response, 409, "conflict",
                 std::string(kBase) + "/organizations/" + org + "/restore");
  BOOST_TEST(!response.header("X-Event-Position").has_value());
  BOOST_TEST(c.del("/organizations/" + org, w.owner_token).status == 204);
  BOOST_TEST(c.call("POST", "/organizations/" + org + "/restore", w.owner_token).status == 200);
  expect_problem(c.call("POST", "/organizations/" + org + "/restore", w.owner_token), 409,
                 "conflict");
}

BOOST_AUTO_TEST_CASE(x_min_position_waits_for_the_position_or_answers_503) {
  World& w = world();
  const Client c = api();
  const HttpResponse created = c.post("/organizations", w.owner_token,
                                      json{{"name", "Read your writes"}, {"country", "DE"}});
  const uint64_t written = position_of(created);
  const std::string path = "/organizations/" + body_of(created)["id"].get<std::string>();
  // Applied already: answered as usual.
  const HttpResponse seen =
      c.get(path, w.owner_token, {{"X-Min-Position", std::to_string(written)}});
  BOOST_TEST(seen.status == 200, seen.body);
  BOOST_TEST(body_of(seen)["name"] == "Read your writes");
  // A position no node has applied: held for the bound, then 503 with Retry-After.
  const auto started = std::chrono::steady_clock::now();
  const HttpResponse ahead =
      c.get(path, w.owner_token, {{"X-Min-Position", std::to_string(written + 1000000)}});
  const auto waited = std::chrono::steady_clock::now() - started;
  expect_problem(ahead, 503, "service_unavailable", kBase + path);
  BOOST_TEST(ahead.header("Retry-After") == std::optional<std::string>("1"));
  BOOST_TEST((waited >= 1500ms));
  // Not a position: 400, before anything else.
  for (const char* bad : {"-1", "12a", "", "99999999999999999999999"}) {
    const HttpResponse malformed = c.get(path, w.owner_token, {{"X-Min-Position", bad}});
    expect_problem(malformed, 400, "bad_request", kBase + path);
  }
}

BOOST_AUTO_TEST_CASE(a_held_request_is_answered_once_the_position_is_applied) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Held");
  const std::string path = "/organizations/" + org;
  const uint64_t before = position_of(c.put(path, w.owner_token, json{{"name", "Held 1"}}));
  // Ask for the position the next write will take, then make that write.
  auto held = std::async(std::launch::async, [&] {
    return c.get(path, w.owner_token, {{"X-Min-Position", std::to_string(before + 1)}});
  });
  std::this_thread::sleep_for(200ms);
  BOOST_TEST(position_of(c.put(path, w.owner_token, json{{"name", "Held 2"}})) == before + 1);
  const HttpResponse answered = held.get();
  BOOST_TEST(answered.status == 200, answered.body);
  BOOST_TEST(body_of(answered)["name"] == "Held 2");
}
