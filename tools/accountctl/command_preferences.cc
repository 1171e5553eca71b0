// accountctl preferences set: replaces a user's trait preferences (contract §4,
// TraitPreference) from a JSON file, by the same rules as PUT /preferences.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "domain/preferences.h"
#include "domain/validation.h"
#include "domain/views.h"
#include "projections/write_pipeline.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/operator_session.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

using closient::Error;
using closient::ErrorCode;
using closient::TraitPreference;

closient::Result<nlohmann::json> read_json_file(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) return Error::make(ErrorCode::not_found, "cannot read " + path);
    text << in.rdbuf();
  }
  nlohmann::json parsed = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Error::make(ErrorCode::bad_request, path + " is not valid JSON");
  }
  return parsed;
}

void print_preferences(const Context& context, const std::string& email,
                       const std::vector<TraitPreference>& preferences) {
  if (context.json) {
    print_json_line(closient::preferences_view(preferences));
    return;
  }
  print_line(fmt::format("preferences of {} ({}):", email, preferences.size()));
  for (const auto& preference : preferences) {
    print_line(fmt::format("  {:<24}  {:<9}  {:<7}  {}", preference.trait,
                           closient::trait_category_name(preference.category),
                           closient::trait_stance_name(preference.stance), preference.trait_label));
  }
}

}  // namespace

int run_preferences_set(const Context& context, const Args& args) {
  UsageError usage;
  auto email = required_value(args, "--email", &usage);
  auto file = email ? required_value(args, "--file", &usage) : std::nullopt;
  if (!file) return fail_usage("preferences set", usage.message);

  auto body = read_json_file(*file);
  if (!body.ok()) return fail(body.error());
  auto preferences = closient::parse_preferences(*body);
  if (!preferences.ok()) return fail(preferences.error());

  auto session = OperatorSession::open(context, /*create_if_missing=*/false);
  if (!session.ok()) return fail(session.error());
  auto user = (*session)->user_by_email(*email);
  if (!user.ok()) return fail(user.error());

  std::vector<TraitPreference> stored;
  closient::Status replaced =
      (*session)->as_user(user->id, [&](const closient::Caller& caller) -> closient::Status {
        closient::ReplacePreferences replace;
        replace.preferences = *preferences;
        auto outcome = (*session)->execute(replace, caller);
        if (!outcome.ok()) return outcome.error();
        stored = outcome->user_after ? outcome->user_after->preferences : *preferences;
        return closient::ok_status();
      });
  if (!replaced.ok()) return fail(replaced.error());
  print_preferences(context, user->email, stored);
  return kExitOk;
}

}  // namespace accountctl
