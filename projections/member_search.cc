#include "projections/member_search.h"

#include <algorithm>

namespace closient {
namespace {

char folded(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Substring search with case folded on the fly: no copy of the haystack.
bool contains_folded(std::string_view haystack, const std::string& folded_needle) {
  if (folded_needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), folded_needle.begin(),
                        folded_needle.end(), [](char h, char n) { return folded(h) == n; });
  return it != haystack.end();
}

}  // namespace

std::string fold_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = folded(c);
  return out;
}

bool text_matches(std::string_view name, std::string_view email, const std::string& folded_q) {
  return contains_folded(name, folded_q) || contains_folded(email, folded_q);
}

bool member_matches(const Member& member, const MemberFilter& filter, const std::string& folded_q) {
  if (filter.role && member.role != *filter.role) return false;
  return text_matches(member.name, member.email, folded_q);
}

}  // namespace closient
