#include "projections/member_search.h"

namespace closient {

std::string fold_case(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool member_matches(const Member& member, const MemberFilter& filter, const std::string& folded_q) {
  if (filter.role && member.role != *filter.role) return false;
  if (folded_q.empty()) return true;
  return fold_case(member.name).find(folded_q) != std::string::npos ||
         fold_case(member.email).find(folded_q) != std::string::npos;
}

}  // namespace closient
