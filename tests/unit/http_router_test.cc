#include <boost/test/unit_test.hpp>

#include "http/api_description.h"
#include "http/dispatcher.h"
#include "http/router.h"
#include "unit/http_test_support.h"

using namespace closient;
using namespace closient::http;

namespace {

Router sample_router() {
  Router router;
  BOOST_REQUIRE(router.add({"GET", "/orgs/{id}", "getOrg"}).ok());
  BOOST_REQUIRE(router.add({"PUT", "/orgs/{id}", "putOrg"}).ok());
  BOOST_REQUIRE(router.add({"DELETE", "/orgs/{id}", "deleteOrg"}).ok());
  BOOST_REQUIRE(router.add({"GET", "/orgs/{org_id}/members/{member_id}", "getMember"}).ok());
  BOOST_REQUIRE(router.add({"GET", "/orgs/current", "getCurrent"}).ok());
  BOOST_REQUIRE(router.add({"POST", "/orgs", "createOrg"}).ok());
  return router;
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_literal_and_parameter_segments) {
  const Router router = sample_router();
  const RouteLookup lookup = router.match("GET", "/orgs/abc/members/xyz");
  BOOST_REQUIRE(lookup.found());
  BOOST_TEST(lookup.route->operation_id == "getMember");
  BOOST_TEST(lookup.params.get("org_id") == "abc");
  BOOST_TEST(lookup.params.get("member_id") == "xyz");
  BOOST_TEST(lookup.params.get("missing") == "");
}

BOOST_AUTO_TEST_CASE(decodes_parameters_after_splitting) {
  const RouteLookup lookup = sample_router().match("GET", "/orgs/a%2Fb%20c");
  BOOST_REQUIRE(lookup.found());
  BOOST_TEST(lookup.params.get("id") == "a/b c");
}

BOOST_AUTO_TEST_CASE(a_literal_beats_a_parameter) {
  const Router router = sample_router();
  BOOST_TEST(router.match("GET", "/orgs/current").route->operation_id == "getCurrent");
  BOOST_TEST(router.match("GET", "/orgs/other").route->operation_id == "getOrg");
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_not_found) {
  const Router router = sample_router();
  for (const char* path : {"/", "/nope", "/orgs/a/b", "/orgs/", "/orgs//members/x", "orgs", "",
                           "/orgs/a/members/b/c", "/ORGS/a"}) {
    const RouteLookup lookup = router.match("GET", path);
    BOOST_TEST(!lookup.found(), path);
    BOOST_TEST(!lookup.method_not_allowed(), path);
    BOOST_TEST(lookup.error("GET", path).code == ErrorCode::not_found);
  }
}

BOOST_AUTO_TEST_CASE(a_known_path_with_another_method_lists_allowed_methods) {
  const RouteLookup lookup = sample_router().match("PATCH", "/orgs/abc");
  BOOST_TEST(!lookup.found());
  BOOST_REQUIRE(lookup.method_not_allowed());
  BOOST_TEST(lookup.allow_header() == "GET, HEAD, PUT, DELETE");
  BOOST_TEST(lookup.error("PATCH", "/orgs/abc").code == ErrorCode::method_not_allowed);
}

BOOST_AUTO_TEST_CASE(allow_covers_every_template_matching_the_path) {
  // /orgs/current matches both the literal GET and the {id} PUT/DELETE templates.
  const RouteLookup lookup = sample_router().match("POST", "/orgs/current");
  BOOST_TEST(lookup.allow_header() == "GET, HEAD, PUT, DELETE");
}

BOOST_AUTO_TEST_CASE(head_is_answered_by_get_routes) {
  const Router router = sample_router();  // lookup.route points into it
  const RouteLookup lookup = router.match("HEAD", "/orgs/abc");
  BOOST_REQUIRE(lookup.found());
  BOOST_TEST(lookup.route->operation_id == "getOrg");
  BOOST_TEST(sample_router().match("HEAD", "/orgs").method_not_allowed());
}

BOOST_AUTO_TEST_CASE(refuses_bad_templates_and_duplicates) {
  Router router;
  BOOST_TEST(router.add({"GET", "/a/{id}", "one"}).ok());
  BOOST_TEST(!router.add({"GET", "/a/{id}", "two"}).ok());    // same method and template
  BOOST_TEST(!router.add({"PUT", "/a/{id}", "one"}).ok());    // same operation id
  BOOST_TEST(!router.add({"GET", "/b/{}", "three"}).ok());    // empty parameter name
  BOOST_TEST(!router.add({"GET", "/b/x{id}", "four"}).ok());  // text around a parameter
  BOOST_TEST(!router.add({"GET", "b", "five"}).ok());         // relative
  BOOST_TEST(router.routes().size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_api_table_builds_and_routes_every_operation) {
  Result<Router> router = build_router(api_route_specs());
  BOOST_REQUIRE(router.ok());
  BOOST_TEST(router->routes().size() == api_operations().size());

  const RouteLookup member = router->match("DELETE", "/account/api/v1/organizations/O1/members/M1");
  BOOST_REQUIRE(member.found());
  BOOST_TEST(member.route->operation_id == "apps_accounts_api_members_remove_member");
  BOOST_TEST(member.params.get("org_id") == "O1");

  const RouteLookup keys = router->match("GET", "/account/api/v1/organizations/O1/api-keys");
  BOOST_REQUIRE(keys.found());
  BOOST_TEST(keys.params.get("organization_id") == "O1");

  // The contract has no GET for a personal key.
  const RouteLookup personal = router->match("GET", "/account/api/v1/api-keys/K1");
  BOOST_TEST(personal.allow_header() == "PATCH, DELETE");

  BOOST_TEST(router->match("GET", "/.well-known/api-catalog").found());
  BOOST_TEST(!router->match("GET", "/account/api/v1/whoami/").found());
}
