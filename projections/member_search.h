// The `q` filter of the member list: a case-insensitive substring of the
// member's name or email. Case is folded for ASCII letters only (emails are
// stored lower-cased already; names keep other scripts as written).
#pragma once

#include <string>
#include <string_view>

#include "domain/organization.h"
#include "projections/queries.h"

namespace closient {

std::string fold_case(std::string_view text);

// Whether the member passes both filters; `folded_q` is fold_case(filter.q).
bool member_matches(const Member& member, const MemberFilter& filter, const std::string& folded_q);

}  // namespace closient
