#include "domain/organization.h"

#include <functional>
#include <utility>

#include "domain/event_json.h"

namespace closient {

// ---- Codecs ----

void to_json(nlohmann::json& j, const OrganizationCreated& e) {
  j = {{"org_id", e.org_id},
       {"name", e.name},
       {"country", e.country},
       {"is_brand", e.is_brand},
       {"require_reauth_to_delete", e.require_reauth_to_delete},
       {"metadata", e.metadata},
       {"created_by", e.created_by}};
}

void from_json(const nlohmann::json& j, OrganizationCreated& e) {
  j.at("org_id").get_to(e.org_id);
  j.at("name").get_to(e.name);
  j.at("country").get_to(e.country);
  j.at("is_brand").get_to(e.is_brand);
  j.at("require_reauth_to_delete").get_to(e.require_reauth_to_delete);
  j.at("metadata").get_to(e.metadata);
  j.at("created_by").get_to(e.created_by);
}

void to_json(nlohmann::json& j, const OrganizationUpdated& e) {
  j = nlohmann::json::object();
  write_optional(j, "name", e.name);
  write_optional(j, "country", e.country);
  write_optional(j, "is_brand", e.is_brand);
  write_optional(j, "require_reauth_to_delete", e.require_reauth_to_delete);
  write_optional(j, "metadata", e.metadata);
}

void from_json(const nlohmann::json& j, OrganizationUpdated& e) {
  read_optional(j, "name", &e.name);
  read_optional(j, "country", &e.country);
  read_optional(j, "is_brand", &e.is_brand);
  read_optional(j, "require_reauth_to_delete", &e.require_reauth_to_delete);
  read_optional(j, "metadata", &e.metadata);
}

void to_json(nlohmann::json& j, const OrganizationDeleted& e) {
  j = {{"deleted_at", time_json(e.deleted_at_ms)}, {"deleted_by", e.deleted_by}};
}

void from_json(const nlohmann::json& j, OrganizationDeleted& e) {
  e.deleted_at_ms = time_from_json(j, "deleted_at");
  j.at("deleted_by").get_to(e.deleted_by);
}

void to_json(nlohmann::json& j, const OrganizationRestored& e) {
  j = {{"restored_by", e.restored_by}};
}

void from_json(const nlohmann::json& j, OrganizationRestored& e) {
  j.at("restored_by").get_to(e.restored_by);
}

void to_json(nlohmann::json& j, const MemberJoined& e) {
  j = {{"member_id", e.member_id},
       {"user_id", e.user_id},
       {"email", e.email},
       {"name", e.name},
       {"user_metadata", e.user_metadata},
       {"role", role_name(e.role)},
       {"joined_at", time_json(e.joined_at_ms)},
       {"added_by", e.added_by}};
}

void from_json(const nlohmann::json& j, MemberJoined& e) {
  j.at("member_id").get_to(e.member_id);
  j.at("user_id").get_to(e.user_id);
  j.at("email").get_to(e.email);
  j.at("name").get_to(e.name);
  j.at("user_metadata").get_to(e.user_metadata);
  e.role = role_from_json(j, "role");
  e.joined_at_ms = time_from_json(j, "joined_at");
  j.at("added_by").get_to(e.added_by);
}

void to_json(nlohmann::json& j, const MemberRoleChanged& e) {
  j = {{"member_id", e.member_id},
       {"from", role_name(e.from)},
       {"to", role_name(e.to)},
       {"changed_by", e.changed_by}};
}

void from_json(const nlohmann::json& j, MemberRoleChanged& e) {
  j.at("member_id").get_to(e.member_id);
  e.from = role_from_json(j, "from");
  e.to = role_from_json(j, "to");
  j.at("changed_by").get_to(e.changed_by);
}

void to_json(nlohmann::json& j, const MemberRemoved& e) {
  j = {{"member_id", e.member_id},
       {"user_id", e.user_id},
       {"reason", e.reason},
       {"removed_by", e.removed_by}};
}

void from_json(const nlohmann::json& j, MemberRemoved& e) {
  j.at("member_id").get_to(e.member_id);
  j.at("user_id").get_to(e.user_id);
  j.at("reason").get_to(e.reason);
  if (e.reason != "removed" && e.reason != "left") throw EventDataError("bad removal reason");
  j.at("removed_by").get_to(e.removed_by);
}

void to_json(nlohmann::json& j, const ApiKeyCreatedData& e) {
  j = {{"key_id", e.key_id},
       {"kind", key_kind_name(e.kind)},
       {"name", e.name},
       {"description", e.description},
       {"role", key_role_name(e.role)},
       {"key_sha256", e.key_sha256},
       {"prefix", e.prefix},
       {"created_at", time_json(e.created_at_ms)},
       {"expires_at", optional_time_json(e.expires_at_ms)},
       {"rate_limit_per_minute", e.rate_limit_per_minute},
       {"rate_limit_per_day", e.rate_limit_per_day},
       {"metadata", e.metadata},
       {"created_by", e.created_by}};
}

void from_json(const nlohmann::json& j, ApiKeyCreatedData& e) {
  j.at("key_id").get_to(e.key_id);
  e.kind = key_kind_from_json(j, "kind");
  j.at("name").get_to(e.name);
  j.at("description").get_to(e.description);
  e.role = key_role_from_json(j, "role");
  j.at("key_sha256").get_to(e.key_sha256);
  j.at("prefix").get_to(e.prefix);
  e.created_at_ms = time_from_json(j, "created_at");
  e.expires_at_ms = optional_time_from_json(j, "expires_at");
  j.at("rate_limit_per_minute").get_to(e.rate_limit_per_minute);
  j.at("rate_limit_per_day").get_to(e.rate_limit_per_day);
  j.at("metadata").get_to(e.metadata);
  j.at("created_by").get_to(e.created_by);
}

void to_json(nlohmann::json& j, const ApiKeyUpdatedData& e) {
  j = {{"key_id", e.key_id}};
  write_optional(j, "name", e.name);
  write_optional(j, "description", e.description);
  write_optional(j, "metadata", e.metadata);
}

void from_json(const nlohmann::json& j, ApiKeyUpdatedData& e) {
  j.at("key_id").get_to(e.key_id);
  read_optional(j, "name", &e.name);
  read_optional(j, "description", &e.description);
  read_optional(j, "metadata", &e.metadata);
}

void to_json(nlohmann::json& j, const ApiKeyRevokedData& e) {
  j = {{"key_id", e.key_id},
       {"revoked_at", time_json(e.revoked_at_ms)},
       {"revoked_by", e.revoked_by}};
}

void from_json(const nlohmann::json& j, ApiKeyRevokedData& e) {
  j.at("key_id").get_to(e.key_id);
  e.revoked_at_ms = time_from_json(j, "revoked_at");
  j.at("revoked_by").get_to(e.revoked_by);
}

void to_json(nlohmann::json& j, const ApiKeyLimitsChangedData& e) {
  j = {{"key_id", e.key_id},
       {"rate_limit_per_minute", e.rate_limit_per_minute},
       {"rate_limit_per_day", e.rate_limit_per_day}};
}

void from_json(const nlohmann::json& j, ApiKeyLimitsChangedData& e) {
  j.at("key_id").get_to(e.key_id);
  j.at("rate_limit_per_minute").get_to(e.rate_limit_per_minute);
  j.at("rate_limit_per_day").get_to(e.rate_limit_per_day);
}

// ---- State ----

const Member* OrganizationState::find_member(const std::string& member_id) const {
  auto it = member_index.find(member_id);
  return it == member_index.end() ? nullptr : &members[it->second];
}

const Member* OrganizationState::active_member_of(const std::string& user_id) const {
  auto it = active_member_of_user.find(user_id);
  return it == active_member_of_user.end() ? nullptr : &members[it->second];
}

std::optional<Role> OrganizationState::role_of(const std::string& user_id) const {
  const Member* member = active_member_of(user_id);
  return member ? std::optional<Role>(member->role) : std::nullopt;
}

const ApiKey* OrganizationState::find_key(const std::string& key_id) const {
  auto it = key_index.find(key_id);
  return it == key_index.end() ? nullptr : &keys[it->second];
}

const ApiKey* OrganizationState::find_unrevoked_key(const std::string& key_id) const {
  const ApiKey* key = find_key(key_id);
  return key && !key->revoked ? key : nullptr;
}

ApiKey api_key_from_event(const ApiKeyCreatedData& e) {
  ApiKey key;
  key.id = e.key_id;
  key.kind = e.kind;
  key.name = e.name;
  key.description = e.description;
  key.role = e.role;
  key.key_sha256 = e.key_sha256;
  key.display_prefix = e.prefix;
  key.created_at_ms = e.created_at_ms;
  key.expires_at_ms = e.expires_at_ms;
  key.rate_limit_per_minute = e.rate_limit_per_minute;
  key.rate_limit_per_day = e.rate_limit_per_day;
  key.metadata = e.metadata;
  key.created_by = e.created_by;
  return key;
}

void apply_key_update(ApiKey& key, const ApiKeyUpdatedData& e) {
  if (e.name) key.name = *e.name;
  if (e.description) key.description = *e.description;
  if (e.metadata) key.metadata = *e.metadata;
}

void apply_key_limits(ApiKey& key, const ApiKeyLimitsChangedData& e) {
  key.rate_limit_per_minute = e.rate_limit_per_minute;
  key.rate_limit_per_day = e.rate_limit_per_day;
}

namespace {

void apply(OrganizationState& s, const OrganizationCreated& e, const EventEnvelope& envelope) {
  s.id = e.org_id;
  s.name = e.name;
  s.country = e.country;
  s.is_brand = e.is_brand;
  s.require_reauth_to_delete = e.require_reauth_to_delete;
  s.metadata = e.metadata;
  s.created_by = e.created_by;
  s.created_at_ms = envelope.occurred_at_ms;
}

void apply(OrganizationState& s, const OrganizationUpdated& e) {
  if (e.name) s.name = *e.name;
  if (e.country) s.country = *e.country;
  if (e.is_brand) s.is_brand = *e.is_brand;
  if (e.require_reauth_to_delete) s.require_reauth_to_delete = *e.require_reauth_to_delete;
  if (e.metadata) s.metadata = *e.metadata;
}

void apply(OrganizationState& s, const MemberJoined& e) {
  if (s.member_index.count(e.member_id)) return;  // a membership id joins once
  Member m;
  m.id = e.member_id;
  m.user_id = e.user_id;
  m.email = e.email;
  m.name = e.name;
  m.user_metadata = e.user_metadata;
  m.role = e.role;
  m.joined_at_ms = e.joined_at_ms;
  const size_t at = s.members.size();
  s.members.push_back(std::move(m));
  s.member_index.emplace(e.member_id, at);
  s.active_member_of_user[e.user_id] = at;
  ++s.active_member_count;
  if (e.role == Role::owner) ++s.owner_count;
}

Member* active_member(OrganizationState& s, const std::string& member_id) {
  auto it = s.member_index.find(member_id);
  if (it == s.member_index.end() || s.members[it->second].removed) return nullptr;
  return &s.members[it->second];
}

void apply(OrganizationState& s, const MemberRoleChanged& e) {
  Member* m = active_member(s, e.member_id);
  if (!m) return;
  if (m->role == Role::owner) --s.owner_count;
  m->role = e.to;
  if (m->role == Role::owner) ++s.owner_count;
}

void apply(OrganizationState& s, const MemberRemoved& e, const EventEnvelope& envelope) {
  Member* m = active_member(s, e.member_id);
  if (!m) return;
  m->removed = true;
  m->removed_at_ms = envelope.occurred_at_ms;
  m->removal_reason = e.reason;
  if (m->role == Role::owner) --s.owner_count;
  --s.active_member_count;
  auto it = s.active_member_of_user.find(m->user_id);
  if (it != s.active_member_of_user.end() && s.members[it->second].id == m->id) {
    s.active_member_of_user.erase(it);
  }
}

void apply(OrganizationState& s, const OrgApiKeyCreated& e) {
  if (s.key_index.count(e.key_id)) return;
  ApiKey key = api_key_from_event(e);
  key.org_id = s.id;
  s.key_index.emplace(e.key_id, s.keys.size());
  s.keys.push_back(std::move(key));
  ++s.unrevoked_key_count;
}

ApiKey* unrevoked_key(OrganizationState& s, const std::string& key_id) {
  auto it = s.key_index.find(key_id);
  if (it == s.key_index.end() || s.keys[it->second].revoked) return nullptr;
  return &s.keys[it->second];
}

}  // namespace

Status evolve_checked(OrganizationState& s, const EventEnvelope& envelope) {
  const std::string& type = envelope.type;
  Status status = ok_status();
  if (type == OrganizationCreated::kType) {
    status = decode_and<OrganizationCreated>(
        envelope, [&](const OrganizationCreated& e) { apply(s, e, envelope); });
  } else if (type == OrganizationUpdated::kType) {
    status = decode_and<OrganizationUpdated>(envelope,
                                             [&](const OrganizationUpdated& e) { apply(s, e); });
  } else if (type == OrganizationDeleted::kType) {
    status = decode_and<OrganizationDeleted>(
        envelope, [&](const OrganizationDeleted& e) { s.deleted_at_ms = e.deleted_at_ms; });
  } else if (type == OrganizationRestored::kType) {
    status = decode_and<OrganizationRestored>(
        envelope, [&](const OrganizationRestored&) { s.deleted_at_ms.reset(); });
  } else if (type == MemberAdded::kType) {
    status = decode_and<MemberAdded>(envelope, [&](const MemberAdded& e) { apply(s, e); });
  } else if (type == MemberInvited::kType) {
    status = decode_and<MemberInvited>(envelope, [&](const MemberInvited& e) { apply(s, e); });
  } else if (type == MemberRoleChanged::kType) {
    status =
        decode_and<MemberRoleChanged>(envelope, [&](const MemberRoleChanged& e) { apply(s, e); });
  } else if (type == MemberRemoved::kType) {
    status =
        decode_and<MemberRemoved>(envelope, [&](const MemberRemoved& e) { apply(s, e, envelope); });
  } else if (type == OrgApiKeyCreated::kType) {
    status =
        decode_and<OrgApiKeyCreated>(envelope, [&](const OrgApiKeyCreated& e) { apply(s, e); });
  } else if (type == OrgApiKeyUpdated::kType) {
    status = decode_and<OrgApiKeyUpdated>(envelope, [&](const OrgApiKeyUpdated& e) {
      if (ApiKey* key = unrevoked_key(s, e.key_id)) apply_key_update(*key, e);
    });
  } else if (type == OrgApiKeyRevoked::kType) {
    status = decode_and<OrgApiKeyRevoked>(envelope, [&](const OrgApiKeyRevoked& e) {
      if (ApiKey* key = unrevoked_key(s, e.key_id)) {
        key->revoked = true;
        key->revoked_at_ms = e.revoked_at_ms;
        --s.unrevoked_key_count;
      }
    });
  } else if (type == OrgApiKeyLimitsChanged::kType) {
    status = decode_and<OrgApiKeyLimitsChanged>(envelope, [&](const OrgApiKeyLimitsChanged& e) {
      if (ApiKey* key = unrevoked_key(s, e.key_id)) apply_key_limits(*key, e);
    });
  }
  // The version counts every event of the stream, known or not, so it always
  // equals the log's stream version (the ETag and the expected version).
  s.version = envelope.version != 0 ? envelope.version : s.version + 1;
  return status;
}

void evolve(OrganizationState& state, const EventEnvelope& event) {
  // Stored events were encoded by this catalog's codecs (and upcast on read),
  // so a decode failure means a damaged log; evolve_checked reports it.
  (void)evolve_checked(state, event);
}

}  // namespace closient
