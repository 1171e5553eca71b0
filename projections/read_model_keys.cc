#include "projections/read_model_keys.h"

#include <fmt/format.h>

namespace closient::rm_key {
namespace {

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out;
}

}  // namespace

std::string seq(uint64_t value) {
  return fmt::format("{:016x}", value);
}

std::optional<uint64_t> parse_seq(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  return value;
}

std::string projection_version() {
  return "_/version";
}

std::string org(std::string_view org_id) {
  return join({"o", org_id});
}
std::string org_event(std::string_view org_id, uint64_t position) {
  return join({"ae", org_id, seq(position)});
}
std::string org_events_prefix(std::string_view org_id) {
  return join({"ae", org_id, ""});
}

std::string member(std::string_view org_id, std::string_view member_id) {
  return join({"md", org_id, member_id});
}
std::string member_in_order(std::string_view org_id, uint64_t value) {
  return join({"m", org_id, seq(value)});
}
std::string members_prefix(std::string_view org_id) {
  return join({"m", org_id, ""});
}
std::string member_with_role(std::string_view org_id, Role role, uint64_t value) {
  return join({"mr", org_id, role_name(role), seq(value)});
}
std::string members_with_role_prefix(std::string_view org_id, Role role) {
  return join({"mr", org_id, role_name(role), ""});
}
std::string membership_of_user(std::string_view org_id, std::string_view user_id) {
  return join({"mu", org_id, user_id});
}
std::string member_count(std::string_view org_id) {
  return join({"c", "m", org_id});
}
std::string member_count_with_role(std::string_view org_id, Role role) {
  return join({"c", "mr", org_id, role_name(role)});
}
std::string next_member_seq(std::string_view org_id) {
  return join({"s", "m", org_id});
}

std::string user_org(std::string_view user_id, std::string_view org_id) {
  return join({"uo", user_id, org_id});
}
std::string user_orgs_prefix(std::string_view user_id) {
  return join({"uo", user_id, ""});
}
std::string user_org_count(std::string_view user_id) {
  return join({"c", "uo", user_id});
}

std::string user(std::string_view user_id) {
  return join({"u", user_id});
}
std::string user_by_email(std::string_view email) {
  return join({"ue", email});
}
std::string preferences(std::string_view user_id) {
  return join({"p", user_id});
}

std::string key(std::string_view key_id) {
  return join({"k", key_id});
}
std::string key_by_hash(std::string_view sha256_hex) {
  return join({"kh", sha256_hex});
}
std::string org_key(std::string_view org_id, uint64_t value) {
  return join({"ok", org_id, seq(value)});
}
std::string org_keys_prefix(std::string_view org_id) {
  return join({"ok", org_id, ""});
}
std::string org_key_count(std::string_view org_id) {
  return join({"c", "ok", org_id});
}
std::string next_org_key_seq(std::string_view org_id) {
  return join({"s", "ok", org_id});
}
std::string user_key(std::string_view user_id, uint64_t value) {
  return join({"uk", user_id, seq(value)});
}
std::string user_keys_prefix(std::string_view user_id) {
  return join({"uk", user_id, ""});
}
std::string user_key_count(std::string_view user_id) {
  return join({"c", "uk", user_id});
}
std::string next_user_key_seq(std::string_view user_id) {
  return join({"s", "uk", user_id});
}

std::string token_by_hash(std::string_view sha256_hex) {
  return join({"th", sha256_hex});
}
std::string token_hash_by_id(std::string_view token_id) {
  return join({"ti", token_id});
}
std::string session_by_hash(std::string_view sha256_hex) {
  return join({"sh", sha256_hex});
}
std::string session_hash_by_id(std::string_view session_id) {
  return join({"si", session_id});
}

}  // namespace closient::rm_key
