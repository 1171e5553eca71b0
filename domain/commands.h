// Commands: what a caller asks the domain to do. The HTTP layer and the operator
// tool build them from validated input; decide() judges them. Everything random
// a command needs (new ids, key and token material) is generated before decide
// (see assign_generated_fields), so decide stays deterministic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/api_key.h"
#include "domain/key_role.h"
#include "domain/metadata.h"
#include "domain/preferences.h"
#include "domain/random_source.h"
#include "domain/roles.h"

namespace closient {

// ---- Organization ----

struct CreateOrganization {
  std::string org_id;     // generated
  std::string member_id;  // generated: the creator's owner membership
  std::string name;
  std::string country;
  bool is_brand = false;
  Metadata metadata;
};

// Absent (nullopt) fields are unchanged. require_reauth_to_delete is owner-only.
struct UpdateOrganization {
  std::string org_id;
  std::optional<std::string> name;
  std::optional<std::string> country;
  std::optional<bool> is_brand;
  MetadataPatch metadata;
  std::optional<bool> require_reauth_to_delete;
  std::optional<uint64_t> if_match_version;
};

struct DeleteOrganization {
  std::string org_id;
  std::optional<uint64_t> if_match_version;
};

struct RestoreOrganization {
  std::string org_id;
  std::optional<uint64_t> if_match_version;
};

// ---- Members ----

struct InviteMember {
  std::string org_id;
  std::string email;  // normalized by decide; the pipeline looks the user up by normalize_email
  Role role = Role::editor;
  std::string member_id;    // generated
  std::string new_user_id;  // generated; used only when no user owns the email
  std::optional<uint64_t> if_match_version;
};

struct ChangeMemberRole {
  std::string org_id;
  std::string member_id;
  Role role = Role::editor;
  std::optional<uint64_t> if_match_version;
};

// Removing your own membership is leaving.
struct RemoveMember {
  std::string org_id;
  std::string member_id;
  std::optional<uint64_t> if_match_version;
};

// ---- Org API keys (csb, cpk) ----

struct CreateOrgApiKey {
  std::string org_id;
  std::string key_id;                // generated
  std::string raw_key;               // generated with generate_api_key(kind); must match kind
  KeyKind kind = KeyKind::business;  // business | publishable; user → validation_error
  std::string name;
  std::string description;
  KeyRole role = KeyRole::readonly;
  std::optional<int64_t> expires_at_ms;
  int64_t rate_limit_per_minute = 0;
  int64_t rate_limit_per_day = 0;
  Metadata metadata;
  std::optional<uint64_t> if_match_version;
};

struct UpdateOrgApiKey {
  std::string org_id;
  std::string key_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  MetadataPatch metadata;
  std::optional<uint64_t> if_match_version;
};

struct RevokeOrgApiKey {
  std::string org_id;
  std::string key_id;
  std::optional<uint64_t> if_match_version;
};

// ---- User API keys (csu), on the calling user ----

struct CreateUserApiKey {
  std::string key_id;       // generated
  std::string raw_key;      // generated with generate_api_key(KeyKind::user)
  bool kind_given = false;  // the body named `kind` → validation_error (always user)
  std::string name;
  std::string description;
  KeyRole role = KeyRole::readonly;
  std::optional<int64_t> expires_at_ms;
  int64_t rate_limit_per_minute = 0;
  int64_t rate_limit_per_day = 0;
  Metadata metadata;
};

struct UpdateUserApiKey {
  std::string key_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  MetadataPatch metadata;
};

struct RevokeUserApiKey {
  std::string key_id;
};

// ---- Preferences, on the calling user ----

struct ReplacePreferences {
  std::vector<TraitPreference> preferences;  // labels filled (parse_preferences does it)
};

// ---- Operator commands (accountctl) ----

struct BootstrapUser {
  std::string user_id;  // generated
  std::string email;
  std::string name;
  Metadata metadata;
};

struct IssueToken {
  std::string user_id;
  std::string token_id;   // generated
  std::string raw_token;  // generated (generate_secret)
  int64_t expires_at_ms = 0;
};

struct RevokeToken {
  std::string user_id;
  std::string token_id;
};

struct IssueSession {
  std::string user_id;
  std::string session_id;                      // generated
  std::string raw_session_token;               // generated: the cookie value
  std::string raw_csrf_token;                  // generated
  std::optional<int64_t> authenticated_at_ms;  // default: now
  int64_t expires_at_ms = 0;
};

struct RevokeSession {
  std::string user_id;
  std::string session_id;
};

// Rate limits of any tier for one live key (the API caps what callers may set).
// The key is named with its owner: exactly one of org_id and user_id.
struct SetApiKeyLimits {
  std::string key_id;
  std::string org_id;                 // an org key (csb, cpk): its organization
  std::string user_id;                // a user key (csu): its user
  int64_t rate_limit_per_minute = 0;  // 0 = the default
  int64_t rate_limit_per_day = 0;     // 0 = the default
};

using Command = std::variant<CreateOrganization, UpdateOrganization, DeleteOrganization,
                             RestoreOrganization, InviteMember, ChangeMemberRole, RemoveMember,
                             CreateOrgApiKey, UpdateOrgApiKey, RevokeOrgApiKey, CreateUserApiKey,
                             UpdateUserApiKey, RevokeUserApiKey, ReplacePreferences, BootstrapUser,
                             IssueToken, RevokeToken, IssueSession, RevokeSession, SetApiKeyLimits>;

// "InviteMember", for logs and metrics.
const char* command_name(const Command& command);

// Whether the command may only come from the operator tool.
bool is_operator_command(const Command& command);

// Fills every generated field that is still empty: new ids, key material
// (per the command's kind), token and session secrets.
void assign_generated_fields(Command& command, RandomSource& random);

// What state the pipeline must load before deciding a command.
struct CommandTargets {
  std::string org_id;          // the org stream's id (CreateOrganization: the new id)
  std::string target_user_id;  // IssueToken & co.: the user the command acts on
  std::string email;           // InviteMember, BootstrapUser: normalized email to look up
                               // (empty when it is not a valid address)
};
CommandTargets targets_of(const Command& command);

}  // namespace closient
