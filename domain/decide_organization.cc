// decide for the organization itself: create, update, delete, restore.
#include <utility>

#include "domain/decide_support.h"
#include "domain/ids.h"
#include "domain/validation.h"

namespace closient {
namespace decide_support {

Result<Decision> decide_command(const DecideContext& c, const CreateOrganization& cmd) {
  Status allowed = check_user_action(*c.caller, UserAction::create_organization);
  if (!allowed.ok()) return allowed.error();
  const Metadata metadata = metadata_from_values(cmd.metadata);
  Validation v;
  v.add(check_name(cmd.name));
  v.add(check_country(cmd.country));
  v.add(check_metadata(metadata, "metadata"));
  if (!v.ok()) return v.status().error();
  if (!shortuuid_decode(cmd.org_id) || !shortuuid_decode(cmd.member_id)) {
    return internal("CreateOrganization needs generated org and member ids.");
  }
  if (c.org != nullptr && c.org->exists()) return conflict("That organization id is taken.");

  const UserState& creator = *c.calling_user;  // authenticate() checked it
  OrganizationCreated created;
  created.org_id = cmd.org_id;
  created.name = cmd.name;
  created.country = cmd.country;
  created.is_brand = cmd.is_brand;
  created.require_reauth_to_delete = true;
  created.metadata = metadata;
  created.created_by = creator.id;

  MemberAdded owner;
  owner.member_id = cmd.member_id;
  owner.user_id = creator.id;
  owner.email = creator.email;
  owner.name = creator.name;
  owner.user_metadata = creator.metadata;
  owner.role = Role::owner;
  owner.joined_at_ms = c.now_ms;
  owner.added_by = creator.id;

  StreamAppend append = append_to_new_stream(org_stream(cmd.org_id));
  append.events.push_back(event_of(created));
  append.events.push_back(event_of(owner));
  return single_append(std::move(append), cmd.org_id);
}

Result<Decision> decide_command(const DecideContext& c, const UpdateOrganization& cmd) {
  Result<OrgAccess> access = access_org(c, cmd.org_id, DeletedOrg::not_found);
  if (!access.ok()) return access.error();
  Status allowed = check_org_action(access->authority, OrgAction::manage_org);
  if (!allowed.ok()) return allowed.error();
  if (cmd.require_reauth_to_delete && !access->authority.delete_org) {
    return forbidden("Only an owner may change require_reauth_to_delete.", "owner_required");
  }
  const OrganizationState& org = *access->org;
  // Turning the rule off is how a stale session would get around it.
  if (cmd.require_reauth_to_delete && !*cmd.require_reauth_to_delete &&
      org.require_reauth_to_delete) {
    Status recent = check_recent_sign_in(
        c, "Sign in again (within the last 15 minutes) to turn require_reauth_to_delete off.");
    if (!recent.ok()) return recent.error();
  }
  const Metadata metadata = apply_metadata_patch(org.metadata, cmd.metadata);
  Validation v;
  if (cmd.name) v.add(check_name(*cmd.name));
  if (cmd.country) v.add(check_country(*cmd.country));
  v.add(check_metadata(metadata, "metadata"));
  if (!v.ok()) return v.status().error();
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();

  // Only what actually changes is recorded, so a repeated PUT appends nothing.
  OrganizationUpdated updated;
  if (cmd.name && *cmd.name != org.name) updated.name = cmd.name;
  if (cmd.country && *cmd.country != org.country) updated.country = cmd.country;
  if (cmd.is_brand && *cmd.is_brand != org.is_brand) updated.is_brand = cmd.is_brand;
  if (cmd.require_reauth_to_delete &&
      *cmd.require_reauth_to_delete != org.require_reauth_to_delete) {
    updated.require_reauth_to_delete = cmd.require_reauth_to_delete;
  }
  if (metadata != org.metadata) updated.metadata = metadata;
  StreamAppend append = append_to(org);
  if (updated.name || updated.country || updated.is_brand || updated.require_reauth_to_delete ||
      updated.metadata) {
    append.events.push_back(event_of(updated));
  }
  return single_append(std::move(append), org.id);
}

Result<Decision> decide_command(const DecideContext& c, const DeleteOrganization& cmd) {
  Result<OrgAccess> access = access_org(c, cmd.org_id, DeletedOrg::not_found);
  if (!access.ok()) return access.error();
  Status allowed = check_org_action(access->authority, OrgAction::delete_org);
  if (!allowed.ok()) return allowed.error();
  const OrganizationState& org = *access->org;
  // Deleting is the one action a stolen, long-idle browser session must not
  // reach: sessions need a recent sign-in. Keys and bearer tokens skip this.
  if (org.require_reauth_to_delete) {
    Status recent = check_recent_sign_in(
        c, "Sign in again (within the last 15 minutes) to delete an organization.");
    if (!recent.ok()) return recent.error();
  }
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();

  OrganizationDeleted deleted;
  deleted.deleted_at_ms = c.now_ms;
  deleted.deleted_by = acting_user_id(c);
  StreamAppend append = append_to(org);
  append.events.push_back(event_of(deleted));
  return single_append(std::move(append), org.id);
}

Result<Decision> decide_command(const DecideContext& c, const RestoreOrganization& cmd) {
  Result<OrgAccess> access = access_org(c, cmd.org_id, DeletedOrg::allowed);
  if (!access.ok()) return access.error();
  const OrganizationState& org = *access->org;
  if (org.deleted() && !org.restorable_at(c.now_ms)) {
    return not_found("No organization " + org.id + ".");  // gone for good after 90 days
  }
  Status allowed = check_org_action(access->authority, OrgAction::delete_org);
  if (!allowed.ok()) return allowed.error();
  if (!org.deleted()) return conflict("The organization is not deleted.");
  Status fresh = check_if_match(cmd.if_match_version, org);
  if (!fresh.ok()) return fresh.error();

  OrganizationRestored restored;
  restored.restored_by = acting_user_id(c);
  StreamAppend append = append_to(org);
  append.events.push_back(event_of(restored));
  return single_append(std::move(append), org.id);
}

}  // namespace decide_support
}  // namespace closient
