// Matching request paths against path templates such as
// /account/api/v1/organizations/{org_id}/members/{member_id}.
//
// A literal segment matches itself; a {name} segment matches any one non-empty
// segment and binds its percent-decoded value. When several templates match a path,
// the one with a literal earliest wins (/api-keys/current beats /api-keys/{key_id}).
// HEAD is answered by GET routes. A path no template matches is 404; a path some
// template matches, but not for this method, is 405 with the methods it allows.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/result.h"

namespace closient::http {

struct RouteSpec {
  std::string method;         // "GET"
  std::string path_template;  // "/account/api/v1/organizations/{id}"
  std::string operation_id;   // "apps_accounts_api_organizations_get_organization", unique
  // A route a publishable key may call, which browsers of the configured origins
  // may call too (http/cors.h).
  bool cors = false;
};

class PathParams {
 public:
  void add(std::string name, std::string value);
  // The decoded value, or "" if the route has no such parameter.
  std::string_view get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

struct RouteLookup {
  const RouteSpec* route = nullptr;  // set when found
  PathParams params;
  std::vector<std::string> allowed_methods;  // set on 405, in a stable order

  bool found() const { return route != nullptr; }
  bool method_not_allowed() const { return route == nullptr && !allowed_methods.empty(); }
  // "GET, HEAD, POST"
  std::string allow_header() const;
  // not_found or method_not_allowed, with a detail naming the path or method.
  Error error(std::string_view method, std::string_view path) const;
};

class Router {
 public:
  // Refuses malformed templates ("{}" or text around a parameter), an operation id
  // used twice, and two routes with the same method and template.
  Status add(RouteSpec route);

  RouteLookup match(std::string_view method, std::string_view path) const;

  // Every registered route, in registration order.
  const std::vector<RouteSpec>& routes() const { return specs_; }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter name
    bool is_parameter = false;
  };
  struct CompiledRoute {
    std::vector<Segment> segments;
  };

  std::vector<RouteSpec> specs_;
  std::vector<CompiledRoute> compiled_;
};

}  // namespace closient::http
