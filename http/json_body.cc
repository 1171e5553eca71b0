#include "http/json_body.h"

#include <nlohmann/json.hpp>

#include "http/headers.h"

namespace closient::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

bool has_type(const nlohmann::json& value, uint32_t types) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return types & kJsonNull;
    case nlohmann::json::value_t::boolean:
      return types & kJsonBoolean;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return types & (kJsonInteger | kJsonNumber);
    case nlohmann::json::value_t::number_float:
      return types & kJsonNumber;
    case nlohmann::json::value_t::string:
      return types & kJsonString;
    case nlohmann::json::value_t::array:
      return types & kJsonArray;
    case nlohmann::json::value_t::object:
      return types & kJsonObject;
    default:
      return false;
  }
}

const FieldRule* find_rule(const std::vector<FieldRule>& rules, const std::string& name) {
  for (const FieldRule& rule : rules) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  if (!equals_ignoring_case(trim(content_type.substr(0, semicolon)), "application/json")) {
    return false;
  }
  std::string_view parameters =
      semicolon == std::string_view::npos ? std::string_view() : content_type.substr(semicolon + 1);
  while (!parameters.empty()) {
    const std::size_t next = parameters.find(';');
    const std::string_view parameter = trim(parameters.substr(0, next));
    parameters = next == std::string_view::npos ? std::string_view() : parameters.substr(next + 1);
    const std::size_t eq = parameter.find('=');
    if (eq == std::string_view::npos) continue;
    if (equals_ignoring_case(trim(parameter.substr(0, eq)), "charset")) {
      const std::string_view charset = unquote(trim(parameter.substr(eq + 1)));
      if (!equals_ignoring_case(charset, "utf-8") && !equals_ignoring_case(charset, "utf8")) {
        return false;
      }
    }
  }
  return true;
}

Result<nlohmann::json> parse_json_body(const Request& request) {
  const auto content_type = request.headers.find("Content-Type");
  if (!content_type || !is_json_content_type(*content_type)) {
    return Error::make(ErrorCode::unsupported_media_type,
                       "The request body must be JSON, sent with Content-Type: application/json.");
  }
  // The non-throwing overload: a client's bad JSON is an answer, not an exception.
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return Error::make(ErrorCode::bad_request, request.body.empty()
                                                   ? "The request body is empty; JSON expected."
                                                   : "The request body is not valid JSON.");
  }
  return body;
}

Status check_object_shape(const nlohmann::json& body, const std::vector<FieldRule>& rules) {
  if (!body.is_object()) return Error::validation("body", "must be a JSON object");
  Error error = Error::make(ErrorCode::validation_error, "The request is not valid.");
  for (const auto& [name, value] : body.items()) {
    const FieldRule* rule = find_rule(rules, name);
    if (rule == nullptr) {
      error.fields.push_back({name, "is not a known field"});
    } else if (!has_type(value, rule->types)) {
      error.fields.push_back({name, "must be " + describe_json_types(rule->types)});
    }
  }
  for (const FieldRule& rule : rules) {
    if (rule.required && !body.contains(rule.name)) {
      error.fields.push_back({rule.name, "is required"});
    }
  }
  if (!error.fields.empty()) return error;
  return ok_status();
}

std::string describe_json_types(uint32_t types) {
  std::vector<const char*> names;
  if (types & kJsonString) names.push_back("a string");
  if (types & kJsonNumber) {
    names.push_back("a number");
  } else if (types & kJsonInteger) {
    names.push_back("an integer");
  }
  if (types & kJsonBoolean) names.push_back("a boolean");
  if (types & kJsonObject) names.push_back("an object");
  if (types & kJsonArray) names.push_back("an array");
  if (types & kJsonNull) names.push_back("null");
  if (names.empty()) return "absent";
  std::string text = names[0];
  for (std::size_t i = 1; i < names.size(); ++i) {
    text += (i + 1 == names.size()) ? " or " : ", ";
    text += names[i];
  }
  return text;
}

}  // namespace closient::http
