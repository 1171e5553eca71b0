#include "projections/serving_state.h"

#include <algorithm>

#include "domain/event_json.h"

namespace closient {
namespace {

size_t role_slot(Role role) {
  return static_cast<size_t>(role);
}

bool same_metadata(const Metadata& a, const Metadata& b) {
  return a == b;
}

template <typename Record>
Record* find_by_id(std::vector<Record>& items, const std::string& id) {
  for (Record& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

}  // namespace

std::optional<Uuid> id_from_text(std::string_view text) {
  if (text.size() == 22) return shortuuid_decode(text);
  return parse_canonical_uuid(text);
}

Member member_of(const ServingState& state, const OrgRecord& org, const MemberRecord& record) {
  (void)org;
  Member m;
  m.id = shortuuid_encode(record.id);
  const UserRecord& user = state.user_at(record.user);
  m.user_id = shortuuid_encode(user.id);
  if (record.own_profile) {
    m.email = record.own_profile->email;
    m.name = record.own_profile->name;
    m.user_metadata = record.own_profile->metadata;
  } else {
    m.email = user.email;
    m.name = user.name;
    m.user_metadata = user.metadata;
  }
  m.role = record.role;
  m.joined_at_ms = record.joined_at_ms;
  m.removed = record.removed;
  m.removed_at_ms = record.removed_at_ms;
  if (record.removed) m.removal_reason = record.left ? "left" : "removed";
  return m;
}

// ---- lookups ----

const OrgRecord* ServingState::org(const Uuid& id) const {
  auto it = org_by_id_.find(id);
  return it == org_by_id_.end() ? nullptr : orgs_[it->second].get();
}

const UserRecord* ServingState::user(const Uuid& id) const {
  auto it = user_by_id_.find(id);
  return it == user_by_id_.end() || !users_[it->second].created ? nullptr : &users_[it->second];
}

const UserRecord* ServingState::user_by_email(const std::string& email) const {
  auto it = user_by_email_.find(email);
  return it == user_by_email_.end() ? nullptr : &users_[it->second];
}

std::optional<MemberRef> ServingState::member(const Uuid& id) const {
  auto it = member_by_id_.find(id);
  if (it == member_by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<KeyRef> ServingState::key(const Uuid& id) const {
  auto it = key_by_id_.find(id);
  if (it == key_by_id_.end()) return std::nullopt;
  return it->second;
}

const ApiKey* ServingState::key_record(const KeyRef& ref) const {
  if (ref.user_key) {
    const UserRecord& owner = users_[ref.owner];
    return owner.extras ? &owner.extras->keys[ref.item] : nullptr;
  }
  return &orgs_[ref.owner]->keys[ref.item];
}

std::optional<CredentialRef> ServingState::credential(const std::string& sha256_hex) const {
  auto it = credential_by_hash_.find(sha256_hex);
  if (it == credential_by_hash_.end()) return std::nullopt;
  return it->second;
}

const Membership* ServingState::membership(const UserRecord& user, const Uuid& org_id) const {
  auto it = std::lower_bound(
      user.memberships.begin(), user.memberships.end(), org_id,
      [](const Membership& m, const Uuid& id) { return m.org_id.bytes < id.bytes; });
  if (it == user.memberships.end() || it->org_id != org_id) return nullptr;
  return &*it;
}

uint64_t ServingState::member_count() const {
  uint64_t total = 0;
  for (const auto& org : orgs_) total += org->members.size();
  return total;
}

// ---- writer side ----

uint32_t ServingState::org_index(const Uuid& id, bool create) {
  auto it = org_by_id_.find(id);
  if (it != org_by_id_.end()) return it->second;
  if (!create) return kNone;
  const uint32_t index = static_cast<uint32_t>(orgs_.size());
  orgs_.push_back(std::make_unique<OrgRecord>());
  orgs_.back()->info.id = shortuuid_encode(id);
  org_by_id_.emplace(id, index);
  return index;
}

uint32_t ServingState::user_index(const Uuid& id, bool create) {
  auto it = user_by_id_.find(id);
  if (it != user_by_id_.end()) return it->second;
  if (!create) return kNone;
  const uint32_t index = static_cast<uint32_t>(users_.size());
  users_.emplace_back();
  users_.back().id = id;
  user_by_id_.emplace(id, index);
  return index;
}

Status ServingState::apply(const EventEnvelope& event) {
  position_ = event.position;
  last_hash_ = event.hash;
  Status status = ok_status();
  if (auto org_id = org_id_of_stream(event.stream)) {
    if (auto id = shortuuid_decode(*org_id)) {
      const uint32_t index = org_index(*id, true);
      OrgRecord& org = *orgs_[index];
      org.positions.push_back(event.position);
      status = apply_org_event(org, index, event);
      org.info.version = event.version != 0 ? event.version : org.info.version + 1;
    }
  } else if (auto user_id = user_id_of_stream(event.stream)) {
    if (auto id = shortuuid_decode(*user_id)) {
      const uint32_t index = user_index(*id, true);
      status = apply_user_event(users_[index], index, event);
      users_[index].version = event.version != 0 ? event.version : users_[index].version + 1;
    }
  }
  return status;
}

void ServingState::set_membership(uint32_t user, uint32_t org, uint32_t member, bool present) {
  std::vector<Membership>& list = users_[user].memberships;
  const Uuid org_id = *shortuuid_decode(orgs_[org]->info.id);
  auto it = std::lower_bound(
      list.begin(), list.end(), org_id,
      [](const Membership& m, const Uuid& id) { return m.org_id.bytes < id.bytes; });
  const bool found = it != list.end() && it->org_id == org_id;
  if (present) {
    if (found) {
      it->member = member;
    } else {
      list.insert(it, Membership{org_id, org, member});
    }
  } else if (found && it->member == member) {
    list.erase(it);
  }
}

void ServingState::join(OrgRecord& org, uint32_t org_idx, const MemberJoined& e) {
  auto member_id = shortuuid_decode(e.member_id);
  auto user_id = shortuuid_decode(e.user_id);
  if (!member_id || !user_id || member_by_id_.count(*member_id)) return;
  const uint32_t user = user_index(*user_id, true);
  MemberRecord record;
  record.id = *member_id;
  record.user = user;
  record.role = e.role;
  record.joined_at_ms = e.joined_at_ms;
  const UserRecord& u = users_[user];
  if (!u.created || u.email != e.email || u.name != e.name ||
      !same_metadata(u.metadata, e.user_metadata)) {
    record.own_profile =
        std::make_unique<MemberProfile>(MemberProfile{e.email, e.name, e.user_metadata});
  }
  const uint32_t at = static_cast<uint32_t>(org.members.size());
  org.members.push_back(std::move(record));
  org.active.push_back(true);
  for (size_t r = 0; r < org.by_role.size(); ++r) org.by_role[r].push_back(r == role_slot(e.role));
  if (e.role == Role::owner) ++org.owner_count;
  member_by_id_.emplace(*member_id, MemberRef{org_idx, at});
  if (!org.info.deleted()) set_membership(user, org_idx, at, true);
}

void ServingState::set_org_deleted(OrgRecord& org, uint32_t org_idx, bool deleted) {
  for (uint32_t i = 0; i < org.members.size(); ++i) {
    if (!org.members[i].removed) set_membership(org.members[i].user, org_idx, i, !deleted);
  }
}

void ServingState::index_key(const ApiKey& key, KeyRef ref) {
  if (auto id = shortuuid_decode(key.id)) key_by_id_.emplace(*id, ref);
  credential_by_hash_[key.key_sha256] = CredentialRef{
      ref.user_key ? CredentialType::user_key : CredentialType::org_key, ref.owner, ref.item};
}

Status ServingState::apply_org_event(OrgRecord& org, uint32_t org_idx, const EventEnvelope& ev) {
  const std::string& type = ev.type;
  OrganizationState& info = org.info;
  if (type == OrganizationCreated::kType) {
    return decode_and<OrganizationCreated>(ev, [&](const OrganizationCreated& e) {
      info.name = e.name;
      info.country = e.country;
      info.is_brand = e.is_brand;
      info.require_reauth_to_delete = e.require_reauth_to_delete;
      info.metadata = e.metadata;
      info.created_by = e.created_by;
      info.created_at_ms = ev.occurred_at_ms;
    });
  }
  if (type == OrganizationUpdated::kType) {
    return decode_and<OrganizationUpdated>(ev, [&](const OrganizationUpdated& e) {
      if (e.name) info.name = *e.name;
      if (e.country) info.country = *e.country;
      if (e.is_brand) info.is_brand = *e.is_brand;
      if (e.require_reauth_to_delete) info.require_reauth_to_delete = *e.require_reauth_to_delete;
      if (e.metadata) info.metadata = *e.metadata;
    });
  }
  if (type == OrganizationDeleted::kType) {
    return decode_and<OrganizationDeleted>(ev, [&](const OrganizationDeleted& e) {
      if (!info.deleted()) set_org_deleted(org, org_idx, true);
      info.deleted_at_ms = e.deleted_at_ms;
    });
  }
  if (type == OrganizationRestored::kType) {
    return decode_and<OrganizationRestored>(ev, [&](const OrganizationRestored&) {
      if (info.deleted()) {
        info.deleted_at_ms.reset();
        set_org_deleted(org, org_idx, false);
      }
    });
  }
  if (type == MemberAdded::kType) {
    return decode_and<MemberAdded>(ev, [&](const MemberAdded& e) { join(org, org_idx, e); });
  }
  if (type == MemberInvited::kType) {
    return decode_and<MemberInvited>(ev, [&](const MemberInvited& e) { join(org, org_idx, e); });
  }
  if (type == MemberRoleChanged::kType) {
    return decode_and<MemberRoleChanged>(ev, [&](const MemberRoleChanged& e) {
      auto id = shortuuid_decode(e.member_id);
      auto found = id ? member_by_id_.find(*id) : member_by_id_.end();
      if (found == member_by_id_.end() || found->second.org != org_idx) return;
      MemberRecord& m = org.members[found->second.member];
      if (m.removed) return;
      org.by_role[role_slot(m.role)].set(found->second.member, false);
      if (m.role == Role::owner) --org.owner_count;
      m.role = e.to;
      if (m.role == Role::owner) ++org.owner_count;
      org.by_role[role_slot(m.role)].set(found->second.member, true);
      std::atomic_store(&m.rendered, std::shared_ptr<const std::string>());
    });
  }
  if (type == MemberRemoved::kType) {
    return decode_and<MemberRemoved>(ev, [&](const MemberRemoved& e) {
      auto id = shortuuid_decode(e.member_id);
      auto found = id ? member_by_id_.find(*id) : member_by_id_.end();
      if (found == member_by_id_.end() || found->second.org != org_idx) return;
      const uint32_t at = found->second.member;
      MemberRecord& m = org.members[at];
      if (m.removed) return;
      m.removed = true;
      m.left = e.reason == "left";
      m.removed_at_ms = ev.occurred_at_ms;
      org.active.set(at, false);
      org.by_role[role_slot(m.role)].set(at, false);
      if (m.role == Role::owner) --org.owner_count;
      set_membership(m.user, org_idx, at, false);
      std::atomic_store(&m.rendered, std::shared_ptr<const std::string>());
    });
  }
  if (type == OrgApiKeyCreated::kType) {
    return decode_and<OrgApiKeyCreated>(ev, [&](const OrgApiKeyCreated& e) {
      auto id = shortuuid_decode(e.key_id);
      if (!id || key_by_id_.count(*id)) return;
      ApiKey key = api_key_from_event(e);
      key.org_id = info.id;
      const uint32_t at = static_cast<uint32_t>(org.keys.size());
      org.keys.push_back(std::move(key));
      org.live_keys.push_back(true);
      index_key(org.keys.back(), KeyRef{false, org_idx, at});
    });
  }
  if (type == OrgApiKeyUpdated::kType || type == OrgApiKeyRevoked::kType ||
      type == OrgApiKeyLimitsChanged::kType) {
    const bool revoke = type == OrgApiKeyRevoked::kType;
    auto change = [&](const std::string& key_id, const std::function<void(ApiKey&)>& then) {
      auto id = shortuuid_decode(key_id);
      auto found = id ? key_by_id_.find(*id) : key_by_id_.end();
      if (found == key_by_id_.end() || found->second.user_key || found->second.owner != org_idx)
        return;
      ApiKey& key = org.keys[found->second.item];
      if (key.revoked) return;
      then(key);
      if (revoke) org.live_keys.set(found->second.item, false);
    };
    if (revoke) {
      return decode_and<OrgApiKeyRevoked>(ev, [&](const OrgApiKeyRevoked& e) {
        change(e.key_id, [&](ApiKey& key) {
          key.revoked = true;
          key.revoked_at_ms = e.revoked_at_ms;
        });
      });
    }
    if (type == OrgApiKeyLimitsChanged::kType) {
      return decode_and<OrgApiKeyLimitsChanged>(ev, [&](const OrgApiKeyLimitsChanged& e) {
        change(e.key_id, [&](ApiKey& key) { apply_key_limits(key, e); });
      });
    }
    return decode_and<OrgApiKeyUpdated>(ev, [&](const OrgApiKeyUpdated& e) {
      change(e.key_id, [&](ApiKey& key) { apply_key_update(key, e); });
    });
  }
  return ok_status();  // a type this build does not know
}

Status ServingState::apply_user_event(UserRecord& user, uint32_t user_idx,
                                      const EventEnvelope& ev) {
  const std::string& type = ev.type;
  if (type == UserCreated::kType) {
    return decode_and<UserCreated>(ev, [&](const UserCreated& e) {
      if (user.created) user_by_email_.erase(user.email);
      user.created = true;
      user.email = e.email;
      user.name = e.name;
      user.metadata = e.metadata;
      user.created_at_ms = ev.occurred_at_ms;
      user_by_email_[user.email] = user_idx;
    });
  }
  if (type == UserApiKeyCreated::kType) {
    return decode_and<UserApiKeyCreated>(ev, [&](const UserApiKeyCreated& e) {
      auto id = shortuuid_decode(e.key_id);
      if (!id || key_by_id_.count(*id)) return;
      ApiKey key = api_key_from_event(e);
      key.user_id = shortuuid_encode(user.id);
      UserExtras& extras = user.extra();
      const uint32_t at = static_cast<uint32_t>(extras.keys.size());
      extras.keys.push_back(std::move(key));
      extras.live_keys.push_back(true);
      index_key(extras.keys.back(), KeyRef{true, user_idx, at});
    });
  }
  if (type == UserApiKeyUpdated::kType || type == UserApiKeyRevoked::kType ||
      type == UserApiKeyLimitsChanged::kType) {
    const bool revoke = type == UserApiKeyRevoked::kType;
    auto change = [&](const std::string& key_id, const std::function<void(ApiKey&)>& then) {
      auto id = shortuuid_decode(key_id);
      auto found = id ? key_by_id_.find(*id) : key_by_id_.end();
      if (found == key_by_id_.end() || !found->second.user_key || found->second.owner != user_idx)
        return;
      ApiKey& key = user.extra().keys[found->second.item];
      if (key.revoked) return;
      then(key);
      if (revoke) user.extra().live_keys.set(found->second.item, false);
    };
    if (revoke) {
      return decode_and<UserApiKeyRevoked>(ev, [&](const UserApiKeyRevoked& e) {
        change(e.key_id, [&](ApiKey& key) {
          key.revoked = true;
          key.revoked_at_ms = e.revoked_at_ms;
        });
      });
    }
    if (type == UserApiKeyLimitsChanged::kType) {
      return decode_and<UserApiKeyLimitsChanged>(ev, [&](const UserApiKeyLimitsChanged& e) {
        change(e.key_id, [&](ApiKey& key) { apply_key_limits(key, e); });
      });
    }
    return decode_and<UserApiKeyUpdated>(ev, [&](const UserApiKeyUpdated& e) {
      change(e.key_id, [&](ApiKey& key) { apply_key_update(key, e); });
    });
  }
  if (type == TokenIssued::kType) {
    return decode_and<TokenIssued>(ev, [&](const TokenIssued& e) {
      UserExtras& extras = user.extra();
      if (Token* existing = find_by_id(extras.tokens, e.token_id)) {
        *existing = Token{e.token_id, e.token_sha256, e.issued_at_ms, e.expires_at_ms, false};
        return;
      }
      extras.tokens.push_back(
          Token{e.token_id, e.token_sha256, e.issued_at_ms, e.expires_at_ms, false});
      credential_by_hash_[e.token_sha256] = CredentialRef{
          CredentialType::token, user_idx, static_cast<uint32_t>(extras.tokens.size() - 1)};
    });
  }
  if (type == TokenRevoked::kType) {
    return decode_and<TokenRevoked>(ev, [&](const TokenRevoked& e) {
      if (Token* token = find_by_id(user.extra().tokens, e.token_id)) token->revoked = true;
    });
  }
  if (type == SessionIssued::kType) {
    return decode_and<SessionIssued>(ev, [&](const SessionIssued& e) {
      UserExtras& extras = user.extra();
      Session session{e.session_id,   e.session_sha256, e.csrf_sha256, e.authenticated_at_ms,
                      e.issued_at_ms, e.expires_at_ms,  false};
      if (Session* existing = find_by_id(extras.sessions, e.session_id)) {
        *existing = session;
        return;
      }
      extras.sessions.push_back(session);
      credential_by_hash_[e.session_sha256] = CredentialRef{
          CredentialType::session, user_idx, static_cast<uint32_t>(extras.sessions.size() - 1)};
    });
  }
  if (type == SessionRevoked::kType) {
    return decode_and<SessionRevoked>(ev, [&](const SessionRevoked& e) {
      if (Session* session = find_by_id(user.extra().sessions, e.session_id))
        session->revoked = true;
    });
  }
  if (type == PreferencesReplaced::kType) {
    return decode_and<PreferencesReplaced>(
        ev, [&](const PreferencesReplaced& e) { user.extra().preferences = e.preferences; });
  }
  return ok_status();
}

}  // namespace closient
