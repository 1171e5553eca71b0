// decide for memberships: invite, change role, remove (or leave). The
// last-owner invariant lives here: no decision leaves an organization without
// an owner.
#include <utility>

#include "domain/decide_support.h"
#include "domain/ids.h"
#include "domain/validation.h"

namespace closient {
namespace decide_support {
namespace {

Error no_such_member(const std::string& member_id) {
  return not_found("No member " + member_id + " in this organization.");
}

Error last_owner() {
  return conflict("An organization keeps at least one owner.", "last_owner");
}

// An active member the caller may know about (it can read members).
Result<const Member*> visible_member(const OrgAccess& access, const std::string& member_id) {
  Status can_read = check_org_action(access.authority, OrgAction::read_members);
  if (!can_read.ok()) return can_read.error();
  const Member* member = access.org->find_member(member_id);
  if (member == nullptr || member->removed) return no_such_member(member_id);
  return member;
}

}  // namespace

Result<Decision> decide_command(const DecideContext& c, const InviteMember& cmd) {
  Result<OrgAccess> access = access_org(c, cmd.org_id, DeletedOrg::not_found);
  if (!access.ok()) return access.error();
  Status allowed = check_org_action(access->authority, OrgAction::manage_members);
  if (allowed.ok() && cmd.role == Role::owner) {
    allowed = check_org_action(access->authority, OrgAction::manage_owners);
  }
  if (!allowed.ok()) return allowed.error();
  Result<std::string> email = normalize_email(cmd.email);
  if (!email.ok()) return email.error();
  const OrganizationState& org = *access->org;
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();
  if (!shortuuid_decode(cmd.member_id) || org.find_member(cmd.member_id) != nullptr) {
    return internal("InviteMember needs a new generated member id.");
  }

  const UserState* user = c.target_user;
  if (user != nullptr && user->email != email.value()) {
    return internal("The user loaded for the invite does not own that email.");
  }
  if (user != nullptr && org.active_member_of(user->id) != nullptr) {
    return conflict(email.value() + " is already a member of this organization.");
  }

  Decision decision;
  decision.entity_id = cmd.member_id;
  MemberInvited invited;
  invited.member_id = cmd.member_id;
  invited.role = cmd.role;
  invited.joined_at_ms = c.now_ms;
  invited.added_by = acting_user_id(c);
  if (user != nullptr) {
    invited.user_id = user->id;
    invited.email = user->email;
    invited.name = user->name;
    invited.user_metadata = user->metadata;
  } else {
    // An unknown email becomes a user in the same atomic append; no_stream on
    // the user stream makes a concurrent creation of that id fail as a whole.
    if (!shortuuid_decode(cmd.new_user_id)) {
      return internal("InviteMember needs a generated user id.");
    }
    UserCreated created;
    created.user_id = cmd.new_user_id;
    created.email = email.value();
    created.created_via = "invite";
    created.invited_to_org = org.id;
    created.invited_by = acting_user_id(c);
    StreamAppend user_append = append_to_new_stream(user_stream(created.user_id));
    user_append.events.push_back(event_of(created));
    decision.appends.push_back(std::move(user_append));
    invited.user_id = created.user_id;
    invited.email = created.email;
  }
  StreamAppend org_append = append_to(org);
  org_append.events.push_back(event_of(invited));
  decision.appends.push_back(std::move(org_append));
  return decision;
}

Result<Decision> decide_command(const DecideContext& c, const ChangeMemberRole& cmd) {
  Result<OrgAccess> access = access_org(c, cmd.org_id, DeletedOrg::not_found);
  if (!access.ok()) return access.error();
  Result<const Member*> found = visible_member(*access, cmd.member_id);
  if (!found.ok()) return found.error();
  const Member& member = *found.value();
  Status allowed = check_org_action(access->authority, OrgAction::manage_members);
  if (allowed.ok() && (member.role == Role::owner || cmd.role == Role::owner)) {
    allowed = check_org_action(access->authority, OrgAction::manage_owners);
  }
  if (!allowed.ok()) return allowed.error();
  const OrganizationState& org = *access->org;
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();
  StreamAppend append = append_to(org);
  if (member.role == cmd.role) return single_append(std::move(append), member.id);
  if (member.role == Role::owner && org.owner_count <= 1) return last_owner();

  MemberRoleChanged changed;
  changed.member_id = member.id;
  changed.from = member.role;
  changed.to = cmd.role;
  changed.changed_by = acting_user_id(c);
  append.events.push_back(event_of(changed));
  return single_append(std::move(append), member.id);
}

Result<Decision> decide_command(const DecideContext& c, const RemoveMember& cmd) {
  Result<OrgAccess> access = access_org(c, cmd.org_id, DeletedOrg::not_found);
  if (!access.ok()) return access.error();
  Result<const Member*> found = visible_member(*access, cmd.member_id);
  if (!found.ok()) return found.error();
  const Member& member = *found.value();
  const bool leaving = c.caller->is_user_credential() && member.user_id == c.caller->user_id;
  Status allowed = ok_status();
  if (leaving) {
    allowed = check_org_action(access->authority, OrgAction::leave);
  } else {
    allowed = check_org_action(access->authority, OrgAction::manage_members);
    if (allowed.ok() && member.role == Role::owner) {
      allowed = check_org_action(access->authority, OrgAction::manage_owners);
    }
  }
  if (!allowed.ok()) return allowed.error();
  const OrganizationState& org = *access->org;
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();
  if (member.role == Role::owner && org.owner_count <= 1) return last_owner();

  MemberRemoved removed;
  removed.member_id = member.id;
  removed.user_id = member.user_id;
  removed.reason = leaving ? "left" : "removed";
  removed.removed_by = acting_user_id(c);
  StreamAppend append = append_to(org);
  append.events.push_back(event_of(removed));
  return single_append(std::move(append), member.id);
}

}  // namespace decide_support
}  // namespace closient
