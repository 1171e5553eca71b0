// Membership roles, API-key roles and the permission matrix of contract §3, as
// one pure function that both the write path (decide) and the read path
// (queries on HTTP threads) call.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/caller.h"
#include "events/result.h"

namespace closient {

enum class Role { owner, manager, billing, editor };

const char* role_name(Role role);                       // "owner"
const char* role_display(Role role);                    // "Owner"
std::optional<Role> parse_role(std::string_view text);  // exact lower-case names

// What holds an authority below the caller's membership role: named in a refusal
// so that a 403 says which rule refused, not only that one did.
enum class AuthorityCap {
  none,                  // a user credential acting with its membership's full authority
  read_only_credential,  // an editor or readonly key (csb or csu): reads only
  manager_key,           // a csb manager key: never owner-only actions
  publishable_key,       // a cpk key: whoami and its organization only
};

// What one organization lets a caller do. Every flag is false when !visible.
struct OrgAuthority {
  bool visible = false;            // may know the organization exists (else not_found)
  bool read_organization = false;  // GET /organizations/{id}
  bool read_members = false;       // list and get members
  bool manage_members = false;     // MANAGE_MEMBERS: invite, change role, remove
  bool manage_owners = false;      // grant or take away owner, remove an owner, invite as owner
  bool manage_api_keys = false;    // MANAGE_API_KEYS: list, create, update, revoke org keys
  bool manage_org = false;         // MANAGE_ORG: update the organization
  bool delete_org = false;         // delete and restore (owner only)
  bool read_audit = false;         // GET /organizations/{id}/events (owner or manager)
  bool leave = false;              // remove the caller's own membership
  std::optional<Role> membership_role;  // the caller's role, for user credentials
  AuthorityCap cap = AuthorityCap::none;
};

enum class OrgAction {
  read_organization,
  read_members,
  manage_members,
  manage_owners,
  manage_api_keys,
  manage_org,
  delete_org,
  read_audit,
  leave,
};

// The caller's authority over one organization, from contract §3:
//  - user credentials (session, token, csu key) act through their membership
//    (`membership_role`, nullopt when not a member → not visible); a csu key
//    with role manager carries the user's full authority, editor/readonly read only;
//  - csb keys act only on their own organization (`key_belongs_to_org`), capped
//    by the key role: manager = MANAGE_MEMBERS + MANAGE_API_KEYS + read, never
//    owner-only actions; editor/readonly read only;
//  - cpk keys see their own organization and may only read it (not its members).
// Whether the organization is deleted is not considered here.
OrgAuthority authority_over_org(const Caller& caller, std::optional<Role> membership_role,
                                bool key_belongs_to_org);

bool allows(const OrgAuthority& authority, OrgAction action);

// What the credential alone says, before any state is read (and so before a
// request body is parsed): not_found for an org key naming another
// organization, forbidden when no state could allow `action` (an org key's
// role, a read-only csu key, a publishable key), else ok: the membership
// decides, in decide. A user credential is never told not_found here; when it
// is refused, whether it may see the organization at all is for the caller to
// find out (forbidden vs not_found, contract §3).
Status check_org_action_by_credential(const Caller& caller, const std::string& org_id,
                                      OrgAction action);

// ok, or not_found when the organization is not visible, or forbidden when it
// is visible but the action is not allowed. A forbidden error names the rule in
// its detail and carries a stable machine `reason`: owner_required,
// owner_or_manager_required, read_only_credential or publishable_key_scope.
Status check_org_action(const OrgAuthority& authority, OrgAction action);

// Whether an authority may create (or hold) a key of role `role`: a manager key
// needs MANAGE_MEMBERS and MANAGE_API_KEYS; editor/readonly need read.
bool covers_key_role(const OrgAuthority& authority, KeyRole role);

// Actions that concern the caller's own user rather than one organization.
enum class UserAction {
  whoami,               // any credential
  list_organizations,   // user credential or csb key (cpk → forbidden)
  create_organization,  // user credential with write authority
  read_own_keys,        // user credential (GET /api-keys)
  manage_own_keys,      // user credential with write authority (POST/PATCH/DELETE /api-keys)
  read_preferences,     // user credential
  write_preferences,    // user credential with write authority
};

// ok or forbidden, with reason user_credential_required (an org key where only a
// user's own credential may act), read_only_credential (a csu key with role
// editor/readonly, which reads only) or publishable_key_scope.
Status check_user_action(const Caller& caller, UserAction action);

// Whether a user credential may create a csu key of `role` (its authority covers it).
bool user_credential_covers_key_role(const Caller& caller, KeyRole role);

}  // namespace closient
