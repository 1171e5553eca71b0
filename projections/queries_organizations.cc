// Queries about organizations: the caller's list and one organization.
#include "domain/views.h"
#include "projections/org_access.h"
#include "projections/queries.h"
#include "projections/query_support.h"

namespace closient {

using query_support::guarded;

AccountQueries::AccountQueries(const LiveState& state, EventLog& log, KeyUsageTracker* usage)
    : state_(state), log_(log), usage_(usage) {}

std::optional<int64_t> AccountQueries::last_used(const std::string& key_id) {
  return usage_ ? usage_->last_used(key_id) : std::nullopt;
}

Result<nlohmann::json> AccountQueries::list_organizations(const Caller& caller,
                                                          const PageRequest& page) {
  return guarded([&]() -> Result<nlohmann::json> {
    Status allowed = check_user_action(caller, UserAction::list_organizations);
    if (!allowed.ok()) return allowed.error();
    Status valid = check_page_request(page);
    if (!valid.ok()) return valid.error();

    LiveState::View state = state_.read();
    nlohmann::json data = nlohmann::json::array();
    if (caller.is_org_key()) {
      // A csb key sees its own organization only (authentication has already
      // refused keys of a deleted one).
      auto access = access_org_for(*state, caller, caller.key_org_id, OrgAction::read_organization);
      if (!access.ok()) return access.error();
      if (page.offset() == 0) data.push_back(organization_view(access->org->info));
      return page_envelope(std::move(data), page, 1);
    }
    auto user_id = id_from_text(caller.user_id);
    const UserRecord* user = user_id ? state->user(*user_id) : nullptr;
    if (!user) return page_envelope(std::move(data), page, 0);
    // Memberships are kept in organization-id order: a stable order that needs
    // no renumbering when organizations are deleted and restored.
    const uint64_t total = user->memberships.size();
    for (uint64_t i = page.offset(); i < total && data.size() < page.page_size; ++i) {
      data.push_back(organization_view(state->org_at(user->memberships[i].org).info));
    }
    return page_envelope(std::move(data), page, total);
  });
}

Result<VersionedBody> AccountQueries::get_organization(const Caller& caller,
                                                       const std::string& org_id) {
  return guarded([&]() -> Result<VersionedBody> {
    LiveState::View state = state_.read();
    auto access = access_org_for(*state, caller, org_id, OrgAction::read_organization);
    if (!access.ok()) return access.error();
    return VersionedBody{organization_view(access->org->info), access->org->info.version};
  });
}

}  // namespace closient
