#include "http/openapi.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "events/result.h"
#include "http/api_components.h"
#include "http/api_description.h"
#include "http/problem.h"
#include "http/response.h"

namespace closient::http {
namespace {

// Ordered, so the document reads openapi, info, ..., paths in table order.
using json = nlohmann::ordered_json;

constexpr char kDescription[] =
    "Authenticate and manage users, organizations, and API keys.\n\n"
    "Every error is application/problem+json (RFC 9457) with error_code, retryable, "
    "timestamp, instance and request_id. Unknown routes answer 404; a known path with "
    "another method answers 405 with Allow. Request bodies over 64 KiB answer 413. Every "
    "response carries X-Request-ID; every authenticated response carries the RateLimit-* "
    "and X-RateLimit-* headers (windows of 60 s and 86 400 s aligned to the UTC clock; "
    "300/min and 10 000/day by default, 100/min for publishable keys). Creates answer 200. "
    "HEAD is accepted wherever GET is.";

struct ProblemResponse {
  ErrorCode code;
  const char* key;
  const char* when;
};

const std::vector<ProblemResponse>& problem_responses() {
  static const std::vector<ProblemResponse> responses = {
      {ErrorCode::bad_request, "BadRequest", "Malformed JSON or a bad header."},
      {ErrorCode::unauthorized, "Unauthorized", "No credential, or a bad one."},
      {ErrorCode::forbidden, "Forbidden", "The credential may see the target but not do this."},
      {ErrorCode::not_found, "NotFound",
       "No such target, or one the credential may not see (never revealed)."},
      {ErrorCode::method_not_allowed, "MethodNotAllowed", "The path does not allow this method."},
      {ErrorCode::conflict, "Conflict",
       "The request conflicts with the current state (reason last_owner, an existing member, "
       "an idempotent request still in flight)."},
      {ErrorCode::precondition_failed, "PreconditionFailed", "If-Match does not match the ETag."},
      {ErrorCode::payload_too_large, "PayloadTooLarge", "The body is over 64 KiB."},
      {ErrorCode::unsupported_media_type, "UnsupportedMediaType",
       "The body is not sent as application/json."},
      {ErrorCode::validation_error, "ValidationError",
       "A parameter or body field is invalid; errors lists each one."},
      {ErrorCode::rate_limited, "RateLimited",
       "Over the credential's rate limit, or too many failed authentications from this "
       "address."},
      {ErrorCode::internal_error, "InternalError", "An unexpected failure; no internals shown."},
      {ErrorCode::service_unavailable, "ServiceUnavailable",
       "Temporarily unable to serve (storage failure, not ready, shutting down)."},
  };
  return responses;
}

const char* response_key(ErrorCode code) {
  for (const auto& response : problem_responses()) {
    if (response.code == code) return response.key;
  }
  return "InternalError";
}

// Whether a method changes state (and so takes Idempotency-Key, may need a CSRF
// token with a session, and reports X-Event-Position).
bool is_write_method(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

json header_ref(const std::string& name) {
  return {{"$ref", "#/components/headers/" + name}};
}
json schema_ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}
json parameter_ref(const std::string& name) {
  return {{"$ref", "#/components/parameters/" + name}};
}

void add_rate_limit_headers(json& headers) {
  for (const char* name :
       {"RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
        "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}) {
    headers[name] = header_ref(name);
  }
}

json problem_response_components() {
  json responses = json::object();
  for (const auto& problem : problem_responses()) {
    json headers = {{"X-Request-ID", header_ref("X-Request-ID")}};
    if (problem.code == ErrorCode::unauthorized) {
      headers["WWW-Authenticate"] = header_ref("WWW-Authenticate");
    }
    if (problem.code == ErrorCode::method_not_allowed) headers["Allow"] = header_ref("Allow");
    if (problem.code == ErrorCode::rate_limited) {
      headers["Retry-After"] = header_ref("Retry-After");
      add_rate_limit_headers(headers);
    }
    responses[problem.key] = {
        {"description", std::string(problem_title(problem.code)) + ": " + problem.when},
        {"headers", headers},
        {"content", {{kProblemContentType, {{"schema", schema_ref("Problem")}}}}},
    };
  }
  return responses;
}

std::vector<std::string> path_parameter_names(const std::string& path_template) {
  std::vector<std::string> names;
  std::size_t open = path_template.find('{');
  while (open != std::string::npos) {
    const std::size_t close = path_template.find('}', open);
    names.push_back(path_template.substr(open + 1, close - open - 1));
    open = path_template.find('{', close);
  }
  return names;
}

json path_parameter(const std::string& name) {
  static const std::map<std::string, std::string> kComponentFor = {
      {"id", "PathId"},
      {"org_id", "PathOrgId"},
      {"organization_id", "PathOrganizationId"},
      {"member_id", "PathMemberId"},
      {"key_id", "PathKeyId"},
  };
  const auto it = kComponentFor.find(name);
  if (it != kComponentFor.end()) return parameter_ref(it->second);
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
}

// The errors an operation can answer, derived from what it takes, so the document
// lists exactly what the dispatcher and the handlers' common paths produce.
std::set<ErrorCode> errors_of(const ApiOperation& op) {
  std::set<ErrorCode> errors = {ErrorCode::internal_error};
  const bool write = is_write_method(op.method);
  if (op.authenticated) {
    errors.insert({ErrorCode::unauthorized, ErrorCode::forbidden, ErrorCode::rate_limited,
                   ErrorCode::service_unavailable});
  }
  if (!path_parameter_names(op.path).empty()) {
    errors.insert({ErrorCode::not_found, ErrorCode::validation_error});
  }
  if (!op.query_parameters.empty()) errors.insert(ErrorCode::validation_error);
  if (!op.request_schema.empty()) {
    errors.insert({ErrorCode::bad_request, ErrorCode::payload_too_large,
                   ErrorCode::unsupported_media_type, ErrorCode::validation_error});
  }
  // Writes read Idempotency-Key and If-Match before anything else: a malformed one is a 400.
  if (write && op.authenticated) {
    errors.insert({ErrorCode::bad_request, ErrorCode::conflict, ErrorCode::validation_error});
  }
  if (op.accepts_if_match) errors.insert(ErrorCode::precondition_failed);
  if (op.operation_id == "getReadiness") errors.insert(ErrorCode::service_unavailable);
  return errors;
}

json security_of(const ApiOperation& op) {
  if (!op.authenticated) return json::array();
  json session = {{"SessionAuth", json::array()}};
  if (is_write_method(op.method)) session["CsrfToken"] = json::array();
  return json::array({{{"ApiKeyAuth", json::array()}}, {{"BearerAuth", json::array()}}, session});
}

json success_response(const ApiOperation& op) {
  json headers = {{"X-Request-ID", header_ref("X-Request-ID")}};
  if (op.authenticated) add_rate_limit_headers(headers);
  if (op.returns_etag) headers["ETag"] = header_ref("ETag");
  if (op.authenticated && is_write_method(op.method)) {
    headers["X-Event-Position"] = header_ref("X-Event-Position");
    headers["Idempotency-Replayed"] = header_ref("Idempotency-Replayed");
  }
  if (op.operation_id == "getApiCatalog") headers["Link"] = header_ref("Link");

  json response = {{"description", op.summary}, {"headers", headers}};
  if (!op.success_schema.empty()) {
    response["content"] = {{op.success_media_type, {{"schema", schema_ref(op.success_schema)}}}};
  }
  return response;
}

json operation_object(const ApiOperation& op) {
  json parameters = json::array();
  for (const std::string& name : path_parameter_names(op.path)) {
    parameters.push_back(path_parameter(name));
  }
  for (const std::string& name : op.query_parameters) parameters.push_back(parameter_ref(name));
  parameters.push_back(parameter_ref("HeaderRequestId"));
  if (op.authenticated && is_write_method(op.method)) {
    parameters.push_back(parameter_ref("HeaderIdempotencyKey"));
  }
  if (op.accepts_if_match) parameters.push_back(parameter_ref("HeaderIfMatch"));

  json operation = {
      {"operationId", op.operation_id}, {"summary", op.summary},
      {"tags", json::array({op.tag})},  {"x-permission", op.permission},
      {"security", security_of(op)},    {"parameters", parameters},
  };
  if (!op.description.empty()) operation["description"] = op.description;
  if (!op.request_schema.empty()) {
    operation["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", schema_ref(op.request_schema)}}}}},
    };
  }
  json responses = {{std::to_string(op.success_status), success_response(op)}};
  for (ErrorCode code : errors_of(op)) {
    responses[std::to_string(error_code_status(code))] = {
        {"$ref", std::string("#/components/responses/") + response_key(code)}};
  }
  operation["responses"] = responses;
  return operation;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

}  // namespace

nlohmann::ordered_json build_openapi_document() {
  json paths = json::object();
  json tags = json::array();
  std::set<std::string> seen_tags;
  for (const ApiOperation& op : api_operations()) {
    paths[op.path][lower(op.method)] = operation_object(op);
    if (seen_tags.insert(op.tag).second) tags.push_back({{"name", op.tag}});
  }

  json components = api_components();
  components["responses"] = problem_response_components();

  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Closient Account API"}, {"version", "1.0.0"}, {"description", kDescription}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"tags", tags},
      {"security", json::array({{{"ApiKeyAuth", json::array()}},
                                {{"BearerAuth", json::array()}},
                                {{"SessionAuth", json::array()}}})},
      {"paths", paths},
      {"components", components},
  };
}

const std::string& openapi_document_text() {
  static const std::string text = dump_json(build_openapi_document());
  return text;
}

}  // namespace closient::http
