// The Organization aggregate, stream "org-<id>": the organization itself, its
// memberships and its org API keys (csb/cpk). Events are facts in the past
// tense and carry everything a replay needs; evolve applies them to the state.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/api_key.h"
#include "domain/metadata.h"
#include "domain/roles.h"
#include "events/envelope.h"
#include "events/result.h"

namespace closient {

inline constexpr int64_t kRestoreWindowMs = int64_t{90} * 24 * 60 * 60 * 1000;  // 90 days

// ---- Events (data of each event type, schema 1) ----

struct OrganizationCreated {
  static constexpr const char* kType = "OrganizationCreated";
  static constexpr int kSchema = 1;
  std::string org_id;
  std::string name;
  std::string country;
  bool is_brand = false;
  bool require_reauth_to_delete = true;
  Metadata metadata;
  std::string created_by;  // user id
};

// Only the fields that changed are present; metadata is the whole new value.
struct OrganizationUpdated {
  static constexpr const char* kType = "OrganizationUpdated";
  static constexpr int kSchema = 1;
  std::optional<std::string> name;
  std::optional<std::string> country;
  std::optional<bool> is_brand;
  std::optional<bool> require_reauth_to_delete;
  std::optional<Metadata> metadata;
};

struct OrganizationDeleted {
  static constexpr const char* kType = "OrganizationDeleted";
  static constexpr int kSchema = 1;
  int64_t deleted_at_ms = 0;
  std::string deleted_by;  // user id
};

struct OrganizationRestored {
  static constexpr const char* kType = "OrganizationRestored";
  static constexpr int kSchema = 1;
  std::string restored_by;  // user id
};

// Who the member is, as a snapshot taken when they joined.
struct MemberJoined {
  std::string member_id;  // the membership id, new for every membership
  std::string user_id;
  std::string email;
  std::string name;
  Metadata user_metadata;
  Role role = Role::editor;
  int64_t joined_at_ms = 0;
  std::string added_by;  // user id of whoever created the membership
};

// The creator becoming the first owner.
struct MemberAdded : MemberJoined {
  static constexpr const char* kType = "MemberAdded";
  static constexpr int kSchema = 1;
};

// A member invited by email (the user created in the same append when new).
struct MemberInvited : MemberJoined {
  static constexpr const char* kType = "MemberInvited";
  static constexpr int kSchema = 1;
};

struct MemberRoleChanged {
  static constexpr const char* kType = "MemberRoleChanged";
  static constexpr int kSchema = 1;
  std::string member_id;
  Role from = Role::editor;
  Role to = Role::editor;
  std::string changed_by;  // user id
};

struct MemberRemoved {
  static constexpr const char* kType = "MemberRemoved";
  static constexpr int kSchema = 1;
  std::string member_id;
  std::string user_id;
  std::string reason;      // "removed" | "left"
  std::string removed_by;  // user id
};

// Everything about a new key except the key itself: only its SHA-256.
struct ApiKeyCreatedData {
  std::string key_id;
  KeyKind kind = KeyKind::business;
  std::string name;
  std::string description;
  KeyRole role = KeyRole::readonly;
  std::string key_sha256;
  std::string prefix;  // display prefix, first 8 characters
  int64_t created_at_ms = 0;
  std::optional<int64_t> expires_at_ms;
  int64_t rate_limit_per_minute = 0;
  int64_t rate_limit_per_day = 0;
  Metadata metadata;
  std::string created_by;  // user id
};

struct ApiKeyUpdatedData {
  std::string key_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<Metadata> metadata;  // the whole new value
};

struct ApiKeyRevokedData {
  std::string key_id;
  int64_t revoked_at_ms = 0;
  std::string revoked_by;  // user id
};

// An operator set a key's rate limits (any tier; callers of the API are held to
// kMaxRateLimitPerMinute/-PerDay). The whole new pair; 0 = the default.
struct ApiKeyLimitsChangedData {
  std::string key_id;
  int64_t rate_limit_per_minute = 0;
  int64_t rate_limit_per_day = 0;
};

struct OrgApiKeyCreated : ApiKeyCreatedData {
  static constexpr const char* kType = "OrgApiKeyCreated";
  static constexpr int kSchema = 1;
};
struct OrgApiKeyUpdated : ApiKeyUpdatedData {
  static constexpr const char* kType = "OrgApiKeyUpdated";
  static constexpr int kSchema = 1;
};
struct OrgApiKeyRevoked : ApiKeyRevokedData {
  static constexpr const char* kType = "OrgApiKeyRevoked";
  static constexpr int kSchema = 1;
};
struct OrgApiKeyLimitsChanged : ApiKeyLimitsChangedData {
  static constexpr const char* kType = "OrgApiKeyLimitsChanged";
  static constexpr int kSchema = 1;
};

// The ApiKey record a created event describes, and an update applied to one.
// Shared by both aggregates and by read models that keep keys.
ApiKey api_key_from_event(const ApiKeyCreatedData& e);
void apply_key_update(ApiKey& key, const ApiKeyUpdatedData& e);
void apply_key_limits(ApiKey& key, const ApiKeyLimitsChangedData& e);

// JSON codecs (nlohmann ADL). from_json throws nlohmann::json::exception on bad
// data; decode_event below turns that into an Error.
void to_json(nlohmann::json& j, const OrganizationCreated& e);
void from_json(const nlohmann::json& j, OrganizationCreated& e);
void to_json(nlohmann::json& j, const OrganizationUpdated& e);
void from_json(const nlohmann::json& j, OrganizationUpdated& e);
void to_json(nlohmann::json& j, const OrganizationDeleted& e);
void from_json(const nlohmann::json& j, OrganizationDeleted& e);
void to_json(nlohmann::json& j, const OrganizationRestored& e);
void from_json(const nlohmann::json& j, OrganizationRestored& e);
void to_json(nlohmann::json& j, const MemberJoined& e);
void from_json(const nlohmann::json& j, MemberJoined& e);
void to_json(nlohmann::json& j, const MemberRoleChanged& e);
void from_json(const nlohmann::json& j, MemberRoleChanged& e);
void to_json(nlohmann::json& j, const MemberRemoved& e);
void from_json(const nlohmann::json& j, MemberRemoved& e);
void to_json(nlohmann::json& j, const ApiKeyCreatedData& e);
void from_json(const nlohmann::json& j, ApiKeyCreatedData& e);
void to_json(nlohmann::json& j, const ApiKeyUpdatedData& e);
void from_json(const nlohmann::json& j, ApiKeyUpdatedData& e);
void to_json(nlohmann::json& j, const ApiKeyRevokedData& e);
void from_json(const nlohmann::json& j, ApiKeyRevokedData& e);
void to_json(nlohmann::json& j, const ApiKeyLimitsChangedData& e);
void from_json(const nlohmann::json& j, ApiKeyLimitsChangedData& e);

// ---- State ----

struct Member {
  std::string id;  // membership id
  std::string user_id;
  std::string email;
  std::string name;
  Metadata user_metadata;
  Role role = Role::editor;
  int64_t joined_at_ms = 0;
  bool removed = false;
  int64_t removed_at_ms = 0;
  std::string removal_reason;  // "removed" | "left"
};

struct OrganizationState {
  std::string id;
  std::string name;
  std::string country;
  bool is_brand = false;
  bool require_reauth_to_delete = true;
  Metadata metadata;
  std::string created_by;
  int64_t created_at_ms = 0;
  std::optional<int64_t> deleted_at_ms;  // set while deleted (tombstone)
  uint64_t version = 0;                  // events in the stream; the ETag

  // Every membership ever, in join order; removed ones stay (flagged) so that
  // ids stay unique and a removal can still be rendered.
  std::vector<Member> members;
  std::unordered_map<std::string, size_t> member_index;           // member id → position
  std::unordered_map<std::string, size_t> active_member_of_user;  // user id → position
  size_t active_member_count = 0;
  size_t owner_count = 0;

  // Org keys in creation order; revoked ones stay flagged.
  std::vector<ApiKey> keys;
  std::unordered_map<std::string, size_t> key_index;  // key id → position
  size_t unrevoked_key_count = 0;                     // expired ones included

  bool exists() const { return version > 0; }
  bool deleted() const { return deleted_at_ms.has_value(); }
  // Deleted at most 90 days before now.
  bool restorable_at(int64_t now_ms) const {
    return deleted_at_ms && now_ms - *deleted_at_ms <= kRestoreWindowMs;
  }

  // Any membership, removed or not; nullptr when unknown.
  const Member* find_member(const std::string& member_id) const;
  // The user's current membership; nullptr when not a member.
  const Member* active_member_of(const std::string& user_id) const;
  std::optional<Role> role_of(const std::string& user_id) const;
  // Any key, revoked or not; nullptr when unknown.
  const ApiKey* find_key(const std::string& key_id) const;
  // A key that has not been revoked; nullptr otherwise.
  const ApiKey* find_unrevoked_key(const std::string& key_id) const;
};

// Applies one stored event of stream org-<id> (at its current schema). Unknown
// types are ignored (forward compatibility); the version always advances.
void evolve(OrganizationState& state, const EventEnvelope& event);
// Same, reporting undecodable data instead of skipping it.
Status evolve_checked(OrganizationState& state, const EventEnvelope& event);

}  // namespace closient
