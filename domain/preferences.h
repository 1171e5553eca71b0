// Trait preferences of a user (contract §4, TraitPreference): replaced as a list.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace closient {

enum class TraitCategory { ALLERGEN, DIETARY, RELIGIOUS, SOURCING, OTHER };
enum class TraitStance { AVOID, REQUIRE, PREFER, NEUTRAL };

const char* trait_category_name(TraitCategory category);  // "ALLERGEN"
std::optional<TraitCategory> parse_trait_category(std::string_view text);
const char* trait_stance_name(TraitStance stance);  // "AVOID"
std::optional<TraitStance> parse_trait_stance(std::string_view text);

inline constexpr size_t kMaxPreferences = 200;
inline constexpr size_t kMaxTraitLength = 64;
inline constexpr size_t kMaxTraitLabelLength = 255;

struct TraitPreference {
  std::string trait;        // lower_snake slug, e.g. "tree_nuts"
  std::string trait_label;  // e.g. "Tree Nuts"
  TraitCategory category = TraitCategory::OTHER;
  TraitStance stance = TraitStance::NEUTRAL;

  bool operator==(const TraitPreference& o) const {
    return trait == o.trait && trait_label == o.trait_label && category == o.category &&
           stance == o.stance;
  }
};

// "tree_nuts" → "Tree Nuts".
std::string default_trait_label(std::string_view trait);

// [a-z][a-z0-9]* words joined by single underscores, at most kMaxTraitLength.
bool is_trait_slug(std::string_view text);

}  // namespace closient
