// The User aggregate, stream "user-<id>": who the user is, their personal csu
// keys, bearer tokens, browser sessions and trait preferences.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/api_key.h"
#include "domain/metadata.h"
#include "domain/organization.h"
#include "domain/preferences.h"
#include "events/envelope.h"
#include "events/result.h"

namespace closient {

// ---- Events (schema 1) ----

struct UserCreated {
  static constexpr const char* kType = "UserCreated";
  static constexpr int kSchema = 1;
  std::string user_id;
  std::string email;  // lower-cased, unique across the service
  std::string name;
  Metadata metadata;
  std::string created_via;     // "invite" | "bootstrap"
  std::string invited_to_org;  // invite: the organization id
  std::string invited_by;      // invite: the inviting user id
};

struct UserApiKeyCreated : ApiKeyCreatedData {
  static constexpr const char* kType = "UserApiKeyCreated";
  static constexpr int kSchema = 1;
};
struct UserApiKeyUpdated : ApiKeyUpdatedData {
  static constexpr const char* kType = "UserApiKeyUpdated";
  static constexpr int kSchema = 1;
};
struct UserApiKeyRevoked : ApiKeyRevokedData {
  static constexpr const char* kType = "UserApiKeyRevoked";
  static constexpr int kSchema = 1;
};
struct UserApiKeyLimitsChanged : ApiKeyLimitsChangedData {
  static constexpr const char* kType = "UserApiKeyLimitsChanged";
  static constexpr int kSchema = 1;
};

struct TokenIssued {
  static constexpr const char* kType = "TokenIssued";
  static constexpr int kSchema = 1;
  std::string token_id;
  std::string token_sha256;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;
};

struct TokenRevoked {
  static constexpr const char* kType = "TokenRevoked";
  static constexpr int kSchema = 1;
  std::string token_id;
  int64_t revoked_at_ms = 0;
};

struct SessionIssued {
  static constexpr const char* kType = "SessionIssued";
  static constexpr int kSchema = 1;
  std::string session_id;
  std::string session_sha256;  // of the cookie value
  std::string csrf_sha256;     // of the CSRF token
  int64_t authenticated_at_ms = 0;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;
};

struct SessionRevoked {
  static constexpr const char* kType = "SessionRevoked";
  static constexpr int kSchema = 1;
  std::string session_id;
  int64_t revoked_at_ms = 0;
};

struct PreferencesReplaced {
  static constexpr const char* kType = "PreferencesReplaced";
  static constexpr int kSchema = 1;
  std::vector<TraitPreference> preferences;  // the whole new list
};

void to_json(nlohmann::json& j, const UserCreated& e);
void from_json(const nlohmann::json& j, UserCreated& e);
void to_json(nlohmann::json& j, const TokenIssued& e);
void from_json(const nlohmann::json& j, TokenIssued& e);
void to_json(nlohmann::json& j, const TokenRevoked& e);
void from_json(const nlohmann::json& j, TokenRevoked& e);
void to_json(nlohmann::json& j, const SessionIssued& e);
void from_json(const nlohmann::json& j, SessionIssued& e);
void to_json(nlohmann::json& j, const SessionRevoked& e);
void from_json(const nlohmann::json& j, SessionRevoked& e);
void to_json(nlohmann::json& j, const TraitPreference& p);
void from_json(const nlohmann::json& j, TraitPreference& p);
void to_json(nlohmann::json& j, const PreferencesReplaced& e);
void from_json(const nlohmann::json& j, PreferencesReplaced& e);

// ---- State ----

struct Token {
  std::string id;
  std::string token_sha256;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;
  bool revoked = false;

  bool live_at(int64_t now_ms) const { return !revoked && now_ms < expires_at_ms; }
};

struct Session {
  std::string id;
  std::string session_sha256;
  std::string csrf_sha256;
  int64_t authenticated_at_ms = 0;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;
  bool revoked = false;

  bool live_at(int64_t now_ms) const { return !revoked && now_ms < expires_at_ms; }
};

struct UserState {
  std::string id;
  std::string email;
  std::string name;
  Metadata metadata;
  int64_t created_at_ms = 0;
  uint64_t version = 0;  // events in the stream

  std::vector<ApiKey> keys;  // csu keys in creation order; revoked ones stay flagged
  std::unordered_map<std::string, size_t> key_index;
  size_t unrevoked_key_count = 0;  // expired ones included
  std::unordered_map<std::string, Token> tokens;
  std::unordered_map<std::string, Session> sessions;
  std::vector<TraitPreference> preferences;

  bool exists() const { return version > 0; }
  const ApiKey* find_key(const std::string& key_id) const;
  const ApiKey* find_unrevoked_key(const std::string& key_id) const;
  const Token* find_token(const std::string& token_id) const;
  const Session* find_session(const std::string& session_id) const;
};

void evolve(UserState& state, const EventEnvelope& event);
Status evolve_checked(UserState& state, const EventEnvelope& event);

}  // namespace closient
