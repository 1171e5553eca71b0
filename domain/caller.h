// The authenticated credential a command or query runs as. Authentication (the
// HTTP layer) builds it; authorization (roles.h, decide) reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/key_role.h"
#include "events/envelope.h"

namespace closient {

enum class CredentialKind {
  business_key,     // csb_: bound to one organization
  publishable_key,  // cpk_: bound to one organization, reads only
  user_key,         // csu_: acts as its user across that user's memberships
  token,            // bearer token of a user
  session,          // browser session of a user
};

const char* credential_kind_name(CredentialKind kind);

struct Caller {
  CredentialKind kind = CredentialKind::session;
  std::string credential_id;        // key id, token id or session id
  std::string user_id;              // the acting user; for org keys the key's creator
  std::string key_org_id;           // org keys: the organization the key belongs to
  std::optional<KeyRole> key_role;  // keys: the key's role
  int64_t authenticated_at_ms = 0;  // sessions: when the user last authenticated

  bool is_key() const {
    return kind == CredentialKind::business_key || kind == CredentialKind::publishable_key ||
           kind == CredentialKind::user_key;
  }
  bool is_org_key() const {
    return kind == CredentialKind::business_key || kind == CredentialKind::publishable_key;
  }
  // Session, token or csu key: acts through the user's memberships.
  bool is_user_credential() const { return !is_org_key(); }

  // How events caused by this caller name it: kind "api_key" | "token" | "session".
  Actor actor() const;

  // Convenience constructors, mostly for tests and tools.
  static Caller session(std::string session_id, std::string user_id, int64_t authenticated_at_ms);
  static Caller token(std::string token_id, std::string user_id);
  static Caller user_key(std::string key_id, std::string user_id, KeyRole role);
  static Caller business_key(std::string key_id, std::string org_id, std::string creator_user_id,
                             KeyRole role);
  static Caller publishable_key(std::string key_id, std::string org_id, std::string creator_user_id,
                                KeyRole role);
};

// The actor of operator commands (accountctl).
Actor operator_actor(std::string operator_name);

}  // namespace closient
