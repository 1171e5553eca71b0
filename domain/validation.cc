#include "domain/validation.h"

#include <cctype>
#include <set>
#include <unordered_set>
#include <utility>

#include "domain/countries.h"
#include "domain/text_rules.h"

namespace closient {
namespace {

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_atext(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  for (char allowed : std::string_view("!#$%&'*+/=?^_`{|}~-"))
    if (c == allowed) return true;
  return false;
}

bool valid_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  for (size_t i = 0; i < local.size(); ++i) {
    if (local[i] == '.') {
      if (local[i + 1] == '.') return false;  // back() is not '.', so i + 1 is in range
    } else if (!is_atext(local[i])) {
      return false;
    }
  }
  return true;
}

bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t labels = 0;
  std::string_view last;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    ++labels;
    last = label;
    start = end + 1;
  }
  if (labels < 2 || last.size() < 2) return false;
  for (char c : last)
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  return true;
}

const std::set<std::string>& preference_fields() {
  static const std::set<std::string> fields = {"trait", "trait_label", "category", "stance"};
  return fields;
}

Error too_many_preferences() {
  return Error::validation("preferences", "at most 200 items");
}

// The list rules of check_preferences, into `v` (the list is at most 200 long).
void add_preference_problems(const std::vector<TraitPreference>& preferences, Validation& v);

}  // namespace

size_t utf8_length(std::string_view text) {
  size_t count = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  return count;
}

void Validation::add(const Status& status) {
  if (status.ok()) return;
  const Error& error = status.error();
  if (error.code == ErrorCode::validation_error && !error.fields.empty()) {
    for (const FieldError& field : error.fields) fail(field.field, field.message);
    unlisted_ += error.unlisted_fields;
  } else if (!other_) {
    other_ = error;
  }
}

void Validation::fail(std::string field, std::string message) {
  if (fields_.size() >= kMaxListedFieldErrors) {
    // Counting distinct fields needs the set to grow, but never beyond the
    // request's own size; the list itself stays short.
    if (named_.insert(std::move(field)).second) ++unlisted_;
    return;
  }
  if (!named_.insert(field).second) return;
  fields_.push_back(FieldError{std::move(field), std::move(message)});
}

Status Validation::status() const {
  if (other_) return *other_;
  if (fields_.empty()) return ok_status();
  Error error = Error::make(ErrorCode::validation_error, "The request is not valid.");
  if (unlisted_ > 0) {
    error.detail = "The request is not valid: " + std::to_string(fields_.size() + unlisted_) +
                   " fields have problems; the first " + std::to_string(fields_.size()) +
                   " are listed.";
  }
  error.fields = fields_;
  error.unlisted_fields = unlisted_;
  return error;
}

Status check_displayable(std::string_view text, std::string_view field) {
  if (std::optional<std::string> problem = displayable_text_problem(text)) {
    return Error::validation(std::string(field), std::move(*problem));
  }
  return ok_status();
}

Status check_name(std::string_view name, std::string_view field) {
  const size_t length = utf8_length(name);
  if (length == 0) return Error::validation(std::string(field), "must not be empty");
  if (length > kMaxNameLength) {
    return Error::validation(std::string(field), "must be at most 255 characters");
  }
  return check_displayable(name, field);
}

Status check_optional_name(std::string_view name, std::string_view field) {
  if (utf8_length(name) > kMaxNameLength) {
    return Error::validation(std::string(field), "must be at most 255 characters");
  }
  return check_displayable(name, field);
}

Status check_description(std::string_view text, std::string_view field) {
  if (utf8_length(text) > kMaxDescriptionLength) {
    return Error::validation(std::string(field), "must be at most 255 characters");
  }
  return check_displayable(text, field);
}

Status check_country(std::string_view code, std::string_view field) {
  if (!is_iso_country_code(code)) {
    return Error::validation(std::string(field),
                             "must be an ISO 3166-1 alpha-2 code in upper case, e.g. \"US\"");
  }
  return ok_status();
}

Status check_rate_limit(int64_t value, int64_t max, std::string_view field) {
  if (value < 0) return Error::validation(std::string(field), "must be 0 or more");
  if (value > max) {
    return Error::validation(std::string(field), "must be at most " + std::to_string(max) +
                                                     "; higher limits are set by an operator");
  }
  return ok_status();
}

Status check_expires_at(std::optional<int64_t> expires_at_ms, int64_t now_ms,
                        std::string_view field) {
  if (expires_at_ms && *expires_at_ms <= now_ms) {
    return Error::validation(std::string(field), "must be in the future");
  }
  return ok_status();
}

Result<std::string> normalize_email(std::string_view email, std::string_view field) {
  const size_t at = email.rfind('@');
  if (email.size() > 254 || at == std::string_view::npos ||
      !valid_local_part(email.substr(0, at)) || !valid_domain(email.substr(at + 1))) {
    return Error::validation(std::string(field), "must be a valid email address");
  }
  return lower_ascii(email);
}

Result<Role> parse_role_field(std::string_view text, std::string_view field) {
  if (auto role = parse_role(text)) return *role;
  return Error::validation(std::string(field), "must be one of owner, manager, billing, editor");
}

Result<KeyRole> parse_key_role_field(std::string_view text, std::string_view field) {
  if (auto role = parse_key_role(text)) return *role;
  return Error::validation(std::string(field), "must be one of manager, editor, readonly");
}

Result<KeyKind> parse_org_key_kind_field(std::string_view text, std::string_view field) {
  auto kind = parse_key_kind(text);
  if (kind && *kind != KeyKind::user) return *kind;
  return Error::validation(std::string(field), "must be business or publishable");
}

Result<std::vector<TraitPreference>> parse_preferences(const nlohmann::json& body) {
  if (!body.is_array()) return Error::validation("preferences", "must be an array");
  // The cap comes before any per-item work: a long list is refused as a whole.
  if (body.size() > kMaxPreferences) return too_many_preferences();
  Validation v;
  std::vector<TraitPreference> out;
  for (size_t i = 0; i < body.size(); ++i) {
    const nlohmann::json& item = body[i];
    const std::string at = "preferences[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      v.fail(at, "must be an object");
      continue;
    }
    for (const auto& [key, value] : item.items()) {
      (void)value;
      if (!preference_fields().count(key)) v.fail(at + "." + key, "unknown field");
    }
    TraitPreference preference;
    auto read_string = [&](const char* name, bool required, std::string* target) {
      auto found = item.find(name);
      if (found == item.end() || found->is_null()) {
        if (required) v.fail(at + "." + name, "is required");
        return false;
      }
      if (!found->is_string()) {
        v.fail(at + "." + name, "must be a string");
        return false;
      }
      *target = found->get<std::string>();
      return true;
    };
    read_string("trait", true, &preference.trait);
    const bool has_label = read_string("trait_label", false, &preference.trait_label);
    std::string category, stance;
    if (read_string("category", true, &category)) {
      if (auto parsed = parse_trait_category(category)) {
        preference.category = *parsed;
      } else {
        v.fail(at + ".category", "must be one of ALLERGEN, DIETARY, RELIGIOUS, SOURCING, OTHER");
      }
    }
    if (read_string("stance", true, &stance)) {
      if (auto parsed = parse_trait_stance(stance)) {
        preference.stance = *parsed;
      } else {
        v.fail(at + ".stance", "must be one of AVOID, REQUIRE, PREFER, NEUTRAL");
      }
    }
    if (!has_label) preference.trait_label = default_trait_label(preference.trait);
    out.push_back(std::move(preference));
  }
  add_preference_problems(out, v);
  if (!v.ok()) return v.status().error();
  return out;
}

Status check_preferences(const std::vector<TraitPreference>& preferences) {
  if (preferences.size() > kMaxPreferences) return too_many_preferences();
  Validation v;
  add_preference_problems(preferences, v);
  return v.status();
}

namespace {

void add_preference_problems(const std::vector<TraitPreference>& preferences, Validation& v) {
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < preferences.size(); ++i) {
    const TraitPreference& p = preferences[i];
    const std::string at = "preferences[" + std::to_string(i) + "]";
    if (!is_trait_slug(p.trait)) {
      v.fail(at + ".trait", "must be a lower_snake slug of at most 64 characters");
    } else if (!seen.insert(p.trait).second) {
      v.fail(at + ".trait", "each trait may appear once");
    }
    const size_t label_length = utf8_length(p.trait_label);
    if (label_length == 0 || label_length > kMaxTraitLabelLength) {
      v.fail(at + ".trait_label", "must be 1 to 255 characters");
    } else {
      v.add(check_displayable(p.trait_label, at + ".trait_label"));
    }
  }
}

}  // namespace

}  // namespace closient
