// Queries about the caller: who they are, and their preferences.
#include "domain/views.h"
#include "projections/documents.h"
#include "projections/queries.h"
#include "projections/query_support.h"
#include "projections/read_model_keys.h"

namespace closient {

using query_support::guarded;

Result<nlohmann::json> AccountQueries::whoami(const Caller& caller) {
  return guarded([&]() -> Result<nlohmann::json> {
    // For org keys the user is the key's creator.
    auto user_doc = read_document(store_, rm_key::user(caller.user_id));
    if (!user_doc) return Error::make(ErrorCode::not_found, "No such user.");
    const UserDocument user = user_from_document(*user_doc);

    std::vector<WhoAmIOrganization> organizations;
    if (caller.is_org_key()) {
      // Only the key's organization, with role null: the key's own role is api_key.role.
      if (auto org = read_document(store_, rm_key::org(caller.key_org_id))) {
        organizations.push_back({caller.key_org_id, org_from_document(*org).name, std::nullopt});
      }
    } else {
      const std::string prefix = rm_key::user_orgs_prefix(caller.user_id);
      Status scanned =
          store_.scan(prefix, "", [&](const std::string& key, const std::string& role) {
            const std::string org_id = key.substr(prefix.size());
            if (auto org = read_document(store_, rm_key::org(org_id))) {
              organizations.push_back({org_id, org_from_document(*org).name, parse_role(role)});
            }
            return true;
          });
      if (!scanned.ok()) return scanned.error();
    }

    std::optional<ApiKey> key;
    if (caller.is_key()) {
      if (auto doc = read_document(store_, rm_key::key(caller.credential_id))) {
        key = key_from_document(*doc).key;
      }
    }
    return whoami_view(user.id, user.email, user.metadata, organizations, key ? &*key : nullptr,
                       key ? last_used(key->id) : std::nullopt);
  });
}

Result<nlohmann::json> AccountQueries::get_preferences(const Caller& caller) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::read_preferences);
    if (!allowed.ok()) return allowed.error();
    auto doc = read_document(store_, rm_key::preferences(caller.user_id));
    return preferences_view(doc ? preferences_from_document(*doc) : std::vector<TraitPreference>{});
  });
}

}  // namespace closient
