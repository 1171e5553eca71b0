// Queries about members: the list (live, filtered, or as of a past moment)
// and one member.
#include <atomic>

#include "domain/views.h"
#include "projections/member_search.h"
#include "projections/org_access.h"
#include "projections/queries.h"
#include "projections/query_support.h"

namespace closient {
namespace {

using query_support::guarded;

nlohmann::json view_of(const ServingState& state, const OrgRecord& org,
                       const MemberRecord& record) {
  return member_view(member_of(state, org, record));
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The member's JSON, rendered on first use and kept until the member changes
// (the writer drops it). Two readers may render it at once; both store the
// same bytes.
std::shared_ptr<const std::string> rendered(const ServingState& state, const OrgRecord& org,
                                            const MemberRecord& record) {
  std::shared_ptr<const std::string> text = std::atomic_load(&record.rendered);
  if (!text) {
    text = std::make_shared<const std::string>(dump(view_of(state, org, record)));
    std::atomic_store(&record.rendered, text);
  }
  return text;
}

// {"data":[...],"pagination":{...}} with the members' JSON spliced in: the
// same bytes nlohmann would write for the whole (keys in order, compact).
std::string page_text(const std::vector<std::shared_ptr<const std::string>>& items,
                      const PageRequest& page, uint64_t total) {
  nlohmann::json envelope = page_envelope(nlohmann::json::array(), page, total);
  const std::string pagination = dump(envelope.at("pagination"));
  size_t size = 32 + pagination.size();
  for (const auto& item : items) size += item->size() + 1;
  std::string out;
  out.reserve(size);
  out += "{\"data\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += *items[i];
  }
  out += "],\"pagination\":";
  out += pagination;
  out += '}';
  return out;
}

// Without `q`: the page straight from the join-order index (or the role's),
// O(log n) to find its first entry whatever the page number.
std::string indexed_page(const ServingState& state, const OrgRecord& org,
                         const std::optional<Role>& role, const PageRequest& page) {
  const JoinOrderIndex& index = role ? org.by_role[static_cast<size_t>(*role)] : org.active;
  std::vector<std::shared_ptr<const std::string>> items;
  for (uint32_t at : index.page(page.offset(), page.page_size)) {
    items.push_back(rendered(state, org, org.members[at]));
  }
  return page_text(items, page, index.count());
}

// With `q`: a substring of free text has no index, so this walks the
// organization's members and counts what matched. Its cost grows with the
// organization's size (bounded by kMaxSearchedMembers), not the page's.
Result<nlohmann::json> searched_page(const ServingState& state, const OrgRecord& org,
                                     const MemberFilter& filter, const PageRequest& page) {
  if (org.active.count() > kMaxSearchedMembers) {
    return Error::validation("q", "searching is limited to organizations of at most " +
                                      std::to_string(kMaxSearchedMembers) + " members");
  }
  const std::string folded_q = fold_case(filter.q);
  const uint64_t offset = page.offset();
  uint64_t matched = 0;
  nlohmann::json data = nlohmann::json::array();
  for (const MemberRecord& record : org.members) {
    if (record.removed) continue;
    if (filter.role && record.role != *filter.role) continue;
    const UserRecord& user = state.user_at(record.user);
    const std::string& name = record.own_profile ? record.own_profile->name : user.name;
    const std::string& email = record.own_profile ? record.own_profile->email : user.email;
    if (!text_matches(name, email, folded_q)) continue;
    if (matched >= offset && data.size() < page.page_size)
      data.push_back(view_of(state, org, record));
    ++matched;
  }
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
  Result<std::string> text = list_members_text(caller, org_id, filter, page, as_of);
  if (!text.ok()) return text.error();
  return nlohmann::json::parse(*text);
}

Result<std::string> AccountQueries::list_members_text(const Caller& caller,
                                                      const std::string& org_id,
                                                      const MemberFilter& filter,
                                                      const PageRequest& page,
                                                      const std::optional<AsOf>& as_of) {
  return guarded([&]() -> Result<std::string> {
    std::string id;
    {
      LiveState::View state = state_.read();
      auto access = access_org_for(*state, caller, org_id, OrgAction::read_members);
      if (!access.ok()) return access.error();
      Status valid = check_page_request(page);
      if (!valid.ok()) return valid.error();
      if (!as_of) {
        if (filter.q.empty()) return indexed_page(*state, *access->org, filter.role, page);
        Result<nlohmann::json> searched = searched_page(*state, *access->org, filter, page);
        if (!searched.ok()) return searched.error();
        return dump(*searched);
      }
      id = access->org->info.id;
    }
    // Time travel reads the log: not under the state's lock.
    Result<nlohmann::json> then = historical_page(log_, id, filter, page, *as_of);
    if (!then.ok()) return then.error();
    return dump(*then);
  });
}

Result<VersionedBody> AccountQueries::get_member(const Caller& caller, const std::string& org_id,
                                                 const std::string& member_id) {
  return guarded([&]() -> Result<VersionedBody> {
    LiveState::View state = state_.read();
    auto access = access_org_for(*state, caller, org_id, OrgAction::read_members);
    if (!access.ok()) return access.error();
    const OrgRecord& org = *access->org;
    auto id = id_from_text(member_id);
    auto ref = id ? state->member(*id) : std::nullopt;
    if (!ref || &state->org_at(ref->org) != &org || org.members[ref->member].removed) {
      return Error::make(ErrorCode::not_found, "No member " + member_id + " in this organization.");
    }
    return VersionedBody{view_of(*state, org, org.members[ref->member]), org.info.version};
  });
}

}  // namespace closient
