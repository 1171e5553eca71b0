// Field-by-field comparison of two serving states, for verify: each entity is
// described as JSON (every field the state holds for it, derived indexes
// included) and the first description that differs is named.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "domain/views.h"
#include "projections/serving_state.h"

namespace closient {
namespace {

nlohmann::json key_fields(const ApiKey& k) {
  nlohmann::json j = api_key_view(k, std::nullopt);
  j["key_sha256"] = k.key_sha256;
  j["org_id"] = k.org_id;
  j["user_id"] = k.user_id;
  j["created_by"] = k.created_by;
  j["revoked"] = k.revoked;
  j["revoked_at_ms"] = k.revoked_at_ms;
  return j;
}

}  // namespace

std::string ServingState::first_difference(const ServingState& other) const {
  if (position_ != other.position_) {
    return fmt::format("positions differ: {} and {}", position_, other.position_);
  }
  if (users_.size() != other.users_.size()) {
    return fmt::format("user counts differ: {} and {}", users_.size(), other.users_.size());
  }
  if (orgs_.size() != other.orgs_.size()) {
    return fmt::format("organization counts differ: {} and {}", orgs_.size(), other.orgs_.size());
  }
  auto describe_user = [](const ServingState& s, const UserRecord& u) {
    nlohmann::json j = {{"id", shortuuid_encode(u.id)},
                        {"created", u.created},
                        {"email", u.email},
                        {"name", u.name},
                        {"metadata", u.metadata},
                        {"created_at_ms", u.created_at_ms},
                        {"version", u.version}};
    nlohmann::json memberships = nlohmann::json::array();
    for (const Membership& m : u.memberships) {
      memberships.push_back(
          {s.org_at(m.org).info.id, shortuuid_encode(s.org_at(m.org).members[m.member].id)});
    }
    j["memberships"] = memberships;
    if (u.extras) {
      nlohmann::json keys = nlohmann::json::array();
      for (const ApiKey& k : u.extras->keys) keys.push_back(key_fields(k));
      j["keys"] = keys;
      j["live_keys"] = u.extras->live_keys.count();
      nlohmann::json tokens = nlohmann::json::array();
      for (const Token& t : u.extras->tokens)
        tokens.push_back({t.id, t.token_sha256, t.issued_at_ms, t.expires_at_ms, t.revoked});
      j["tokens"] = tokens;
      nlohmann::json sessions = nlohmann::json::array();
      for (const Session& t : u.extras->sessions)
        sessions.push_back({t.id, t.session_sha256, t.csrf_sha256, t.authenticated_at_ms,
                            t.issued_at_ms, t.expires_at_ms, t.revoked});
      j["sessions"] = sessions;
      j["preferences"] = preferences_view(u.extras->preferences);
    }
    return j;
  };
  auto describe_org = [](const ServingState& s, const OrgRecord& o) {
    nlohmann::json j = organization_view(o.info);
    j["created_by"] = o.info.created_by;
    j["created_at_ms"] = o.info.created_at_ms;
    j["deleted_at_ms"] = o.info.deleted_at_ms ? nlohmann::json(*o.info.deleted_at_ms) : nullptr;
    j["version"] = o.info.version;
    j["owner_count"] = o.owner_count;
    j["active"] = o.active.count();
    nlohmann::json members = nlohmann::json::array();
    for (const MemberRecord& m : o.members) {
      nlohmann::json one = member_view(member_of(s, o, m));
      one["joined_at_ms"] = m.joined_at_ms;
      one["removed"] = m.removed;
      one["left"] = m.left;
      one["removed_at_ms"] = m.removed_at_ms;
      members.push_back(one);
    }
    j["members"] = members;
    nlohmann::json keys = nlohmann::json::array();
    for (const ApiKey& k : o.keys) keys.push_back(key_fields(k));
    j["keys"] = keys;
    j["positions"] = o.positions;
    return j;
  };
  for (size_t i = 0; i < users_.size(); ++i) {
    nlohmann::json a = describe_user(*this, users_[i]);
    nlohmann::json b = describe_user(other, other.users_[i]);
    if (a != b) {
      return fmt::format("user {}: {} and {}", a["id"].get<std::string>(), a.dump(), b.dump());
    }
  }
  for (size_t i = 0; i < orgs_.size(); ++i) {
    nlohmann::json a = describe_org(*this, *orgs_[i]);
    nlohmann::json b = describe_org(other, *other.orgs_[i]);
    if (a != b) {
      // Name the first field that differs rather than two whole organizations.
      for (auto it = a.begin(); it != a.end(); ++it) {
        if (!b.contains(it.key()) || b[it.key()] != it.value()) {
          return fmt::format("organization {} field {}: {} and {}", orgs_[i]->info.id, it.key(),
                             it.value().dump(), b.value(it.key(), nlohmann::json()).dump());
        }
      }
      return fmt::format("organization {} differs", orgs_[i]->info.id);
    }
  }
  if (credential_by_hash_.size() != other.credential_by_hash_.size()) {
    return "credential indexes differ in size";
  }
  return "";
}

}  // namespace closient
