#include "domain/caller.h"

#include <utility>

namespace closient {

const char* credential_kind_name(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::business_key:
      return "business_key";
    case CredentialKind::publishable_key:
      return "publishable_key";
    case CredentialKind::user_key:
      return "user_key";
    case CredentialKind::token:
      return "token";
    case CredentialKind::session:
      return "session";
  }
  return "session";
}

Actor Caller::actor() const {
  const char* kind_name = is_key()                        ? "api_key"
                          : kind == CredentialKind::token ? "token"
                                                          : "session";
  return Actor{kind_name, credential_id, user_id};
}

Caller Caller::session(std::string session_id, std::string user_id, int64_t authenticated_at_ms) {
  Caller c;
  c.kind = CredentialKind::session;
  c.credential_id = std::move(session_id);
  c.user_id = std::move(user_id);
  c.authenticated_at_ms = authenticated_at_ms;
  return c;
}

Caller Caller::token(std::string token_id, std::string user_id) {
  Caller c;
  c.kind = CredentialKind::token;
  c.credential_id = std::move(token_id);
  c.user_id = std::move(user_id);
  return c;
}

Caller Caller::user_key(std::string key_id, std::string user_id, KeyRole role) {
  Caller c;
  c.kind = CredentialKind::user_key;
  c.credential_id = std::move(key_id);
  c.user_id = std::move(user_id);
  c.key_role = role;
  return c;
}

Caller Caller::business_key(std::string key_id, std::string org_id, std::string creator_user_id,
                            KeyRole role) {
  Caller c;
  c.kind = CredentialKind::business_key;
  c.credential_id = std::move(key_id);
  c.key_org_id = std::move(org_id);
  c.user_id = std::move(creator_user_id);
  c.key_role = role;
  return c;
}

Caller Caller::publishable_key(std::string key_id, std::string org_id, std::string creator_user_id,
                               KeyRole role) {
  Caller c = business_key(std::move(key_id), std::move(org_id), std::move(creator_user_id), role);
  c.kind = CredentialKind::publishable_key;
  return c;
}

Actor operator_actor(std::string operator_name) {
  return Actor{"operator", std::move(operator_name), ""};
}

}  // namespace closient
