// The contract bodies rendered from state.
#include <boost/test/unit_test.hpp>

#include "domain/views.h"
#include "domain_world.h"

using namespace closient;
using testing::Person;
using testing::World;

BOOST_AUTO_TEST_CASE(organization_and_member_bodies) {
  World world;
  Person ann = world.person("ann@example.com", "Ann");
  const std::string org_id = world.create_org(ann.session, "Acme");
  const OrganizationState& org = world.org(org_id);

  const nlohmann::json body = organization_view(org);
  BOOST_TEST(body == nlohmann::json::parse(R"({"id": ")" + org_id + R"(", "name": "Acme",
      "country": "US", "is_brand": false, "require_reauth_to_delete": true, "metadata": {}})"));

  const nlohmann::json member = member_view(*org.active_member_of(ann.user_id));
  BOOST_TEST(member["id"] == org.active_member_of(ann.user_id)->id);
  BOOST_TEST(member["user_id"] == ann.user_id);
  BOOST_TEST(member["user_email"] == "ann@example.com");
  BOOST_TEST(member["user_name"] == "Ann");
  BOOST_TEST(member["user_metadata"] == nlohmann::json::object());
  BOOST_TEST(member["role"] == "owner");
  BOOST_TEST(member["role_display"] == "Owner");
  BOOST_TEST(member.size() == 7u);
}

BOOST_AUTO_TEST_CASE(api_key_bodies) {
  ApiKey key;
  key.id = "2222222222222222222222";
  key.kind = KeyKind::publishable;
  key.name = "Web";
  key.role = KeyRole::readonly;
  key.display_prefix = "cpk_AbCd";
  key.created_at_ms = 1774958400123;  // 2026-03-31T12:00:00.123Z
  key.metadata = {{"a", "b"}};
  nlohmann::json body = api_key_view(key, std::nullopt);
  BOOST_TEST(body == nlohmann::json::parse(R"({"id": "2222222222222222222222", "name": "Web",
      "description": "", "role": "readonly", "kind": "publishable", "prefix": "cpk_AbCd",
      "created": "2026-03-31T12:00:00.123Z", "expires_at": null, "last_used": null,
      "rate_limit_per_minute": 0, "rate_limit_per_day": 0, "metadata": {"a": "b"},
      "created_by": null})"));
  key.created_by = "u1";  // a user made it (an operator leaves it empty)
  BOOST_TEST(api_key_view(key, std::nullopt)["created_by"] == "u1");

  key.expires_at_ms = 1774958400123 + 1000;
  body = api_key_view(key, 1774958400123 + 500);
  BOOST_TEST(body["expires_at"] == "2026-03-31T12:00:01.123Z");
  BOOST_TEST(body["last_used"] == "2026-03-31T12:00:00.623Z");

  const nlohmann::json created = api_key_created_view(key, "cpk_raw");
  BOOST_TEST(created["key"] == "cpk_raw");
  BOOST_TEST(created.size() == body.size() + 1);
}

BOOST_AUTO_TEST_CASE(whoami_bodies) {
  ApiKey key;
  key.id = "2222222222222222222222";
  key.kind = KeyKind::business;
  key.name = "ci";
  const nlohmann::json with_key =
      whoami_view("u1", "ann@example.com", {{"k", "v"}}, {{"o1", "Acme", std::nullopt}}, &key, {});
  BOOST_TEST(with_key["user_id"] == "u1");
  BOOST_TEST(with_key["email"] == "ann@example.com");
  BOOST_TEST(with_key["metadata"] == nlohmann::json({{"k", "v"}}));
  BOOST_TEST(with_key["organizations"] ==
             nlohmann::json::parse(R"([{"id": "o1", "name": "Acme", "role": null}])"));
  BOOST_TEST(with_key["api_key"]["kind"] == "business");

  const nlohmann::json with_session = whoami_view(
      "u1", "ann@example.com", {}, {{"o1", "Acme", Role::owner}, {"o2", "Beta", Role::editor}},
      nullptr, std::nullopt);
  BOOST_TEST(with_session["api_key"].is_null());
  BOOST_TEST(with_session["organizations"][1]["role"] == "editor");
}

BOOST_AUTO_TEST_CASE(whoami_with_a_publishable_key_names_no_person) {
  ApiKey key;
  key.id = "2222222222222222222222";
  key.kind = KeyKind::publishable;
  key.name = "web page";
  key.created_by = "u1";
  const nlohmann::json body =
      whoami_view("u1", "ann@example.com", {{"k", "v"}}, {{"o1", "Acme", std::nullopt}}, &key, {});
  BOOST_TEST(body["user_id"].is_null());
  BOOST_TEST(body["email"].is_null());
  BOOST_TEST(body["metadata"] == nlohmann::json::object());
  BOOST_TEST(body["api_key"]["created_by"].is_null());
  BOOST_TEST(body["api_key"]["kind"] == "publishable");
  BOOST_TEST(body["organizations"] ==
             nlohmann::json::parse(R"([{"id": "o1", "name": "Acme", "role": null}])"));
  BOOST_TEST(body.dump().find("ann@example.com") == std::string::npos);
  BOOST_TEST(body.dump().find("u1") == std::string::npos);

  // A business key of the same creator still names them (contract §4).
  key.kind = KeyKind::business;
  const nlohmann::json business =
      whoami_view("u1", "ann@example.com", {{"k", "v"}}, {{"o1", "Acme", std::nullopt}}, &key, {});
  BOOST_TEST(business["user_id"] == "u1");
  BOOST_TEST(business["api_key"]["created_by"] == "u1");
}

BOOST_AUTO_TEST_CASE(preference_bodies) {
  const std::vector<TraitPreference> list = {
      {"tree_nuts", "Tree Nuts", TraitCategory::ALLERGEN, TraitStance::AVOID}};
  BOOST_TEST(preferences_view(list) == nlohmann::json::parse(R"([{"trait": "tree_nuts",
      "trait_label": "Tree Nuts", "category": "ALLERGEN", "stance": "AVOID"}])"));
  BOOST_TEST(preferences_view({}) == nlohmann::json::array());
}
