// Queries about members: the list (live, filtered, or as of a past moment)
// and one member.
#include "domain/views.h"
#include "projections/counters.h"
#include "projections/documents.h"
#include "projections/member_search.h"
#include "projections/org_access.h"
#include "projections/queries.h"
#include "projections/query_support.h"
#include "projections/read_model_keys.h"

namespace closient {
namespace {

using query_support::guarded;
using query_support::normalized;

// The member document an index entry points at, if it still exists.
std::optional<Member> member_at(ReadModelStore& store, const std::string& org_id,
                                const std::string& member_id) {
  auto doc = read_document(store, rm_key::member(org_id, member_id));
  if (!doc) return std::nullopt;
  return member_from_document(*doc).member;
}

// Without `q`: the page straight from the join-order index (or the role's
// index), its size from the matching counter.
Result<nlohmann::json> indexed_page(ReadModelStore& store, const std::string& org_id,
                                    const std::optional<Role>& role, const PageRequest& page) {
  const std::string prefix =
      role ? rm_key::members_with_role_prefix(org_id, *role) : rm_key::members_prefix(org_id);
  const uint64_t total = read_counter(
      store, role ? rm_key::member_count_with_role(org_id, *role) : rm_key::member_count(org_id));
  auto entries = read_index_page(store, prefix, page, total);
  if (!entries.ok()) return entries.error();
  nlohmann::json data = nlohmann::json::array();
  for (const IndexEntry& entry : *entries) {
    if (auto member = member_at(store, org_id, entry.value)) data.push_back(member_view(*member));
  }
  return page_envelope(std::move(data), page, total);
}

// With `q`: a substring of free text has no index, so this walks the (role's)
// index and reads each member document; total_count is what matched. The
// cost grows with the organization's size, not the page's.
Result<nlohmann::json> searched_page(ReadModelStore& store, const std::string& org_id,
                                     const MemberFilter& filter, const PageRequest& page) {
  const std::string prefix = filter.role ? rm_key::members_with_role_prefix(org_id, *filter.role)
                                         : rm_key::members_prefix(org_id);
  const std::string folded_q = fold_case(filter.q);
  const uint64_t offset = page.offset();
  uint64_t matched = 0;
  nlohmann::json data = nlohmann::json::array();
  Status scanned = store.scan(prefix, "", [&](const std::string&, const std::string& member_id) {
    std::optional<Member> member = member_at(store, org_id, member_id);
    if (!member || !member_matches(*member, filter, folded_q)) return true;
    if (matched >= offset && data.size() < page.page_size) data.push_back(member_view(*member));
    ++matched;
    return true;
  });
  if (!scanned.ok()) return scanned.error();
  return page_envelope(std::move(data), page, matched);
}

// As of a past moment: the organization folded from its stream, filtered in memory.
Result<nlohmann::json> historical_page(EventLog& log, const std::string& org_id,
                                       const MemberFilter& filter, const PageRequest& page,
                                       const AsOf& as_of) {
  auto org = org_as_of(log, org_id, as_of);
  if (!org.ok()) return org.error();
  const std::string folded_q = fold_case(filter.q);
  const uint64_t offset = page.offset();
  uint64_t matched = 0;
  nlohmann::json data = nlohmann::json::array();
  for (const Member& member : org->members) {
    if (member.removed || !member_matches(member, filter, folded_q)) continue;
    if (matched >= offset && data.size() < page.page_size) data.push_back(member_view(member));
    ++matched;
  }
  return page_envelope(std::move(data), page, matched);
}

}  // namespace

Result<nlohmann::json> AccountQueries::list_members(const Caller& caller, const std::string& org_id,
                                                    const MemberFilter& filter,
                                                    const PageRequest& page,
                                                    const std::optional<AsOf>& as_of) {
  return guarded([&]() -> Result<nlohmann::json> {
    const std::string id = normalized(org_id);
    auto access = access_org_for(store_, caller, id, OrgAction::read_members);
    if (!access.ok()) return access.error();
    Status valid = check_page_request(page);
    if (!valid.ok()) return valid.error();
    if (as_of) return historical_page(log_, id, filter, page, *as_of);
    if (!filter.q.empty()) return searched_page(store_, id, filter, page);
    return indexed_page(store_, id, filter.role, page);
  });
}

Result<VersionedBody> AccountQueries::get_member(const Caller& caller, const std::string& org_id,
                                                 const std::string& member_id) {
  return guarded([&]() -> Result<VersionedBody> {
    const std::string id = normalized(org_id);
    auto access = access_org_for(store_, caller, id, OrgAction::read_members);
    if (!access.ok()) return access.error();
    std::optional<Member> member = member_at(store_, id, normalized(member_id));
    if (!member || member->removed) {
      return Error::make(ErrorCode::not_found, "No member " + member_id + " in this organization.");
    }
    return VersionedBody{member_view(*member), access->org.version};
  });
}

}  // namespace closient
