#include "domain/user.h"

#include <utility>

#include "domain/event_json.h"

namespace closient {

// ---- Codecs ----

void to_json(nlohmann::json& j, const UserCreated& e) {
  j = {{"user_id", e.user_id},
       {"email", e.email},
       {"name", e.name},
       {"metadata", e.metadata},
       {"created_via", e.created_via},
       {"invited_to_org", e.invited_to_org},
       {"invited_by", e.invited_by}};
}

void from_json(const nlohmann::json& j, UserCreated& e) {
  j.at("user_id").get_to(e.user_id);
  j.at("email").get_to(e.email);
  j.at("name").get_to(e.name);
  j.at("metadata").get_to(e.metadata);
  j.at("created_via").get_to(e.created_via);
  j.at("invited_to_org").get_to(e.invited_to_org);
  j.at("invited_by").get_to(e.invited_by);
}

void to_json(nlohmann::json& j, const TokenIssued& e) {
  j = {{"token_id", e.token_id},
       {"token_sha256", e.token_sha256},
       {"issued_at", time_json(e.issued_at_ms)},
       {"expires_at", time_json(e.expires_at_ms)}};
}

void from_json(const nlohmann::json& j, TokenIssued& e) {
  j.at("token_id").get_to(e.token_id);
  j.at("token_sha256").get_to(e.token_sha256);
  e.issued_at_ms = time_from_json(j, "issued_at");
  e.expires_at_ms = time_from_json(j, "expires_at");
}

void to_json(nlohmann::json& j, const TokenRevoked& e) {
  j = {{"token_id", e.token_id}, {"revoked_at", time_json(e.revoked_at_ms)}};
}

void from_json(const nlohmann::json& j, TokenRevoked& e) {
  j.at("token_id").get_to(e.token_id);
  e.revoked_at_ms = time_from_json(j, "revoked_at");
}

void to_json(nlohmann::json& j, const SessionIssued& e) {
  j = {{"session_id", e.session_id},
       {"session_sha256", e.session_sha256},
       {"csrf_sha256", e.csrf_sha256},
       {"authenticated_at", time_json(e.authenticated_at_ms)},
       {"issued_at", time_json(e.issued_at_ms)},
       {"expires_at", time_json(e.expires_at_ms)}};
}

void from_json(const nlohmann::json& j, SessionIssued& e) {
  j.at("session_id").get_to(e.session_id);
  j.at("session_sha256").get_to(e.session_sha256);
  j.at("csrf_sha256").get_to(e.csrf_sha256);
  e.authenticated_at_ms = time_from_json(j, "authenticated_at");
  e.issued_at_ms = time_from_json(j, "issued_at");
  e.expires_at_ms = time_from_json(j, "expires_at");
}

void to_json(nlohmann::json& j, const SessionRevoked& e) {
  j = {{"session_id", e.session_id}, {"revoked_at", time_json(e.revoked_at_ms)}};
}

void from_json(const nlohmann::json& j, SessionRevoked& e) {
  j.at("session_id").get_to(e.session_id);
  e.revoked_at_ms = time_from_json(j, "revoked_at");
}

void to_json(nlohmann::json& j, const TraitPreference& p) {
  j = {{"trait", p.trait},
       {"trait_label", p.trait_label},
       {"category", trait_category_name(p.category)},
       {"stance", trait_stance_name(p.stance)}};
}

void from_json(const nlohmann::json& j, TraitPreference& p) {
  j.at("trait").get_to(p.trait);
  j.at("trait_label").get_to(p.trait_label);
  auto category = parse_trait_category(j.at("category").get<std::string>());
  auto stance = parse_trait_stance(j.at("stance").get<std::string>());
  if (!category || !stance) throw EventDataError("bad trait category or stance");
  p.category = *category;
  p.stance = *stance;
}

void to_json(nlohmann::json& j, const PreferencesReplaced& e) {
  j = {{"preferences", e.preferences}};
}

void from_json(const nlohmann::json& j, PreferencesReplaced& e) {
  j.at("preferences").get_to(e.preferences);
}

// ---- State ----

const ApiKey* UserState::find_key(const std::string& key_id) const {
  auto it = key_index.find(key_id);
  return it == key_index.end() ? nullptr : &keys[it->second];
}

const ApiKey* UserState::find_unrevoked_key(const std::string& key_id) const {
  const ApiKey* key = find_key(key_id);
  return key && !key->revoked ? key : nullptr;
}

const Token* UserState::find_token(const std::string& token_id) const {
  auto it = tokens.find(token_id);
  return it == tokens.end() ? nullptr : &it->second;
}

const Session* UserState::find_session(const std::string& session_id) const {
  auto it = sessions.find(session_id);
  return it == sessions.end() ? nullptr : &it->second;
}

namespace {

ApiKey* unrevoked_key(UserState& s, const std::string& key_id) {
  auto it = s.key_index.find(key_id);
  if (it == s.key_index.end() || s.keys[it->second].revoked) return nullptr;
  return &s.keys[it->second];
}

}  // namespace

Status evolve_checked(UserState& s, const EventEnvelope& envelope) {
  const std::string& type = envelope.type;
  Status status = ok_status();
  if (type == UserCreated::kType) {
    status = decode_and<UserCreated>(envelope, [&](const UserCreated& e) {
      s.id = e.user_id;
      s.email = e.email;
      s.name = e.name;
      s.metadata = e.metadata;
      s.created_at_ms = envelope.occurred_at_ms;
    });
  } else if (type == UserApiKeyCreated::kType) {
    status = decode_and<UserApiKeyCreated>(envelope, [&](const UserApiKeyCreated& e) {
      if (s.key_index.count(e.key_id)) return;
      ApiKey key = api_key_from_event(e);
      key.user_id = s.id;
      s.key_index.emplace(e.key_id, s.keys.size());
      s.keys.push_back(std::move(key));
      ++s.unrevoked_key_count;
    });
  } else if (type == UserApiKeyUpdated::kType) {
    status = decode_and<UserApiKeyUpdated>(envelope, [&](const UserApiKeyUpdated& e) {
      if (ApiKey* key = unrevoked_key(s, e.key_id)) apply_key_update(*key, e);
    });
  } else if (type == UserApiKeyRevoked::kType) {
    status = decode_and<UserApiKeyRevoked>(envelope, [&](const UserApiKeyRevoked& e) {
      if (ApiKey* key = unrevoked_key(s, e.key_id)) {
        key->revoked = true;
        key->revoked_at_ms = e.revoked_at_ms;
        --s.unrevoked_key_count;
      }
    });
  } else if (type == UserApiKeyLimitsChanged::kType) {
    status = decode_and<UserApiKeyLimitsChanged>(envelope, [&](const UserApiKeyLimitsChanged& e) {
      if (ApiKey* key = unrevoked_key(s, e.key_id)) apply_key_limits(*key, e);
    });
  } else if (type == TokenIssued::kType) {
    status = decode_and<TokenIssued>(envelope, [&](const TokenIssued& e) {
      s.tokens[e.token_id] =
          Token{e.token_id, e.token_sha256, e.issued_at_ms, e.expires_at_ms, false};
    });
  } else if (type == TokenRevoked::kType) {
    status = decode_and<TokenRevoked>(envelope, [&](const TokenRevoked& e) {
      auto it = s.tokens.find(e.token_id);
      if (it != s.tokens.end()) it->second.revoked = true;
    });
  } else if (type == SessionIssued::kType) {
    status = decode_and<SessionIssued>(envelope, [&](const SessionIssued& e) {
      s.sessions[e.session_id] =
          Session{e.session_id,   e.session_sha256, e.csrf_sha256, e.authenticated_at_ms,
                  e.issued_at_ms, e.expires_at_ms,  false};
    });
  } else if (type == SessionRevoked::kType) {
    status = decode_and<SessionRevoked>(envelope, [&](const SessionRevoked& e) {
      auto it = s.sessions.find(e.session_id);
      if (it != s.sessions.end()) it->second.revoked = true;
    });
  } else if (type == PreferencesReplaced::kType) {
    status = decode_and<PreferencesReplaced>(
        envelope, [&](const PreferencesReplaced& e) { s.preferences = e.preferences; });
  }
  s.version = envelope.version != 0 ? envelope.version : s.version + 1;
  return status;
}

void evolve(UserState& state, const EventEnvelope& event) {
  (void)evolve_checked(state, event);
}

}  // namespace closient
