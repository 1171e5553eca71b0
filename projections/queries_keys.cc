// Queries about API keys: an organization's keys (MANAGE_API_KEYS) and the
// caller's own csu keys. A revoked key is gone from both.
#include "domain/views.h"
#include "projections/org_access.h"
#include "projections/queries.h"
#include "projections/query_support.h"

namespace closient {
namespace {

using query_support::guarded;

Error no_such_key(const std::string& key_id) {
  return Error::make(ErrorCode::not_found, "No API key " + key_id + ".");
}

const ApiKey* key_named(const ServingState& state, const std::string& key_id) {
  auto id = id_from_text(key_id);
  auto ref = id ? state.key(*id) : std::nullopt;
  return ref ? state.key_record(*ref) : nullptr;
}

}  // namespace

Result<nlohmann::json> AccountQueries::list_org_keys(const Caller& caller,
                                                     const std::string& org_id,
                                                     const PageRequest& page) {
  return guarded([&]() -> Result<nlohmann::json> {
    LiveState::View state = state_.read();
    auto access = access_org_for(*state, caller, org_id, OrgAction::manage_api_keys);
    if (!access.ok()) return access.error();
    Status valid = check_page_request(page);
    if (!valid.ok()) return valid.error();
    const OrgRecord& org = *access->org;
    nlohmann::json data = nlohmann::json::array();
    for (uint32_t at : org.live_keys.page(page.offset(), page.page_size)) {
      data.push_back(api_key_view(org.keys[at], last_used(org.keys[at].id)));
    }
    return page_envelope(std::move(data), page, org.live_keys.count());
  });
}

Result<VersionedBody> AccountQueries::get_org_key(const Caller& caller, const std::string& org_id,
                                                  const std::string& key_id) {
  return guarded([&]() -> Result<VersionedBody> {
    LiveState::View state = state_.read();
    auto access = access_org_for(*state, caller, org_id, OrgAction::manage_api_keys);
    if (!access.ok()) return access.error();
    const ApiKey* key = key_named(*state, key_id);
    if (!key || key->revoked || key->org_id != access->org->info.id) return no_such_key(key_id);
    return VersionedBody{api_key_view(*key, last_used(key->id)), access->org->info.version};
  });
}

Result<nlohmann::json> AccountQueries::list_user_keys(const Caller& caller,
                                                      const PageRequest& page) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::read_own_keys);
    if (!allowed.ok()) return allowed.error();
    Status valid = check_page_request(page);
    if (!valid.ok()) return valid.error();
    LiveState::View state = state_.read();
    auto user_id = id_from_text(caller.user_id);
    const UserRecord* user = user_id ? state->user(*user_id) : nullptr;
    nlohmann::json data = nlohmann::json::array();
    if (!user || !user->extras) return page_envelope(std::move(data), page, 0);
    const UserExtras& extras = *user->extras;
    for (uint32_t at : extras.live_keys.page(page.offset(), page.page_size)) {
      data.push_back(api_key_view(extras.keys[at], last_used(extras.keys[at].id)));
    }
    return page_envelope(std::move(data), page, extras.live_keys.count());
  });
}

Result<nlohmann::json> AccountQueries::get_user_key(const Caller& caller,
                                                    const std::string& key_id) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::read_own_keys);
    if (!allowed.ok()) return allowed.error();
    LiveState::View state = state_.read();
    const ApiKey* key = key_named(*state, key_id);
    // Someone else's key is as unknown as a revoked one.
    if (!key || key->revoked || key->kind != KeyKind::user || key->user_id != caller.user_id) {
      return no_such_key(key_id);
    }
    return api_key_view(*key, last_used(key->id));
  });
}

}  // namespace closient
