// Queries: pagination (§5), object-level authorization (§3), ETags, whoami,
// keys and preferences, all answered from the read models of a real log.
#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "domain/views.h"
#include "projections/queries.h"
#include "projections_world.h"

using namespace closient;
using namespace closient::testing;

namespace {

PageRequest page(uint64_t number, uint64_t size = 25) {
  return PageRequest{number, size};
}

std::vector<std::string> ids_of(const nlohmann::json& body) {
  std::vector<std::string> ids;
  for (const auto& item : body.at("data")) ids.push_back(item.at("id").get<std::string>());
  return ids;
}

template <typename T>
std::string code_of(const Result<T>& result) {
  return outcome(result);
}

// An organization of `members` people besides its owner Ann, roles in turn
// editor, manager, billing; names "Person <n>".
struct MembersFixture {
  ProjectedWorld w;
  AccountQueries queries{*w.state, *w.log};
  Person ann = w.person("ann@example.com", "Ann Owner");
  std::string org = w.create_org(ann.session, "Acme");

  explicit MembersFixture(int members = 57) {
    const Role roles[] = {Role::editor, Role::manager, Role::billing};
    for (int i = 1; i <= members; ++i) {
      w.bootstrap_user("p" + std::to_string(i) + "@example.com", "Person " + std::to_string(i));
      w.invite(ann.session, org, "p" + std::to_string(i) + "@example.com", roles[i % 3]);
    }
  }

  std::vector<std::string> active_ids(std::optional<Role> role = std::nullopt) const {
    std::vector<std::string> ids;
    for (const Member& m : w.world.org(org).members)
      if (!m.removed && (!role || m.role == *role)) ids.push_back(m.id);
    return ids;
  }

  // Every page of a listing, concatenated.
  std::vector<std::string> all_pages(const MemberFilter& filter, uint64_t size) {
    std::vector<std::string> ids;
    for (uint64_t p = 1;; ++p) {
      auto body = queries.list_members(ann.session, org, filter, page(p, size));
      BOOST_REQUIRE(body.ok());
      auto got = ids_of(*body);
      if (got.empty()) return ids;
      ids.insert(ids.end(), got.begin(), got.end());
      if (!body->at("pagination").at("has_next").get<bool>()) return ids;
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pagination)

BOOST_AUTO_TEST_CASE(pages_split_the_members_in_join_order) {
  MembersFixture f;  // 58 members
  auto first = f.queries.list_members(f.ann.session, f.org, {}, page(1));
  BOOST_REQUIRE(first.ok());
  const nlohmann::json& p = first->at("pagination");
  BOOST_TEST(p.at("page").get<int>() == 1);
  BOOST_TEST(p.at("page_size").get<int>() == 25);
  BOOST_TEST(p.at("total_count").get<int>() == 58);
  BOOST_TEST(p.at("total_pages").get<int>() == 3);
  BOOST_TEST(p.at("has_next").get<bool>());
  BOOST_TEST(!p.at("has_previous").get<bool>());
  BOOST_TEST(first->at("data").size() == 25u);
  BOOST_TEST(first->at("data")[0].at("user_email") == "ann@example.com");
  BOOST_TEST(first->at("data")[0].at("role_display") == "Owner");

  auto last = f.queries.list_members(f.ann.session, f.org, {}, page(3));
  BOOST_TEST(last->at("data").size() == 8u);
  BOOST_TEST(!last->at("pagination").at("has_next").get<bool>());
  BOOST_TEST(last->at("pagination").at("has_previous").get<bool>());

  BOOST_TEST(f.all_pages({}, 25) == f.active_ids(), boost::test_tools::per_element());
  BOOST_TEST(f.all_pages({}, 1) == f.active_ids(), boost::test_tools::per_element());
  BOOST_TEST(f.all_pages({}, 100) == f.active_ids(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_page_past_the_end_is_empty_and_still_counts) {
  MembersFixture f;
  for (uint64_t number : {4ull, 1000ull, (1ull << 53) - 1}) {
    auto body = f.queries.list_members(f.ann.session, f.org, {}, page(number));
    BOOST_REQUIRE(body.ok());
    BOOST_TEST(body->at("data").empty());
    BOOST_TEST(body->at("pagination").at("total_count").get<int>() == 58);
    BOOST_TEST(body->at("pagination").at("total_pages").get<int>() == 3);
    BOOST_TEST(!body->at("pagination").at("has_next").get<bool>());
  }
}

BOOST_AUTO_TEST_CASE(an_exact_multiple_fills_its_last_page) {
  MembersFixture f(49);  // 50 members
  auto body = f.queries.list_members(f.ann.session, f.org, {}, page(2));
  BOOST_TEST(body->at("data").size() == 25u);
  BOOST_TEST(body->at("pagination").at("total_pages").get<int>() == 2);
  BOOST_TEST(!body->at("pagination").at("has_next").get<bool>());
  BOOST_TEST(f.queries.list_members(f.ann.session, f.org, {}, page(3))->at("data").empty());
}

BOOST_AUTO_TEST_CASE(nothing_to_list_has_zero_pages) {
  MembersFixture f(2);
  MemberFilter nobody;
  nobody.q = "no such person";
  auto body = f.queries.list_members(f.ann.session, f.org, nobody, page(1));
  BOOST_TEST(body->at("data").empty());
  BOOST_TEST(body->at("pagination").at("total_count").get<int>() == 0);
  BOOST_TEST(body->at("pagination").at("total_pages").get<int>() == 0);
  BOOST_TEST(!body->at("pagination").at("has_next").get<bool>());
}

BOOST_AUTO_TEST_CASE(page_and_page_size_out_of_range_are_validation_errors) {
  MembersFixture f(1);
  for (PageRequest bad : {page(0), page(1, 0), page(1, 101)}) {
    auto body = f.queries.list_members(f.ann.session, f.org, {}, bad);
    BOOST_TEST(code_of(body) == "validation_error");
  }
  auto named = f.queries.list_members(f.ann.session, f.org, {}, page(1, 101));
  BOOST_TEST(named.error().fields.at(0).field == "page_size");
  BOOST_TEST(f.queries.list_members(f.ann.session, f.org, {}, page(1, 100)).ok());
}

BOOST_AUTO_TEST_CASE(the_role_filter_pages_through_that_role_in_join_order) {
  MembersFixture f;
  for (Role role : {Role::editor, Role::manager, Role::billing, Role::owner}) {
    MemberFilter filter;
    filter.role = role;
    const auto expected = f.active_ids(role);
    BOOST_TEST(f.all_pages(filter, 7) == expected, boost::test_tools::per_element());
    auto first = f.queries.list_members(f.ann.session, f.org, filter, page(1, 7));
    BOOST_TEST(first->at("pagination").at("total_count").get<size_t>() == expected.size());
    for (const auto& m : first->at("data")) BOOST_TEST(m.at("role") == role_name(role));
  }
}

BOOST_AUTO_TEST_CASE(the_q_filter_matches_name_or_email_ignoring_case) {
  MembersFixture f;
  MemberFilter filter;
  filter.q = "PERSON 1";  // Person 1, 10..19
  auto body = f.queries.list_members(f.ann.session, f.org, filter, page(1, 4));
  BOOST_REQUIRE(body.ok());
  BOOST_TEST(body->at("pagination").at("total_count").get<int>() == 11);
  BOOST_TEST(body->at("pagination").at("total_pages").get<int>() == 3);
  BOOST_TEST(body->at("data")[0].at("user_name") == "Person 1");
  BOOST_TEST(body->at("data")[1].at("user_name") == "Person 10");
  BOOST_TEST(f.all_pages(filter, 4).size() == 11u);

  filter.q = "P2@EXAMPLE";  // by email
  BOOST_TEST(f.queries.list_members(f.ann.session, f.org, filter, page(1))
                 ->at("pagination")
                 .at("total_count")
                 .get<int>() == 1);

  filter.q = "person 1";
  filter.role = Role::manager;  // both filters: 1, 10, 13, 16, 19 have i % 3 == 1
  auto both = f.queries.list_members(f.ann.session, f.org, filter, page(1, 2));
  BOOST_TEST(both->at("pagination").at("total_count").get<int>() == 5);
  BOOST_TEST(both->at("data").size() == 2u);
  BOOST_TEST(f.queries.list_members(f.ann.session, f.org, filter, page(4, 2))->at("data").empty());
}

BOOST_AUTO_TEST_CASE(join_order_survives_removals_role_changes_and_rejoins) {
  MembersFixture f(10);
  const std::vector<std::string> before = f.active_ids();
  RemoveMember remove;
  remove.org_id = f.org;
  remove.member_id = before[3];
  World::must(f.w.run(f.ann.session, remove));
  ChangeMemberRole change;
  change.org_id = f.org;
  change.member_id = before[5];
  change.role = Role::owner;
  World::must(f.w.run(f.ann.session, change));
  // The removed person comes back as a new membership, last in join order.
  const std::string again = f.w.invite(f.ann.session, f.org, "p3@example.com", Role::editor);
  BOOST_TEST(again != before[3]);

  const std::vector<std::string> after = f.active_ids();
  BOOST_TEST(after.back() == again);
  BOOST_TEST(f.all_pages({}, 3) == after, boost::test_tools::per_element());
  MemberFilter owners;
  owners.role = Role::owner;
  BOOST_TEST(f.all_pages(owners, 1) == std::vector<std::string>({before[0], before[5]}),
             boost::test_tools::per_element());
  BOOST_TEST(code_of(f.queries.get_member(f.ann.session, f.org, before[3])) == "not_found");
}

BOOST_AUTO_TEST_CASE(a_users_organizations_are_paged_too) {
  ProjectedWorld w;
  AccountQueries queries(*w.state, *w.log);
  Person ann = w.person("ann@example.com");
  std::vector<std::string> orgs;
  for (int i = 0; i < 7; ++i) orgs.push_back(w.create_org(ann.session, "Org " + std::to_string(i)));
  std::sort(orgs.begin(), orgs.end());  // listed by organization id
  std::vector<std::string> listed;
  for (uint64_t p = 1; p <= 4; ++p) {
    auto body = queries.list_organizations(ann.session, page(p, 2));
    BOOST_REQUIRE(body.ok());
    BOOST_TEST(body->at("pagination").at("total_count").get<int>() == 7);
    BOOST_TEST(body->at("pagination").at("total_pages").get<int>() == 4);
    for (const auto& id : ids_of(*body)) listed.push_back(id);
  }
  BOOST_TEST(listed == orgs, boost::test_tools::per_element());
  BOOST_TEST(queries.list_organizations(ann.session, page(5, 2))->at("data").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(authorization)

struct TwoOrgs {
  ProjectedWorld w;
  AccountQueries queries{*w.state, *w.log};
  Person ann = w.person("ann@example.com", "Ann");
  Person bob = w.person("bob@example.com", "Bob");
  std::string a = w.create_org(ann.session, "Ann's");
  std::string b = w.create_org(bob.session, "Bob's");
  Person eve = w.member(ann.session, a, "eve@example.com", Role::editor);
  Person max = w.member(ann.session, a, "max@example.com", Role::manager);
  Person bill = w.member(ann.session, a, "bill@example.com", Role::billing);
  IssuedCredential a_key = w.org_key(ann.session, a, KeyKind::business, KeyRole::manager);
  IssuedCredential b_key = w.org_key(bob.session, b, KeyKind::business, KeyRole::manager);
  std::string bob_member = w.world.member_id_of(b, bob.user_id);
};

BOOST_FIXTURE_TEST_CASE(another_organizations_ids_are_not_found, TwoOrgs) {
  BOOST_TEST(code_of(queries.get_organization(ann.session, b)) == "not_found");
  BOOST_TEST(code_of(queries.list_members(ann.session, b, {}, page(1))) == "not_found");
  BOOST_TEST(code_of(queries.audit_feed(ann.session, b, 0, 10)) == "not_found");
  BOOST_TEST(code_of(queries.list_org_keys(ann.session, b, page(1))) == "not_found");
  // Ids of b's member and key, asked for under a: not in a.
  BOOST_TEST(code_of(queries.get_member(ann.session, a, bob_member)) == "not_found");
  BOOST_TEST(code_of(queries.get_org_key(ann.session, a, b_key.caller.credential_id)) ==
             "not_found");
  // An org key of a reaches nothing of b.
  BOOST_TEST(code_of(queries.get_organization(a_key.caller, b)) == "not_found");
  BOOST_TEST(code_of(queries.list_members(a_key.caller, b, {}, page(1))) == "not_found");
  // Unknown ids, in either id form, the same.
  BOOST_TEST(code_of(queries.get_organization(ann.session, "2222222222222222222222")) ==
             "not_found");
  BOOST_TEST(code_of(queries.get_organization(ann.session, "not an id")) == "not_found");
}

BOOST_FIXTURE_TEST_CASE(canonical_uuids_name_the_same_organization, TwoOrgs) {
  const std::string canonical = format_canonical_uuid(*shortuuid_decode(a));
  auto body = queries.get_organization(ann.session, canonical);
  BOOST_REQUIRE(body.ok());
  BOOST_TEST(body->body.at("id") == a);
}

BOOST_FIXTURE_TEST_CASE(keys_need_manage_api_keys, TwoOrgs) {
  IssuedCredential editor_key = w.org_key(ann.session, a, KeyKind::business, KeyRole::editor);
  IssuedCredential readonly_key = w.org_key(ann.session, a, KeyKind::business, KeyRole::readonly);
  BOOST_TEST(code_of(queries.list_org_keys(editor_key.caller, a, page(1))) == "forbidden");
  BOOST_TEST(code_of(queries.list_org_keys(readonly_key.caller, a, page(1))) == "forbidden");
  BOOST_TEST(code_of(queries.get_org_key(editor_key.caller, a, editor_key.caller.credential_id)) ==
             "forbidden");
  BOOST_TEST(code_of(queries.list_org_keys(eve.session, a, page(1))) == "forbidden");
  BOOST_TEST(code_of(queries.list_org_keys(bill.session, a, page(1))) == "forbidden");
  BOOST_TEST(queries.list_org_keys(max.session, a, page(1)).ok());
  auto listed = queries.list_org_keys(a_key.caller, a, page(1));
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(listed->at("pagination").at("total_count").get<int>() == 3);
  // The editor key can still read what any member reads.
  BOOST_TEST(queries.list_members(editor_key.caller, a, {}, page(1)).ok());
}

BOOST_FIXTURE_TEST_CASE(publishable_keys_read_their_organization_only, TwoOrgs) {
  IssuedCredential cpk = w.org_key(ann.session, a, KeyKind::publishable, KeyRole::readonly);
  BOOST_TEST(code_of(queries.list_organizations(cpk.caller, page(1))) == "forbidden");
  BOOST_TEST(queries.get_organization(cpk.caller, a).ok());
  BOOST_TEST(code_of(queries.get_organization(cpk.caller, b)) == "not_found");
  BOOST_TEST(code_of(queries.list_members(cpk.caller, a, {}, page(1))) == "forbidden");
  BOOST_TEST(code_of(queries.get_preferences(cpk.caller)) == "forbidden");
  BOOST_TEST(queries.whoami(cpk.caller).ok());
}

BOOST_FIXTURE_TEST_CASE(a_business_key_lists_just_its_organization, TwoOrgs) {
  auto body = queries.list_organizations(a_key.caller, page(1));
  BOOST_REQUIRE(body.ok());
  BOOST_TEST(ids_of(*body) == std::vector<std::string>{a}, boost::test_tools::per_element());
  BOOST_TEST(body->at("pagination").at("total_count").get<int>() == 1);
  BOOST_TEST(queries.list_organizations(a_key.caller, page(2))->at("data").empty());
  BOOST_TEST(code_of(queries.get_preferences(a_key.caller)) == "forbidden");
  BOOST_TEST(code_of(queries.list_user_keys(a_key.caller, page(1))) == "forbidden");
}

BOOST_FIXTURE_TEST_CASE(the_audit_feed_is_for_owners_and_managers, TwoOrgs) {
  BOOST_TEST(queries.audit_feed(ann.session, a, 0, 10).ok());
  BOOST_TEST(queries.audit_feed(max.session, a, 0, 10).ok());
  BOOST_TEST(queries.audit_feed(a_key.caller, a, 0, 10).ok());  // a manager key
  BOOST_TEST(code_of(queries.audit_feed(eve.session, a, 0, 10)) == "forbidden");
  BOOST_TEST(code_of(queries.audit_feed(bill.session, a, 0, 10)) == "forbidden");
}

BOOST_FIXTURE_TEST_CASE(entities_carry_the_organizations_version_as_etag, TwoOrgs) {
  const uint64_t version = w.world.org(a).version;
  auto org = queries.get_organization(eve.session, a);
  BOOST_REQUIRE(org.ok());
  BOOST_TEST(org->etag == version);
  BOOST_TEST(org->body == organization_view(w.world.org(a)));
  auto member = queries.get_member(eve.session, a, w.world.member_id_of(a, max.user_id));
  BOOST_REQUIRE(member.ok());
  BOOST_TEST(member->etag == version);
  BOOST_TEST(member->body == member_view(*w.world.org(a).active_member_of(max.user_id)));
  auto key = queries.get_org_key(ann.session, a, a_key.caller.credential_id);
  BOOST_REQUIRE(key.ok());
  BOOST_TEST(key->etag == version);
  BOOST_TEST(key->body ==
             api_key_view(*w.world.org(a).find_key(a_key.caller.credential_id), std::nullopt));
  BOOST_TEST(key->body.dump().find(a_key.raw) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_deleted_organization_is_gone_until_restored, TwoOrgs) {
  DeleteOrganization del;
  del.org_id = a;
  World::must(w.run(ann.session, del));
  BOOST_TEST(code_of(queries.get_organization(ann.session, a)) == "not_found");
  BOOST_TEST(code_of(queries.list_members(eve.session, a, {}, page(1))) == "not_found");
  BOOST_TEST(queries.list_organizations(ann.session, page(1))->at("data").empty());
  BOOST_TEST(queries.list_organizations(eve.session, page(1))
                 ->at("pagination")
                 .at("total_count")
                 .get<int>() == 0);
  BOOST_TEST(queries.whoami(eve.session)->at("organizations").empty());

  RestoreOrganization restore;
  restore.org_id = a;
  World::must(w.run(ann.session, restore));
  BOOST_TEST(queries.get_organization(eve.session, a).ok());
  auto eves = queries.list_organizations(eve.session, page(1));
  BOOST_TEST(ids_of(*eves) == std::vector<std::string>{a}, boost::test_tools::per_element());
  BOOST_TEST(queries.whoami(eve.session)->at("organizations")[0].at("role") == "editor");
}

BOOST_FIXTURE_TEST_CASE(revoked_keys_are_gone, TwoOrgs) {
  IssuedCredential extra = w.org_key(ann.session, a, KeyKind::business, KeyRole::readonly);
  RevokeOrgApiKey revoke;
  revoke.org_id = a;
  revoke.key_id = extra.caller.credential_id;
  World::must(w.run(ann.session, revoke));
  BOOST_TEST(code_of(queries.get_org_key(ann.session, a, extra.caller.credential_id)) ==
             "not_found");
  auto listed = queries.list_org_keys(ann.session, a, page(1));
  BOOST_TEST(ids_of(*listed) == std::vector<std::string>{a_key.caller.credential_id},
             boost::test_tools::per_element());
  BOOST_TEST(listed->at("pagination").at("total_count").get<int>() == 1);

  IssuedCredential mine = w.user_key(ann.session, KeyRole::manager);
  IssuedCredential second = w.user_key(ann.session, KeyRole::readonly);
  RevokeUserApiKey revoke_mine;
  revoke_mine.key_id = mine.caller.credential_id;
  World::must(w.run(ann.session, revoke_mine));
  BOOST_TEST(code_of(queries.get_user_key(ann.session, mine.caller.credential_id)) == "not_found");
  BOOST_TEST(queries.get_user_key(ann.session, second.caller.credential_id).ok());
  BOOST_TEST(ids_of(*queries.list_user_keys(ann.session, page(1))) ==
                 std::vector<std::string>{second.caller.credential_id},
             boost::test_tools::per_element());
  // Someone else's key, and an org key asked for as a user key: not found.
  BOOST_TEST(code_of(queries.get_user_key(bob.session, second.caller.credential_id)) ==
             "not_found");
  BOOST_TEST(code_of(queries.get_user_key(ann.session, a_key.caller.credential_id)) == "not_found");
}

BOOST_FIXTURE_TEST_CASE(whoami_names_the_user_their_organizations_and_the_key, TwoOrgs) {
  w.invite(bob.session, b, "ann@example.com", Role::billing);
  auto me = queries.whoami(ann.session);
  BOOST_REQUIRE(me.ok());
  BOOST_TEST(me->at("user_id") == ann.user_id);
  BOOST_TEST(me->at("email") == "ann@example.com");
  BOOST_TEST(me->at("organizations").size() == 2u);
  BOOST_TEST(me->at("api_key").is_null());
  for (const auto& org : me->at("organizations")) {
    BOOST_TEST(org.at("role") == (org.at("id") == a ? "owner" : "billing"));
    BOOST_TEST(org.at("name") == (org.at("id") == a ? "Ann's" : "Bob's"));
  }

  auto as_key = queries.whoami(a_key.caller);
  BOOST_REQUIRE(as_key.ok());
  BOOST_TEST(as_key->at("user_id") == ann.user_id);  // the key's creator
  BOOST_TEST(as_key->at("organizations").size() == 1u);
  BOOST_TEST(as_key->at("organizations")[0].at("id") == a);
  BOOST_TEST(as_key->at("organizations")[0].at("role").is_null());
  BOOST_TEST(as_key->at("api_key").at("id") == a_key.caller.credential_id);
  BOOST_TEST(as_key->at("api_key").at("role") == "manager");
}

BOOST_FIXTURE_TEST_CASE(preferences_start_empty_and_follow_replacements, TwoOrgs) {
  BOOST_TEST(*queries.get_preferences(ann.session) == nlohmann::json::array());
  ReplacePreferences replace;
  TraitPreference nuts;
  nuts.trait = "tree_nuts";
  nuts.trait_label = "Tree Nuts";
  nuts.category = TraitCategory::ALLERGEN;
  nuts.stance = TraitStance::AVOID;
  replace.preferences = {nuts};
  World::must(w.run(ann.session, replace));
  auto prefs = queries.get_preferences(ann.session);
  BOOST_REQUIRE(prefs.ok());
  BOOST_TEST(*prefs == preferences_view({nuts}));
  BOOST_TEST(*queries.get_preferences(bob.session) == nlohmann::json::array());
}

BOOST_AUTO_TEST_SUITE_END()
