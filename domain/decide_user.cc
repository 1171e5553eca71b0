// decide for what a user does to their own stream: personal csu keys and
// trait preferences. Org keys may not (they act for an organization, not a user).
#include <utility>

#include "domain/decide_api_keys.h"

namespace closient {
namespace decide_support {
namespace {

Result<const ApiKey*> own_unrevoked_key(const UserState& user, const std::string& key_id) {
  const ApiKey* key = user.find_unrevoked_key(key_id);
  if (key == nullptr) return not_found("No API key " + key_id + ".");
  return key;
}

}  // namespace

Result<Decision> decide_command(const DecideContext& c, const CreateUserApiKey& cmd) {
  Status allowed = check_user_action(*c.caller, UserAction::manage_own_keys);
  if (!allowed.ok()) return allowed.error();
  if (cmd.kind_given) return Error::validation("kind", "keys made here are always of kind user");
  if (!user_credential_covers_key_role(*c.caller, cmd.role)) {
    return forbidden("A key may not have more authority than its creator.",
                     "key_role_exceeds_authority");
  }
  // A manager csu key carries the user's full authority, with no sign-in age:
  // minted by a stale session it would reach what the session may not.
  if (cmd.role == KeyRole::manager) {
    Status recent = check_recent_sign_in(
        c, "Sign in again (within the last 15 minutes) to create a manager key.");
    if (!recent.ok()) return recent.error();
  }
  Result<ApiKeyCreatedData> data = new_api_key(c, cmd, KeyKind::user);
  if (!data.ok()) return data.error();
  const UserState& user = *c.calling_user;
  if (user.find_key(cmd.key_id) != nullptr) return internal("The generated key id is taken.");
  Status room = check_key_limit(user, kMaxLiveUserKeys, c.now_ms);
  if (!room.ok()) return room.error();

  return key_created<UserApiKeyCreated>(user, std::move(data).value(), cmd.raw_key);
}

Result<Decision> decide_command(const DecideContext& c, const UpdateUserApiKey& cmd) {
  Status allowed = check_user_action(*c.caller, UserAction::manage_own_keys);
  if (!allowed.ok()) return allowed.error();
  const UserState& user = *c.calling_user;
  Result<const ApiKey*> key = own_unrevoked_key(user, cmd.key_id);
  if (!key.ok()) return key.error();
  Result<std::optional<ApiKeyUpdatedData>> changes = api_key_changes(*key.value(), cmd);
  if (!changes.ok()) return changes.error();

  return key_updated<UserApiKeyUpdated>(user, std::move(changes).value(), cmd.key_id);
}

Result<Decision> decide_command(const DecideContext& c, const RevokeUserApiKey& cmd) {
  Status allowed = check_user_action(*c.caller, UserAction::manage_own_keys);
  if (!allowed.ok()) return allowed.error();
  const UserState& user = *c.calling_user;
  Result<const ApiKey*> key = own_unrevoked_key(user, cmd.key_id);
  if (!key.ok()) return key.error();

  UserApiKeyRevoked revoked;
  revoked.key_id = cmd.key_id;
  revoked.revoked_at_ms = c.now_ms;
  revoked.revoked_by = user.id;
  StreamAppend append = append_to(user);
  append.events.push_back(event_of(revoked));
  return single_append(std::move(append), cmd.key_id);
}

Result<Decision> decide_command(const DecideContext& c, const ReplacePreferences& cmd) {
  Status allowed = check_user_action(*c.caller, UserAction::write_preferences);
  if (!allowed.ok()) return allowed.error();
  Status valid = check_preferences(cmd.preferences);
  if (!valid.ok()) return valid.error();
  const UserState& user = *c.calling_user;

  StreamAppend append = append_to(user);
  if (cmd.preferences != user.preferences) {
    PreferencesReplaced replaced;
    replaced.preferences = cmd.preferences;
    append.events.push_back(event_of(replaced));
  }
  return single_append(std::move(append), user.id);
}

}  // namespace decide_support
}  // namespace closient
