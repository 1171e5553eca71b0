// The snapshot encoding. Everything derived (lookup maps, paging indexes,
// memberships) is rebuilt on load rather than stored.
#include <algorithm>
#include <cstring>

#include "events/sha256.h"
#include "projections/byte_codec.h"
#include "projections/snapshot.h"

namespace closient {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'O', 'S', 'N', 'A', 'P', '\n'};
constexpr size_t kChecksumBytes = 32;

void put_uuid(ByteWriter& w, const Uuid& id) {
  w.bytes(std::string_view(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size()));
}

Uuid get_uuid(ByteReader& r) {
  Uuid id;
  std::string_view b = r.bytes(16);
  if (b.size() == 16) std::memcpy(id.bytes.data(), b.data(), 16);
  return id;
}

void put_metadata(ByteWriter& w, const Metadata& m) {
  w.varint(m.size());
  for (const auto& [k, v] : m) {
    w.text(k);
    w.text(v);
  }
}

Metadata get_metadata(ByteReader& r) {
  Metadata m;
  const uint64_t n = r.count();
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    std::string k = r.text();
    m.emplace(std::move(k), r.text());
  }
  return m;
}

void put_key(ByteWriter& w, const ApiKey& k) {
  w.text(k.id);
  w.u8(static_cast<uint8_t>(k.kind));
  w.text(k.org_id);
  w.text(k.user_id);
  w.text(k.name);
  w.text(k.description);
  w.u8(static_cast<uint8_t>(k.role));
  w.text(k.key_sha256);
  w.text(k.display_prefix);
  w.svarint(k.created_at_ms);
  w.u8(k.expires_at_ms ? 1 : 0);
  if (k.expires_at_ms) w.svarint(*k.expires_at_ms);
  w.svarint(k.rate_limit_per_minute);
  w.svarint(k.rate_limit_per_day);
  put_metadata(w, k.metadata);
  w.text(k.created_by);
  w.u8(k.revoked ? 1 : 0);
  w.svarint(k.revoked_at_ms);
}

ApiKey get_key(ByteReader& r) {
  ApiKey k;
  k.id = r.text();
  k.kind = static_cast<KeyKind>(r.u8() % 3);
  k.org_id = r.text();
  k.user_id = r.text();
  k.name = r.text();
  k.description = r.text();
  k.role = static_cast<KeyRole>(r.u8() % 3);
  k.key_sha256 = r.text();
  k.display_prefix = r.text();
  k.created_at_ms = r.svarint();
  if (r.u8()) k.expires_at_ms = r.svarint();
  k.rate_limit_per_minute = r.svarint();
  k.rate_limit_per_day = r.svarint();
  k.metadata = get_metadata(r);
  k.created_by = r.text();
  k.revoked = r.u8() != 0;
  k.revoked_at_ms = r.svarint();
  return k;
}

}  // namespace

// Friend of ServingState: reads and writes its private members.
class SnapshotCodec {
 public:
  static void encode(const ServingState& s, ByteWriter& w) {
    w.varint(s.users_.size());
    for (const UserRecord& u : s.users_) {
      put_uuid(w, u.id);
      w.u8(u.created ? 1 : 0);
      w.text(u.email);
      w.text(u.name);
      put_metadata(w, u.metadata);
      w.svarint(u.created_at_ms);
      w.varint(u.version);
      w.u8(u.extras ? 1 : 0);
      if (!u.extras) continue;
      const UserExtras& x = *u.extras;
      w.varint(x.keys.size());
      for (const ApiKey& k : x.keys) put_key(w, k);
      w.varint(x.tokens.size());
      for (const Token& t : x.tokens) {
        w.text(t.id);
        w.text(t.token_sha256);
        w.svarint(t.issued_at_ms);
        w.svarint(t.expires_at_ms);
        w.u8(t.revoked ? 1 : 0);
      }
      w.varint(x.sessions.size());
      for (const Session& t : x.sessions) {
        w.text(t.id);
        w.text(t.session_sha256);
        w.text(t.csrf_sha256);
        w.svarint(t.authenticated_at_ms);
        w.svarint(t.issued_at_ms);
        w.svarint(t.expires_at_ms);
        w.u8(t.revoked ? 1 : 0);
      }
      w.varint(x.preferences.size());
      for (const TraitPreference& p : x.preferences) {
        w.text(p.trait);
        w.text(p.trait_label);
        w.u8(static_cast<uint8_t>(p.category));
        w.u8(static_cast<uint8_t>(p.stance));
      }
    }
    w.varint(s.orgs_.size());
    for (const auto& org : s.orgs_) {
      const OrganizationState& i = org->info;
      w.text(i.id);
      w.text(i.name);
      w.text(i.country);
      w.u8(i.is_brand ? 1 : 0);
      w.u8(i.require_reauth_to_delete ? 1 : 0);
      put_metadata(w, i.metadata);
      w.text(i.created_by);
      w.svarint(i.created_at_ms);
      w.u8(i.deleted_at_ms ? 1 : 0);
      if (i.deleted_at_ms) w.svarint(*i.deleted_at_ms);
      w.varint(i.version);
      w.varint(org->members.size());
      for (const MemberRecord& m : org->members) {
        put_uuid(w, m.id);
        w.varint(m.user);
        w.u8(static_cast<uint8_t>(m.role));
        w.u8((m.removed ? 1 : 0) | (m.left ? 2 : 0) | (m.own_profile ? 4 : 0));
        w.svarint(m.joined_at_ms);
        if (m.removed) w.svarint(m.removed_at_ms);
        if (m.own_profile) {
          w.text(m.own_profile->email);
          w.text(m.own_profile->name);
          put_metadata(w, m.own_profile->metadata);
        }
      }
      w.varint(org->keys.size());
      for (const ApiKey& k : org->keys) put_key(w, k);
      w.varint(org->positions.size());
      uint64_t previous = 0;
      for (uint64_t p : org->positions) {
        w.varint(p - previous);  // positions only grow: small deltas
        previous = p;
      }
    }
  }

  static Status decode(ByteReader& r, ServingState& s) {
    const uint64_t users = r.count();
    s.users_.reserve(users);
    for (uint64_t n = 0; n < users && !r.failed(); ++n) {
      UserRecord u;
      u.id = get_uuid(r);
      u.created = r.u8() != 0;
      u.email = r.text();
      u.name = r.text();
      u.metadata = get_metadata(r);
      u.created_at_ms = r.svarint();
      u.version = r.varint();
      if (r.u8()) {
        UserExtras& x = u.extra();
        for (uint64_t k = r.count(); k > 0 && !r.failed(); --k) x.keys.push_back(get_key(r));
        for (uint64_t k = r.count(); k > 0 && !r.failed(); --k) {
          Token t;
          t.id = r.text();
          t.token_sha256 = r.text();
          t.issued_at_ms = r.svarint();
          t.expires_at_ms = r.svarint();
          t.revoked = r.u8() != 0;
          x.tokens.push_back(std::move(t));
        }
        for (uint64_t k = r.count(); k > 0 && !r.failed(); --k) {
          Session t;
          t.id = r.text();
          t.session_sha256 = r.text();
          t.csrf_sha256 = r.text();
          t.authenticated_at_ms = r.svarint();
          t.issued_at_ms = r.svarint();
          t.expires_at_ms = r.svarint();
          t.revoked = r.u8() != 0;
          x.sessions.push_back(std::move(t));
        }
        for (uint64_t k = r.count(); k > 0 && !r.failed(); --k) {
          TraitPreference p;
          p.trait = r.text();
          p.trait_label = r.text();
          p.category = static_cast<TraitCategory>(r.u8() % 5);
          p.stance = static_cast<TraitStance>(r.u8() % 4);
          x.preferences.push_back(std::move(p));
        }
      }
      s.users_.push_back(std::move(u));
    }
    const uint64_t orgs = r.count();
    for (uint64_t n = 0; n < orgs && !r.failed(); ++n) {
      auto org = std::make_unique<OrgRecord>();
      OrganizationState& i = org->info;
      i.id = r.text();
      i.name = r.text();
      i.country = r.text();
      i.is_brand = r.u8() != 0;
      i.require_reauth_to_delete = r.u8() != 0;
      i.metadata = get_metadata(r);
      i.created_by = r.text();
      i.created_at_ms = r.svarint();
      if (r.u8()) i.deleted_at_ms = r.svarint();
      i.version = r.varint();
      const uint64_t members = r.count();
      org->members.reserve(members);
      for (uint64_t k = 0; k < members && !r.failed(); ++k) {
        MemberRecord m;
        m.id = get_uuid(r);
        const uint64_t user = r.varint();
        if (user >= s.users_.size()) return Error::make(ErrorCode::internal_error, "bad user");
        m.user = static_cast<uint32_t>(user);
        m.role = static_cast<Role>(r.u8() % 4);
        const uint8_t flags = r.u8();
        m.removed = flags & 1;
        m.left = flags & 2;
        m.joined_at_ms = r.svarint();
        if (m.removed) m.removed_at_ms = r.svarint();
        if (flags & 4) {
          auto profile = std::make_unique<MemberProfile>();
          profile->email = r.text();
          profile->name = r.text();
          profile->metadata = get_metadata(r);
          m.own_profile = std::move(profile);
        }
        org->members.push_back(std::move(m));
      }
      for (uint64_t k = r.count(); k > 0 && !r.failed(); --k) org->keys.push_back(get_key(r));
      const uint64_t positions = r.count();
      org->positions.reserve(positions);
      uint64_t previous = 0;
      for (uint64_t k = 0; k < positions && !r.failed(); ++k) {
        previous += r.varint();
        org->positions.push_back(previous);
      }
      s.orgs_.push_back(std::move(org));
    }
    if (r.failed()) return Error::make(ErrorCode::internal_error, "the snapshot is truncated");
    s.rebuild_indexes();
    return ok_status();
  }
};

void ServingState::rebuild_indexes() {
  for (uint32_t u = 0; u < users_.size(); ++u) {
    UserRecord& user = users_[u];
    user_by_id_.emplace(user.id, u);
    if (user.created) user_by_email_[user.email] = u;
    if (!user.extras) continue;
    UserExtras& x = *user.extras;
    x.live_keys = JoinOrderIndex();
    for (uint32_t k = 0; k < x.keys.size(); ++k) {
      x.live_keys.push_back(!x.keys[k].revoked);
      index_key(x.keys[k], KeyRef{true, u, k});
    }
    for (uint32_t t = 0; t < x.tokens.size(); ++t)
      credential_by_hash_[x.tokens[t].token_sha256] = CredentialRef{CredentialType::token, u, t};
    for (uint32_t t = 0; t < x.sessions.size(); ++t)
      credential_by_hash_[x.sessions[t].session_sha256] =
          CredentialRef{CredentialType::session, u, t};
  }
  for (uint32_t o = 0; o < orgs_.size(); ++o) {
    OrgRecord& org = *orgs_[o];
    if (auto id = shortuuid_decode(org.info.id)) org_by_id_.emplace(*id, o);
    org.owner_count = 0;
    for (uint32_t m = 0; m < org.members.size(); ++m) {
      const MemberRecord& member = org.members[m];
      const bool active = !member.removed;
      org.active.push_back(active);
      for (size_t r = 0; r < org.by_role.size(); ++r)
        org.by_role[r].push_back(active && r == static_cast<size_t>(member.role));
      if (active && member.role == Role::owner) ++org.owner_count;
      member_by_id_.emplace(member.id, MemberRef{o, m});
    }
    for (uint32_t k = 0; k < org.keys.size(); ++k) {
      org.live_keys.push_back(!org.keys[k].revoked);
      index_key(org.keys[k], KeyRef{false, o, k});
    }
  }
  // Memberships last: they name organizations by id, in id order.
  for (uint32_t o = 0; o < orgs_.size(); ++o) {
    OrgRecord& org = *orgs_[o];
    if (org.info.deleted()) continue;
    auto org_id = shortuuid_decode(org.info.id);
    if (!org_id) continue;
    for (uint32_t m = 0; m < org.members.size(); ++m) {
      if (!org.members[m].removed)
        users_[org.members[m].user].memberships.push_back(Membership{*org_id, o, m});
    }
  }
  for (UserRecord& user : users_) {
    std::sort(
        user.memberships.begin(), user.memberships.end(),
        [](const Membership& a, const Membership& b) { return a.org_id.bytes < b.org_id.bytes; });
  }
}

std::string encode_snapshot(const ServingState& state, uint64_t state_version) {
  ByteWriter w;
  w.bytes(std::string_view(kMagic, sizeof kMagic));
  w.fixed64(kSnapshotFormatVersion);
  w.fixed64(state_version);
  w.fixed64(state.position());
  w.text(state.last_hash());
  SnapshotCodec::encode(state, w);
  const std::string checksum = sha256_bytes(w.buffer());
  w.bytes(checksum);
  return std::move(w.buffer());
}

Result<std::unique_ptr<ServingState>> decode_snapshot(const std::string& bytes,
                                                      uint64_t* state_version) {
  auto bad = [](const std::string& why) {
    return Error::make(ErrorCode::internal_error, "snapshot " + why);
  };
  if (bytes.size() < sizeof kMagic + 24 + kChecksumBytes ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return bad("is not a snapshot (bad magic or too short)");
  }
  const std::string_view body(bytes.data(), bytes.size() - kChecksumBytes);
  if (sha256_bytes(body) != bytes.substr(bytes.size() - kChecksumBytes)) {
    return bad("checksum does not match (damaged or truncated)");
  }
  ByteReader r(body);
  r.bytes(sizeof kMagic);
  const uint64_t version = r.fixed64();
  if (version != kSnapshotFormatVersion) {
    return bad("format " + std::to_string(version) + " is not the current " +
               std::to_string(kSnapshotFormatVersion));
  }
  const uint64_t made_by = r.fixed64();
  if (state_version) *state_version = made_by;
  auto state = std::make_unique<ServingState>();
  const uint64_t position = r.fixed64();
  std::string last_hash = r.text();
  state->restore_position(position, std::move(last_hash));
  Status decoded = SnapshotCodec::decode(r, *state);
  if (!decoded.ok()) return bad(decoded.error().detail);
  if (!r.at_end()) return bad("has bytes after its end");
  return state;
}

StoredSnapshot snapshot_of(const ServingState& state, uint64_t state_version) {
  return StoredSnapshot{state.position(), state.last_hash(), encode_snapshot(state, state_version)};
}

}  // namespace closient
