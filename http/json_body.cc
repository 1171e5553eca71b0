#include "http/json_body.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_set>
#include <vector>

#include "domain/validation.h"
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

// Builds the parsed value from nlohmann's SAX events, as its own DOM parser
// does, and stops the parse (by returning false) at a member name an object
// already has, or at nesting deeper than kMaxJsonDepth. (Its parser_callback_t
// interface could see the same events, but it scans a container's elements
// whenever a child object closes: quadratic for a long array of objects.)
class StrictDomBuilder {
 public:
  using json = nlohmann::json;

  explicit StrictDomBuilder(json& root) : root_(root) {}

  bool null() { return scalar(nullptr); }
  bool boolean(bool value) { return scalar(value); }
  bool number_integer(json::number_integer_t value) { return scalar(value); }
  bool number_unsigned(json::number_unsigned_t value) { return scalar(value); }
  bool number_float(json::number_float_t value, const json::string_t&) { return scalar(value); }
  bool string(json::string_t& value) { return scalar(std::move(value)); }
  bool binary(json::binary_t& value) { return scalar(json::binary(std::move(value))); }

  bool start_object(std::size_t) {
    if (!room_to_nest()) return false;
    open_.push_back(add(json::object()));
    names_.emplace_back();
    return true;
  }
  bool key(json::string_t& name) {
    if (!names_.back().insert(name).second) {
      // The name is the client's: echoed, but not at any length.
      const std::string shown = name.size() <= 64 ? name : name.substr(0, 64) + "...";
      refusal_ = "The request body names member \"" + shown + "\" twice in one object.";
      return false;
    }
    key_ = std::move(name);
    return true;
  }
  bool end_object() {
    names_.pop_back();
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    if (!room_to_nest()) return false;
    open_.push_back(add(json::array()));
    return true;
  }
  bool end_array() {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

  // Why the builder stopped the parse; nullopt when it did not (malformed JSON).
  const std::optional<std::string>& refusal() const { return refusal_; }

 private:
  bool room_to_nest() {
    if (open_.size() < kMaxJsonDepth) return true;
    refusal_ = "The request body nests objects and arrays more than " +
               std::to_string(kMaxJsonDepth) + " levels deep.";
    return false;
  }

  bool scalar(json value) {
    add(std::move(value));
    return true;
  }

  // Places a value in the innermost open container (or as the root) and
  // answers where it now lives. Only the innermost container grows while it
  // is open, so the pointers to the outer ones stay valid.
  json* add(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    json& member = parent[key_];
    member = std::move(value);
    return &member;
  }

  json& root_;
  std::vector<json*> open_;                             // containers being filled
  std::vector<std::unordered_set<std::string>> names_;  // member names of each open object
  std::string key_;                                     // the member being read
  std::optional<std::string> refusal_;
};

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
  return parse_strict_json(request.body);
}

Result<nlohmann::json> parse_strict_json(std::string_view text) {
  nlohmann::json body;
  StrictDomBuilder builder(body);
  // nlohmann's own parser, through its SAX interface: the builder refuses by
  // returning false, which stops the parse at once.
  if (!nlohmann::json::sax_parse(text, &builder)) {
    if (builder.refusal()) return Error::make(ErrorCode::bad_request, *builder.refusal());
    return Error::make(ErrorCode::bad_request, text.empty()
                                                   ? "The request body is empty; JSON expected."
                                                   : "The request body is not valid JSON.");
  }
  return body;
}

Status check_object_shape(const nlohmann::json& body, const std::vector<FieldRule>& rules) {
  if (!body.is_object()) return Error::validation("body", "must be a JSON object");
  Validation v;  // a body of thousands of unknown members answers a short list
  for (const auto& [name, value] : body.items()) {
    const FieldRule* rule = find_rule(rules, name);
    if (rule == nullptr) {
      v.fail(name, "is not a known field");
    } else if (!has_type(value, rule->types)) {
      v.fail(name, "must be " + describe_json_types(rule->types));
    }
  }
  for (const FieldRule& rule : rules) {
    if (rule.required && !body.contains(rule.name)) v.fail(rule.name, "is required");
  }
  return v.status();
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
