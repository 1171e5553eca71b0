// The real accountd: the permission matrix of §3 as a table. Each membership role
// (through a bearer token of an invited user) and each key kind and role is tried
// on every endpoint — on its own organization, on another organization's ids, and
// on its own organization's paths with another organization's member and key ids
// — and each cell asserts the exact status.
#include <functional>

#include "integration/api_support.h"

using namespace api_test;

namespace {

World& world() {
  static World instance;
  return instance;
}

struct Call {
  std::string method;
  std::string path;
  std::optional<json> body;
};

// One column: how to build the call (fresh targets are made here, by the admin
// key, so that an allowed write has something to act on), and what to undo after
// an allowed one.
struct Column {
  std::string name;
  std::function<Call()> make;
  std::function<void(const HttpResponse&)> undo = nullptr;
};

int unique_number() {
  static int n = 0;
  return ++n;
}

std::string fresh_member(const std::string& org) {
  World& w = world();
  return w.client().ok("POST", "/organizations/" + org + "/members", w.admin,
                       json{{"email", "fresh" + std::to_string(unique_number()) + "@example.com"},
                            {"role", "editor"}})["id"];
}

std::string fresh_org_key(const std::string& org) {
  World& w = world();
  return w.client().ok("POST", "/organizations/" + org + "/api-keys", w.admin,
                       json{{"name", "fresh"}})["id"];
}

std::string fresh_ann_user_key() {
  World& w = world();
  return w.client().ok("POST", "/api-keys", w.admin, json{{"name", "fresh"}})["id"];
}

// The columns that act on organization A, the callers' own.
std::vector<Column> own_org_columns() {
  World& w = world();
  const std::string a = "/organizations/" + w.org_a;
  return {
      {"whoami",
       [] {
         return Call{"GET", "/whoami", {}};
       }},
      {"list orgs",
       [] {
         return Call{"GET", "/organizations", {}};
       }},
      {"create org",
       [] {
         return Call{"POST", "/organizations", json{{"name", "M"}, {"country", "DE"}}};
       }},
      {"get org",
       [a] {
         return Call{"GET", a, {}};
       }},
      {"update org",
       [a] {
         return Call{"PUT", a, json{{"name", "Acme"}}};
       }},
      {"delete org",
       [a] {
         return Call{"DELETE", a, {}};
       },
       [a](const HttpResponse& r) {
         if (r.status == 204) world().client().ok("POST", a + "/restore", world().admin);
       }},
      {"restore org",
       [a] {
         return Call{"POST", a + "/restore", {}};
       }},
      {"list members",
       [a] {
         return Call{"GET", a + "/members", {}};
       }},
      {"invite",
       [a] {
         return Call{"POST", a + "/members",
                     json{{"email", "inv" + std::to_string(unique_number()) + "@example.com"}}};
       }},
      {"get member",
       [a, &w] {
         return Call{"GET", a + "/members/" + w.mia.member_id, {}};
       }},
      {"update member",
       [a, &w] {
         return Call{"PUT", a + "/members/" + fresh_member(w.org_a), json{{"role", "billing"}}};
       }},
      {"remove member",
       [a, &w] {
         return Call{"DELETE", a + "/members/" + fresh_member(w.org_a), {}};
       }},
      {"list keys",
       [a] {
         return Call{"GET", a + "/api-keys", {}};
       }},
      {"create key",
       [a] {
         return Call{"POST", a + "/api-keys", json{{"name", "made"}, {"role", "readonly"}}};
       }},
      {"get key",
       [a, &w] {
         return Call{"GET", a + "/api-keys/" + w.csb_readonly_id, {}};
       }},
      {"update key",
       [a, &w] {
         return Call{"PATCH", a + "/api-keys/" + w.csb_readonly_id, json{{"description", "seen"}}};
       }},
      {"revoke key",
       [a, &w] {
         return Call{"DELETE", a + "/api-keys/" + fresh_org_key(w.org_a), {}};
       }},
      {"list user keys",
       [] {
         return Call{"GET", "/api-keys", {}};
       }},
      {"create user key",
       [] {
         return Call{"POST", "/api-keys", json{{"name", "mine"}, {"role", "readonly"}}};
       }},
      {"update ann's user key",
       [&w] {
         return Call{"PATCH", "/api-keys/" + w.csu_readonly_id, json{{"description", "seen"}}};
       }},
      {"revoke ann's user key",
       [] {
         return Call{"DELETE", "/api-keys/" + fresh_ann_user_key(), {}};
       }},
      {"get preferences",
       [] {
         return Call{"GET", "/preferences", {}};
       }},
      {"put preferences",
       [] {
         return Call{"PUT", "/preferences", json::array()};
       }},
      {"audit feed",
       [a] {
         return Call{"GET", a + "/events", {}};
       }},
  };
}

// The columns that name organization B (nobody of these rows belongs to it), or
// B's members and keys under A's paths.
std::vector<Column> other_org_columns() {
  World& w = world();
  const std::string a = "/organizations/" + w.org_a;
  const std::string b = "/organizations/" + w.org_b;
  const std::string bob = w.bob_member_in_b;
  const std::string bkey = w.csb_b_id;
  return {
      {"B get org",
       [b] {
         return Call{"GET", b, {}};
       }},
      {"B update org",
       [b] {
         return Call{"PUT", b, json{{"name", "Taken"}}};
       }},
      {"B delete org",
       [b] {
         return Call{"DELETE", b, {}};
       }},
      {"B restore org",
       [b] {
         return Call{"POST", b + "/restore", {}};
       }},
      {"B list members",
       [b] {
         return Call{"GET", b + "/members", {}};
       }},
      {"B invite",
       [b] {
         return Call{"POST", b + "/members", json{{"email", "spy@example.com"}}};
       }},
      {"B get member",
       [b, bob] {
         return Call{"GET", b + "/members/" + bob, {}};
       }},
      {"B update member",
       [b, bob] {
         return Call{"PUT", b + "/members/" + bob, json{{"role", "editor"}}};
       }},
      {"B remove member",
       [b, bob] {
         return Call{"DELETE", b + "/members/" + bob, {}};
       }},
      {"B list keys",
       [b] {
         return Call{"GET", b + "/api-keys", {}};
       }},
      {"B create key",
       [b] {
         return Call{"POST", b + "/api-keys", json{{"name", "spy"}}};
       }},
      {"B get key",
       [b, bkey] {
         return Call{"GET", b + "/api-keys/" + bkey, {}};
       }},
      {"B update key",
       [b, bkey] {
         return Call{"PATCH", b + "/api-keys/" + bkey, json{{"name", "spy"}}};
       }},
      {"B revoke key",
       [b, bkey] {
         return Call{"DELETE", b + "/api-keys/" + bkey, {}};
       }},
      {"B audit feed",
       [b] {
         return Call{"GET", b + "/events", {}};
       }},
      {"A get B's member",
       [a, bob] {
         return Call{"GET", a + "/members/" + bob, {}};
       }},
      {"A update B's member",
       [a, bob] {
         return Call{"PUT", a + "/members/" + bob, json{{"role", "editor"}}};
       }},
      {"A remove B's member",
       [a, bob] {
         return Call{"DELETE", a + "/members/" + bob, {}};
       }},
      {"A get B's key",
       [a, bkey] {
         return Call{"GET", a + "/api-keys/" + bkey, {}};
       }},
      {"A update B's key",
       [a, bkey] {
         return Call{"PATCH", a + "/api-keys/" + bkey, json{{"name", "spy"}}};
       }},
      {"A revoke B's key",
       [a, bkey] {
         return Call{"DELETE", a + "/api-keys/" + bkey, {}};
       }},
      {"A get a user key as org key",
       [a, &w] {
         return Call{"GET", a + "/api-keys/" + w.csu_readonly_id, {}};
       }},
      {"user route on an org key",
       [&w] {
         return Call{"PATCH", "/api-keys/" + w.csb_readonly_id, json{{"name", "spy"}}};
       }},
      {"user route revoking B's key",
       [bkey] {
         return Call{"DELETE", "/api-keys/" + bkey, {}};
       }},
  };
}

const char* code_of(int status) {
  switch (status) {
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    default:
      return "?";
  }
}

void run_matrix(const std::vector<Column>& columns,
                const std::vector<std::pair<const Credential*, std::vector<int>>>& rows) {
  const Client c = world().client();
  for (const auto& [who, expected] : rows) {
    BOOST_TEST_REQUIRE(expected.size() == columns.size(), who->label);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const Call call = columns[i].make();
      const HttpResponse response = c.call(call.method, call.path, *who, call.body);
      BOOST_TEST_CONTEXT(who->label << " × " << columns[i].name << " (" << call.method << " "
                                    << call.path << "): " << response.body) {
        BOOST_TEST(response.status == expected[i]);
        if (response.status == expected[i] && expected[i] >= 400) {
          expect_problem(response, expected[i], code_of(expected[i]), Client::target(call.path));
        }
        if (response.status == 200) BOOST_TEST(!body_of(response).is_null());
        if (response.status == 204) BOOST_TEST(response.body.empty());
        // Every authenticated answer reports the allowance.
        BOOST_TEST(response.header("RateLimit-Limit").has_value());
      }
      if (columns[i].undo) columns[i].undo(response);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(own_organization_matrix) {
  World& w = world();
  // clang-format off
  //                       who  lsO  crO  gtO  upO  dlO  rsO  lsM  inv  gtM  upM  rmM  lsK  crK  gtK  upK  rvK  lsU  crU  upU  rvU  gtP  ptP  aud
  const std::vector<int> owner =
                         {200, 200, 200, 200, 200, 204, 409, 200, 200, 200, 200, 200, 200, 200, 200, 200, 204, 200, 200, 200, 204, 200, 200, 200};
  const std::vector<int> manager =
                         {200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200, 204, 200, 200, 404, 404, 200, 200, 200};
  const std::vector<int> member_reader =  // billing and editor
                         {200, 200, 200, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403, 403, 403, 403, 200, 200, 404, 404, 200, 200, 403};
  const std::vector<int> csb_manager =
                         {200, 200, 403, 200, 403, 403, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200, 204, 403, 403, 403, 403, 403, 403, 200};
  const std::vector<int> csb_reader =  // csb editor and readonly
                         {200, 200, 403, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403};
  const std::vector<int> cpk =
                         {200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403};
  const std::vector<int> csu_reader =  // ann's csu readonly key: reads only
                         {200, 200, 403, 200, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403, 403};
  // clang-format on
  run_matrix(own_org_columns(), {{&w.owner_token, owner},
                                 {&w.manager_token, manager},
                                 {&w.billing_token, member_reader},
                                 {&w.editor_token, member_reader},
                                 {&w.csb_manager, csb_manager},
                                 {&w.csb_editor, csb_reader},
                                 {&w.csb_readonly, csb_reader},
                                 {&w.cpk, cpk},
                                 {&w.csu_manager, owner},
                                 {&w.csu_readonly, csu_reader}});
  // The organization came through its delete and restore cells unchanged.
  BOOST_TEST(w.client().ok("GET", "/organizations/" + w.org_a, w.owner_token)["name"] == "Acme");
}

BOOST_AUTO_TEST_CASE(another_organizations_ids_are_not_found) {
  World& w = world();
  // clang-format off
  //                          B: gtO  upO  dlO  rsO  lsM  inv  gtM  upM  rmM  lsK  crK  gtK  upK  rvK  aud  A: gtM  upM  rmM  gtK  upK  rvK  csu  U: upK  rvK
  const std::vector<int> member_manager =  // owner, manager, csb manager, csu manager
                             {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404,    404, 404, 404, 404, 404, 404, 404,    404, 404};
  const std::vector<int> user_reader =  // billing, editor
                             {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404,    404, 404, 404, 403, 403, 403, 403,    404, 404};
  const std::vector<int> csb_manager =
                             {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404,    404, 404, 404, 404, 404, 404, 404,    403, 403};
  const std::vector<int> csb_reader =
                             {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404,    404, 404, 404, 403, 403, 403, 403,    403, 403};
  const std::vector<int> cpk =  // the gate refuses before any lookup
                             {404, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403,    403, 403, 403, 403, 403, 403, 403,    403, 403};
  const std::vector<int> csu_reader =
                             {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404,    404, 404, 404, 403, 403, 403, 403,    403, 403};
  // clang-format on
  run_matrix(other_org_columns(), {{&w.owner_token, member_manager},
                                   {&w.manager_token, member_manager},
                                   {&w.billing_token, user_reader},
                                   {&w.editor_token, user_reader},
                                   {&w.csb_manager, csb_manager},
                                   {&w.csb_editor, csb_reader},
                                   {&w.csb_readonly, csb_reader},
                                   {&w.cpk, cpk},
                                   {&w.csu_manager, member_manager},
                                   {&w.csu_readonly, csu_reader}});
  // B is untouched.
  const Client c = w.client();
  BOOST_TEST(c.ok("GET", "/organizations/" + w.org_b, w.bob_token)["name"] == "Bobco");
  expect_page(c.get("/organizations/" + w.org_b + "/members", w.bob_token), 1, 25, 1);
  BOOST_TEST(c.get("/whoami", w.csb_b).status == 200);
}

BOOST_AUTO_TEST_CASE(keys_are_created_only_within_the_creators_authority) {
  World& w = world();
  const Client c = w.client();
  const std::string keys = "/organizations/" + w.org_a + "/api-keys";
  // A manager (member or csb key) may make keys of every role, an owner too.
  for (const Credential* who : {&w.owner_token, &w.manager_token, &w.csb_manager, &w.csu_manager}) {
    for (const char* role : {"manager", "editor", "readonly"}) {
      BOOST_TEST_CONTEXT(who->label << " makes a " << role << " key") {
        const HttpResponse r = c.post(keys, *who, json{{"name", "r"}, {"role", role}});
        BOOST_TEST(r.status == 200, r.body);
        if (r.status == 200)
          c.ok("DELETE", keys + "/" + body_of(r)["id"].get<std::string>(), w.admin, {}, 204);
      }
    }
  }
  // A manager key acts as a manager: never owner-only actions, even with a key it made.
  const json made = c.ok("POST", keys, w.csb_manager, json{{"name", "child"}, {"role", "manager"}});
  const Credential child = api_key("child", made["key"]);
  expect_problem(c.put("/organizations/" + w.org_a, child, json{{"name", "x"}}), 403, "forbidden");
  expect_problem(c.post("/organizations/" + w.org_a + "/members", child,
                        json{{"email", "boss@example.com"}, {"role", "owner"}}),
                 403, "forbidden");
  expect_problem(c.del("/organizations/" + w.org_a + "/members/" + w.ann.member_id, child), 403,
                 "forbidden");
  // A user key below manager creates nothing.
  expect_problem(c.post("/api-keys", w.csu_readonly, json{{"name", "x"}, {"role", "readonly"}}),
                 403, "forbidden");
}
