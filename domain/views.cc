#include "domain/views.h"

#include "events/timestamp.h"

namespace closient {
namespace {

nlohmann::json optional_timestamp(const std::optional<int64_t>& unix_ms) {
  return unix_ms ? nlohmann::json(format_timestamp_ms(*unix_ms)) : nlohmann::json(nullptr);
}

// An id that may be absent (empty): null on the wire.
nlohmann::json optional_id(const std::string& id) {
  return id.empty() ? nlohmann::json(nullptr) : nlohmann::json(id);
}

}  // namespace

nlohmann::json organization_view(const OrganizationState& org) {
  return {{"id", org.id},
          {"name", org.name},
          {"country", org.country},
          {"is_brand", org.is_brand},
          {"require_reauth_to_delete", org.require_reauth_to_delete},
          {"metadata", metadata_to_json(org.metadata)}};
}

nlohmann::json member_view(const Member& member) {
  return {{"id", member.id},
          {"user_id", member.user_id},
          {"user_email", member.email},
          {"user_name", member.name},
          {"user_metadata", metadata_to_json(member.user_metadata)},
          {"role", role_name(member.role)},
          {"role_display", role_display(member.role)}};
}

nlohmann::json api_key_view(const ApiKey& key, std::optional<int64_t> last_used_ms) {
  return {{"id", key.id},
          {"name", key.name},
          {"description", key.description},
          {"role", key_role_name(key.role)},
          {"kind", key_kind_name(key.kind)},
          {"prefix", key.display_prefix},
          {"created", format_timestamp_ms(key.created_at_ms)},
          {"expires_at", optional_timestamp(key.expires_at_ms)},
          {"last_used", optional_timestamp(last_used_ms)},
          {"rate_limit_per_minute", key.rate_limit_per_minute},
          {"rate_limit_per_day", key.rate_limit_per_day},
          {"metadata", metadata_to_json(key.metadata)},
          {"created_by", optional_id(key.created_by)}};
}

nlohmann::json api_key_created_view(const ApiKey& key, const std::string& raw_key) {
  nlohmann::json body = api_key_view(key, std::nullopt);
  body["key"] = raw_key;
  return body;
}

nlohmann::json whoami_organization_view(const WhoAmIOrganization& entry) {
  return {{"id", entry.id},
          {"name", entry.name},
          {"role", entry.role ? nlohmann::json(role_name(*entry.role)) : nlohmann::json(nullptr)}};
}

nlohmann::json whoami_view(const std::string& user_id, const std::string& email,
                           const Metadata& metadata,
                           const std::vector<WhoAmIOrganization>& organizations,
                           const ApiKey* api_key, std::optional<int64_t> api_key_last_used_ms) {
  nlohmann::json orgs = nlohmann::json::array();
  for (const WhoAmIOrganization& entry : organizations)
    orgs.push_back(whoami_organization_view(entry));
  nlohmann::json key =
      api_key ? api_key_view(*api_key, api_key_last_used_ms) : nlohmann::json(nullptr);
  // A publishable key sits in public web pages: its answer names no person.
  if (api_key && api_key->kind == KeyKind::publishable) {
    key["created_by"] = nullptr;
    return {{"user_id", nullptr},
            {"email", nullptr},
            {"organizations", std::move(orgs)},
            {"metadata", nlohmann::json::object()},
            {"api_key", std::move(key)}};
  }
  return {{"user_id", optional_id(user_id)},
          {"email", email},
          {"organizations", std::move(orgs)},
          {"metadata", metadata_to_json(metadata)},
          {"api_key", std::move(key)}};
}

nlohmann::json trait_preference_view(const TraitPreference& preference) {
  return {{"trait", preference.trait},
          {"trait_label", preference.trait_label},
          {"category", trait_category_name(preference.category)},
          {"stance", trait_stance_name(preference.stance)}};
}

nlohmann::json preferences_view(const std::vector<TraitPreference>& preferences) {
  nlohmann::json list = nlohmann::json::array();
  for (const TraitPreference& preference : preferences)
    list.push_back(trait_preference_view(preference));
  return list;
}

}  // namespace closient
