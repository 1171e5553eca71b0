// decide for operator commands (accountctl): bootstrapping users and issuing
// or revoking their bearer tokens and browser sessions. Raw secrets come in
// the command and leave once in the Decision; events keep only their SHA-256.
#include <utility>

#include "domain/decide_support.h"
#include "domain/ids.h"
#include "domain/secret.h"
#include "domain/validation.h"

namespace closient {
namespace decide_support {
namespace {

Result<const UserState*> existing_user(const DecideContext& c, const std::string& user_id) {
  const UserState* user = c.target_user;
  if (user == nullptr || !user->exists() || user->id != user_id) {
    return not_found("No user " + user_id + ".");
  }
  return user;
}

}  // namespace

Result<Decision> decide_command(const DecideContext& c, const BootstrapUser& cmd) {
  Result<std::string> email = normalize_email(cmd.email);
  const Metadata metadata = metadata_from_values(cmd.metadata);
  Validation v;
  if (!email.ok()) v.add(email.error());
  v.add(check_optional_name(cmd.name, "name"));
  v.add(check_metadata(metadata, "metadata"));
  if (!v.ok()) return v.status().error();
  if (c.target_user != nullptr && c.target_user->exists()) {
    return conflict("A user with email " + email.value() + " exists.");
  }
  if (!shortuuid_decode(cmd.user_id)) return internal("BootstrapUser needs a generated user id.");

  UserCreated created;
  created.user_id = cmd.user_id;
  created.email = email.value();
  created.name = cmd.name;
  created.metadata = metadata;
  created.created_via = "bootstrap";
  StreamAppend append = append_to_new_stream(user_stream(cmd.user_id));
  append.events.push_back(event_of(created));
  return single_append(std::move(append), cmd.user_id);
}

Result<Decision> decide_command(const DecideContext& c, const IssueToken& cmd) {
  Result<const UserState*> user = existing_user(c, cmd.user_id);
  if (!user.ok()) return user.error();
  Status valid = check_expires_at(cmd.expires_at_ms, c.now_ms);
  if (!valid.ok()) return valid.error();
  if (!shortuuid_decode(cmd.token_id) || cmd.raw_token.empty() ||
      user.value()->find_token(cmd.token_id) != nullptr) {
    return internal("IssueToken needs a new generated token id and token.");
  }

  TokenIssued issued;
  issued.token_id = cmd.token_id;
  issued.token_sha256 = secret_hash(cmd.raw_token);
  issued.issued_at_ms = c.now_ms;
  issued.expires_at_ms = cmd.expires_at_ms;
  StreamAppend append = append_to(*user.value());
  append.events.push_back(event_of(issued));
  Decision decision = single_append(std::move(append), cmd.token_id);
  decision.secret = cmd.raw_token;
  return decision;
}

Result<Decision> decide_command(const DecideContext& c, const RevokeToken& cmd) {
  Result<const UserState*> user = existing_user(c, cmd.user_id);
  if (!user.ok()) return user.error();
  const Token* token = user.value()->find_token(cmd.token_id);
  if (token == nullptr || token->revoked) return not_found("No token " + cmd.token_id + ".");

  TokenRevoked revoked;
  revoked.token_id = cmd.token_id;
  revoked.revoked_at_ms = c.now_ms;
  StreamAppend append = append_to(*user.value());
  append.events.push_back(event_of(revoked));
  return single_append(std::move(append), cmd.token_id);
}

Result<Decision> decide_command(const DecideContext& c, const IssueSession& cmd) {
  Result<const UserState*> user = existing_user(c, cmd.user_id);
  if (!user.ok()) return user.error();
  Status valid = check_expires_at(cmd.expires_at_ms, c.now_ms);
  if (!valid.ok()) return valid.error();
  const int64_t authenticated_at = cmd.authenticated_at_ms.value_or(c.now_ms);
  if (authenticated_at > c.now_ms) {
    return Error::validation("authenticated_at", "must not be in the future");
  }
  if (!shortuuid_decode(cmd.session_id) || cmd.raw_session_token.empty() ||
      cmd.raw_csrf_token.empty() || user.value()->find_session(cmd.session_id) != nullptr) {
    return internal("IssueSession needs a new generated session id, token and CSRF token.");
  }

  SessionIssued issued;
  issued.session_id = cmd.session_id;
  issued.session_sha256 = secret_hash(cmd.raw_session_token);
  issued.csrf_sha256 = secret_hash(cmd.raw_csrf_token);
  issued.authenticated_at_ms = authenticated_at;
  issued.issued_at_ms = c.now_ms;
  issued.expires_at_ms = cmd.expires_at_ms;
  StreamAppend append = append_to(*user.value());
  append.events.push_back(event_of(issued));
  Decision decision = single_append(std::move(append), cmd.session_id);
  decision.secret = cmd.raw_session_token;
  decision.csrf_token = cmd.raw_csrf_token;
  return decision;
}

Result<Decision> decide_command(const DecideContext& c, const RevokeSession& cmd) {
  Result<const UserState*> user = existing_user(c, cmd.user_id);
  if (!user.ok()) return user.error();
  const Session* session = user.value()->find_session(cmd.session_id);
  if (session == nullptr || session->revoked) {
    return not_found("No session " + cmd.session_id + ".");
  }

  SessionRevoked revoked;
  revoked.session_id = cmd.session_id;
  revoked.revoked_at_ms = c.now_ms;
  StreamAppend append = append_to(*user.value());
  append.events.push_back(event_of(revoked));
  return single_append(std::move(append), cmd.session_id);
}

}  // namespace decide_support
}  // namespace closient
