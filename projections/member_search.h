// The `q` filter of the member list: a case-insensitive substring of the
// member's name or email. Case is folded for ASCII letters only (emails are
// stored lower-cased already; names keep other scripts as written).
#pragma once

#include <string>
#include <string_view>

#include "domain/organization.h"
#include "projections/queries.h"

namespace closient {

// A search walks the organization's members; beyond this many it is refused
// (422 on `q`) rather than letting one request scan without bound.
inline constexpr uint64_t kMaxSearchedMembers = 100000;

std::string fold_case(std::string_view text);

// Whether `folded_q` (already folded) is a substring of the name or email.
bool text_matches(std::string_view name, std::string_view email, const std::string& folded_q);

// Whether the member passes both filters; `folded_q` is fold_case(filter.q).
bool member_matches(const Member& member, const MemberFilter& filter, const std::string& folded_q);

}  // namespace closient
