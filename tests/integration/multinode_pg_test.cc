// Two accountd nodes on one PostgreSQL event store (ctest runs this in the
// throwaway cluster of the pg_cluster fixture; each test has a database of its
// own): what one node commits, the other serves; the rules that span an
// aggregate hold with writes spread over both; a node killed mid-load loses
// nothing it acknowledged; and the store stopping under load costs 503s, never
// a write, with service back by itself.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "integration/server_process.h"
#include "test_store.h"

using namespace closient;
using namespace closient::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr char kBase[] = "/account/api/v1";

// One accountd serving from the shared store (its data directory only keeps its
// own snapshots).
struct Node {
  explicit Node(const std::string& store) : server({"--store", store}) {}
  ServerProcess server;

  HttpResponse call(const std::string& method, const std::string& path, const std::string& key,
                    const json& body = nullptr, HeaderList extra = {}) const {
    extra.emplace_back("X-API-Key", key);
    std::string text;
    if (!body.is_null()) {
      extra.emplace_back("Content-Type", "application/json");
      text = body.dump();
    }
    return server.request(method, kBase + path, extra, text);
  }
};

json body_of(const HttpResponse& response) {
  return json::parse(response.body, nullptr, false);
}

uint64_t position_of(const HttpResponse& response) {
  const auto header = response.header("X-Event-Position");
  BOOST_TEST_REQUIRE(header.has_value(), response.status << " " << response.body);
  return std::stoull(*header);
}

struct Bootstrapped {
  std::string org_id;
  std::string api_key;  // the owner's csu key, role manager: the owner's authority
};

Bootstrapped bootstrap(const std::string& store, const std::string& email) {
  const CommandResult result =
      run_accountctl({"--store", store, "--json", "bootstrap", "--email", email, "--name", "Owner",
                      "--org", "Shared", "--country", "DE"});
  BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
  const json out = json::parse(result.out);
  return {out["organization_id"], out["api_key"]};
}

// Every event of the store, read through the library: positions from 1 with no
// gap, the chain intact.
void expect_gapless_and_chained(const std::string& store) {
  Result<std::unique_ptr<EventStore>> opened = open_event_store(store, StoreOptions{});
  BOOST_TEST_REQUIRE(opened.ok(), (opened.ok() ? "" : opened.error().detail));
  uint64_t expected = 1;
  bool gapless = true;
  Status scanned = (*opened)->scan(ReadFilter{}, [&](EventEnvelope& event) {
    gapless = gapless && event.position == expected;
    ++expected;
    return true;
  });
  BOOST_TEST(scanned.ok());
  BOOST_TEST(gapless);
  BOOST_TEST(expected - 1 == (*opened)->last_position());
  const ChainReport chain = (*opened)->verify_chain();
  BOOST_TEST(chain.problem == "", chain.problem);
  BOOST_TEST(chain.events_checked == (*opened)->last_position());
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_write_on_one_node_is_served_by_the_other_with_x_min_position) {
  TestDatabase db;
  const Bootstrapped world = bootstrap(db.uri(), "owner@two.example");
  Node a(db.uri()), b(db.uri());
  const std::string org = "/organizations/" + world.org_id;

  for (int i = 0; i < 20; ++i) {
    const HttpResponse renamed =
        a.call("PUT", org, world.api_key, json{{"name", "Shared " + std::to_string(i)}});
    BOOST_TEST_REQUIRE(renamed.status == 200, renamed.body);
    const std::string position = std::to_string(position_of(renamed));
    const HttpResponse seen =
        b.call("GET", org, world.api_key, nullptr, {{"X-Min-Position", position}});
    BOOST_TEST_REQUIRE(seen.status == 200, seen.body);
    BOOST_TEST(body_of(seen)["name"] == "Shared " + std::to_string(i));
  }
  // A key created through B authenticates on A once A has applied it.
  const HttpResponse key = b.call("POST", org + "/api-keys", world.api_key,
                                  json{{"name", "made on b"}, {"role", "readonly"}});
  BOOST_TEST_REQUIRE(key.status / 100 == 2, key.body);
  const std::string raw = body_of(key)["key"];
  const HttpResponse whoami = a.call("GET", "/whoami", raw, nullptr,
                                     {{"X-Min-Position", std::to_string(position_of(key))}});
  BOOST_TEST(whoami.status == 200, whoami.body);
  // Without the header a node is at most its poll interval behind.
  std::this_thread::sleep_for(1s);
  BOOST_TEST(a.call("GET", "/whoami", raw).status == 200);
  BOOST_TEST(a.server.stop() == 0);
  BOOST_TEST(b.server.stop() == 0);
  expect_gapless_and_chained(db.uri());
}

BOOST_AUTO_TEST_CASE(rules_that_span_an_aggregate_hold_with_writes_spread_over_both_nodes) {
  TestDatabase db;
  const Bootstrapped world = bootstrap(db.uri(), "first@two.example");
  Node a(db.uri()), b(db.uri());
  const Node* nodes[] = {&a, &b};
  const std::string org = "/organizations/" + world.org_id;

  // A second organization, so one email can be invited to two at once.
  const HttpResponse other =
      a.call("POST", "/organizations", world.api_key, json{{"name", "Other"}, {"country", "FR"}});
  BOOST_TEST_REQUIRE(other.status / 100 == 2, other.body);
  const std::string other_org = "/organizations/" + body_of(other)["id"].get<std::string>();
  const std::string ready = std::to_string(position_of(other));

  // The same new emails invited to both organizations at once, through both
  // nodes: each email ends up as one user, whichever node created it.
  constexpr int kEmails = 12;
  std::vector<std::future<std::pair<HttpResponse, HttpResponse>>> invites;
  for (int i = 0; i < kEmails; ++i) {
    invites.push_back(std::async(std::launch::async, [&, i] {
      const json body = {{"email", "person" + std::to_string(i) + "@two.example"},
                         {"role", i % 3 == 0 ? "owner" : "editor"}};
      auto on_a = std::async(std::launch::async, [&] {
        return nodes[i % 2]->call("POST", org + "/members", world.api_key, body,
                                  {{"X-Min-Position", ready}});
      });
      const HttpResponse on_b = nodes[(i + 1) % 2]->call(
          "POST", other_org + "/members", world.api_key, body, {{"X-Min-Position", ready}});
      return std::make_pair(on_a.get(), on_b);
    }));
  }
  uint64_t last = 0;
  std::vector<std::string> member_ids;
  for (int i = 0; i < kEmails; ++i) {
    auto [first, second] = invites[i].get();
    BOOST_TEST_REQUIRE(first.status == 200, first.body);
    BOOST_TEST_REQUIRE(second.status == 200, second.body);
    BOOST_TEST(body_of(first)["user_id"] == body_of(second)["user_id"],
               "two users for person" << i);
    member_ids.push_back(body_of(first)["id"]);
    last = std::max({last, position_of(first), position_of(second)});
  }

  // Every owner demoted or removed at once, spread over both nodes: the
  // organization keeps at least one.
  const HttpResponse page = b.call("GET", org + "/members?role=owner&page_size=100", world.api_key,
                                   nullptr, {{"X-Min-Position", std::to_string(last)}});
  BOOST_TEST_REQUIRE(page.status == 200, page.body);
  std::vector<std::string> owners;
  const json owner_page = body_of(page);
  for (const json& member : owner_page["data"]) owners.push_back(member["id"]);
  BOOST_TEST_REQUIRE(owners.size() >= 4u, page.body);
  std::vector<std::future<HttpResponse>> attempts;
  for (size_t i = 0; i < owners.size(); ++i) {
    attempts.push_back(std::async(std::launch::async, [&, i] {
      const std::string path = org + "/members/" + owners[i];
      return i % 2 == 0 ? nodes[i % 2]->call("DELETE", path, world.api_key)
                        : nodes[i % 2]->call("PUT", path, world.api_key, json{{"role", "editor"}});
    }));
  }
  for (auto& attempt : attempts) {
    const HttpResponse answer = attempt.get();
    // 409 last_owner; 403 or 404 once the key's own user lost the role or the membership.
    BOOST_TEST((answer.status == 200 || answer.status == 409 || answer.status == 403 ||
                answer.status == 404),
               answer.status << " " << answer.body);
    if (answer.status == 200) last = std::max(last, position_of(answer));
  }
  // The log's own answer, replayed by accountctl: owners left, and one user per email.
  const CommandResult as_of = run_accountctl({"--store", db.uri(), "--json", "as-of", "--org",
                                              world.org_id, "--position", std::to_string(last)});
  BOOST_TEST_REQUIRE(as_of.exit_code == 0, as_of.err);
  const json state = json::parse(as_of.out);
  size_t owners_left = 0;
  std::map<std::string, std::set<std::string>> users_by_email;
  for (const json& member : state["members"]) {
    if (member["role"] == "owner") ++owners_left;
    users_by_email[member["user_email"]].insert(member["user_id"].get<std::string>());
  }
  BOOST_TEST(owners_left >= 1u, as_of.out);
  for (const auto& [email, users] : users_by_email) BOOST_TEST(users.size() == 1u, email);
  BOOST_TEST(a.server.stop() == 0);
  BOOST_TEST(b.server.stop() == 0);
  expect_gapless_and_chained(db.uri());
}

namespace {

// Invites of new emails, as fast as one client goes, until told to stop;
// remembers every email a node acknowledged.
// A client that retries a keyed write on the other node while the first is
// still running (or whose first answer was lost) gets one effect: the nodes
// share no requests in flight, the command ledger in the store settles it.
BOOST_AUTO_TEST_CASE(a_keyed_write_retried_on_both_nodes_at_once_is_carried_out_once) {
  TestDatabase db;
  const Bootstrapped world = bootstrap(db.uri(), "keys@two.example");
  Node a(db.uri()), b(db.uri());
  const std::string keys = "/organizations/" + world.org_id + "/api-keys";
  constexpr int kRounds = 12;
  std::map<int, int> statuses;
  uint64_t last = 0;
  for (int round = 0; round < kRounds; ++round) {
    const json body = {{"name", "retried " + std::to_string(round)}, {"role", "readonly"}};
    const HeaderList key = {{"Idempotency-Key", "create-" + std::to_string(round)}};
    auto on_a = std::async(std::launch::async,
                           [&] { return a.call("POST", keys, world.api_key, body, key); });
    auto on_b = std::async(std::launch::async,
                           [&] { return b.call("POST", keys, world.api_key, body, key); });
    for (const HttpResponse& answer : {on_a.get(), on_b.get()}) {
      ++statuses[answer.status];
      if (answer.status == 409) {
        const json problem = body_of(answer);
        BOOST_TEST((problem["reason"] == "idempotency_already_applied" ||
                    problem["reason"] == "idempotency_in_flight"),
                   answer.body);
      } else {
        BOOST_TEST(answer.status == 200, answer.body);
        if (answer.status == 200) last = std::max(last, position_of(answer));
      }
    }
  }
  BOOST_TEST_MESSAGE("answers by status: 200 x" << statuses[200] << ", 409 x" << statuses[409]);
  const HttpResponse listed = a.call("GET", keys + "?page_size=100", world.api_key, nullptr,
                                     {{"X-Min-Position", std::to_string(last)}});
  BOOST_TEST_REQUIRE(listed.status == 200, listed.body);
  const json page = body_of(listed);
  std::map<std::string, int> made;
  for (const json& k : page["data"]) ++made[k["name"].get<std::string>()];
  for (int round = 0; round < kRounds; ++round)
    BOOST_TEST(made["retried " + std::to_string(round)] == 1,
               "round " << round << ": " << made["retried " + std::to_string(round)]);
  // A retry after the first answer is stored replays it, on either node.
  const HttpResponse replayed =
      b.call("POST", keys, world.api_key, json{{"name", "retried 0"}, {"role", "readonly"}},
             {{"Idempotency-Key", "create-0"}});
  BOOST_TEST(replayed.status == 200, replayed.body);
  BOOST_TEST(replayed.header("Idempotency-Replayed").value_or("") == "true");
  expect_gapless_and_chained(db.uri());
}

struct InviteLoad {
  const Node& node;
  std::string org_path;
  std::string key;
  std::string prefix;
  std::atomic<bool>& stop;
  std::vector<std::string> acknowledged;  // read once run() has returned
  std::atomic<size_t> acknowledged_count{0};
  uint64_t last_position = 0;
  int unavailable = 0;  // 503: the store could not be reached
  int unanswered = 0;   // no answer at all (the node was killed)
  int other = 0;

  void run() {
    for (int i = 0; !stop.load(); ++i) {
      const std::string email = prefix + std::to_string(i) + "@load.example";
      const HttpResponse answer =
          node.call("POST", org_path + "/members", key, json{{"email", email}});
      if (answer.status == 200) {
        acknowledged.push_back(email);
        ++acknowledged_count;
        last_position = std::max(last_position, position_of(answer));
      } else if (answer.status == 503) {
        ++unavailable;
        std::this_thread::sleep_for(20ms);
      } else if (answer.status == 0) {
        ++unanswered;
        std::this_thread::sleep_for(20ms);
      } else {
        ++other;
        std::this_thread::sleep_for(20ms);
      }
    }
  }
};

std::set<std::string> member_emails(const std::string& store, const std::string& org_id) {
  const CommandResult as_of = run_accountctl({"--store", store, "--json", "as-of", "--org", org_id,
                                              "--position", std::to_string(UINT64_MAX / 2)});
  BOOST_TEST_REQUIRE(as_of.exit_code == 0, as_of.err);
  std::set<std::string> emails;
  const json state = json::parse(as_of.out);
  for (const json& member : state["members"]) emails.insert(member["user_email"]);
  return emails;
}

void expect_verified(const std::string& store) {
  const CommandResult verified = run_accountctl({"--store", store, "verify"}, 120s);
  BOOST_TEST(verified.exit_code == 0, verified.out << verified.err);
}

// Load tests send more than a minute's default quota: the operator raises the
// key's limits (an event appended by accountctl beside the running node),
// and the node applies it by tailing the store.
void raise_limits(const std::string& store, const Node& node, const std::string& key) {
  const HttpResponse keys = node.call("GET", "/api-keys", key);
  BOOST_TEST_REQUIRE(keys.status == 200, keys.body);
  const json listed = body_of(keys);
  BOOST_TEST_REQUIRE(listed["data"].size() == 1u, keys.body);
  const CommandResult raised =
      run_accountctl({"--store", store, "key", "limits", listed["data"][0]["id"], "--per-minute",
                      "1000000", "--per-day", "100000000"});
  BOOST_TEST_REQUIRE(raised.exit_code == 0, raised.err);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (node.call("GET", "/whoami", key).header("X-RateLimit-Limit").value_or("") != "1000000") {
    BOOST_TEST_REQUIRE((std::chrono::steady_clock::now() < deadline), "limits not applied");
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_node_killed_under_load_loses_no_acknowledged_write) {
  TestDatabase db;
  const Bootstrapped world = bootstrap(db.uri(), "kill@two.example");
  const std::string org = "/organizations/" + world.org_id;
  auto a = std::make_unique<Node>(db.uri());
  Node b(db.uri());
  raise_limits(db.uri(), *a, world.api_key);
  // A third follower of the log, checking what tailing hands it: every
  // position once, in order, never a hole.
  StoreOptions follow;
  follow.follow = true;
  Result<std::unique_ptr<EventStore>> checker = open_event_store(db.uri(), follow);
  BOOST_TEST_REQUIRE(checker.ok(), (checker.ok() ? "" : checker.error().detail));
  std::mutex seen_mutex;
  uint64_t seen = (*checker)->last_position();
  uint64_t holes = 0;
  (*checker)->set_commit_observer([&](const std::vector<EventEnvelope>& events) {
    std::lock_guard<std::mutex> lock(seen_mutex);
    for (const EventEnvelope& event : events) {
      if (event.position != seen + 1) ++holes;
      seen = event.position;
    }
  });
  std::atomic<bool> stop_a{false}, stop_b{false};
  InviteLoad on_a{*a, org, world.api_key, "a", stop_a};
  InviteLoad on_b{b, org, world.api_key, "b", stop_b};
  std::thread load_a([&] { on_a.run(); });
  std::thread load_b([&] { on_b.run(); });
  std::this_thread::sleep_for(1500ms);
  BOOST_TEST(a->server.stop(SIGKILL) == 128 + SIGKILL);
  const size_t b_before = on_b.acknowledged_count.load();
  std::this_thread::sleep_for(1500ms);
  stop_a = true;
  stop_b = true;
  load_a.join();
  load_b.join();
  BOOST_TEST(on_a.acknowledged.size() > 0u);
  BOOST_TEST(on_b.acknowledged.size() > b_before, "B kept serving after A was killed");
  BOOST_TEST(on_b.unavailable + on_b.other + on_b.unanswered == 0);
  BOOST_TEST(b.server.stop() == 0);
  a.reset();
  const auto caught_up_by = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(seen_mutex);
      if (seen >= on_b.last_position || std::chrono::steady_clock::now() > caught_up_by) break;
    }
    std::this_thread::sleep_for(50ms);
  }
  {
    std::lock_guard<std::mutex> lock(seen_mutex);
    BOOST_TEST(holes == 0u);
    BOOST_TEST(seen >= std::max(on_a.last_position, on_b.last_position));
  }
  (*checker)->set_commit_observer(nullptr);
  checker->reset();

  const std::set<std::string> stored = member_emails(db.uri(), world.org_id);
  for (const auto* load : {&on_a, &on_b}) {
    for (const std::string& email : load->acknowledged) {
      BOOST_TEST(stored.count(email) == 1u, email << " was acknowledged but is not stored");
    }
  }
  expect_gapless_and_chained(db.uri());
  expect_verified(db.uri());
}

BOOST_AUTO_TEST_CASE(the_store_stopped_under_load_costs_503s_and_no_acknowledged_write) {
  // A cluster of its own: stopping the shared one would fail every other test.
  // Under /tmp itself: the unprivileged user a cluster runs as (under root)
  // must reach it, and its socket path must stay short.
  const std::string cluster_dir = "/tmp/account-pg-outage-" + std::to_string(::getpid());
  const CommandResult started = run_program(PG_CLUSTER_PATH, {"start", cluster_dir}, 120s);
  BOOST_TEST_REQUIRE(started.exit_code == 0, started.err);
  const std::string cluster = started.out.substr(0, started.out.find('\n'));
  struct StopCluster {
    std::string dir;
    ~StopCluster() { run_program(PG_CLUSTER_PATH, {"stop", dir}, 120s); }
  } stop_cluster{cluster_dir};
  TestDatabase db(cluster);

  const Bootstrapped world = bootstrap(db.uri(), "outage@two.example");
  const std::string org = "/organizations/" + world.org_id;
  Node a(db.uri());
  raise_limits(db.uri(), a, world.api_key);
  std::atomic<bool> stop{false};
  InviteLoad load{a, org, world.api_key, "o", stop};
  std::thread loader([&] { load.run(); });
  std::this_thread::sleep_for(1s);
  const size_t before_outage = load.acknowledged_count.load();

  // The server stops (fast: connections are cut) and comes back on the same data.
  BOOST_TEST_REQUIRE(run_program(PG_CLUSTER_PATH, {"pause", cluster_dir}, 60s).exit_code == 0);
  std::this_thread::sleep_for(1500ms);
  // Reads are served from memory while writes cannot be taken; /readyz says so.
  BOOST_TEST(a.call("GET", org, world.api_key).status == 200);
  BOOST_TEST(a.server.get("/readyz").status == 503);
  BOOST_TEST_REQUIRE(run_program(PG_CLUSTER_PATH, {"start", cluster_dir}, 60s).exit_code == 0);
  // Writes resume by themselves.
  const auto resumed_by = std::chrono::steady_clock::now() + 20s;
  const size_t after_outage = load.acknowledged_count.load();
  while (load.acknowledged_count.load() == after_outage &&
         std::chrono::steady_clock::now() < resumed_by) {
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(500ms);
  stop = true;
  loader.join();
  BOOST_TEST(before_outage > 0u);
  BOOST_TEST(load.unavailable > 0, "no 503 while the store was down");
  BOOST_TEST(load.acknowledged.size() > after_outage, "writes did not resume");
  BOOST_TEST(load.other == 0);
  BOOST_TEST(a.server.get("/readyz").status == 200);
  BOOST_TEST(a.server.stop() == 0);

  const std::set<std::string> stored = member_emails(db.uri(), world.org_id);
  for (const std::string& email : load.acknowledged) {
    BOOST_TEST(stored.count(email) == 1u, email << " was acknowledged but is not stored");
  }
  expect_gapless_and_chained(db.uri());
  expect_verified(db.uri());
}
