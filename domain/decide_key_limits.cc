// decide for SetApiKeyLimits: an operator gives one live key rate limits of any
// tier (the API holds callers to kMaxRateLimitPerMinute/-PerDay, so a caller
// cannot grant itself a quota). The event records the whole new pair; the
// envelope's actor names the operator.
#include <utility>

#include "domain/decide_support.h"
#include "domain/validation.h"

namespace closient {
namespace decide_support {
namespace {

// Far above any tier an operator would set, and far below where counting
// requests against it could overflow.
constexpr int64_t kMaxOperatorRateLimit = int64_t{1'000'000'000'000};

template <typename Changed, typename Owner>
Decision limits_changed(const Owner& owner, const ApiKey& key, const SetApiKeyLimits& cmd) {
  StreamAppend append = append_to(owner);
  if (key.rate_limit_per_minute != cmd.rate_limit_per_minute ||
      key.rate_limit_per_day != cmd.rate_limit_per_day) {
    Changed changed;
    changed.key_id = key.id;
    changed.rate_limit_per_minute = cmd.rate_limit_per_minute;
    changed.rate_limit_per_day = cmd.rate_limit_per_day;
    append.events.push_back(event_of(changed));
  }
  return single_append(std::move(append), key.id);
}

}  // namespace

Result<Decision> decide_command(const DecideContext& c, const SetApiKeyLimits& cmd) {
  if (cmd.org_id.empty() == cmd.user_id.empty()) {
    return internal("SetApiKeyLimits names its key's owner: an organization or a user.");
  }
  Validation v;
  v.add(
      check_rate_limit(cmd.rate_limit_per_minute, kMaxOperatorRateLimit, "rate_limit_per_minute"));
  v.add(check_rate_limit(cmd.rate_limit_per_day, kMaxOperatorRateLimit, "rate_limit_per_day"));
  if (!v.ok()) return v.status().error();
  const Error no_such_key = not_found("No API key " + cmd.key_id + " (or it has been revoked).");

  if (!cmd.org_id.empty()) {
    const OrganizationState* org = c.org;
    if (org == nullptr || !org->exists() || org->id != cmd.org_id || org->deleted()) {
      return no_such_key;
    }
    const ApiKey* key = org->find_unrevoked_key(cmd.key_id);
    if (key == nullptr) return no_such_key;
    return limits_changed<OrgApiKeyLimitsChanged>(*org, *key, cmd);
  }
  const UserState* user = c.target_user;
  if (user == nullptr || !user->exists() || user->id != cmd.user_id) return no_such_key;
  const ApiKey* key = user->find_unrevoked_key(cmd.key_id);
  if (key == nullptr) return no_such_key;
  return limits_changed<UserApiKeyLimitsChanged>(*user, *key, cmd);
}

}  // namespace decide_support
}  // namespace closient
