// The contract's JSON bodies (§4), rendered from domain state. One renderer per
// body, shared by the HTTP layer and the read models so both answer alike.
// Timestamps are RFC 3339 UTC with milliseconds (format_timestamp_ms).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/api_key.h"
#include "domain/metadata.h"
#include "domain/organization.h"
#include "domain/preferences.h"
#include "domain/roles.h"

namespace closient {

// Organization: id, name, country, is_brand, require_reauth_to_delete, metadata.
nlohmann::json organization_view(const OrganizationState& org);

// Member: id (membership id), user_id (so a client finds its own membership by
// whoami's user_id), user_email, user_name, user_metadata, role, role_display.
nlohmann::json member_view(const Member& member);

// APIKey: id, name, description, role, kind, prefix, created, expires_at,
// last_used, rate_limit_per_minute, rate_limit_per_day, metadata, created_by
// (the creating user's id; null when an operator created the key).
// last_used is not an event (it is coalesced outside the log), so it is passed in.
nlohmann::json api_key_view(const ApiKey& key, std::optional<int64_t> last_used_ms);

// APIKeyCreated: APIKey + key (the raw key, shown this once).
nlohmann::json api_key_created_view(const ApiKey& key, const std::string& raw_key);

// One entry of WhoAmI.organizations: {id, name, role}; role null for org keys.
struct WhoAmIOrganization {
  std::string id;
  std::string name;
  std::optional<Role> role;
};
nlohmann::json whoami_organization_view(const WhoAmIOrganization& entry);

// WhoAmI: user_id, email, organizations, metadata, api_key (APIKey of the key
// used, or null). With a publishable (cpk) key it names no person: user_id,
// email and api_key.created_by null, metadata {}.
nlohmann::json whoami_view(const std::string& user_id, const std::string& email,
                           const Metadata& metadata,
                           const std::vector<WhoAmIOrganization>& organizations,
                           const ApiKey* api_key, std::optional<int64_t> api_key_last_used_ms);

// TraitPreference: trait, trait_label, category, stance; and the list of them.
nlohmann::json trait_preference_view(const TraitPreference& preference);
nlohmann::json preferences_view(const std::vector<TraitPreference>& preferences);

}  // namespace closient
