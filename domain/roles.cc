#include "domain/roles.h"

namespace closient {
namespace {

constexpr Role kRoles[] = {Role::owner, Role::manager, Role::billing, Role::editor};
constexpr KeyRole kKeyRoles[] = {KeyRole::manager, KeyRole::editor, KeyRole::readonly};

OrgAuthority read_only() {
  OrgAuthority a;
  a.visible = true;
  a.read_organization = true;
  a.read_members = true;
  return a;
}

// The matrix of §3 for a member acting with their full authority.
OrgAuthority membership_authority(Role role) {
  OrgAuthority a = read_only();
  a.membership_role = role;
  a.leave = true;
  const bool owner = role == Role::owner;
  const bool manager = role == Role::manager;
  a.manage_members = owner || manager;
  a.manage_api_keys = owner || manager;
  a.read_audit = owner || manager;
  a.manage_owners = owner;
  a.manage_org = owner;
  a.delete_org = owner;
  return a;
}

// A csu key below manager, or any credential capped to reading.
bool user_credential_can_write(const Caller& caller) {
  if (!caller.is_user_credential()) return false;
  return caller.kind != CredentialKind::user_key || caller.key_role == KeyRole::manager;
}

Error refused(std::string detail, const char* reason) {
  return Error::make(ErrorCode::forbidden, std::move(detail), reason);
}

constexpr char kPublishableKeyScope[] =
    "A publishable key may only read whoami and its own organization.";
constexpr char kReadOnlyCredential[] =
    "This credential only reads: a key with role editor or readonly cannot change anything.";

// " Your role here is manager." when the caller acts through a membership, so the
// refusal says what the caller has as well as what the rule wants.
std::string your_role(const OrgAuthority& authority) {
  if (authority.cap == AuthorityCap::manager_key) return " A business key never acts as an owner.";
  if (!authority.membership_role) return "";
  return std::string(" Your role here is ") + role_name(*authority.membership_role) + ".";
}

// The rule of contract §3 that refuses `action` to a visible organization.
Error refusal(const OrgAuthority& authority, OrgAction action) {
  if (authority.cap == AuthorityCap::publishable_key) {
    return refused(kPublishableKeyScope, "publishable_key_scope");
  }
  if (authority.cap == AuthorityCap::read_only_credential) {
    return refused(kReadOnlyCredential, "read_only_credential");
  }
  const std::string role = your_role(authority);
  switch (action) {
    case OrgAction::manage_owners:
      return refused(
          "Only an owner can grant or take away the owner role, or remove an owner." + role,
          "owner_required");
    case OrgAction::manage_org:
      return refused("Only an owner can update the organization." + role, "owner_required");
    case OrgAction::delete_org:
      return refused("Only an owner can delete or restore the organization." + role,
                     "owner_required");
    case OrgAction::manage_members:
      return refused(
          "Only an owner or a manager can invite members, change roles or remove "
          "members." +
              role,
          "owner_or_manager_required");
    case OrgAction::manage_api_keys:
      return refused("Only an owner or a manager can manage the organization's API keys." + role,
                     "owner_or_manager_required");
    case OrgAction::read_audit:
      return refused("Only an owner or a manager can read the organization's events." + role,
                     "owner_or_manager_required");
    case OrgAction::read_organization:
    case OrgAction::read_members:
    case OrgAction::leave:
      break;
  }
  // Every member reads and may leave; only keys (capped above) are refused these.
  return refused("This credential may not do that here.", "not_permitted");
}

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::owner:
      return "owner";
    case Role::manager:
      return "manager";
    case Role::billing:
      return "billing";
    case Role::editor:
      return "editor";
  }
  return "editor";
}

const char* role_display(Role role) {
  switch (role) {
    case Role::owner:
      return "Owner";
    case Role::manager:
      return "Manager";
    case Role::billing:
      return "Billing";
    case Role::editor:
      return "Editor";
  }
  return "Editor";
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role role : kRoles)
    if (text == role_name(role)) return role;
  return std::nullopt;
}

const char* key_role_name(KeyRole role) {
  switch (role) {
    case KeyRole::manager:
      return "manager";
    case KeyRole::editor:
      return "editor";
    case KeyRole::readonly:
      return "readonly";
  }
  return "readonly";
}

std::optional<KeyRole> parse_key_role(std::string_view text) {
  for (KeyRole role : kKeyRoles)
    if (text == key_role_name(role)) return role;
  return std::nullopt;
}

OrgAuthority authority_over_org(const Caller& caller, std::optional<Role> membership_role,
                                bool key_belongs_to_org) {
  switch (caller.kind) {
    case CredentialKind::business_key: {
      if (!key_belongs_to_org) return {};
      OrgAuthority a = read_only();
      a.cap = AuthorityCap::read_only_credential;
      if (caller.key_role == KeyRole::manager) {
        a.cap = AuthorityCap::manager_key;
        a.manage_members = true;
        a.manage_api_keys = true;
        a.read_audit = true;
      }
      return a;
    }
    case CredentialKind::publishable_key: {
      if (!key_belongs_to_org) return {};
      OrgAuthority a;
      a.visible = true;
      a.read_organization = true;  // and whoami; nothing else
      a.cap = AuthorityCap::publishable_key;
      return a;
    }
    case CredentialKind::user_key:
    case CredentialKind::token:
    case CredentialKind::session:
      break;
  }
  if (!membership_role) return {};
  if (!user_credential_can_write(caller)) {
    OrgAuthority a = read_only();
    a.membership_role = membership_role;
    a.cap = AuthorityCap::read_only_credential;
    return a;
  }
  return membership_authority(*membership_role);
}

bool allows(const OrgAuthority& a, OrgAction action) {
  if (!a.visible) return false;
  switch (action) {
    case OrgAction::read_organization:
      return a.read_organization;
    case OrgAction::read_members:
      return a.read_members;
    case OrgAction::manage_members:
      return a.manage_members;
    case OrgAction::manage_owners:
      return a.manage_owners;
    case OrgAction::manage_api_keys:
      return a.manage_api_keys;
    case OrgAction::manage_org:
      return a.manage_org;
    case OrgAction::delete_org:
      return a.delete_org;
    case OrgAction::read_audit:
      return a.read_audit;
    case OrgAction::leave:
      return a.leave;
  }
  return false;
}

Status check_org_action(const OrgAuthority& authority, OrgAction action) {
  if (!authority.visible) {
    return Error::make(ErrorCode::not_found, "No such organization.");
  }
  if (!allows(authority, action)) return refusal(authority, action);
  return ok_status();
}

Status check_org_action_by_credential(const Caller& caller, const std::string& org_id,
                                      OrgAction action) {
  if (caller.is_org_key()) {
    return check_org_action(authority_over_org(caller, std::nullopt, caller.key_org_id == org_id),
                            action);
  }
  // The most any membership gives: an owner's. What even that refuses is the
  // credential's own cap, and the refusal names it.
  return check_org_action(authority_over_org(caller, Role::owner, false), action);
}

bool covers_key_role(const OrgAuthority& authority, KeyRole role) {
  if (role == KeyRole::manager) {
    return authority.manage_members && authority.manage_api_keys && authority.read_members;
  }
  return authority.read_organization && authority.read_members;
}

Status check_user_action(const Caller& caller, UserAction action) {
  bool allowed = false;
  switch (action) {
    case UserAction::whoami:
      allowed = true;
      break;
    case UserAction::list_organizations:
      allowed = caller.kind != CredentialKind::publishable_key;
      break;
    case UserAction::read_own_keys:
    case UserAction::read_preferences:
      allowed = caller.is_user_credential();
      break;
    case UserAction::create_organization:
    case UserAction::manage_own_keys:
    case UserAction::write_preferences:
      allowed = user_credential_can_write(caller);
      break;
  }
  if (allowed) return ok_status();
  if (caller.kind == CredentialKind::publishable_key) {
    return refused(kPublishableKeyScope, "publishable_key_scope");
  }
  if (caller.is_org_key()) {
    return refused(
        "Only a user's own credential (a session, a bearer token or a csu key) can do this; "
        "an organization key cannot.",
        "user_credential_required");
  }
  return refused(kReadOnlyCredential, "read_only_credential");
}

bool user_credential_covers_key_role(const Caller& caller, KeyRole /*role*/) {
  // A write-capable user credential carries the user's full authority, which
  // covers every key role; read-only credentials create no keys at all.
  return user_credential_can_write(caller);
}

}  // namespace closient
