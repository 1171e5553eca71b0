// The serving state: every read model the API answers from, as plain C++
// structures in memory, derived only from the event log (projections/DESIGN.md).
//
// One ServingState is changed by one thread at a time (the log's writer,
// through LiveState) and read by many; LiveState's lock makes every append
// visible whole or not at all. Ids are kept as 16-byte UUIDs, strings once per
// user, so that a million memberships fit in a few hundred MiB.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/api_key.h"
#include "domain/ids.h"
#include "domain/metadata.h"
#include "domain/organization.h"
#include "domain/preferences.h"
#include "domain/roles.h"
#include "domain/user.h"
#include "events/envelope.h"
#include "events/result.h"
#include "projections/join_order_index.h"

namespace closient {

struct UuidHash {
  size_t operator()(const Uuid& id) const {
    uint64_t a = 0, b = 0;
    for (int i = 0; i < 8; ++i) a = (a << 8) | id.bytes[i];
    for (int i = 8; i < 16; ++i) b = (b << 8) | id.bytes[i];
    return static_cast<size_t>(a ^ (b * 0x9E3779B97F4A7C15ull));
  }
};

// A shortuuid or canonical UUID as its 16 bytes; nullopt for anything else.
std::optional<Uuid> id_from_text(std::string_view text);

constexpr uint32_t kNone = UINT32_MAX;

// Who a member is, when it differs from their user record (it never does
// today: users have no update event; kept so that a future one cannot make a
// member render someone else's name).
struct MemberProfile {
  std::string email;
  std::string name;
  Metadata metadata;
};

struct MemberRecord {
  Uuid id;
  uint32_t user = kNone;  // index into ServingState::users
  Role role = Role::editor;
  bool removed = false;
  bool left = false;  // removed by leaving (reason "left")
  int64_t joined_at_ms = 0;
  int64_t removed_at_ms = 0;
  std::unique_ptr<MemberProfile> own_profile;  // null: the user's own
  // The member's JSON, rendered on first read and dropped on change (atomic
  // access: readers fill it under the shared lock).
  mutable std::shared_ptr<const std::string> rendered;
};

struct OrgRecord {
  // The organization's own fields and version; members and keys stay empty
  // here (they live below, compactly).
  OrganizationState info;
  std::vector<MemberRecord> members;  // every membership, in join order
  JoinOrderIndex active;              // members not removed
  std::array<JoinOrderIndex, 4> by_role;
  std::vector<ApiKey> keys;  // org keys in creation order (revoked kept, flagged)
  JoinOrderIndex live_keys;
  std::vector<uint64_t> positions;  // the org stream's log positions: the audit index
  size_t owner_count = 0;
};

struct Membership {
  Uuid org_id;  // ordered by id: GET /organizations lists by organization id
  uint32_t org = kNone;
  uint32_t member = kNone;
};

// What few users have: kept apart so the common user costs one pointer.
struct UserExtras {
  std::vector<ApiKey> keys;  // csu keys in creation order (revoked kept, flagged)
  JoinOrderIndex live_keys;
  std::vector<Token> tokens;
  std::vector<Session> sessions;
  std::vector<TraitPreference> preferences;
};

struct UserRecord {
  Uuid id;
  bool created = false;  // UserCreated seen (a member event may name the user first)
  std::string email;
  std::string name;
  Metadata metadata;
  int64_t created_at_ms = 0;
  uint64_t version = 0;
  // Active memberships of organizations that are not deleted, by org id.
  std::vector<Membership> memberships;
  std::unique_ptr<UserExtras> extras;

  UserExtras& extra() {
    if (!extras) extras = std::make_unique<UserExtras>();
    return *extras;
  }
};

enum class CredentialType : uint8_t { org_key, user_key, token, session };

// Where a credential hash leads.
struct CredentialRef {
  CredentialType type = CredentialType::org_key;
  uint32_t owner = kNone;  // org index (org keys) or user index
  uint32_t item = kNone;   // index into that owner's keys, tokens or sessions
};

struct KeyRef {
  bool user_key = false;
  uint32_t owner = kNone;
  uint32_t item = kNone;
};

struct MemberRef {
  uint32_t org = kNone;
  uint32_t member = kNone;
};

class ServingState {
 public:
  ServingState() = default;
  ServingState(const ServingState&) = delete;
  ServingState& operator=(const ServingState&) = delete;

  // ---- Writer side ----

  // Applies one stored event (at its type's current schema: upcast first).
  // Unknown types change only the stream's version (and the audit index). An
  // event whose data does not decode is an internal_error and changes nothing
  // but the applied position: the log is the truth, and verify reports it.
  Status apply(const EventEnvelope& event);
  // The position and hash of the last event applied.
  uint64_t position() const { return position_; }
  const std::string& last_hash() const { return last_hash_; }
  // For a state loaded from a snapshot: the position it reflects.
  void restore_position(uint64_t position, std::string hash) {
    position_ = position;
    last_hash_ = std::move(hash);
  }

  // ---- Reader side (const) ----

  const OrgRecord* org(const Uuid& id) const;
  const UserRecord* user(const Uuid& id) const;
  const UserRecord* user_by_email(const std::string& email) const;
  const UserRecord& user_at(uint32_t index) const { return users_[index]; }
  const OrgRecord& org_at(uint32_t index) const { return *orgs_[index]; }
  std::optional<MemberRef> member(const Uuid& id) const;
  std::optional<KeyRef> key(const Uuid& id) const;
  const ApiKey* key_record(const KeyRef& ref) const;
  std::optional<CredentialRef> credential(const std::string& sha256_hex) const;
  // The user's active membership of an organization that is not deleted.
  const Membership* membership(const UserRecord& user, const Uuid& org_id) const;

  size_t org_count() const { return orgs_.size(); }
  size_t user_count() const { return users_.size(); }
  uint64_t member_count() const;  // memberships ever made, removed ones included

  // Field-by-field equality, for verify (`first_difference` names the first one).
  std::string first_difference(const ServingState& other) const;

 private:
  friend class SnapshotCodec;

  uint32_t org_index(const Uuid& id, bool create);
  uint32_t user_index(const Uuid& id, bool create);
  Status apply_org_event(OrgRecord& org, uint32_t org_index, const EventEnvelope& event);
  Status apply_user_event(UserRecord& user, uint32_t user_index, const EventEnvelope& event);
  void join(OrgRecord& org, uint32_t org_index, const MemberJoined& joined);
  void set_membership(uint32_t user, uint32_t org, uint32_t member, bool present);
  void set_org_deleted(OrgRecord& org, uint32_t org_index, bool deleted);
  void index_key(const ApiKey& key, KeyRef ref);
  void rebuild_indexes();  // after loading a snapshot

  std::vector<std::unique_ptr<OrgRecord>> orgs_;
  std::vector<UserRecord> users_;
  std::unordered_map<Uuid, uint32_t, UuidHash> org_by_id_;
  std::unordered_map<Uuid, uint32_t, UuidHash> user_by_id_;
  std::unordered_map<std::string, uint32_t> user_by_email_;
  std::unordered_map<Uuid, MemberRef, UuidHash> member_by_id_;
  std::unordered_map<Uuid, KeyRef, UuidHash> key_by_id_;
  std::unordered_map<std::string, CredentialRef> credential_by_hash_;

  uint64_t position_ = 0;
  std::string last_hash_;
};

// A member as the domain's views render it.
Member member_of(const ServingState& state, const OrgRecord& org, const MemberRecord& record);

}  // namespace closient
