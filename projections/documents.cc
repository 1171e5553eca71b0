#include "projections/documents.h"

#include "domain/event_json.h"

namespace closient {
namespace {

nlohmann::json optional_ms(const std::optional<int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::optional<int64_t> optional_ms_from(const nlohmann::json& doc, const char* field) {
  const nlohmann::json& value = doc.at(field);
  if (value.is_null()) return std::nullopt;
  return value.get<int64_t>();
}

Role role_from(const nlohmann::json& doc, const char* field) {
  return role_from_json(doc, field);
}

}  // namespace

nlohmann::json org_document(const OrganizationState& org) {
  return {{"id", org.id},
          {"name", org.name},
          {"country", org.country},
          {"is_brand", org.is_brand},
          {"require_reauth_to_delete", org.require_reauth_to_delete},
          {"metadata", org.metadata},
          {"created_by", org.created_by},
          {"created_at", org.created_at_ms},
          {"deleted_at", optional_ms(org.deleted_at_ms)},
          {"version", org.version}};
}

OrganizationState org_from_document(const nlohmann::json& doc) {
  OrganizationState org;
  doc.at("id").get_to(org.id);
  doc.at("name").get_to(org.name);
  doc.at("country").get_to(org.country);
  doc.at("is_brand").get_to(org.is_brand);
  doc.at("require_reauth_to_delete").get_to(org.require_reauth_to_delete);
  doc.at("metadata").get_to(org.metadata);
  doc.at("created_by").get_to(org.created_by);
  doc.at("created_at").get_to(org.created_at_ms);
  org.deleted_at_ms = optional_ms_from(doc, "deleted_at");
  doc.at("version").get_to(org.version);
  return org;
}

nlohmann::json member_document(const MemberDocument& doc) {
  const Member& m = doc.member;
  return {{"id", m.id},
          {"user_id", m.user_id},
          {"email", m.email},
          {"name", m.name},
          {"user_metadata", m.user_metadata},
          {"role", role_name(m.role)},
          {"joined_at", m.joined_at_ms},
          {"removed", m.removed},
          {"removed_at", m.removed_at_ms},
          {"removal_reason", m.removal_reason},
          {"seq", doc.seq}};
}

MemberDocument member_from_document(const nlohmann::json& doc) {
  MemberDocument out;
  Member& m = out.member;
  doc.at("id").get_to(m.id);
  doc.at("user_id").get_to(m.user_id);
  doc.at("email").get_to(m.email);
  doc.at("name").get_to(m.name);
  doc.at("user_metadata").get_to(m.user_metadata);
  m.role = role_from(doc, "role");
  doc.at("joined_at").get_to(m.joined_at_ms);
  doc.at("removed").get_to(m.removed);
  doc.at("removed_at").get_to(m.removed_at_ms);
  doc.at("removal_reason").get_to(m.removal_reason);
  doc.at("seq").get_to(out.seq);
  return out;
}

nlohmann::json key_document(const KeyDocument& doc) {
  const ApiKey& k = doc.key;
  return {{"id", k.id},
          {"kind", key_kind_name(k.kind)},
          {"org_id", k.org_id},
          {"user_id", k.user_id},
          {"name", k.name},
          {"description", k.description},
          {"role", key_role_name(k.role)},
          {"key_sha256", k.key_sha256},
          {"prefix", k.display_prefix},
          {"created_at", k.created_at_ms},
          {"expires_at", optional_ms(k.expires_at_ms)},
          {"rate_limit_per_minute", k.rate_limit_per_minute},
          {"rate_limit_per_day", k.rate_limit_per_day},
          {"metadata", k.metadata},
          {"created_by", k.created_by},
          {"revoked", k.revoked},
          {"revoked_at", k.revoked_at_ms},
          {"seq", doc.seq}};
}

KeyDocument key_from_document(const nlohmann::json& doc) {
  KeyDocument out;
  ApiKey& k = out.key;
  doc.at("id").get_to(k.id);
  k.kind = key_kind_from_json(doc, "kind");
  doc.at("org_id").get_to(k.org_id);
  doc.at("user_id").get_to(k.user_id);
  doc.at("name").get_to(k.name);
  doc.at("description").get_to(k.description);
  k.role = key_role_from_json(doc, "role");
  doc.at("key_sha256").get_to(k.key_sha256);
  doc.at("prefix").get_to(k.display_prefix);
  doc.at("created_at").get_to(k.created_at_ms);
  k.expires_at_ms = optional_ms_from(doc, "expires_at");
  doc.at("rate_limit_per_minute").get_to(k.rate_limit_per_minute);
  doc.at("rate_limit_per_day").get_to(k.rate_limit_per_day);
  doc.at("metadata").get_to(k.metadata);
  doc.at("created_by").get_to(k.created_by);
  doc.at("revoked").get_to(k.revoked);
  doc.at("revoked_at").get_to(k.revoked_at_ms);
  doc.at("seq").get_to(out.seq);
  return out;
}

nlohmann::json key_credential_document(const ApiKey& k) {
  return {{"id", k.id},
          {"kind", key_kind_name(k.kind)},
          {"org_id", k.org_id},
          {"user_id", k.user_id},
          {"role", key_role_name(k.role)},
          {"key_sha256", k.key_sha256},
          {"expires_at", optional_ms(k.expires_at_ms)},
          {"rate_limit_per_minute", k.rate_limit_per_minute},
          {"rate_limit_per_day", k.rate_limit_per_day},
          {"created_by", k.created_by},
          {"revoked", k.revoked}};
}

ApiKey key_from_credential_document(const nlohmann::json& doc) {
  ApiKey k;
  doc.at("id").get_to(k.id);
  k.kind = key_kind_from_json(doc, "kind");
  doc.at("org_id").get_to(k.org_id);
  doc.at("user_id").get_to(k.user_id);
  k.role = key_role_from_json(doc, "role");
  doc.at("key_sha256").get_to(k.key_sha256);
  k.expires_at_ms = optional_ms_from(doc, "expires_at");
  doc.at("rate_limit_per_minute").get_to(k.rate_limit_per_minute);
  doc.at("rate_limit_per_day").get_to(k.rate_limit_per_day);
  doc.at("created_by").get_to(k.created_by);
  doc.at("revoked").get_to(k.revoked);
  return k;
}

nlohmann::json user_document(const UserDocument& doc) {
  return {{"id", doc.id},
          {"email", doc.email},
          {"name", doc.name},
          {"metadata", doc.metadata},
          {"created_at", doc.created_at_ms}};
}

UserDocument user_from_document(const nlohmann::json& doc) {
  UserDocument out;
  doc.at("id").get_to(out.id);
  doc.at("email").get_to(out.email);
  doc.at("name").get_to(out.name);
  doc.at("metadata").get_to(out.metadata);
  doc.at("created_at").get_to(out.created_at_ms);
  return out;
}

nlohmann::json token_document(const TokenDocument& doc) {
  const Token& t = doc.token;
  return {{"id", t.id},
          {"user_id", doc.user_id},
          {"token_sha256", t.token_sha256},
          {"issued_at", t.issued_at_ms},
          {"expires_at", t.expires_at_ms},
          {"revoked", t.revoked}};
}

TokenDocument token_from_document(const nlohmann::json& doc) {
  TokenDocument out;
  Token& t = out.token;
  doc.at("id").get_to(t.id);
  doc.at("user_id").get_to(out.user_id);
  doc.at("token_sha256").get_to(t.token_sha256);
  doc.at("issued_at").get_to(t.issued_at_ms);
  doc.at("expires_at").get_to(t.expires_at_ms);
  doc.at("revoked").get_to(t.revoked);
  return out;
}

nlohmann::json session_document(const SessionDocument& doc) {
  const Session& s = doc.session;
  return {{"id", s.id},
          {"user_id", doc.user_id},
          {"session_sha256", s.session_sha256},
          {"csrf_sha256", s.csrf_sha256},
          {"authenticated_at", s.authenticated_at_ms},
          {"issued_at", s.issued_at_ms},
          {"expires_at", s.expires_at_ms},
          {"revoked", s.revoked}};
}

SessionDocument session_from_document(const nlohmann::json& doc) {
  SessionDocument out;
  Session& s = out.session;
  doc.at("id").get_to(s.id);
  doc.at("user_id").get_to(out.user_id);
  doc.at("session_sha256").get_to(s.session_sha256);
  doc.at("csrf_sha256").get_to(s.csrf_sha256);
  doc.at("authenticated_at").get_to(s.authenticated_at_ms);
  doc.at("issued_at").get_to(s.issued_at_ms);
  doc.at("expires_at").get_to(s.expires_at_ms);
  doc.at("revoked").get_to(s.revoked);
  return out;
}

nlohmann::json preferences_document(const std::vector<TraitPreference>& preferences) {
  nlohmann::json list = nlohmann::json::array();
  for (const TraitPreference& p : preferences) list.push_back(p);
  return list;
}

std::vector<TraitPreference> preferences_from_document(const nlohmann::json& doc) {
  return doc.get<std::vector<TraitPreference>>();
}

}  // namespace closient
