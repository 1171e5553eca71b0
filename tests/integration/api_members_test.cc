// The real accountd: members — invite, list (pagination, role and q filters, join
// order), get, change role, remove and leave, the last-owner invariant, removal
// taking effect at once, and time travel with as_of.
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

// A fresh organization owned by ann (through her token); returns its id.
std::string new_org(const std::string& name) {
  return api().ok("POST", "/organizations", world().owner_token,
                  json{{"name", name}, {"country", "DE"}})["id"];
}

std::string members_of(const std::string& org) {
  return "/organizations/" + org + "/members";
}

}  // namespace

BOOST_AUTO_TEST_CASE(invite_creates_the_user_and_answers_the_member) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Invites");
  const HttpResponse response =
      c.post(members_of(org), w.owner_token, json{{"email", "New.Person@Example.COM"}});
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  const json member = body_of(response);
  expect_member(member);
  BOOST_TEST(member["user_email"] == "new.person@example.com");
  BOOST_TEST(member["user_name"] == "");
  BOOST_TEST(member["user_metadata"] == json::object());
  BOOST_TEST(member["role"] == "editor");  // the default
  BOOST_TEST(member["role_display"] == "Editor");
  BOOST_TEST(response.header("ETag").has_value());
  BOOST_TEST(response.header("X-Event-Position").has_value());
  BOOST_TEST(c.ok("GET", members_of(org) + "/" + member["id"].get<std::string>(), w.owner_token) ==
             member);

  // An existing user keeps their name.
  const json ann = c.ok("POST", members_of(new_org("Invites 2")), w.owner_token,
                        json{{"email", "bob@example.com"}, {"role", "billing"}});
  BOOST_TEST(ann["user_name"] == "Bob Other");
  BOOST_TEST(ann["role"] == "billing");
  BOOST_TEST(ann["role_display"] == "Billing");

  // Already a member, in any spelling: 409.
  const HttpResponse again =
      c.post(members_of(org), w.owner_token, json{{"email", "new.person@example.com"}});
  expect_problem(again, 409, "conflict");
  expect_problem(c.post(members_of(org), w.owner_token, json{{"email", "ANN@example.com"}}), 409,
                 "conflict");
}

BOOST_AUTO_TEST_CASE(a_member_names_its_user_so_a_client_finds_its_own_membership) {
  World& w = world();
  const Client c = api();
  // Inviting an existing user answers that user's id, not only a new membership id.
  const json bob = c.ok("POST", members_of(new_org("Find me")), w.owner_token,
                        json{{"email", "bob@example.com"}, {"role", "editor"}});
  BOOST_TEST(bob["user_id"] == w.bob.user_id);
  BOOST_TEST(bob["id"] != w.bob.user_id);

  // Every caller finds itself in the list by whoami's user_id, without matching emails.
  for (const Person* person : {&w.ann, &w.mia, &w.bill, &w.eddie}) {
    const Credential& who = w.bearer_of(*person);
    const json me = c.ok("GET", "/whoami", who);
    const json page = c.ok("GET", members_of(w.org_a) + "?page_size=100", who);
    int found = 0;
    for (const json& member : page["data"]) {
      if (member["user_id"] != me["user_id"]) continue;
      ++found;
      BOOST_TEST(member["id"] == person->member_id);
      BOOST_TEST(member["user_email"] == person->email);
    }
    BOOST_TEST(found == 1, person->email);
  }
}

BOOST_AUTO_TEST_CASE(invite_validates_its_body) {
  World& w = world();
  const Client c = api();
  const std::string path = members_of(w.org_a);
  expect_invalid(c.post(path, w.owner_token, json{{"email", "not-an-address"}}), "email");
  expect_invalid(c.post(path, w.owner_token, json::object()), "email");
  expect_invalid(c.post(path, w.owner_token, json{{"email", "x@example.com"}, {"role", "admin"}}),
                 "role");
  expect_invalid(c.post(path, w.owner_token, json{{"email", "x@example.com"}, {"role", "Owner"}}),
                 "role");
  expect_invalid(c.post(path, w.owner_token, json{{"email", "x@example.com"}, {"team", "a"}}),
                 "team");
  expect_invalid(c.post(path, w.owner_token, json{{"email", 5}}), "email");
}

BOOST_AUTO_TEST_CASE(only_owners_grant_the_owner_role) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Owners");
  c.ok("POST", members_of(org), w.owner_token,
       json{{"email", "mia@example.com"}, {"role", "manager"}});
  expect_problem(c.post(members_of(org), w.manager_token,
                        json{{"email", "o1@example.com"}, {"role", "owner"}}),
                 403, "forbidden");
  const json editor = c.ok("POST", members_of(org), w.manager_token,
                           json{{"email", "o2@example.com"}, {"role", "editor"}});
  const std::string editor_path = members_of(org) + "/" + editor["id"].get<std::string>();
  expect_problem(c.put(editor_path, w.manager_token, json{{"role", "owner"}}), 403, "forbidden");
  const json promoted = c.ok("PUT", editor_path, w.owner_token, json{{"role", "owner"}});
  BOOST_TEST(promoted["role"] == "owner");
  BOOST_TEST(promoted["role_display"] == "Owner");
  // Taking it away, or removing an owner, is an owner's too.
  expect_problem(c.put(editor_path, w.manager_token, json{{"role", "billing"}}), 403, "forbidden");
  expect_problem(c.del(editor_path, w.manager_token), 403, "forbidden");
  const json demoted = c.ok("PUT", editor_path, w.owner_token, json{{"role", "billing"}});
  BOOST_TEST(demoted["role"] == "billing");
  BOOST_TEST(demoted["role_display"] == "Billing");
  BOOST_TEST(demoted["id"] == editor["id"]);
  expect_invalid(c.put(editor_path, w.owner_token, json::object()), "role");
  expect_invalid(c.put(editor_path, w.owner_token, json{{"role", "boss"}}), "role");
}

BOOST_AUTO_TEST_CASE(the_last_owner_cannot_go) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Last owner");
  const json members = expect_page(c.get(members_of(org), w.owner_token), 1, 25, 1);
  const std::string ann_path = members_of(org) + "/" + members[0]["id"].get<std::string>();

  auto expect_last_owner = [](const HttpResponse& response) {
    expect_problem(response, 409, "conflict");
    BOOST_TEST(body_of(response).value("reason", "") == "last_owner");
  };
  expect_last_owner(c.del(ann_path, w.owner_token));                             // leave
  expect_last_owner(c.put(ann_path, w.owner_token, json{{"role", "manager"}}));  // self-demote

  // With a second owner, the first may leave; then the second is the last.
  const json second = c.ok("POST", members_of(org), w.owner_token,
                           json{{"email", "mia@example.com"}, {"role", "owner"}});
  const std::string mia_path = members_of(org) + "/" + second["id"].get<std::string>();
  const json left = c.ok("DELETE", ann_path, w.owner_token);
  expect_member(left);
  BOOST_TEST(left["user_email"] == "ann@example.com");
  BOOST_TEST(left["role"] == "owner");
  expect_last_owner(c.del(mia_path, w.manager_token));
  expect_last_owner(c.put(mia_path, w.manager_token, json{{"role", "editor"}}));
  BOOST_TEST(c.ok("GET", mia_path, w.manager_token)["role"] == "owner");
}

BOOST_AUTO_TEST_CASE(members_list_in_join_order_with_filters_and_pages) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Roster");
  const std::vector<std::pair<std::string, std::string>> invites = {
      {"zoe@example.com", "editor"},  {"yann@example.com", "billing"},
      {"xena@sample.org", "manager"}, {"walt@example.com", "editor"},
      {"vera@SAMPLE.org", "editor"},  {"mia@example.com", "billing"},
  };
  for (const auto& [email, role] : invites)
    c.ok("POST", members_of(org), w.owner_token, json{{"email", email}, {"role", role}});

  std::vector<std::string> expected = {"ann@example.com"};
  for (const auto& invite : invites) {
    std::string lower = invite.first;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    expected.push_back(lower);
  }
  const json all = expect_page(c.get(members_of(org), w.owner_token), 1, 25, 7);
  for (std::size_t i = 0; i < all.size(); ++i) {
    expect_member(all[i]);
    BOOST_TEST(all[i]["user_email"] == expected[i]);
  }
  // Pages of 3: 3, 3, 1, then past the end.
  const json p1 = expect_page(c.get(members_of(org) + "?page_size=3", w.owner_token), 1, 3, 7);
  const json p2 =
      expect_page(c.get(members_of(org) + "?page=2&page_size=3", w.owner_token), 2, 3, 7);
  const json p3 =
      expect_page(c.get(members_of(org) + "?page=3&page_size=3", w.owner_token), 3, 3, 7);
  expect_page(c.get(members_of(org) + "?page=4&page_size=3", w.owner_token), 4, 3, 7);
  expect_page(c.get(members_of(org) + "?page=99", w.owner_token), 99, 25, 7);
  BOOST_TEST(p1[0]["user_email"] == expected[0]);
  BOOST_TEST(p2[0]["user_email"] == expected[3]);
  BOOST_TEST(p3[0]["user_email"] == expected[6]);
  expect_page(c.get(members_of(org) + "?page_size=100", w.owner_token), 1, 100, 7);
  expect_page(c.get(members_of(org) + "?page_size=1&page=7", w.owner_token), 7, 1, 7);

  // role filter keeps join order.
  const json editors =
      expect_page(c.get(members_of(org) + "?role=editor", w.owner_token), 1, 25, 3);
  BOOST_TEST(editors[0]["user_email"] == "zoe@example.com");
  BOOST_TEST(editors[1]["user_email"] == "walt@example.com");
  BOOST_TEST(editors[2]["user_email"] == "vera@sample.org");
  expect_page(c.get(members_of(org) + "?role=owner", w.owner_token), 1, 25, 1);
  const json editors_p2 = expect_page(
      c.get(members_of(org) + "?role=editor&page=2&page_size=2", w.owner_token), 2, 2, 3);
  BOOST_TEST(editors_p2[0]["user_email"] == "vera@sample.org");
  // q: case-insensitive substring of name or email.
  const json sample = expect_page(c.get(members_of(org) + "?q=SAMPLE", w.owner_token), 1, 25, 2);
  BOOST_TEST(sample[0]["user_email"] == "xena@sample.org");
  BOOST_TEST(sample[1]["user_email"] == "vera@sample.org");
  const json by_name =
      expect_page(c.get(members_of(org) + "?q=ann%20own", w.owner_token), 1, 25, 1);
  BOOST_TEST(by_name[0]["user_name"] == "Ann Owner");
  expect_page(c.get(members_of(org) + "?q=nobody-like-this", w.owner_token), 1, 25, 0);
  const json both =
      expect_page(c.get(members_of(org) + "?q=example&role=billing", w.owner_token), 1, 25, 2);
  BOOST_TEST(both[0]["user_email"] == "yann@example.com");
  BOOST_TEST(both[1]["user_email"] == "mia@example.com");
  // A removed member leaves the list and the counts.
  c.ok("DELETE", members_of(org) + "/" + all[1]["id"].get<std::string>(), w.owner_token);
  const json after = expect_page(c.get(members_of(org), w.owner_token), 1, 25, 6);
  BOOST_TEST(after[1]["user_email"] == "yann@example.com");
  expect_page(c.get(members_of(org) + "?role=editor", w.owner_token), 1, 25, 2);
  // A role change moves the member between the filtered lists, keeping join order.
  c.ok("PUT", members_of(org) + "/" + all[4]["id"].get<std::string>(), w.owner_token,
       json{{"role", "billing"}});
  expect_page(c.get(members_of(org) + "?role=editor", w.owner_token), 1, 25, 1);
  const json billing =
      expect_page(c.get(members_of(org) + "?role=billing", w.owner_token), 1, 25, 3);
  BOOST_TEST(billing[0]["user_email"] == "yann@example.com");
  BOOST_TEST(billing[1]["user_email"] == "walt@example.com");
  BOOST_TEST(billing[2]["user_email"] == "mia@example.com");
  expect_page(c.get(members_of(org), w.owner_token), 1, 25, 6);
}

BOOST_AUTO_TEST_CASE(bad_paging_and_filters_are_422) {
  World& w = world();
  const Client c = api();
  const std::string path = members_of(w.org_a);
  for (const std::string query : {"page_size=0", "page_size=101", "page_size=abc", "page_size=-1",
                                  "page_size=", "page_size=2.5"})
    expect_invalid(c.get(path + "?" + query, w.editor_token), "page_size",
                   std::string(kBase) + path);
  for (const std::string query : {"page=0", "page=-3", "page=x"})
    expect_invalid(c.get(path + "?" + query, w.editor_token), "page");
  expect_invalid(c.get(path + "?role=admin", w.editor_token), "role");
  expect_invalid(c.get("/organizations?page_size=500", w.editor_token), "page_size");
  expect_invalid(c.get("/api-keys?page=0", w.editor_token), "page");
  expect_invalid(c.get("/organizations/" + w.org_a + "/api-keys?page_size=0", w.owner_token),
                 "page_size");
}

BOOST_AUTO_TEST_CASE(an_empty_list_has_zero_pages) {
  World& w = world();
  const json data = expect_page(api().get("/api-keys", w.billing_token), 1, 25, 0);
  BOOST_TEST(data == json::array());
  // Any page of an empty list: no previous page either (there are no pages at all).
  const HttpResponse third = api().get("/api-keys?page=3", w.billing_token);
  expect_page(third, 3, 25, 0);
  BOOST_TEST(body_of(third)["pagination"]["has_previous"] == false);
}

BOOST_AUTO_TEST_CASE(a_member_may_leave_and_a_removed_member_loses_access_at_once) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Leavers");
  const json bill = c.ok("POST", members_of(org), w.owner_token,
                         json{{"email", "bill@example.com"}, {"role", "billing"}});
  const json eddie = c.ok("POST", members_of(org), w.owner_token,
                          json{{"email", "eddie@example.com"}, {"role", "editor"}});
  const std::string bill_path = members_of(org) + "/" + bill["id"].get<std::string>();
  const std::string eddie_path = members_of(org) + "/" + eddie["id"].get<std::string>();

  // Billing may not remove others, but may leave.
  expect_problem(c.del(eddie_path, w.billing_token), 403, "forbidden");
  BOOST_TEST(c.get("/organizations/" + org, w.billing_token).status == 200);
  const json left = c.ok("DELETE", bill_path, w.billing_token);
  BOOST_TEST(left == bill);
  expect_problem(c.get("/organizations/" + org, w.billing_token), 404, "not_found");
  expect_problem(c.get(members_of(org), w.billing_token), 404, "not_found");

  // Removal by the owner: the removed user's token gets 404 on the very next request.
  BOOST_TEST(c.get("/organizations/" + org, w.editor_token).status == 200);
  const json removed = c.ok("DELETE", eddie_path, w.owner_token);
  BOOST_TEST(removed["id"] == eddie["id"]);
  expect_problem(c.get("/organizations/" + org, w.editor_token), 404, "not_found");
  expect_problem(c.get(eddie_path, w.owner_token), 404, "not_found");
  expect_problem(c.del(eddie_path, w.owner_token), 404, "not_found");
  expect_problem(c.put(eddie_path, w.owner_token, json{{"role", "manager"}}), 404, "not_found");
  for (const json& entry : part(c.ok("GET", "/whoami", w.editor_token), "organizations"))
    BOOST_TEST(entry["id"] != org);
  for (const json& entry : part(body_of(c.get("/organizations", w.editor_token)), "data"))
    BOOST_TEST(entry["id"] != org);

  // Inviting again makes a new membership with a new id.
  const json back = c.ok("POST", members_of(org), w.owner_token,
                         json{{"email", "eddie@example.com"}, {"role", "manager"}});
  BOOST_TEST(back["id"] != eddie["id"]);
  BOOST_TEST(back["role"] == "manager");
  BOOST_TEST(c.get("/organizations/" + org, w.editor_token).status == 200);
  BOOST_TEST(c.ok("GET", "/whoami", w.editor_token)["organizations"].size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_removed_members_user_key_stops_reaching_the_org) {
  World& w = world();
  const Client c = api();
  const std::string org = new_org("Key holders");
  const json mia = c.ok("POST", members_of(org), w.owner_token,
                        json{{"email", "mia@example.com"}, {"role", "manager"}});
  const json key =
      c.ok("POST", "/api-keys", w.manager_token, json{{"name", "mia csu"}, {"role", "manager"}});
  const Credential mia_key = api_key("mia csu", key["key"]);
  BOOST_TEST(c.get(members_of(org), mia_key).status == 200);
  // An org key mia made survives her removal.
  const json org_key = c.ok("POST", "/organizations/" + org + "/api-keys", mia_key,
                            json{{"name", "made by mia"}, {"role", "readonly"}});
  c.ok("DELETE", members_of(org) + "/" + mia["id"].get<std::string>(), w.owner_token);
  expect_problem(c.get(members_of(org), mia_key), 404, "not_found");
  expect_problem(c.get("/organizations/" + org, w.manager_token), 404, "not_found");
  BOOST_TEST(c.get("/organizations/" + org, api_key("org key", org_key["key"])).status == 200);
  // The key still works elsewhere (mia is still a manager of Acme).
  BOOST_TEST(c.get(members_of(w.org_a), mia_key).status == 200);
}

BOOST_AUTO_TEST_CASE(as_of_answers_the_list_as_it_stood) {
  World& w = world();
  const Client c = api();
  const HttpResponse created =
      c.post("/organizations", w.owner_token, json{{"name", "History"}, {"country", "DE"}});
  BOOST_TEST_REQUIRE(created.status == 200);
  const std::string org = body_of(created)["id"];
  const uint64_t p_created = std::stoull(created.header("X-Event-Position").value());

  const HttpResponse first = c.post(members_of(org), w.owner_token,
                                    json{{"email", "h1@example.com"}, {"role", "billing"}});
  const uint64_t p_first = std::stoull(first.header("X-Event-Position").value());
  const std::string first_id = body_of(first)["id"];
  std::this_thread::sleep_for(1100ms);  // a second between, for the time form
  const std::string between = rfc3339(unix_now());
  std::this_thread::sleep_for(1100ms);
  const HttpResponse second =
      c.post(members_of(org), w.owner_token, json{{"email", "h2@example.com"}});
  const uint64_t p_second = std::stoull(second.header("X-Event-Position").value());
  c.ok("PUT", members_of(org) + "/" + first_id, w.owner_token, json{{"role", "manager"}});
  c.ok("DELETE", members_of(org) + "/" + body_of(second)["id"].get<std::string>(), w.owner_token);

  auto list_as_of = [&](const std::string& as_of) {
    const HttpResponse response = c.get(members_of(org) + "?as_of=" + as_of, w.owner_token);
    BOOST_TEST_REQUIRE(response.status == 200, as_of << ": " << response.body);
    return body_of(response);
  };
  json then = list_as_of(std::to_string(p_created));
  BOOST_TEST(then["data"].size() == 1u);
  BOOST_TEST(then["pagination"]["total_count"] == 1);
  BOOST_TEST(then["data"][0]["user_email"] == "ann@example.com");
  then = list_as_of(std::to_string(p_first));
  BOOST_TEST(then["data"].size() == 2u);
  BOOST_TEST(then["data"][1]["user_email"] == "h1@example.com");
  BOOST_TEST(then["data"][1]["role"] == "billing");
  then = list_as_of(std::to_string(p_second));
  BOOST_TEST(then["data"].size() == 3u);
  BOOST_TEST(then["data"][2]["user_email"] == "h2@example.com");
  // By time: after the first invite, before the second.
  then = list_as_of(between);
  BOOST_TEST(then["data"].size() == 2u);
  BOOST_TEST(then["data"][1]["role"] == "billing");
  // Now: the role change and the removal.
  then = list_as_of(std::to_string(p_second + 1000000));
  BOOST_TEST(then["data"].size() == 2u);
  BOOST_TEST(then["data"][1]["role"] == "manager");
  BOOST_TEST(body_of(c.get(members_of(org), w.owner_token))["data"] == then["data"]);
  // Filters apply to the past list too.
  then = list_as_of(std::to_string(p_second) + "&role=editor");
  BOOST_TEST(then["data"].size() == 1u);

  // The time form includes an event that occurred exactly then, and not one a
  // millisecond later.
  const json feed = c.ok("GET", "/organizations/" + org + "/events", w.owner_token);
  json second_event;
  for (const json& e : feed["data"])
    if (e["position"] == p_second) second_event = e;
  BOOST_TEST_REQUIRE(is_timestamp(second_event["occurred_at"]), feed.dump());
  const std::string at = second_event["occurred_at"];  // 2026-...T..:..:..SSSZ
  then = list_as_of(at);
  BOOST_TEST(then["data"].size() == 3u);
  BOOST_TEST_REQUIRE(at.size() == 24u);
  const int ms = std::stoi(at.substr(20, 3));
  if (ms > 0) {  // the instant just before, when it is within the same second
    std::string earlier = std::to_string(ms - 1);
    earlier = std::string(3 - earlier.size(), '0') + earlier + "Z";
    then = list_as_of(at.substr(0, 20) + earlier);
    BOOST_TEST(then["data"].size() == 2u);
  }

  // Between its two first events (created, then its owner added): no members yet.
  then = list_as_of(std::to_string(p_created - 1));
  BOOST_TEST(then["data"] == json::array());
  BOOST_TEST(then["pagination"]["total_pages"] == 0);
  // Before the organization existed: 404.
  expect_problem(c.get(members_of(org) + "?as_of=" + std::to_string(p_created - 2), w.owner_token),
                 404, "not_found");
  expect_problem(c.get(members_of(org) + "?as_of=0", w.owner_token), 404, "not_found");
  expect_problem(c.get(members_of(org) + "?as_of=2001-01-01T00:00:00Z", w.owner_token), 404,
                 "not_found");
  expect_invalid(c.get(members_of(org) + "?as_of=yesterday", w.owner_token), "as_of");
  // Authorized by the caller's access now.
  expect_problem(c.get(members_of(org) + "?as_of=" + std::to_string(p_second), w.bob_token), 404,
                 "not_found");
}
