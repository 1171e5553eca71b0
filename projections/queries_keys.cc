// Queries about API keys: an organization's keys (MANAGE_API_KEYS) and the
// caller's own csu keys. A revoked key is gone from both.
#include "domain/views.h"
#include "projections/counters.h"
#include "projections/documents.h"
#include "projections/org_access.h"
#include "projections/queries.h"
#include "projections/query_support.h"
#include "projections/read_model_keys.h"

namespace closient {
namespace {

using query_support::guarded;
using query_support::normalized;

std::optional<ApiKey> key_at(ReadModelStore& store, const std::string& key_id) {
  auto doc = read_document(store, rm_key::key(key_id));
  if (!doc) return std::nullopt;
  return key_from_document(*doc).key;
}

Error no_such_key(const std::string& key_id) {
  return Error::make(ErrorCode::not_found, "No API key " + key_id + ".");
}

}  // namespace

Result<nlohmann::json> AccountQueries::list_org_keys(const Caller& caller,
                                                     const std::string& org_id,
                                                     const PageRequest& page) {
  return guarded([&]() -> Result<nlohmann::json> {
    const std::string id = normalized(org_id);
    auto access = access_org_for(store_, caller, id, OrgAction::manage_api_keys);
    if (!access.ok()) return access.error();
    Status valid = check_page_request(page);
    if (!valid.ok()) return valid.error();
    const uint64_t total = read_counter(store_, rm_key::org_key_count(id));
    auto entries = read_index_page(store_, rm_key::org_keys_prefix(id), page, total);
    if (!entries.ok()) return entries.error();
    nlohmann::json data = nlohmann::json::array();
    for (const IndexEntry& entry : *entries) {
      if (auto key = key_at(store_, entry.value)) {
        data.push_back(api_key_view(*key, last_used(key->id)));
      }
    }
    return page_envelope(std::move(data), page, total);
  });
}

Result<VersionedBody> AccountQueries::get_org_key(const Caller& caller, const std::string& org_id,
                                                  const std::string& key_id) {
  return guarded([&]() -> Result<VersionedBody> {
    const std::string id = normalized(org_id);
    auto access = access_org_for(store_, caller, id, OrgAction::manage_api_keys);
    if (!access.ok()) return access.error();
    std::optional<ApiKey> key = key_at(store_, normalized(key_id));
    if (!key || key->revoked || key->org_id != id) return no_such_key(key_id);
    return VersionedBody{api_key_view(*key, last_used(key->id)), access->org.version};
  });
}

Result<nlohmann::json> AccountQueries::list_user_keys(const Caller& caller,
                                                      const PageRequest& page) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::read_own_keys);
    if (!allowed.ok()) return allowed.error();
    Status valid = check_page_request(page);
    if (!valid.ok()) return valid.error();
    const uint64_t total = read_counter(store_, rm_key::user_key_count(caller.user_id));
    auto entries = read_index_page(store_, rm_key::user_keys_prefix(caller.user_id), page, total);
    if (!entries.ok()) return entries.error();
    nlohmann::json data = nlohmann::json::array();
    for (const IndexEntry& entry : *entries) {
      if (auto key = key_at(store_, entry.value)) {
        data.push_back(api_key_view(*key, last_used(key->id)));
      }
    }
    return page_envelope(std::move(data), page, total);
  });
}

Result<nlohmann::json> AccountQueries::get_user_key(const Caller& caller,
                                                    const std::string& key_id) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::read_own_keys);
    if (!allowed.ok()) return allowed.error();
    std::optional<ApiKey> key = key_at(store_, normalized(key_id));
    // Someone else's key is as unknown as a revoked one.
    if (!key || key->revoked || key->kind != KeyKind::user || key->user_id != caller.user_id) {
      return no_such_key(key_id);
    }
    return api_key_view(*key, last_used(key->id));
  });
}

}  // namespace closient
