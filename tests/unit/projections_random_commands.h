// Random but plausible traffic for the projections tests: a driver that picks
// commands against the World's current state (members that exist, keys that
// exist, callers that are members), so most are accepted and every event
// type appears. Rejected commands are simply skipped, as a client's would be.
#pragma once

#include <map>
#include <random>
#include <string>
#include <vector>

#include "projections_world.h"

namespace closient::testing {

class RandomTraffic {
 public:
  RandomTraffic(ProjectedWorld& w, uint64_t seed) : w_(w), rng_(seed) {}

  // Runs `commands` commands; answers how many were accepted.
  size_t run(size_t commands) {
    size_t accepted = 0;
    for (size_t i = 0; i < commands; ++i) {
      w_.world.now += pick(0, 5000);
      if (step()) ++accepted;
    }
    return accepted;
  }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  template <typename T>
  const T& any_of(const std::vector<T>& items) {
    return items[static_cast<size_t>(pick(0, static_cast<int>(items.size()) - 1))];
  }
  Role any_role() { return static_cast<Role>(pick(0, 3)); }
  KeyRole any_key_role() { return static_cast<KeyRole>(pick(0, 2)); }

  bool ok(const Result<Decision>& result) { return result.ok(); }

  std::string new_email() { return "user" + std::to_string(++emails_) + "@example.com"; }

  // A session of the user, opened on first use.
  Caller session_of(const std::string& user_id) {
    auto found = sessions_.find(user_id);
    if (found != sessions_.end()) return found->second;
    Caller session = w_.open_session(user_id).caller;
    sessions_.emplace(user_id, session);
    return session;
  }

  std::vector<std::string> org_ids() const {
    std::vector<std::string> ids;
    for (const auto& [id, org] : w_.world.orgs) ids.push_back(id);
    return ids;
  }

  // An active member of the org, or an empty Member when it has none.
  Member any_member(const OrganizationState& org) {
    std::vector<Member> active;
    for (const Member& m : org.members)
      if (!m.removed) active.push_back(m);
    return active.empty() ? Member{} : any_of(active);
  }

  // Mostly an owner (so most commands are allowed), sometimes anyone, sometimes a key.
  Caller any_caller(const OrganizationState& org) {
    const int dice = pick(0, 9);
    if (dice == 0 && !org_keys_[org.id].empty()) return any_of(org_keys_[org.id]);
    if (dice <= 6) {
      for (const Member& m : org.members)
        if (!m.removed && m.role == Role::owner && pick(0, 1) == 0) return session_of(m.user_id);
    }
    Member m = any_member(org);
    return m.user_id.empty() ? session_of(any_of(users_)) : session_of(m.user_id);
  }

  std::string any_key_id(const OrganizationState& org) {
    if (org.keys.empty()) return "2222222222222222222222";
    return any_of(org.keys).id;
  }

  bool step() {
    if (users_.size() < 3 || pick(0, 99) < 4) return new_person();
    std::vector<std::string> orgs = org_ids();
    if (orgs.empty() || pick(0, 99) < 4) return create_org();
    const OrganizationState& org = w_.world.org(any_of(orgs));
    const Caller caller = any_caller(org);
    const int dice = pick(0, 99);
    if (dice < 22) return invite(org, caller);
    if (dice < 36) return change_role(org, caller);
    if (dice < 44) return remove(org, caller);
    if (dice < 47) return leave(org);
    if (dice < 55) return create_org_key(org, caller);
    if (dice < 59) return update_org_key(org, caller);
    if (dice < 62) return revoke_org_key(org, caller);
    if (dice < 68) return update_org(org, caller);
    if (dice < 70) return delete_org(org, caller);
    if (dice < 73) return restore_org(org);
    if (dice < 75) return set_key_limits(org);
    return user_step();
  }

  bool user_step() {
    const std::string user_id = any_of(users_);
    UserState& user = w_.world.users.at(user_id);
    const Caller caller = session_of(user_id);
    const int dice = pick(0, 9);
    if (dice < 3) {
      CreateUserApiKey command;
      command.name = "k" + std::to_string(pick(0, 999));
      command.role = any_key_role();
      if (pick(0, 3) == 0) command.expires_at_ms = w_.world.now + pick(1, 100000);
      return ok(w_.run(caller, command));
    }
    if (dice < 4 && !user.keys.empty()) {
      UpdateUserApiKey command;
      command.key_id = any_of(user.keys).id;
      command.name = "renamed" + std::to_string(pick(0, 99));
      command.metadata = MetadataPatch::merge({{"k", std::to_string(pick(0, 9))}});
      return ok(w_.run(caller, command));
    }
    if (dice < 5 && !user.keys.empty()) {
      RevokeUserApiKey command;
      command.key_id = any_of(user.keys).id;
      return ok(w_.run(caller, command));
    }
    if (dice < 6) {
      ReplacePreferences command;
      for (int i = pick(0, 3); i > 0; --i) {
        TraitPreference p;
        p.trait = "trait_" + std::to_string(i);
        p.trait_label = default_trait_label(p.trait);
        p.category = static_cast<TraitCategory>(pick(0, 4));
        p.stance = static_cast<TraitStance>(pick(0, 3));
        command.preferences.push_back(p);
      }
      return ok(w_.run(caller, command));
    }
    if (dice < 7) {
      IssueToken command;
      command.user_id = user_id;
      command.expires_at_ms = w_.world.now + pick(1, 1000000);
      return ok(w_.run_operator(command));
    }
    if (dice < 8 && !user.tokens.empty()) {
      RevokeToken command;
      command.user_id = user_id;
      command.token_id = user.tokens.begin()->first;
      return ok(w_.run_operator(command));
    }
    if (dice < 9 && user.sessions.size() > 1) {
      // Never the session this driver acts with.
      for (const auto& [id, session] : user.sessions) {
        if (id == sessions_.at(user_id).credential_id) continue;
        RevokeSession command;
        command.user_id = user_id;
        command.session_id = id;
        return ok(w_.run_operator(command));
      }
    }
    IssueSession command;
    command.user_id = user_id;
    command.expires_at_ms = w_.world.now + pick(1, 1000000);
    return ok(w_.run_operator(command));
  }

  bool new_person() {
    const std::string user_id = w_.bootstrap_user(new_email(), "Person " + std::to_string(emails_));
    users_.push_back(user_id);
    return true;
  }

  bool create_org() {
    CreateOrganization command;
    command.name = "Org " + std::to_string(pick(0, 9999));
    command.country = pick(0, 1) ? "US" : "DE";
    if (pick(0, 1)) command.metadata = {{"tier", std::to_string(pick(1, 3))}};
    return ok(w_.run(session_of(any_of(users_)), command));
  }

  bool invite(const OrganizationState& org, const Caller& caller) {
    InviteMember command;
    command.org_id = org.id;
    // Existing users (possibly members already, or removed earlier) or new ones.
    command.email = pick(0, 2) == 0 ? new_email() : w_.world.users.at(any_of(users_)).email;
    if (pick(0, 4) == 0) command.email[0] = static_cast<char>(std::toupper(command.email[0]));
    command.role = any_role();
    return ok(w_.run(caller, command));
  }

  bool change_role(const OrganizationState& org, const Caller& caller) {
    Member target = any_member(org);
    ChangeMemberRole command;
    command.org_id = org.id;
    command.member_id = target.id.empty() ? "2222222222222222222222" : target.id;
    command.role = any_role();
    return ok(w_.run(caller, command));
  }

  bool remove(const OrganizationState& org, const Caller& caller) {
    Member target = any_member(org);
    RemoveMember command;
    command.org_id = org.id;
    command.member_id = target.id.empty() ? "2222222222222222222222" : target.id;
    return ok(w_.run(caller, command));
  }

  bool leave(const OrganizationState& org) {
    Member target = any_member(org);
    if (target.id.empty()) return false;
    RemoveMember command;
    command.org_id = org.id;
    command.member_id = target.id;
    return ok(w_.run(session_of(target.user_id), command));
  }

  bool create_org_key(const OrganizationState& org, const Caller& caller) {
    CreateOrgApiKey command;
    command.org_id = org.id;
    command.kind = pick(0, 3) == 0 ? KeyKind::publishable : KeyKind::business;
    command.role = any_key_role();
    command.name = "key " + std::to_string(pick(0, 999));
    command.rate_limit_per_minute = pick(0, 2) * 100;
    if (pick(0, 3) == 0) command.expires_at_ms = w_.world.now + pick(1, 100000);
    auto result = w_.run(caller, command);
    if (result.ok() && command.kind == KeyKind::business) {
      org_keys_[org.id].push_back(
          Caller::business_key(result->entity_id, org.id, caller.user_id, command.role));
    }
    return ok(result);
  }

  bool update_org_key(const OrganizationState& org, const Caller& caller) {
    UpdateOrgApiKey command;
    command.org_id = org.id;
    command.key_id = any_key_id(org);
    if (pick(0, 1)) command.name = "renamed " + std::to_string(pick(0, 99));
    if (pick(0, 1)) command.description = "about " + std::to_string(pick(0, 99));
    if (pick(0, 2) == 0) command.metadata = MetadataPatch::clear();
    return ok(w_.run(caller, command));
  }

  bool revoke_org_key(const OrganizationState& org, const Caller& caller) {
    RevokeOrgApiKey command;
    command.org_id = org.id;
    command.key_id = any_key_id(org);
    return ok(w_.run(caller, command));
  }

  // The operator's rate-limit tiers, on an org key or on a user's key.
  bool set_key_limits(const OrganizationState& org) {
    SetApiKeyLimits command;
    const UserState& user = w_.world.users.at(any_of(users_));
    if (pick(0, 1) == 0 && !user.keys.empty()) {
      command.key_id = any_of(user.keys).id;
      command.user_id = user.id;
    } else {
      command.key_id = any_key_id(org);
      command.org_id = org.id;
    }
    command.rate_limit_per_minute = pick(0, 2) * 5'000'000;
    command.rate_limit_per_day = pick(0, 2) * 500'000'000;
    return ok(w_.run_operator(command));
  }

  bool update_org(const OrganizationState& org, const Caller& caller) {
    UpdateOrganization command;
    command.org_id = org.id;
    if (pick(0, 1)) command.name = "Renamed " + std::to_string(pick(0, 999));
    if (pick(0, 2) == 0) command.is_brand = pick(0, 1) == 1;
    if (pick(0, 2) == 0)
      command.metadata = MetadataPatch::merge({{"m", std::to_string(pick(0, 9))}});
    if (pick(0, 3) == 0) command.if_match_version = org.version - static_cast<uint64_t>(pick(0, 1));
    return ok(w_.run(caller, command));
  }

  bool delete_org(const OrganizationState& org, const Caller& caller) {
    DeleteOrganization command;
    command.org_id = org.id;
    return ok(w_.run(caller, command));
  }

  bool restore_org(const OrganizationState& org) {
    if (!org.deleted()) return false;
    // Only a former owner may restore; their membership survives the deletion.
    for (const Member& m : org.members) {
      if (m.removed || m.role != Role::owner) continue;
      RestoreOrganization command;
      command.org_id = org.id;
      return ok(w_.run(session_of(m.user_id), command));
    }
    return false;
  }

  ProjectedWorld& w_;
  std::mt19937_64 rng_;
  std::vector<std::string> users_;
  std::map<std::string, Caller> sessions_;
  std::map<std::string, std::vector<Caller>> org_keys_;
  int emails_ = 0;
};

}  // namespace closient::testing
