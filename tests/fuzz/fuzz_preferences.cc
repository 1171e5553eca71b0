// Trait preferences from a PUT /preferences body (contract §4): parsed and checked
// whatever the JSON; what passes has only well-formed, distinct traits.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "domain/preferences.h"
#include "domain/validation.h"
#include "fuzz_input.h"

using namespace closient;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json body =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;

  const Result<std::vector<TraitPreference>> parsed = parse_preferences(body);
  if (!parsed.ok()) return 0;
  if (check_preferences(*parsed).ok()) {
    if (parsed->size() > kMaxPreferences) std::abort();
    std::set<std::string> traits;
    for (const TraitPreference& preference : *parsed) {
      if (!is_trait_slug(preference.trait)) std::abort();
      traits.insert(preference.trait);
      parse_trait_category(trait_category_name(preference.category)).value();
      parse_trait_stance(trait_stance_name(preference.stance)).value();
    }
  }
  for (const TraitPreference& preference : *parsed) default_trait_label(preference.trait);
  return 0;
}
