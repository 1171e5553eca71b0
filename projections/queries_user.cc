// Queries about the caller: who they are, and their preferences.
#include "domain/views.h"
#include "projections/queries.h"
#include "projections/query_support.h"

namespace closient {

using query_support::guarded;

Result<nlohmann::json> AccountQueries::whoami(const Caller& caller) {
  return guarded([&]() -> Result<nlohmann::json> {
    LiveState::View state = state_.read();
    // For org keys the user is the key's creator.
    auto user_id = id_from_text(caller.user_id);
    const UserRecord* user = user_id ? state->user(*user_id) : nullptr;
    if (!user) return Error::make(ErrorCode::not_found, "No such user.");

    std::vector<WhoAmIOrganization> organizations;
    if (caller.is_org_key()) {
      // Only the key's organization, with role null: the key's own role is api_key.role.
      auto org_id = id_from_text(caller.key_org_id);
      if (const OrgRecord* org = org_id ? state->org(*org_id) : nullptr) {
        organizations.push_back({org->info.id, org->info.name, std::nullopt});
      }
    } else {
      for (const Membership& membership : user->memberships) {
        const OrgRecord& org = state->org_at(membership.org);
        organizations.push_back({org.info.id, org.info.name, org.members[membership.member].role});
      }
    }

    const ApiKey* key = nullptr;
    if (caller.is_key()) {
      auto key_id = id_from_text(caller.credential_id);
      if (auto ref = key_id ? state->key(*key_id) : std::nullopt) key = state->key_record(*ref);
    }
    return whoami_view(shortuuid_encode(user->id), user->email, user->metadata, organizations, key,
                       key ? last_used(key->id) : std::nullopt);
  });
}

Result<nlohmann::json> AccountQueries::get_preferences(const Caller& caller) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::read_preferences);
    if (!allowed.ok()) return allowed.error();
    LiveState::View state = state_.read();
    auto user_id = id_from_text(caller.user_id);
    const UserRecord* user = user_id ? state->user(*user_id) : nullptr;
    if (!user || !user->extras) return preferences_view({});
    return preferences_view(user->extras->preferences);
  });
}

}  // namespace closient
