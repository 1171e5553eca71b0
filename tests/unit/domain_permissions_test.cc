// The permission matrix of contract §3, cell by cell, through the pure
// authority function both the write and the read path use.
#include <boost/test/unit_test.hpp>
#include <map>

#include "domain/roles.h"
#include "domain_world.h"

using namespace closient;

namespace {

constexpr OrgAction kActions[] = {
    OrgAction::read_organization, OrgAction::read_members,    OrgAction::manage_members,
    OrgAction::manage_owners,     OrgAction::manage_api_keys, OrgAction::manage_org,
    OrgAction::delete_org,        OrgAction::read_audit,      OrgAction::leave,
};

const char* action_name(OrgAction action) {
  switch (action) {
    case OrgAction::read_organization:
      return "read_organization";
    case OrgAction::read_members:
      return "read_members";
    case OrgAction::manage_members:
      return "manage_members";
    case OrgAction::manage_owners:
      return "manage_owners";
    case OrgAction::manage_api_keys:
      return "manage_api_keys";
    case OrgAction::manage_org:
      return "manage_org";
    case OrgAction::delete_org:
      return "delete_org";
    case OrgAction::read_audit:
      return "read_audit";
    case OrgAction::leave:
      return "leave";
  }
  return "?";
}

// The allowed actions as a string of 0/1 in kActions order, easy to compare
// with the contract's table.
std::string allowed(const OrgAuthority& authority) {
  std::string out;
  for (OrgAction action : kActions) out += allows(authority, action) ? '1' : '0';
  return out;
}

const Caller kSession = Caller::session("s", "u", 0);
const Caller kToken = Caller::token("t", "u");

}  // namespace

BOOST_AUTO_TEST_CASE(membership_roles_follow_the_matrix) {
  //                                        read org, members, manage members, owners,
  //                                        api keys, org, delete, audit, leave
  const std::map<Role, std::string> expected = {
      {Role::owner, "111111111"},
      {Role::manager, "111010011"},
      {Role::billing, "110000001"},
      {Role::editor, "110000001"},
  };
  for (const Caller& caller : {kSession, kToken, Caller::user_key("k", "u", KeyRole::manager)}) {
    for (const auto& [role, bits] : expected) {
      const OrgAuthority authority = authority_over_org(caller, role, false);
      BOOST_TEST(allowed(authority) == bits, role_name(role)
                                                 << " via " << credential_kind_name(caller.kind));
      BOOST_TEST(authority.membership_role == role);
    }
  }
}

BOOST_AUTO_TEST_CASE(non_members_see_nothing) {
  for (const Caller& caller : {kSession, kToken, Caller::user_key("k", "u", KeyRole::manager)}) {
    const OrgAuthority authority = authority_over_org(caller, std::nullopt, false);
    BOOST_TEST(!authority.visible);
    BOOST_TEST(allowed(authority) == "000000000");
    for (OrgAction action : kActions) {
      BOOST_TEST(check_org_action(authority, action).error().code == ErrorCode::not_found,
                 action_name(action));
    }
  }
}

BOOST_AUTO_TEST_CASE(csu_keys_below_manager_only_read) {
  for (KeyRole key_role : {KeyRole::editor, KeyRole::readonly}) {
    const Caller key = Caller::user_key("k", "u", key_role);
    for (Role role : {Role::owner, Role::manager, Role::billing, Role::editor}) {
      const OrgAuthority authority = authority_over_org(key, role, false);
      BOOST_TEST(allowed(authority) == "110000000", key_role_name(key_role) << " " << role);
    }
  }
}

BOOST_AUTO_TEST_CASE(business_keys_are_capped_by_their_role) {
  const std::map<KeyRole, std::string> expected = {
      {KeyRole::manager, "111010010"},  // members + api keys + read, never owner-only
      {KeyRole::editor, "110000000"},
      {KeyRole::readonly, "110000000"},
  };
  for (const auto& [key_role, bits] : expected) {
    const Caller key = Caller::business_key("k", "org", "creator", key_role);
    BOOST_TEST(allowed(authority_over_org(key, std::nullopt, true)) == bits,
               key_role_name(key_role));
    // Even if its creator is an owner: the key is not its creator.
    BOOST_TEST(allowed(authority_over_org(key, Role::owner, true)) == bits);
    // Another organization's key sees nothing.
    BOOST_TEST(!authority_over_org(key, Role::owner, false).visible);
  }
}

BOOST_AUTO_TEST_CASE(publishable_keys_read_only_the_organization) {
  for (KeyRole key_role : {KeyRole::manager, KeyRole::editor, KeyRole::readonly}) {
    const Caller key = Caller::publishable_key("k", "org", "creator", key_role);
    const OrgAuthority authority = authority_over_org(key, std::nullopt, true);
    BOOST_TEST(allowed(authority) == "100000000");
    BOOST_TEST(check_org_action(authority, OrgAction::read_members).error().code ==
               ErrorCode::forbidden);
    BOOST_TEST(check_org_action(authority, OrgAction::manage_api_keys).error().code ==
               ErrorCode::forbidden);
    BOOST_TEST(!authority_over_org(key, std::nullopt, false).visible);
  }
}

BOOST_AUTO_TEST_CASE(seen_but_not_allowed_is_forbidden) {
  const OrgAuthority editor = authority_over_org(kSession, Role::editor, false);
  BOOST_TEST(check_org_action(editor, OrgAction::read_members).ok());
  BOOST_TEST(check_org_action(editor, OrgAction::manage_members).error().code ==
             ErrorCode::forbidden);
  BOOST_TEST(check_org_action(editor, OrgAction::delete_org).error().code == ErrorCode::forbidden);
}

BOOST_AUTO_TEST_CASE(keys_created_only_within_the_creators_authority) {
  const OrgAuthority owner = authority_over_org(kSession, Role::owner, false);
  const OrgAuthority manager = authority_over_org(kSession, Role::manager, false);
  const OrgAuthority billing = authority_over_org(kSession, Role::billing, false);
  const OrgAuthority manager_key =
      authority_over_org(Caller::business_key("k", "o", "u", KeyRole::manager), {}, true);
  const OrgAuthority editor_key =
      authority_over_org(Caller::business_key("k", "o", "u", KeyRole::editor), {}, true);
  for (const OrgAuthority* a : {&owner, &manager, &manager_key}) {
    for (KeyRole role : {KeyRole::manager, KeyRole::editor, KeyRole::readonly})
      BOOST_TEST(covers_key_role(*a, role));
  }
  BOOST_TEST(!covers_key_role(billing, KeyRole::manager));
  BOOST_TEST(!covers_key_role(editor_key, KeyRole::manager));
  BOOST_TEST(covers_key_role(editor_key, KeyRole::readonly));

  BOOST_TEST(user_credential_covers_key_role(kSession, KeyRole::manager));
  BOOST_TEST(user_credential_covers_key_role(Caller::user_key("k", "u", KeyRole::manager),
                                             KeyRole::manager));
  BOOST_TEST(!user_credential_covers_key_role(Caller::user_key("k", "u", KeyRole::editor),
                                              KeyRole::readonly));
  BOOST_TEST(!user_credential_covers_key_role(Caller::business_key("k", "o", "u", KeyRole::manager),
                                              KeyRole::readonly));
}

BOOST_AUTO_TEST_CASE(user_scope_actions_by_credential) {
  constexpr UserAction kUserActions[] = {
      UserAction::whoami,
      UserAction::list_organizations,
      UserAction::create_organization,
      UserAction::read_own_keys,
      UserAction::manage_own_keys,
      UserAction::read_preferences,
      UserAction::write_preferences,
  };
  auto bits = [&](const Caller& caller) {
    std::string out;
    for (UserAction action : kUserActions)
      out += check_user_action(caller, action).ok() ? '1' : '0';
    return out;
  };
  //                                                        whoami, list orgs, create org,
  //                                                        read keys, manage keys, read prefs,
  //                                                        write prefs
  BOOST_TEST(bits(kSession) == "1111111");
  BOOST_TEST(bits(kToken) == "1111111");
  BOOST_TEST(bits(Caller::user_key("k", "u", KeyRole::manager)) == "1111111");
  BOOST_TEST(bits(Caller::user_key("k", "u", KeyRole::editor)) == "1101010");
  BOOST_TEST(bits(Caller::user_key("k", "u", KeyRole::readonly)) == "1101010");
  BOOST_TEST(bits(Caller::business_key("k", "o", "u", KeyRole::manager)) == "1100000");
  BOOST_TEST(bits(Caller::publishable_key("k", "o", "u", KeyRole::readonly)) == "1000000");
}

BOOST_AUTO_TEST_CASE(actors_name_the_credential) {
  BOOST_TEST(
      (Caller::user_key("k1", "u1", KeyRole::manager).actor() == Actor{"api_key", "k1", "u1"}));
  BOOST_TEST((Caller::business_key("k2", "o", "u2", KeyRole::editor).actor() ==
              Actor{"api_key", "k2", "u2"}));
  BOOST_TEST((Caller::token("t", "u").actor() == Actor{"token", "t", "u"}));
  BOOST_TEST((Caller::session("s", "u", 5).actor() == Actor{"session", "s", "u"}));
  BOOST_TEST((operator_actor("ops") == Actor{"operator", "ops", ""}));
}

// A refusal says which rule refused: a stable reason for programs, a sentence for people.
BOOST_AUTO_TEST_CASE(every_refusal_names_its_rule) {
  auto reason = [](const OrgAuthority& authority, OrgAction action) {
    const Status status = check_org_action(authority, action);
    return status.ok() ? std::string("allowed") : status.error().reason;
  };
  const OrgAuthority manager = authority_over_org(kSession, Role::manager, false);
  const OrgAuthority billing = authority_over_org(kToken, Role::billing, false);
  const OrgAuthority manager_key =
      authority_over_org(Caller::business_key("k", "o", "u", KeyRole::manager), {}, true);
  const OrgAuthority readonly_key =
      authority_over_org(Caller::business_key("k", "o", "u", KeyRole::readonly), {}, true);
  const OrgAuthority editor_csu_of_owner =
      authority_over_org(Caller::user_key("k", "u", KeyRole::editor), Role::owner, false);
  const OrgAuthority publishable =
      authority_over_org(Caller::publishable_key("k", "o", "u", KeyRole::readonly), {}, true);

  BOOST_TEST(reason(manager, OrgAction::manage_owners) == "owner_required");
  BOOST_TEST(reason(manager, OrgAction::manage_org) == "owner_required");
  BOOST_TEST(reason(manager, OrgAction::delete_org) == "owner_required");
  BOOST_TEST(reason(billing, OrgAction::manage_members) == "owner_or_manager_required");
  BOOST_TEST(reason(billing, OrgAction::manage_api_keys) == "owner_or_manager_required");
  BOOST_TEST(reason(billing, OrgAction::read_audit) == "owner_or_manager_required");
  BOOST_TEST(reason(manager_key, OrgAction::manage_owners) == "owner_required");
  BOOST_TEST(reason(readonly_key, OrgAction::manage_members) == "read_only_credential");
  BOOST_TEST(reason(editor_csu_of_owner, OrgAction::delete_org) == "read_only_credential");
  BOOST_TEST(reason(publishable, OrgAction::read_members) == "publishable_key_scope");

  const Error owner_rule = check_org_action(manager, OrgAction::manage_owners).error();
  BOOST_TEST(owner_rule.detail ==
             "Only an owner can grant or take away the owner role, or remove an owner. "
             "Your role here is manager.");
  BOOST_TEST(check_org_action(manager_key, OrgAction::manage_owners)
                 .error()
                 .detail.find("A business key never acts as an owner.") != std::string::npos);

  // Every cell the matrix refuses, for every kind of caller, carries a reason and a detail.
  const std::vector<OrgAuthority> all = {manager,
                                         billing,
                                         manager_key,
                                         readonly_key,
                                         editor_csu_of_owner,
                                         publishable,
                                         authority_over_org(kSession, Role::editor, false)};
  for (const OrgAuthority& authority : all) {
    for (OrgAction action : kActions) {
      const Status status = check_org_action(authority, action);
      if (status.ok()) continue;
      BOOST_TEST(status.error().code == ErrorCode::forbidden);
      BOOST_TEST(!status.error().reason.empty(), action_name(action));
      BOOST_TEST(!status.error().detail.empty(), action_name(action));
    }
  }

  auto user_reason = [](const Caller& caller, UserAction action) {
    return check_user_action(caller, action).error().reason;
  };
  BOOST_TEST(user_reason(Caller::business_key("k", "o", "u", KeyRole::manager),
                         UserAction::create_organization) == "user_credential_required");
  BOOST_TEST(user_reason(Caller::publishable_key("k", "o", "u", KeyRole::readonly),
                         UserAction::list_organizations) == "publishable_key_scope");
  BOOST_TEST(user_reason(Caller::user_key("k", "u", KeyRole::readonly),
                         UserAction::write_preferences) == "read_only_credential");
}
