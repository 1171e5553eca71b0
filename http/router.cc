#include "http/router.h"

#include <algorithm>

#include "http/query.h"

namespace closient::http {
namespace {

// "/a/b/c" -> {"a","b","c"}; "/" -> {}; a trailing slash yields an empty last
// segment, which no template matches: /whoami/ is not /whoami.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  if (path.empty()) return segments;
  while (true) {
    const std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// Methods in the order an Allow header lists them.
int method_rank(std::string_view method) {
  static const char* const kOrder[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (int i = 0; i < 7; ++i) {
    if (method == kOrder[i]) return i;
  }
  return 7;
}

}  // namespace

void PathParams::add(std::string name, std::string value) {
  params_.emplace_back(std::move(name), std::move(value));
}

std::string_view PathParams::get(std::string_view name) const {
  for (const auto& [param, value] : params_) {
    if (param == name) return value;
  }
  return {};
}

std::string RouteLookup::allow_header() const {
  std::string header;
  for (const std::string& method : allowed_methods) {
    if (!header.empty()) header += ", ";
    header += method;
  }
  return header;
}

Error RouteLookup::error(std::string_view method, std::string_view path) const {
  if (method_not_allowed()) {
    return Error::make(
        ErrorCode::method_not_allowed,
        std::string(method) + " is not allowed here; allowed: " + allow_header() + ".");
  }
  return Error::make(ErrorCode::not_found, "No route matches " + std::string(path) + ".");
}

Status Router::add(RouteSpec route) {
  if (route.path_template.empty() || route.path_template.front() != '/') {
    return Error::make(ErrorCode::internal_error,
                       "route template must start with '/': " + route.path_template);
  }
  CompiledRoute compiled;
  for (std::string_view segment : split_path(route.path_template)) {
    const bool opens = segment.find('{') != std::string_view::npos;
    const bool closes = segment.find('}') != std::string_view::npos;
    if (!opens && !closes) {
      compiled.segments.push_back({std::string(segment), false});
      continue;
    }
    if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}') {
      return Error::make(ErrorCode::internal_error,
                         "malformed template segment '" + std::string(segment) + "'");
    }
    compiled.segments.push_back({std::string(segment.substr(1, segment.size() - 2)), true});
  }
  for (const RouteSpec& existing : specs_) {
    if (existing.operation_id == route.operation_id) {
      return Error::make(ErrorCode::internal_error,
                         "operation id used twice: " + route.operation_id);
    }
    if (existing.method == route.method && existing.path_template == route.path_template) {
      return Error::make(ErrorCode::internal_error,
                         "route registered twice: " + route.method + " " + route.path_template);
    }
  }
  specs_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
  return ok_status();
}

RouteLookup Router::match(std::string_view method, std::string_view path) const {
  const std::vector<std::string_view> segments = split_path(path);
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;

  RouteLookup lookup;
  const CompiledRoute* best = nullptr;
  for (std::size_t i = 0; i < compiled_.size(); ++i) {
    const CompiledRoute& candidate = compiled_[i];
    if (candidate.segments.size() != segments.size()) continue;
    bool matches = true;
    for (std::size_t s = 0; s < segments.size() && matches; ++s) {
      const Segment& segment = candidate.segments[s];
      matches = segment.is_parameter ? !segments[s].empty() : segment.text == segments[s];
    }
    if (!matches) continue;

    const std::string& route_method = specs_[i].method;
    lookup.allowed_methods.push_back(route_method);
    if (route_method == "GET") lookup.allowed_methods.push_back("HEAD");
    if (route_method != wanted) continue;
    // More specific = a literal where the other has a parameter, earliest first.
    const bool more_specific =
        best == nullptr ||
        std::lexicographical_compare(
            candidate.segments.begin(), candidate.segments.end(), best->segments.begin(),
            best->segments.end(),
            [](const Segment& a, const Segment& b) { return !a.is_parameter && b.is_parameter; });
    if (more_specific) {
      best = &candidate;
      lookup.route = &specs_[i];
    }
  }

  if (best == nullptr) {
    std::sort(lookup.allowed_methods.begin(), lookup.allowed_methods.end(),
              [](const std::string& a, const std::string& b) {
                return method_rank(a) != method_rank(b) ? method_rank(a) < method_rank(b) : a < b;
              });
    lookup.allowed_methods.erase(
        std::unique(lookup.allowed_methods.begin(), lookup.allowed_methods.end()),
        lookup.allowed_methods.end());
    return lookup;
  }
  lookup.allowed_methods.clear();
  for (std::size_t s = 0; s < segments.size(); ++s) {
    if (best->segments[s].is_parameter) {
      lookup.params.add(best->segments[s].text, percent_decode(segments[s], false));
    }
  }
  return lookup;
}

}  // namespace closient::http
