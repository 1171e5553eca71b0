// The description of every operation the server answers: the single source from
// which the router's table and the OpenAPI document are both built, so the two
// cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace closient::http {

inline constexpr char kApiBasePath[] = "/account/api/v1";

// The published document's tags (contract §9), and one for this service's own
// discovery and operations routes.
inline constexpr char kTagAccount[] = "Account";
inline constexpr char kTagOrganizations[] = "Organizations";
inline constexpr char kTagMembers[] = "Members";
inline constexpr char kTagApiKeys[] = "API Keys";
inline constexpr char kTagPreferences[] = "Preferences";
inline constexpr char kTagService[] = "Service";

struct ApiOperation {
  std::string method;  // "GET"
  std::string path;    // full path template: "/account/api/v1/organizations/{id}"
  // apps_accounts_api_<module>_<function>, the published convention (§9):
  // "apps_accounts_api_members_remove_member".
  std::string operation_id;
  std::string tag;  // groups operations in the document: "Organizations"
  std::string summary;
  std::string permission;  // who may call it, as the contract's table says
  bool authenticated = true;
  std::vector<std::string> query_parameters;  // keys of components/parameters
  std::string request_schema;                 // key of components/schemas; empty without a body
  int success_status = 200;
  std::string success_schema;  // key of components/schemas; empty for no body
  std::string success_media_type = "application/json";
  bool returns_etag = false;  // ETag: version of the organization's event stream
  bool accepts_if_match = false;
  bool creates = false;       // names the new resource in Content-Location
  bool cors = false;          // a publishable key may call it, so may browsers (http/cors.h)
  std::string cache_control;  // the Cache-Control its success carries, if any
  std::string description;    // longer prose, optional
};

// Every operation, in the order of the contract's §4 table.
const std::vector<ApiOperation>& api_operations();

// The operation with that id, or null.
const ApiOperation* find_api_operation(std::string_view operation_id);

// (method, template, operation id) of every operation, for the Router.
std::vector<RouteSpec> api_route_specs();

}  // namespace closient::http
