// Events of a user stream: the user document and email lookup, csu keys,
// bearer tokens, sessions and trait preferences.
#include "domain/event_json.h"
#include "projections/documents.h"
#include "projections/projector_steps.h"
#include "projections/read_model_keys.h"

namespace closient::projector {
namespace {

template <typename T>
Status with(const EventEnvelope& event, const std::function<void(const T&)>& then) {
  return decode_and<T>(event, then);
}

void user_created(BatchWriter& batch, const UserCreated& e, int64_t occurred_at_ms) {
  const std::string doc_key = rm_key::user(e.user_id);
  if (batch.get(doc_key)) return;
  UserDocument doc{e.user_id, e.email, e.name, e.metadata, occurred_at_ms};
  batch.put(doc_key, user_document(doc).dump());
  // The write pipeline reads ue/<email> to keep emails unique: the value is
  // the bare user id.
  batch.put(rm_key::user_by_email(e.email), e.user_id);
}

void token_issued(BatchWriter& batch, const std::string& user_id, const TokenIssued& e) {
  TokenDocument doc{Token{e.token_id, e.token_sha256, e.issued_at_ms, e.expires_at_ms, false},
                    user_id};
  batch.put(rm_key::token_by_hash(e.token_sha256), token_document(doc).dump());
  batch.put(rm_key::token_hash_by_id(e.token_id), e.token_sha256);
}

void token_revoked(BatchWriter& batch, const std::string& user_id, const TokenRevoked& e) {
  std::optional<std::string> sha = batch.get(rm_key::token_hash_by_id(e.token_id));
  if (!sha) return;
  auto stored = read_document(batch, rm_key::token_by_hash(*sha));
  if (!stored) return;
  TokenDocument doc = token_from_document(*stored);
  if (doc.user_id != user_id) return;
  doc.token.revoked = true;
  batch.put(rm_key::token_by_hash(*sha), token_document(doc).dump());
}

void session_issued(BatchWriter& batch, const std::string& user_id, const SessionIssued& e) {
  SessionDocument doc{Session{e.session_id, e.session_sha256, e.csrf_sha256, e.authenticated_at_ms,
                              e.issued_at_ms, e.expires_at_ms, false},
                      user_id};
  batch.put(rm_key::session_by_hash(e.session_sha256), session_document(doc).dump());
  batch.put(rm_key::session_hash_by_id(e.session_id), e.session_sha256);
}

void session_revoked(BatchWriter& batch, const std::string& user_id, const SessionRevoked& e) {
  std::optional<std::string> sha = batch.get(rm_key::session_hash_by_id(e.session_id));
  if (!sha) return;
  auto stored = read_document(batch, rm_key::session_by_hash(*sha));
  if (!stored) return;
  SessionDocument doc = session_from_document(*stored);
  if (doc.user_id != user_id) return;
  doc.session.revoked = true;
  batch.put(rm_key::session_by_hash(*sha), session_document(doc).dump());
}

}  // namespace

Status project_user_event(const EventEnvelope& event, const std::string& user_id,
                          BatchWriter& batch) {
  const std::string& type = event.type;
  const KeyOwner owner{"", user_id};
  if (type == UserCreated::kType) {
    return with<UserCreated>(
        event, [&](const UserCreated& e) { user_created(batch, e, event.occurred_at_ms); });
  }
  if (type == UserApiKeyCreated::kType) {
    return with<UserApiKeyCreated>(
        event, [&](const UserApiKeyCreated& e) { key_created(batch, owner, e); });
  }
  if (type == UserApiKeyUpdated::kType) {
    return with<UserApiKeyUpdated>(
        event, [&](const UserApiKeyUpdated& e) { key_updated(batch, owner, e); });
  }
  if (type == UserApiKeyRevoked::kType) {
    return with<UserApiKeyRevoked>(
        event, [&](const UserApiKeyRevoked& e) { key_revoked(batch, owner, e); });
  }
  if (type == UserApiKeyLimitsChanged::kType) {
    return with<UserApiKeyLimitsChanged>(
        event, [&](const UserApiKeyLimitsChanged& e) { key_limits_changed(batch, owner, e); });
  }
  if (type == TokenIssued::kType) {
    return with<TokenIssued>(event, [&](const TokenIssued& e) { token_issued(batch, user_id, e); });
  }
  if (type == TokenRevoked::kType) {
    return with<TokenRevoked>(event,
                              [&](const TokenRevoked& e) { token_revoked(batch, user_id, e); });
  }
  if (type == SessionIssued::kType) {
    return with<SessionIssued>(event,
                               [&](const SessionIssued& e) { session_issued(batch, user_id, e); });
  }
  if (type == SessionRevoked::kType) {
    return with<SessionRevoked>(
        event, [&](const SessionRevoked& e) { session_revoked(batch, user_id, e); });
  }
  if (type == PreferencesReplaced::kType) {
    return with<PreferencesReplaced>(event, [&](const PreferencesReplaced& e) {
      batch.put(rm_key::preferences(user_id), preferences_document(e.preferences).dump());
    });
  }
  return ok_status();  // unknown to this build
}

}  // namespace closient::projector
