#include "http/command_rights.h"

#include <optional>

#include "domain/roles.h"
#include "http/command_bodies.h"

namespace closient::http {
namespace {

// The right an operation with a body needs, and where its target is named.
struct RightNeeded {
  std::optional<UserAction> user_action;  // an action on the caller's own user
  std::optional<OrgAction> org_action;    // an action on one organization
  const char* org_param = nullptr;        // the path parameter naming it
  const char* member_param = nullptr;     // a member whose visibility comes first
};

std::optional<RightNeeded> right_needed(std::string_view operation) {
  const auto user = [](UserAction action) { return RightNeeded{action, {}, nullptr, nullptr}; };
  const auto org = [](OrgAction action, const char* param, const char* member = nullptr) {
    return RightNeeded{{}, action, param, member};
  };
  if (operation == "apps_accounts_api_organizations_create_organization")
    return user(UserAction::create_organization);
  if (operation == "apps_accounts_api_organizations_update_organization")
    return org(OrgAction::manage_org, "id");
  if (operation == "apps_accounts_api_members_invite_member")
    return org(OrgAction::manage_members, "org_id");
  // decide looks the member up before the right to manage it: an unknown
  // member is 404 even to a credential that may not manage members.
  if (operation == "apps_accounts_api_members_update_member")
    return org(OrgAction::manage_members, "org_id", "member_id");
  if (operation == "apps_accounts_api_api_keys_create_api_key" ||
      operation == "apps_accounts_api_api_keys_update_api_key")
    return org(OrgAction::manage_api_keys, "organization_id");
  if (operation == "apps_accounts_api_api_keys_create_user_api_key" ||
      operation == "apps_accounts_api_api_keys_update_user_api_key")
    return user(UserAction::manage_own_keys);
  if (operation == "apps_accounts_api_preferences_replace_preferences")
    return user(UserAction::write_preferences);
  return std::nullopt;
}

// The credential may not do it: not_found when it may not even see the target,
// else the refusal itself.
Status refusal_for(const Error& refused, const RightNeeded& right, const std::string& org_id,
                   const PathParams& path, const Caller& caller, AccountQueries& queries) {
  if (refused.code != ErrorCode::forbidden) return refused;
  if (right.member_param != nullptr) {
    Result<std::string> member_id = path_id(path, right.member_param);
    if (!member_id.ok()) return member_id.error();
    Result<VersionedBody> member = queries.get_member(caller, org_id, *member_id);
    if (!member.ok() && member.error().code == ErrorCode::not_found) return member.error();
    return refused;
  }
  Result<VersionedBody> org = queries.get_organization(caller, org_id);
  if (!org.ok() && org.error().code == ErrorCode::not_found) return org.error();
  return refused;
}

}  // namespace

Status check_rights_before_body(std::string_view operation_id, const PathParams& path,
                                const Caller& caller, AccountQueries& queries) {
  std::optional<RightNeeded> right = right_needed(operation_id);
  if (!right) return ok_status();
  if (right->user_action) return check_user_action(caller, *right->user_action);
  Result<std::string> org_id = path_id(path, right->org_param);
  if (!org_id.ok()) return org_id.error();
  Status possible = check_org_action_by_credential(caller, *org_id, *right->org_action);
  if (possible.ok()) return possible;
  return refusal_for(possible.error(), *right, *org_id, path, caller, queries);
}

}  // namespace closient::http
