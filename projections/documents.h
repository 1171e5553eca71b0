// The documents of the core read models: each entity's state in the
// projection's own JSON (not the wire format; times are Unix milliseconds).
// Queries decode them back into domain structs and render those with the
// domain's views, so an answer looks the same whichever path produced it.
//
// Decoding throws nlohmann::json::exception on a malformed document; the
// projector, the queries and the authenticator each turn that into an Error
// at their boundary.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "domain/api_key.h"
#include "domain/metadata.h"
#include "domain/organization.h"
#include "domain/user.h"

namespace closient {

// o/<org>: the organization's own fields, its stream version (the ETag) and
// deleted_at. Members and keys live in their own documents.
nlohmann::json org_document(const OrganizationState& org);
OrganizationState org_from_document(const nlohmann::json& doc);

// md/<org>/<member>: one membership, active or removed, with its join seq.
struct MemberDocument {
  Member member;
  uint64_t seq = 0;
};
nlohmann::json member_document(const MemberDocument& doc);
MemberDocument member_from_document(const nlohmann::json& doc);

// k/<key>: an API key (org or user key; revoked keys stay, flagged) with its
// creation seq under its owner.
struct KeyDocument {
  ApiKey key;
  uint64_t seq = 0;
};
nlohmann::json key_document(const KeyDocument& doc);
KeyDocument key_from_document(const nlohmann::json& doc);

// kh/<sha256>: only what authentication needs, so a request costs one point
// lookup (plus the org document for org keys). Name, description and
// metadata are left out: they change without touching authentication.
nlohmann::json key_credential_document(const ApiKey& key);
ApiKey key_from_credential_document(const nlohmann::json& doc);

// u/<user>.
struct UserDocument {
  std::string id;
  std::string email;
  std::string name;
  Metadata metadata;
  int64_t created_at_ms = 0;
};
nlohmann::json user_document(const UserDocument& doc);
UserDocument user_from_document(const nlohmann::json& doc);

// th/<sha256> and sh/<sha256>: a bearer token or a session of a user.
struct TokenDocument {
  Token token;
  std::string user_id;
};
nlohmann::json token_document(const TokenDocument& doc);
TokenDocument token_from_document(const nlohmann::json& doc);

struct SessionDocument {
  Session session;
  std::string user_id;
};
nlohmann::json session_document(const SessionDocument& doc);
SessionDocument session_from_document(const nlohmann::json& doc);

// p/<user>: the trait preferences, as the domain's event codec writes them.
nlohmann::json preferences_document(const std::vector<TraitPreference>& preferences);
std::vector<TraitPreference> preferences_from_document(const nlohmann::json& doc);

// Any store with `std::optional<std::string> get(const std::string&)`
// (BatchWriter, ReadModelStore): the document at `key`, or nullopt if absent.
template <typename Store>
std::optional<nlohmann::json> read_document(Store& store, const std::string& key) {
  std::optional<std::string> bytes = store.get(key);
  if (!bytes) return std::nullopt;
  return nlohmann::json::parse(*bytes);
}

}  // namespace closient
