// Queries about organizations: the caller's list and one organization.
#include "domain/views.h"
#include "projections/counters.h"
#include "projections/documents.h"
#include "projections/org_access.h"
#include "projections/queries.h"
#include "projections/query_support.h"
#include "projections/read_model_keys.h"

namespace closient {

using query_support::guarded;
using query_support::normalized;

AccountQueries::AccountQueries(ReadModelStore& store, EventLog& log, KeyUsageTracker* usage)
    : store_(store), log_(log), usage_(usage) {}

std::optional<int64_t> AccountQueries::last_used(const std::string& key_id) {
  return usage_ ? usage_->last_used(key_id) : stored_last_used(store_, key_id);
}

Result<nlohmann::json> AccountQueries::list_organizations(const Caller& caller,
                                                          const PageRequest& page) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::list_organizations);
    if (!allowed.ok()) return allowed.error();
    Status valid = check_page_request(page);
    if (!valid.ok()) return valid.error();

    nlohmann::json data = nlohmann::json::array();
    if (caller.is_org_key()) {
      // A csb key sees its own organization only (authentication has already
      // refused keys of a deleted one).
      auto access = access_org_for(store_, caller, caller.key_org_id, OrgAction::read_organization);
      if (!access.ok()) return access.error();
      if (page.offset() == 0) data.push_back(organization_view(access->org));
      return page_envelope(std::move(data), page, 1);
    }
    const uint64_t total = read_counter(store_, rm_key::user_org_count(caller.user_id));
    // uo/<user>/<org> lists by organization id: a stable order that needs no
    // renumbering when organizations are deleted and restored.
    auto entries = read_index_page(store_, rm_key::user_orgs_prefix(caller.user_id), page, total);
    if (!entries.ok()) return entries.error();
    for (const IndexEntry& entry : *entries) {
      auto doc = read_document(store_, rm_key::org(entry.name));
      if (doc) data.push_back(organization_view(org_from_document(*doc)));
    }
    return page_envelope(std::move(data), page, total);
  });
}

Result<VersionedBody> AccountQueries::get_organization(const Caller& caller,
                                                       const std::string& org_id) {
  return guarded([&]() -> Result<VersionedBody> {
    auto access = access_org_for(store_, caller, normalized(org_id), OrgAction::read_organization);
    if (!access.ok()) return access.error();
    return VersionedBody{organization_view(access->org), access->org.version};
  });
}

}  // namespace closient
