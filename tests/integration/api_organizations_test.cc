// The real accountd: whoami, organizations (create, read, list, update with
// metadata merge, delete, restore) and preferences, over HTTP.
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

}  // namespace

BOOST_AUTO_TEST_CASE(whoami_of_a_user_lists_memberships_with_roles) {
  World& w = world();
  const HttpResponse response = api().get("/whoami", w.manager_token);
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  BOOST_TEST(response.header("Content-Type").value_or("").find("application/json") == 0u);
  const json body = body_of(response);
  BOOST_TEST(body.size() == 5u);
  BOOST_TEST(body["user_id"] == w.mia.user_id);
  BOOST_TEST(is_shortuuid(body["user_id"]));
  BOOST_TEST(body["email"] == "mia@example.com");
  BOOST_TEST(body["metadata"] == json::object());
  BOOST_TEST(body["api_key"].is_null());
  BOOST_TEST(body["organizations"] ==
             json::array({{{"id", w.org_a}, {"name", "Acme"}, {"role", "manager"}}}));
}

BOOST_AUTO_TEST_CASE(whoami_of_a_user_key_shows_the_key) {
  World& w = world();
  const json body = api().ok("GET", "/whoami", w.csu_readonly);
  BOOST_TEST(body["user_id"] == w.ann.user_id);
  BOOST_TEST(body["email"] == "ann@example.com");
  BOOST_TEST(body["organizations"] ==
             json::array({{{"id", w.org_a}, {"name", "Acme"}, {"role", "owner"}}}));
  expect_api_key(body["api_key"]);
  BOOST_TEST(body["api_key"]["id"] == w.csu_readonly_id);
  BOOST_TEST(body["api_key"]["kind"] == "user");
  BOOST_TEST(body["api_key"]["role"] == "readonly");
  BOOST_TEST(body["api_key"]["name"] == "ann readonly");
}

BOOST_AUTO_TEST_CASE(whoami_of_org_keys_names_the_creator_and_only_the_keys_org) {
  World& w = world();
  for (const Credential* key : {&w.csb_editor, &w.cpk}) {
    BOOST_TEST_CONTEXT(key->label) {
      const json body = api().ok("GET", "/whoami", *key);
      if (key == &w.cpk) {
        // A publishable key sits in public web pages: it names no person (§4).
        BOOST_TEST(body["user_id"].is_null());
        BOOST_TEST(body["email"].is_null());
        BOOST_TEST(body["metadata"] == json::object());
      } else {
        BOOST_TEST(body["user_id"] == w.ann.user_id);  // the admin key of ann created them
        BOOST_TEST(body["email"] == "ann@example.com");
      }
      BOOST_TEST(body["organizations"] ==
                 json::array({{{"id", w.org_a}, {"name", "Acme"}, {"role", nullptr}}}));
      expect_api_key(body["api_key"]);
      BOOST_TEST(body["api_key"]["kind"] == (key == &w.cpk ? "publishable" : "business"));
      BOOST_TEST(body["api_key"]["role"] == (key == &w.cpk ? "readonly" : "editor"));
    }
  }
}

BOOST_AUTO_TEST_CASE(create_organization_answers_200_and_makes_the_caller_owner) {
  World& w = world();
  const HttpResponse response = api().post("/organizations", w.billing_token,
                                           json{{"name", "Bill's Brand"},
                                                {"country", "AT"},
                                                {"is_brand", true},
                                                {"metadata", {{"tier", "gold"}}}});
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  const json org = body_of(response);
  expect_organization(org);
  BOOST_TEST(org["name"] == "Bill's Brand");
  BOOST_TEST(org["country"] == "AT");
  BOOST_TEST(org["is_brand"] == true);
  BOOST_TEST(org["require_reauth_to_delete"] == true);
  BOOST_TEST(org["metadata"] == json({{"tier", "gold"}}));
  BOOST_TEST(response.header("ETag").has_value());
  BOOST_TEST(std::stoull(response.header("X-Event-Position").value_or("0")) > 0u);

  const std::string id = org["id"];
  BOOST_TEST(api().ok("GET", "/organizations/" + id, w.billing_token) == org);
  const json members =
      expect_page(api().get("/organizations/" + id + "/members", w.billing_token), 1, 25, 1);
  expect_member(members[0]);
  BOOST_TEST(members[0]["user_email"] == "bill@example.com");
  BOOST_TEST(members[0]["role"] == "owner");
  BOOST_TEST(members[0]["role_display"] == "Owner");
  // Other users do not see it.
  expect_problem(api().get("/organizations/" + id, w.owner_token), 404, "not_found",
                 std::string(kBase) + "/organizations/" + id);

  // Defaults: is_brand false, metadata {}.
  const json plain = api().ok("POST", "/organizations", w.billing_token,
                              json{{"name", "Plain"}, {"country", "GB"}});
  BOOST_TEST(plain["is_brand"] == false);
  BOOST_TEST(plain["metadata"] == json::object());
  BOOST_TEST(plain["id"] != org["id"]);
}

BOOST_AUTO_TEST_CASE(create_organization_validates_every_field) {
  World& w = world();
  const Client c = api();
  expect_invalid(c.post("/organizations", w.editor_token, json{{"name", "X"}, {"country", "us"}}),
                 "country", std::string(kBase) + "/organizations");
  expect_invalid(c.post("/organizations", w.editor_token, json{{"name", "X"}, {"country", "XX"}}),
                 "country");
  expect_invalid(c.post("/organizations", w.editor_token, json{{"name", ""}, {"country", "DE"}}),
                 "name");
  expect_invalid(c.post("/organizations", w.editor_token,
                        json{{"name", std::string(256, 'n')}, {"country", "DE"}}),
                 "name");
  BOOST_TEST(c.post("/organizations", w.editor_token,
                    json{{"name", std::string(255, 'n')}, {"country", "DE"}})
                 .status == 200);
  expect_invalid(c.post("/organizations", w.editor_token, json{{"country", "DE"}}), "name");
  expect_invalid(c.post("/organizations", w.editor_token, json{{"name", "X"}}), "country");
  expect_invalid(c.post("/organizations", w.editor_token,
                        json{{"name", "X"}, {"country", "DE"}, {"colour", "red"}}),
                 "colour");
  expect_invalid(c.post("/organizations", w.editor_token,
                        json{{"name", "X"}, {"country", "DE"}, {"is_brand", "yes"}}),
                 "is_brand");
  expect_invalid(c.post("/organizations", w.editor_token, json{{"name", 7}, {"country", "DE"}}),
                 "name");
  expect_invalid(c.post("/organizations", w.editor_token,
                        json{{"name", "X"}, {"country", "DE"}, {"metadata", {{"k", 1}}}}),
                 "metadata");
  // Two bad fields: both named at once.
  const HttpResponse both =
      c.post("/organizations", w.editor_token, json{{"name", ""}, {"country", "us"}});
  expect_invalid(both, "name");
  expect_invalid(both, "country");
}

BOOST_AUTO_TEST_CASE(list_organizations_pages_the_callers_organizations) {
  World& w = world();
  const Client c = api();
  const json mine = expect_page(c.get("/organizations", w.manager_token), 1, 25, 1);
  expect_organization(mine[0]);
  BOOST_TEST(mine[0]["id"] == w.org_a);
  BOOST_TEST(mine[0]["name"] == "Acme");
  BOOST_TEST(mine[0]["country"] == "DE");
  // A business key lists its own organization.
  const json by_key = expect_page(c.get("/organizations", w.csb_readonly), 1, 25, 1);
  BOOST_TEST(by_key[0]["id"] == w.org_a);
  // The other owner sees only theirs.
  const json bobs = expect_page(c.get("/organizations", w.bob_token), 1, 25, 1);
  BOOST_TEST(bobs[0]["id"] == w.org_b);
}

BOOST_AUTO_TEST_CASE(get_organization_takes_shortuuid_or_uuid_and_rejects_other_ids) {
  World& w = world();
  const Client c = api();
  const HttpResponse response = c.get("/organizations/" + w.org_a, w.editor_token);
  BOOST_TEST_REQUIRE(response.status == 200);
  const json org = body_of(response);
  expect_organization(org);
  BOOST_TEST(org["id"] == w.org_a);
  BOOST_TEST(org["name"] == "Acme");
  BOOST_TEST(org["country"] == "DE");
  BOOST_TEST(org["is_brand"] == false);
  BOOST_TEST(org["require_reauth_to_delete"] == true);
  BOOST_TEST(response.header("ETag").value_or("").front() == '"');

  std::string uuid = uuid_of(w.org_a);
  BOOST_TEST(c.ok("GET", "/organizations/" + uuid, w.editor_token)["id"] == w.org_a);
  for (char& ch : uuid) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  BOOST_TEST(c.ok("GET", "/organizations/" + uuid, w.editor_token)["id"] == w.org_a);

  expect_invalid(c.get("/organizations/not-an-id", w.editor_token), "id",
                 std::string(kBase) + "/organizations/not-an-id");
  expect_invalid(c.get("/organizations/" + w.org_a + "/members/xyz", w.editor_token), "member_id");
  // Well-formed but unknown: 404.
  expect_problem(c.get("/organizations/2222222222222222222222", w.editor_token), 404, "not_found");
  expect_problem(c.get("/organizations/00000000-0000-0000-0000-000000000000", w.editor_token), 404,
                 "not_found");
}

BOOST_AUTO_TEST_CASE(update_organization_merges_metadata) {
  World& w = world();
  const Client c = api();
  const std::string path = "/organizations/" + w.org_a;
  json org = c.ok("PUT", path, w.owner_token, json{{"metadata", {{"a", "1"}, {"b", "2"}}}});
  expect_organization(org);
  BOOST_TEST(org["metadata"] == json({{"a", "1"}, {"b", "2"}}));
  // Keys sent are set, "" deletes, absent ones are kept.
  org = c.ok("PUT", path, w.owner_token, json{{"metadata", {{"a", "one"}, {"b", ""}, {"c", "3"}}}});
  BOOST_TEST(org["metadata"] == json({{"a", "one"}, {"c", "3"}}));
  // No metadata member: unchanged.
  org = c.ok("PUT", path, w.owner_token, json{{"name", "Acme"}});
  BOOST_TEST(org["metadata"] == json({{"a", "one"}, {"c", "3"}}));
  BOOST_TEST(c.ok("GET", path, w.editor_token)["metadata"] == json({{"a", "one"}, {"c", "3"}}));
  // {} clears.
  org = c.ok("PUT", path, w.owner_token, json{{"metadata", json::object()}});
  BOOST_TEST(org["metadata"] == json::object());
  c.ok("PUT", path, w.owner_token, json{{"metadata", {{"x", "y"}}}});
  // null clears too.
  org = c.ok("PUT", path, w.owner_token, json{{"metadata", nullptr}});
  BOOST_TEST(org["metadata"] == json::object());
  BOOST_TEST(c.ok("GET", path, w.editor_token)["metadata"] == json::object());
}

BOOST_AUTO_TEST_CASE(update_organization_enforces_metadata_limits) {
  World& w = world();
  const Client c = api();
  const std::string path = "/organizations/" + w.org_a;
  json fifty = json::object();
  for (int i = 0; i < 50; ++i) fifty["k" + std::to_string(i)] = "v";
  BOOST_TEST(c.put(path, w.owner_token, json{{"metadata", fifty}}).status == 200);
  // The 51st key, even through a merge.
  expect_invalid(c.put(path, w.owner_token, json{{"metadata", {{"one_more", "v"}}}}), "metadata");
  c.ok("PUT", path, w.owner_token, json{{"metadata", json::object()}});
  json fifty_one = fifty;
  fifty_one["k50"] = "v";
  expect_invalid(c.put(path, w.owner_token, json{{"metadata", fifty_one}}), "metadata");
  BOOST_TEST(c.put(path, w.owner_token, json{{"metadata", {{std::string(40, 'k'), "v"}}}}).status ==
             200);
  expect_invalid(c.put(path, w.owner_token, json{{"metadata", {{std::string(41, 'k'), "v"}}}}),
                 "metadata");
  BOOST_TEST(
      c.put(path, w.owner_token, json{{"metadata", {{"long", std::string(500, 'v')}}}}).status ==
      200);
  expect_invalid(c.put(path, w.owner_token, json{{"metadata", {{"long", std::string(501, 'v')}}}}),
                 "metadata");
  expect_invalid(c.put(path, w.owner_token, json{{"metadata", {{"nested", {{"a", "b"}}}}}}),
                 "metadata");
  expect_invalid(c.put(path, w.owner_token, json{{"metadata", json::array()}}), "metadata");
  // Nothing of the failed requests stuck.
  c.ok("PUT", path, w.owner_token, json{{"metadata", nullptr}});
  BOOST_TEST(c.ok("GET", path, w.owner_token)["metadata"] == json::object());
}

BOOST_AUTO_TEST_CASE(update_organization_fields_are_optional_and_nullable) {
  World& w = world();
  const Client c = api();
  const json created =
      c.ok("POST", "/organizations", w.owner_token, json{{"name", "Mutable"}, {"country", "NL"}});
  const std::string path = "/organizations/" + created["id"].get<std::string>();
  json org = c.ok("PUT", path, w.owner_token,
                  json{{"name", "Renamed"},
                       {"country", "BE"},
                       {"is_brand", true},
                       {"require_reauth_to_delete", false}});
  BOOST_TEST(org["name"] == "Renamed");
  BOOST_TEST(org["country"] == "BE");
  BOOST_TEST(org["is_brand"] == true);
  BOOST_TEST(org["require_reauth_to_delete"] == false);
  // null = unchanged; {} changes nothing.
  org = c.ok("PUT", path, w.owner_token,
             json{{"name", nullptr},
                  {"country", nullptr},
                  {"is_brand", nullptr},
                  {"require_reauth_to_delete", nullptr}});
  BOOST_TEST(org["name"] == "Renamed");
  BOOST_TEST(org["country"] == "BE");
  BOOST_TEST(org["is_brand"] == true);
  BOOST_TEST(org["require_reauth_to_delete"] == false);
  BOOST_TEST(c.ok("PUT", path, w.owner_token, json::object()) == org);
  BOOST_TEST(c.ok("GET", path, w.owner_token) == org);
  expect_invalid(c.put(path, w.owner_token, json{{"country", "de"}}), "country");
  expect_invalid(c.put(path, w.owner_token, json{{"name", ""}}), "name");
  expect_invalid(c.put(path, w.owner_token, json{{"id", "x"}}), "id");
  expect_invalid(c.put(path, w.owner_token, json{{"is_brand", 1}}), "is_brand");
}

BOOST_AUTO_TEST_CASE(delete_tombstones_and_restore_brings_back_the_org_and_its_keys) {
  World& w = world();
  const Client c = api();
  const json created =
      c.ok("POST", "/organizations", w.owner_token, json{{"name", "Doomed"}, {"country", "IT"}});
  const std::string id = created["id"];
  const std::string path = "/organizations/" + id;
  const json key = c.ok("POST", path + "/api-keys", w.owner_token,
                        json{{"name", "doomed key"}, {"role", "readonly"}});
  const Credential doomed_key = api_key("doomed key", key["key"]);
  BOOST_TEST(c.get(path, doomed_key).status == 200);

  const HttpResponse deleted = c.del(path, w.owner_token);
  BOOST_TEST(deleted.status == 204);
  BOOST_TEST(deleted.body.empty());
  BOOST_TEST(deleted.header("X-Event-Position").has_value());
  expect_problem(c.get(path, w.owner_token), 404, "not_found");
  expect_problem(c.get(path + "/members", w.owner_token), 404, "not_found");
  expect_problem(c.put(path, w.owner_token, json{{"name", "x"}}), 404, "not_found");
  expect_problem(c.del(path, w.owner_token), 404, "not_found");
  // Its keys stop working at once.
  expect_problem(c.get("/whoami", doomed_key), 401, "unauthorized");
  // Not listed any more.
  for (const json& org :
       part(body_of(c.get("/organizations?page_size=100", w.owner_token)), "data"))
    BOOST_TEST(org["id"] != id);
  for (const json& org : part(c.ok("GET", "/whoami", w.owner_token), "organizations"))
    BOOST_TEST(org["id"] != id);

  const HttpResponse restored = c.call("POST", path + "/restore", w.owner_token);
  BOOST_TEST_REQUIRE(restored.status == 200, restored.body);
  const json org = body_of(restored);
  expect_organization(org);
  BOOST_TEST(org == created);
  BOOST_TEST(c.get(path, w.owner_token).status == 200);
  BOOST_TEST(c.get(path, doomed_key).status == 200);
  bool listed = false;
  for (const json& entry : part(c.ok("GET", "/whoami", w.owner_token), "organizations"))
    listed = listed || (entry["id"] == id && entry["role"] == "owner");
  BOOST_TEST(listed);
  // Restoring what is not deleted: 409.
  expect_problem(c.call("POST", path + "/restore", w.owner_token), 409, "conflict");
}

BOOST_AUTO_TEST_CASE(restore_is_for_owners_only) {
  World& w = world();
  const Client c = api();
  const json created =
      c.ok("POST", "/organizations", w.owner_token, json{{"name", "Team"}, {"country", "ES"}});
  const std::string path = "/organizations/" + created["id"].get<std::string>();
  c.ok("POST", path + "/members", w.owner_token,
       json{{"email", "mia@example.com"}, {"role", "manager"}});
  expect_problem(c.del(path, w.manager_token), 403, "forbidden");
  BOOST_TEST(c.del(path, w.owner_token).status == 204);
  // Reads answer 404 to everyone now; restoring is refused to the former manager,
  // who knew it, and unknown to a stranger.
  expect_problem(c.get(path, w.manager_token), 404, "not_found");
  expect_problem(c.call("POST", path + "/restore", w.manager_token), 403, "forbidden");
  expect_problem(c.call("POST", path + "/restore", w.bob_token), 404, "not_found");
  BOOST_TEST(c.call("POST", path + "/restore", w.owner_token).status == 200);
  BOOST_TEST(c.get(path, w.manager_token).status == 200);
}

BOOST_AUTO_TEST_CASE(preferences_start_empty_and_are_replaced_whole) {
  World& w = world();
  const Client c = api();
  BOOST_TEST(c.ok("GET", "/preferences", w.editor_token) == json::array());
  const json list =
      json::array({{{"trait", "tree_nuts"}, {"category", "ALLERGEN"}, {"stance", "AVOID"}},
                   {{"trait", "halal"},
                    {"trait_label", "Halal food"},
                    {"category", "RELIGIOUS"},
                    {"stance", "REQUIRE"}}});
  const json stored = c.ok("PUT", "/preferences", w.editor_token, list);
  const json expected = json::array({{{"trait", "tree_nuts"},
                                      {"trait_label", "Tree Nuts"},
                                      {"category", "ALLERGEN"},
                                      {"stance", "AVOID"}},
                                     {{"trait", "halal"},
                                      {"trait_label", "Halal food"},
                                      {"category", "RELIGIOUS"},
                                      {"stance", "REQUIRE"}}});
  BOOST_TEST(stored == expected);
  BOOST_TEST(c.ok("GET", "/preferences", w.editor_token) == expected);
  // Another user's are their own.
  BOOST_TEST(c.ok("GET", "/preferences", w.billing_token) == json::array());
  BOOST_TEST(c.ok("PUT", "/preferences", w.editor_token, json::array()) == json::array());
  BOOST_TEST(c.ok("GET", "/preferences", w.editor_token) == json::array());
}

BOOST_AUTO_TEST_CASE(preferences_are_validated) {
  World& w = world();
  const Client c = api();
  const json item = {{"trait", "vegan"}, {"category", "DIETARY"}, {"stance", "PREFER"}};
  expect_problem(c.put("/preferences", w.editor_token, json::array({item, item})), 422,
                 "validation_error");
  json bad = item;
  bad["category"] = "FOOD";
  expect_problem(c.put("/preferences", w.editor_token, json::array({bad})), 422,
                 "validation_error");
  bad = item;
  bad["stance"] = "avoid";
  expect_problem(c.put("/preferences", w.editor_token, json::array({bad})), 422,
                 "validation_error");
  bad = item;
  bad["trait"] = "Not A Slug";
  expect_problem(c.put("/preferences", w.editor_token, json::array({bad})), 422,
                 "validation_error");
  bad = item;
  bad["extra"] = "x";
  expect_problem(c.put("/preferences", w.editor_token, json::array({bad})), 422,
                 "validation_error");
  json many = json::array();
  for (int i = 0; i < 201; ++i)
    many.push_back(
        {{"trait", "t" + std::to_string(i)}, {"category", "OTHER"}, {"stance", "NEUTRAL"}});
  expect_problem(c.put("/preferences", w.editor_token, many), 422, "validation_error");
  many.erase(many.size() - 1);
  BOOST_TEST(c.put("/preferences", w.editor_token, many).status == 200);
  BOOST_TEST(c.ok("GET", "/preferences", w.editor_token).size() == 200u);
  expect_problem(c.put("/preferences", w.editor_token, json{{"trait", "x"}}), 422,
                 "validation_error");
  // Org keys have no preferences.
  expect_problem(c.get("/preferences", w.csb_manager), 403, "forbidden");
  expect_problem(c.put("/preferences", w.csb_manager, json::array()), 403, "forbidden");
  c.ok("PUT", "/preferences", w.editor_token, json::array());
}

BOOST_AUTO_TEST_CASE(ids_in_either_form_follow_the_contracts_test_vectors) {
  World& w = world();
  const Client c = api();
  // The answer for an unknown id names it in its shortuuid form.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"00000000-0000-0000-0000-000000000000", "2222222222222222222222"},
      {"ffffffff-ffff-ffff-ffff-ffffffffffff", "oZEq7ovRbLq6UnGMPwc8B5"},
      {"3c90c3cc-0d44-4b50-8888-8dd25736052a", "CnEqURgZ3swzj528KMLvX5"},
      {"D5E6F7A8-9012-3456-ABCD-EF7890123456", "g5JYoyhXAiyPL7wg6cSNzH"},
  };
  for (const auto& [uuid, shortuuid] : vectors) {
    std::string lower = uuid;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    BOOST_TEST(uuid_of(shortuuid) == lower);
    for (const std::string& id : {uuid, shortuuid}) {
      const HttpResponse r = c.get("/organizations/" + id, w.owner_token);
      expect_problem(r, 404, "not_found");
      BOOST_TEST(body_of(r).value("detail", "").find(shortuuid) != std::string::npos, r.body);
    }
  }
  // Past 2^128, or not hyphenated, or a wrong digit: not an id.
  for (const std::string& bad :
       {std::string("oZEq7ovRbLq6UnGMPwc8B6"), std::string("3c90c3cc0d444b5088888dd25736052a"),
        std::string("CnEqURgZ3swzj528KMLvX0"), std::string("CnEqURgZ3swzj528KMLvX"),
        std::string("3c90c3cc-0d44-4b50-8888-8dd25736052g")})
    expect_invalid(c.get("/organizations/" + bad, w.owner_token), "id");
  // Output is always the shortuuid, whichever form was asked for.
  const json org = c.ok("GET", "/organizations/" + uuid_of(w.org_a), w.owner_token);
  BOOST_TEST(org["id"] == w.org_a);
  const json member =
      c.ok("GET", "/organizations/" + uuid_of(w.org_a) + "/members/" + uuid_of(w.mia.member_id),
           w.owner_token);
  BOOST_TEST(member["id"] == w.mia.member_id);
}

BOOST_AUTO_TEST_CASE(lengths_count_characters_not_bytes) {
  World& w = world();
  const Client c = api();
  std::string e255, e256;
  for (int i = 0; i < 255; ++i) e255 += "\xc3\xa9";
  e256 = e255 + "\xc3\xa9";
  const json org =
      c.ok("POST", "/organizations", w.editor_token, json{{"name", e255}, {"country", "DE"}});
  BOOST_TEST(org["name"] == e255);
  expect_invalid(c.post("/organizations", w.editor_token, json{{"name", e256}, {"country", "DE"}}),
                 "name");
  std::string k40, v500;
  for (int i = 0; i < 40; ++i) k40 += "\xc3\xbc";
  for (int i = 0; i < 500; ++i) v500 += "\xc3\xb6";
  const json with_metadata = c.ok("PUT", "/organizations/" + org["id"].get<std::string>(),
                                  w.editor_token, json{{"metadata", {{k40, v500}}}});
  BOOST_TEST(with_metadata["metadata"][k40] == v500);
}

BOOST_AUTO_TEST_CASE(organization_pages_cover_every_organization_once) {
  World& w = world();
  const Client c = api();
  for (int i = 0; i < 3; ++i)
    c.ok("POST", "/organizations", w.manager_token,
         json{{"name", "Mia " + std::to_string(i)}, {"country", "DE"}});
  const json all = c.ok("GET", "/organizations?page_size=100", w.manager_token);
  const int total = all["pagination"]["total_count"];
  BOOST_TEST(total >= 4);
  std::set<std::string> ids;
  for (int page = 1; page <= (total + 1) / 2; ++page) {
    const json data = expect_page(
        c.get("/organizations?page_size=2&page=" + std::to_string(page), w.manager_token), page, 2,
        total);
    for (const json& org : data) {
      expect_organization(org);
      ids.insert(org["id"].get<std::string>());
    }
  }
  BOOST_TEST(ids.size() == static_cast<std::size_t>(total));
  BOOST_TEST(ids.count(w.org_a) == 1u);
}
