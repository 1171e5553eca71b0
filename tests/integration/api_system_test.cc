// The real accountd as a whole: concurrent clients (every answer well-formed,
// no write lost), /metrics after real traffic, and the OpenAPI document listing
// every path of the contract.
#include <atomic>
#include <mutex>

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

// The value of one sample (name with its labels, as printed) of a Prometheus text page.
double metric_value(const std::string& text, const std::string& sample) {
  const std::size_t at = text.find("\n" + sample + " ");
  BOOST_TEST_REQUIRE(at != std::string::npos, "no sample " << sample);
  const std::size_t start = at + 1 + sample.size() + 1;
  return std::stod(text.substr(start, text.find('\n', start) - start));
}

}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_mixed_requests_are_all_answered_and_no_invite_is_lost) {
  World& w = world();
  const Client c = api();
  const std::string org =
      c.ok("POST", "/organizations", w.admin, json{{"name", "Busy"}, {"country", "DE"}})["id"];
  const std::string path = "/organizations/" + org;
  constexpr int kThreads = 8;
  constexpr int kRequests = 50;
  std::atomic<int> invites{0};
  std::atomic<int> well_formed{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  auto fail = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(failures_mutex);
    failures.push_back(what);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequests; ++i) {
        HttpResponse r;
        int expected = 200;
        switch (i % 5) {
          case 0:
          case 1: {
            const std::string email =
                "c" + std::to_string(t) + "-" + std::to_string(i) + "@example.com";
            r = c.post(path + "/members", w.admin, json{{"email", email}});
            if (r.status == 200) ++invites;
            break;
          }
          case 2:
            r = c.get(path + "/members?page_size=5", w.admin);
            break;
          case 3:
            r = c.put(path, w.admin,
                      json{{"metadata", {{"t" + std::to_string(t), std::to_string(i)}}}});
            break;
          default:
            r = c.get(path, w.admin);
            break;
        }
        const json body = json::parse(r.body, nullptr, false);
        const bool ok = r.status == expected && !body.is_discarded() &&
                        r.header("X-Request-ID").has_value() &&
                        r.header("Content-Length").has_value();
        if (ok) {
          ++well_formed;
        } else {
          fail(std::to_string(r.status) + " " + r.error + " " + r.body);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(failures.empty(),
             failures.size() << " bad answers, first: " << (failures.empty() ? "" : failures[0]));
  BOOST_TEST(well_formed.load() == kThreads * kRequests);
  BOOST_TEST(invites.load() == kThreads * kRequests * 2 / 5);
  // Every invite is there, once, and the counters agree with the list.
  const json page = c.ok("GET", path + "/members?page_size=100", w.admin);
  BOOST_TEST(page["pagination"]["total_count"] == 1 + invites.load());
  std::set<std::string> emails;
  int listed = 0;
  for (int p = 1; p <= page["pagination"]["total_pages"].get<int>(); ++p) {
    for (const json& m :
         part(c.ok("GET", path + "/members?page_size=100&page=" + std::to_string(p), w.admin),
              "data")) {
      emails.insert(m["user_email"].get<std::string>());
      ++listed;
    }
  }
  BOOST_TEST(listed == 1 + invites.load());
  BOOST_TEST(emails.size() == static_cast<std::size_t>(listed));
  expect_page(c.get(path + "/members?role=editor&page_size=100", w.admin), 1, 100, invites.load());
  // Each thread's last metadata write is kept (merges do not lose each other).
  const json metadata = c.ok("GET", path, w.admin)["metadata"];
  for (int t = 0; t < kThreads; ++t)
    BOOST_TEST(metadata.value("t" + std::to_string(t), "") == std::to_string(kRequests - 2));
  // The same user invited concurrently into one organization: exactly one wins.
  std::atomic<int> won{0}, conflicted{0};
  std::vector<std::thread> racers;
  for (int t = 0; t < 6; ++t) {
    racers.emplace_back([&] {
      const int status =
          c.post(path + "/members", w.admin, json{{"email", "race@example.com"}}).status;
      if (status == 200) ++won;
      if (status == 409) ++conflicted;
    });
  }
  for (std::thread& racer : racers) racer.join();
  BOOST_TEST(won.load() == 1);
  BOOST_TEST(conflicted.load() == 5);
}

BOOST_AUTO_TEST_CASE(one_idempotency_key_runs_its_request_once_under_concurrency) {
  World& w = world();
  const Client c = api();
  const std::string members = "/organizations/" + w.org_a + "/members";
  const int before = body_of(c.get(members, w.admin))["pagination"]["total_count"];
  std::mutex mutex;
  std::vector<HttpResponse> answers;
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&] {
      HttpResponse r = c.post(members, w.admin, json{{"email", "exactly-once@example.com"}},
                              {{"Idempotency-Key", "concurrent-invite"}});
      std::lock_guard<std::mutex> lock(mutex);
      answers.push_back(std::move(r));
    });
  }
  for (std::thread& thread : threads) thread.join();
  int executed = 0, replayed = 0, in_flight = 0;
  std::string first_body;
  for (const HttpResponse& r : answers) {
    BOOST_TEST_CONTEXT(r.status << " " << r.body) {
      if (r.status == 200 && !r.header("Idempotency-Replayed")) {
        ++executed;
        first_body = r.body;
      } else if (r.status == 200) {
        BOOST_TEST(r.header("Idempotency-Replayed").value_or("") == "true");
        ++replayed;
      } else {
        // Still running when this one came: 409, and it says why.
        expect_problem(r, 409, "conflict");
        BOOST_TEST(body_of(r).value("reason", "") == "idempotency_in_flight");
        ++in_flight;
      }
    }
  }
  BOOST_TEST(executed == 1);
  BOOST_TEST(executed + replayed + in_flight == 10);
  for (const HttpResponse& r : answers)
    if (r.status == 200) BOOST_TEST(r.body == first_body);
  expect_page(c.get(members + "?page_size=1", w.admin), 1, 1, before + 1);
  // Afterwards every retry replays.
  const HttpResponse late = c.post(members, w.admin, json{{"email", "exactly-once@example.com"}},
                                   {{"Idempotency-Key", "concurrent-invite"}});
  BOOST_TEST(late.header("Idempotency-Replayed").value_or("") == "true");
  BOOST_TEST(late.body == first_body);
}

BOOST_AUTO_TEST_CASE(rate_limits_admit_exactly_the_limit_under_concurrency) {
  World& w = world();
  const Client c = api();
  const json key = c.ok("POST", "/organizations/" + w.org_a + "/api-keys", w.admin,
                        json{{"name", "exact"}, {"rate_limit_per_minute", 25}});
  const Credential exact = api_key("exact", key["key"]);
  avoid_minute_boundary(8);
  std::atomic<int> admitted{0}, limited{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        const int status = c.get("/whoami", exact).status;
        (status == 200 ? admitted : status == 429 ? limited : other)++;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(admitted.load() == 25);
  BOOST_TEST(limited.load() == 55);
  BOOST_TEST(other.load() == 0);
}

BOOST_AUTO_TEST_CASE(two_owners_removing_each_other_at_once_leave_one_owner) {
  World& w = world();
  const Client c = api();
  for (int round = 0; round < 4; ++round) {
    const std::string org = c.ok("POST", "/organizations", w.owner_token,
                                 json{{"name", "Duel"}, {"country", "DE"}})["id"];
    const std::string members = "/organizations/" + org + "/members";
    const std::string ann_id = body_of(c.get(members, w.owner_token))["data"][0]["id"];
    const std::string mia_id = c.ok("POST", members, w.owner_token,
                                    json{{"email", "mia@example.com"}, {"role", "owner"}})["id"];
    int ann_status = 0, mia_status = 0;
    std::thread ann([&] { ann_status = c.del(members + "/" + mia_id, w.owner_token).status; });
    std::thread mia([&] { mia_status = c.del(members + "/" + ann_id, w.manager_token).status; });
    ann.join();
    mia.join();
    BOOST_TEST_CONTEXT("round " << round << ": " << ann_status << ", " << mia_status) {
      // One wins; the other is no longer a member (404) or would leave none (409).
      BOOST_TEST(((ann_status == 200) != (mia_status == 200)));
      BOOST_TEST((ann_status == 200 || ann_status == 404 || ann_status == 409));
      BOOST_TEST((mia_status == 200 || mia_status == 404 || mia_status == 409));
      const HttpResponse owners = c.get(members + "?role=owner", w.admin);
      if (owners.status == 200) {
        BOOST_TEST(body_of(owners)["pagination"]["total_count"] == 1);
      } else {  // the admin key is ann's: if ann lost, ask mia
        expect_page(c.get(members + "?role=owner", w.manager_token), 1, 25, 1);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(pipelined_requests_on_one_connection_are_all_answered_in_order) {
  World& w = world();
  const std::string org = std::string(kBase) + "/organizations/" + w.org_a;
  const HeaderList auth = w.owner_token.headers;
  HeaderList json_auth = auth;
  json_auth.push_back({"Content-Type", "application/json"});
  // Reads (answered at once), errors and writes (answered after their fsync), mixed.
  std::vector<std::string> requests;
  std::vector<int> expected;
  for (int i = 0; i < 4; ++i) {
    requests.push_back(raw_request("GET", org, auth, {}));
    expected.push_back(200);
    requests.push_back(
        raw_request("GET", org + "/members?page_size=" + std::to_string(i + 1), auth));
    expected.push_back(200);
    requests.push_back(raw_request("GET", std::string(kBase) + "/nothing", auth));
    expected.push_back(404);
    requests.push_back(raw_request("PUT", org, json_auth,
                                   json{{"metadata", {{"pipelined", std::to_string(i)}}}}.dump()));
    expected.push_back(200);
  }
  requests.push_back(raw_request("GET", "/healthz", {}));
  expected.push_back(200);
  const std::vector<HttpResponse> answers = pipelined(api().port(), requests);
  BOOST_TEST_REQUIRE(answers.size() == requests.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    BOOST_TEST_CONTEXT("answer " << i << ": " << answers[i].body) {
      BOOST_TEST(answers[i].status == expected[i]);
      if (i % 4 == 1 && i < 16)
        BOOST_TEST(body_of(answers[i])["pagination"]["page_size"] == static_cast<int>(i / 4 + 1));
      if (i % 4 == 3 && i < 16)
        BOOST_TEST(body_of(answers[i])["metadata"]["pipelined"] == std::to_string(i / 4));
    }
  }
  api().ok("PUT", "/organizations/" + w.org_a, w.admin, json{{"metadata", nullptr}});
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_and_fsyncs) {
  World& w = world();
  const Client c = api();
  c.get("/whoami", w.owner_token);
  c.get("/organizations/" + w.org_b, w.owner_token);  // 404
  // A write that appends an event (the list changes each time).
  static int n = 0;
  BOOST_TEST_MESSAGE(
      "DEBUG " << c.put("/preferences", w.owner_token,
                        json::array(
                            {{{"trait", "zz"}, {"category", "OTHER"}, {"stance", "NEUTRAL"}}}))
                      .headers.size());
  c.ok("PUT", "/preferences", w.owner_token,
       json::array(
           {{{"trait", "t" + std::to_string(++n)}, {"category", "OTHER"}, {"stance", "NEUTRAL"}}}));
  const HttpResponse response = c.get("/metrics", kNobody);
  BOOST_TEST_REQUIRE(response.status == 200);
  BOOST_TEST(response.header("Content-Type").value_or("").find("text/plain") == 0u);
  const std::string& text = response.body;
  BOOST_TEST(text.find("http_requests_total{method=\"GET\",route=\"/account/api/v1/whoami\","
                       "status=\"200\"}") != std::string::npos,
             text);
  BOOST_TEST(text.find("route=\"/account/api/v1/organizations/{id}\",status=\"404\"") !=
             std::string::npos);
  BOOST_TEST(text.find("http_requests_total{method=\"PUT\",route=\"/account/api/v1/preferences\","
                       "status=\"200\"}") != std::string::npos);
  // Writes were made durable: the fsync counter is there and counts.
  BOOST_TEST(metric_value(text, "account_log_fsyncs_total") >= 1.0);
  BOOST_TEST(text.find("http_request_duration_seconds_bucket") != std::string::npos);
  // Appends and batch sizes. Buckets labelled `le` count cumulatively, as
  // Prometheus reads them: every batch has at most +Inf appends.
  BOOST_TEST(metric_value(text, "account_log_appends_total") >= 1.0);
  const double batches = metric_value(text, "account_log_batches_total");
  BOOST_TEST(batches >= 1.0);
  double previous = 0;
  for (const char* bound : {"1", "2", "4", "8", "16", "32", "64", "128", "256", "+Inf"}) {
    const double count =
        metric_value(text, std::string("account_log_batches_by_size_total{le=\"") + bound + "\"}");
    BOOST_TEST(count >= previous, "le=" << bound);
    previous = count;
  }
  BOOST_TEST(previous == batches);
  // No credential leaks into the metrics.
  BOOST_TEST(text.find(w.owner_token.headers[0].second.substr(7)) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(openapi_lists_every_path_of_the_contract) {
  const HttpResponse response = api().get("/openapi.json", kNobody);
  BOOST_TEST_REQUIRE(response.status == 200);
  BOOST_TEST(response.header("Content-Type").value_or("").find("application/json") == 0u);
  const json document = body_of(response);
  BOOST_TEST(document["openapi"].get<std::string>().rfind("3.1", 0) == 0u);
  const std::string v1 = "/account/api/v1";
  // §4, as written in the contract.
  const std::vector<std::pair<std::string, std::string>> operations = {
      {"get", v1 + "/whoami"},
      {"get", v1 + "/organizations"},
      {"post", v1 + "/organizations"},
      {"get", v1 + "/organizations/{id}"},
      {"put", v1 + "/organizations/{id}"},
      {"delete", v1 + "/organizations/{id}"},
      {"post", v1 + "/organizations/{id}/restore"},
      {"get", v1 + "/organizations/{org_id}/members"},
      {"post", v1 + "/organizations/{org_id}/members"},
      {"get", v1 + "/organizations/{org_id}/members/{member_id}"},
      {"put", v1 + "/organizations/{org_id}/members/{member_id}"},
      {"delete", v1 + "/organizations/{org_id}/members/{member_id}"},
      {"get", v1 + "/organizations/{organization_id}/api-keys"},
      {"post", v1 + "/organizations/{organization_id}/api-keys"},
      {"get", v1 + "/organizations/{organization_id}/api-keys/{key_id}"},
      {"patch", v1 + "/organizations/{organization_id}/api-keys/{key_id}"},
      {"delete", v1 + "/organizations/{organization_id}/api-keys/{key_id}"},
      {"get", v1 + "/api-keys"},
      {"post", v1 + "/api-keys"},
      {"patch", v1 + "/api-keys/{key_id}"},
      {"delete", v1 + "/api-keys/{key_id}"},
      {"get", v1 + "/preferences"},
      {"put", v1 + "/preferences"},
      {"get", v1 + "/organizations/{id}/events"},
      {"get", v1 + "/openapi.json"},
      {"get", "/.well-known/api-catalog"},
      {"get", "/healthz"},
      {"get", "/readyz"},
      {"get", "/metrics"},
  };
  std::set<std::string> contract_paths;
  for (const auto& [method, path] : operations) {
    contract_paths.insert(path);
    BOOST_TEST(document["paths"].contains(path), path);
    if (document["paths"].contains(path))
      BOOST_TEST(document["paths"][path].contains(method), method << " " << path);
  }
  // And nothing the contract does not have.
  for (const auto& [path, item] : document["paths"].items())
    BOOST_TEST(contract_paths.count(path) == 1u, path);
  // Every error of §6 is described.
  const std::string text = response.body;
  for (const char* code :
       {"bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict",
        "precondition_failed", "payload_too_large", "unsupported_media_type", "validation_error",
        "rate_limited", "internal_error", "service_unavailable"})
    BOOST_TEST(text.find(code) != std::string::npos, code);
}

BOOST_AUTO_TEST_CASE(openapi_lists_the_answers_the_server_really_gives) {
  World& w = world();
  const Client c = api();
  const json document = body_of(c.get("/openapi.json", kNobody));
  auto concrete = [&](std::string path) {
    const bool user_route = path.find("/organizations/") == std::string::npos;
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"{id}", w.org_a},
             {"{org_id}", w.org_a},
             {"{organization_id}", w.org_a},
             {"{member_id}", w.mia.member_id},
             {"{key_id}", user_route ? w.csu_readonly_id : w.csb_readonly_id}}) {
      const std::size_t at = path.find(name);
      if (at != std::string::npos) path.replace(at, name.size(), value);
    }
    return path;
  };
  int writes = 0;
  for (const auto& [path, item] : document["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "get" || method == "head" || operation["security"].empty()) continue;
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const bool has_body = operation.contains("requestBody");
      // A malformed If-Match is refused before anything else is read.
      const HttpResponse r = c.call(upper, concrete(path), w.admin,
                                    has_body ? std::optional<json>(json::object()) : std::nullopt,
                                    {{"If-Match", "not-an-etag"}});
      BOOST_TEST_CONTEXT(upper << " " << path) {
        expect_problem(r, 400, "bad_request");
        BOOST_TEST(operation["responses"].contains("400"));
      }
      ++writes;
    }
  }
  BOOST_TEST(writes == 14);

  // Restore checks If-Match like the other writes on an organization.
  const std::string org = c.ok("POST", "/organizations", w.admin,
                               json{{"name", "Restorable"}, {"country", "DE"}})["id"];
  c.ok("DELETE", "/organizations/" + org, w.admin, std::nullopt, 204);
  expect_problem(c.call("POST", "/organizations/" + org + "/restore", w.admin, std::nullopt,
                        {{"If-Match", "\"1\""}}),
                 412, "precondition_failed");
  const json& restore = document["paths"]["/account/api/v1/organizations/{id}/restore"]["post"];
  BOOST_TEST(restore["responses"].contains("412"));
  BOOST_TEST(restore["parameters"].dump().find("HeaderIfMatch") != std::string::npos);
  BOOST_TEST(c.call("POST", "/organizations/" + org + "/restore", w.admin).status == 200);
}

BOOST_AUTO_TEST_CASE(health_and_catalog_answer_without_credentials) {
  const Client c = api();
  BOOST_TEST(c.get("/healthz", kNobody).status == 200);
  BOOST_TEST(c.get("/readyz", kNobody).status == 200);
  const HttpResponse catalog = c.get("/.well-known/api-catalog", kNobody);
  BOOST_TEST(catalog.status == 200);
  BOOST_TEST(catalog.header("Content-Type").value_or("").find("application/linkset+json") == 0u);
}

// Last: it restarts the server to issue a token for a user the API created.
BOOST_AUTO_TEST_CASE(zz_one_new_email_invited_into_several_orgs_at_once_is_one_user) {
  World& w = world();
  const Client c = api();
  std::vector<std::string> orgs;
  for (int i = 0; i < 4; ++i)
    orgs.push_back(c.ok("POST", "/organizations", w.admin,
                        json{{"name", "Spread " + std::to_string(i)}, {"country", "DE"}})["id"]);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (const std::string& org : orgs) {
    threads.emplace_back([&, org] {
      if (c.post("/organizations/" + org + "/members", w.admin,
                 json{{"email", "Spread@Example.com"}, {"role", "billing"}})
              .status == 200)
        ++ok;
    });
  }
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(ok.load() == 4);
  w.stop();
  const json token =
      accountctl_json(w.data_dir(), {"token", "issue", "--email", "spread@example.com"});
  w.start();
  const json whoami = api().ok("GET", "/whoami", bearer("spread", token["token"]));
  std::set<std::string> seen;
  for (const json& entry : whoami["organizations"]) {
    seen.insert(entry["id"].get<std::string>());
    BOOST_TEST(entry["role"] == "billing");
  }
  BOOST_TEST(seen == std::set<std::string>(orgs.begin(), orgs.end()));
}
