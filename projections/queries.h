// Every GET of the contract, answered from the in-memory serving state (and,
// for the audit feed and time travel, from the log). Each answer is the contract's
// JSON body, rendered by the domain's views; authorization runs on every call
// through the domain's permission function (see org_access.h): ids of another
// organization answer not_found, seen but not allowed answers forbidden.
//
// Ids are expected as the HTTP layer normalizes them (shortuuid); a canonical
// UUID is accepted too. Thread-safe: queries only read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "domain/caller.h"
#include "domain/roles.h"
#include "events/event_log.h"
#include "events/result.h"
#include "projections/as_of.h"
#include "projections/key_usage_tracker.h"
#include "projections/live_state.h"
#include "projections/pagination.h"

namespace closient {

// A body about one entity of an organization, with the version of the
// organization's stream: the ETag a later If-Match names.
struct VersionedBody {
  nlohmann::json body;
  uint64_t etag = 0;
};

struct MemberFilter {
  std::optional<Role> role;
  std::string q;  // case-insensitive substring of name or email; "" = no filter
};

inline constexpr uint64_t kDefaultAuditLimit = 100;
inline constexpr uint64_t kMaxAuditLimit = 1000;

class AccountQueries {
 public:
  // `usage` supplies last_used values; without it they are null.
  AccountQueries(const LiveState& state, EventLog& log, KeyUsageTracker* usage = nullptr);

  // GET /whoami
  Result<nlohmann::json> whoami(const Caller& caller);
  // GET /organizations: a user's organizations (by id), a csb key's own; cpk → forbidden.
  Result<nlohmann::json> list_organizations(const Caller& caller, const PageRequest& page);
  // GET /organizations/{id}
  Result<VersionedBody> get_organization(const Caller& caller, const std::string& org_id);

  // GET /organizations/{org_id}/members, in join order. With `as_of`, the
  // list as it stood then (authorized by the caller's access now).
  Result<nlohmann::json> list_members(const Caller& caller, const std::string& org_id,
                                      const MemberFilter& filter, const PageRequest& page,
                                      const std::optional<AsOf>& as_of = std::nullopt);
  // The same answer already serialized (compact JSON, the bytes the HTTP layer
  // sends): the live list is assembled from each member's JSON, rendered once
  // per change and reused, so a page costs no parsing and little allocation.
  Result<std::string> list_members_text(const Caller& caller, const std::string& org_id,
                                        const MemberFilter& filter, const PageRequest& page,
                                        const std::optional<AsOf>& as_of = std::nullopt);
  // GET /organizations/{org_id}/members/{member_id}; removed members are not found.
  Result<VersionedBody> get_member(const Caller& caller, const std::string& org_id,
                                   const std::string& member_id);

  // GET /organizations/{organization_id}/api-keys[/{key_id}] (MANAGE_API_KEYS);
  // revoked keys are gone.
  Result<nlohmann::json> list_org_keys(const Caller& caller, const std::string& org_id,
                                       const PageRequest& page);
  Result<VersionedBody> get_org_key(const Caller& caller, const std::string& org_id,
                                    const std::string& key_id);

  // GET /api-keys[/{key_id}]: the caller's own live csu keys (user credentials).
  Result<nlohmann::json> list_user_keys(const Caller& caller, const PageRequest& page);
  Result<nlohmann::json> get_user_key(const Caller& caller, const std::string& key_id);

  // GET /preferences (user credentials; org keys → forbidden).
  Result<nlohmann::json> get_preferences(const Caller& caller);

  // GET /organizations/{id}/events?after=&limit= (owner or manager): the
  // organization's events after `after`, oldest first, at most `limit`
  // (1..1000). {data: [...], next_after: position of the last entry when more
  // follow, else null}. Credential hashes are left out of `data`.
  Result<nlohmann::json> audit_feed(const Caller& caller, const std::string& org_id, uint64_t after,
                                    uint64_t limit);

 private:
  std::optional<int64_t> last_used(const std::string& key_id);

  const LiveState& state_;
  EventLog& log_;
  KeyUsageTracker* usage_;
};

}  // namespace closient
