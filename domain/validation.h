// Field rules of contract §4 as pure checks. Each returns ok or a
// validation_error whose FieldError names the field as the request body does
// ("name", "country", "metadata.foo", "[3].trait"). Shape errors (wrong JSON
// types, unknown fields) belong to the HTTP layer; the parse_* helpers here
// cover the shapes that need domain knowledge.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "domain/api_key.h"
#include "domain/key_role.h"
#include "domain/metadata.h"
#include "domain/preferences.h"
#include "domain/roles.h"
#include "events/result.h"

namespace closient {

inline constexpr size_t kMaxNameLength = 255;         // characters (code points)
inline constexpr size_t kMaxDescriptionLength = 255;  // characters (code points)

// Number of Unicode code points in UTF-8 text (continuation bytes not counted).
size_t utf8_length(std::string_view text);

// At most this many field errors are listed in one answer; the rest are counted.
inline constexpr size_t kMaxListedFieldErrors = 50;

// Collects field errors from several checks into one validation_error. A field
// is named once (its first problem is the one worth fixing), found in O(1),
// and only the first kMaxListedFieldErrors are kept: a body full of mistakes
// costs time and memory in proportion to its size, and answers a short list
// saying how many more there were.
class Validation {
 public:
  // Records the field errors of `status` (other errors are kept as the first failure).
  void add(const Status& status);
  void fail(std::string field, std::string message);
  bool ok() const { return fields_.empty() && !other_; }
  Status status() const;  // ok, or one validation_error listing the fields

 private:
  std::vector<FieldError> fields_;
  std::unordered_set<std::string> named_;  // every field named so far, listed or not
  size_t unlisted_ = 0;
  std::optional<Error> other_;
};

inline constexpr int64_t kMaxRateLimitPerMinute = 1'000'000;  // set through the API
inline constexpr int64_t kMaxRateLimitPerDay = 100'000'000;   // set through the API

// Names and descriptions: length in characters, and only displayable text
// (valid UTF-8, no control characters or bidirectional overrides; text_rules.h).
Status check_name(std::string_view name, std::string_view field = "name");           // 1–255
Status check_optional_name(std::string_view name, std::string_view field = "name");  // 0–255
Status check_description(std::string_view text, std::string_view field = "description");
Status check_displayable(std::string_view text, std::string_view field);
Status check_country(std::string_view code, std::string_view field = "country");
// 0 (the default) to `max`.
Status check_rate_limit(int64_t value, int64_t max, std::string_view field);
Status check_expires_at(std::optional<int64_t> expires_at_ms, int64_t now_ms,
                        std::string_view field = "expires_at");  // in the future when set

// Syntax check and lower-casing: "Ann@Example.COM" → "ann@example.com".
// local@domain; local part of atext and single dots (≤ 64), domain of
// alphanumeric/hyphen labels with at least one dot and an alphabetic TLD, ≤ 254 total.
Result<std::string> normalize_email(std::string_view email, std::string_view field = "email");

Result<Role> parse_role_field(std::string_view text, std::string_view field = "role");
Result<KeyRole> parse_key_role_field(std::string_view text, std::string_view field = "role");
// Org key kinds: "business" | "publishable" ("user" is made only by /api-keys).
Result<KeyKind> parse_org_key_kind_field(std::string_view text, std::string_view field = "kind");

// A preference list as PUT /preferences sends it (a JSON array of objects with
// trait, optional trait_label, category, stance). Fills default labels.
Result<std::vector<TraitPreference>> parse_preferences(const nlohmann::json& body);
// List rules on typed preferences: ≤ 200 items (checked first, before any
// per-item work), slugs, labels, each trait once.
Status check_preferences(const std::vector<TraitPreference>& preferences);

}  // namespace closient
