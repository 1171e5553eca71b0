#include "domain/preferences.h"

#include <cctype>

namespace closient {
namespace {

constexpr TraitCategory kCategories[] = {TraitCategory::ALLERGEN, TraitCategory::DIETARY,
                                         TraitCategory::RELIGIOUS, TraitCategory::SOURCING,
                                         TraitCategory::OTHER};
constexpr TraitStance kStances[] = {TraitStance::AVOID, TraitStance::REQUIRE, TraitStance::PREFER,
                                    TraitStance::NEUTRAL};

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

const char* trait_category_name(TraitCategory category) {
  switch (category) {
    case TraitCategory::ALLERGEN:
      return "ALLERGEN";
    case TraitCategory::DIETARY:
      return "DIETARY";
    case TraitCategory::RELIGIOUS:
      return "RELIGIOUS";
    case TraitCategory::SOURCING:
      return "SOURCING";
    case TraitCategory::OTHER:
      return "OTHER";
  }
  return "OTHER";
}

std::optional<TraitCategory> parse_trait_category(std::string_view text) {
  for (TraitCategory category : kCategories)
    if (text == trait_category_name(category)) return category;
  return std::nullopt;
}

const char* trait_stance_name(TraitStance stance) {
  switch (stance) {
    case TraitStance::AVOID:
      return "AVOID";
    case TraitStance::REQUIRE:
      return "REQUIRE";
    case TraitStance::PREFER:
      return "PREFER";
    case TraitStance::NEUTRAL:
      return "NEUTRAL";
  }
  return "NEUTRAL";
}

std::optional<TraitStance> parse_trait_stance(std::string_view text) {
  for (TraitStance stance : kStances)
    if (text == trait_stance_name(stance)) return stance;
  return std::nullopt;
}

std::string default_trait_label(std::string_view trait) {
  std::string label;
  bool word_start = true;
  for (char c : trait) {
    if (c == '_') {
      label.push_back(' ');
      word_start = true;
      continue;
    }
    label.push_back(word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                               : c);
    word_start = false;
  }
  return label;
}

bool is_trait_slug(std::string_view text) {
  if (text.empty() || text.size() > kMaxTraitLength) return false;
  if (!(text.front() >= 'a' && text.front() <= 'z')) return false;
  if (text.back() == '_') return false;
  char previous = '\0';
  for (char c : text) {
    if (c == '_') {
      if (previous == '_') return false;
    } else if (!is_lower_alnum(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

}  // namespace closient
