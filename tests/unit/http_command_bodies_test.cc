#include <boost/test/unit_test.hpp>
#include <chrono>

#include "http/command_bodies.h"
#include "http/json_body.h"
#include "time_budget.h"

using namespace closient;
using namespace closient::http;
using nlohmann::json;

namespace {

const char kOrg[] = "CnEqURgZ3swzj528KMLvX5";
const char kOrgUuid[] = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

Result<Command> build(std::string_view operation, const PathParams& path, const json* body,
                      std::optional<uint64_t> if_match = std::nullopt) {
  return command_from_request(CommandInput{operation, &path, body, if_match});
}

std::vector<std::string> bad_fields(const Result<Command>& result) {
  std::vector<std::string> fields;
  for (const FieldError& f : result.error().fields) fields.push_back(f.field);
  return fields;
}

}  // namespace

BOOST_AUTO_TEST_CASE(create_organization_reads_every_field) {
  PathParams path;
  json body = {{"name", "Acme"}, {"country", "US"}, {"is_brand", true}, {"metadata", {{"a", "1"}}}};
  Result<Command> cmd = build("apps_accounts_api_organizations_create_organization", path, &body);
  BOOST_REQUIRE(cmd.ok());
  const auto& create = std::get<CreateOrganization>(*cmd);
  BOOST_TEST(create.name == "Acme");
  BOOST_TEST(create.country == "US");
  BOOST_TEST(create.is_brand);
  BOOST_TEST(create.metadata.at("a") == "1");
}

BOOST_AUTO_TEST_CASE(unknown_fields_and_wrong_types_are_422_naming_each_field) {
  PathParams path;
  json body = {{"name", 5}, {"country", "US"}, {"colour", "red"}};
  Result<Command> cmd = build("apps_accounts_api_organizations_create_organization", path, &body);
  BOOST_REQUIRE(!cmd.ok());
  BOOST_TEST((cmd.error().code == ErrorCode::validation_error));
  std::vector<std::string> fields = bad_fields(cmd);
  BOOST_TEST((std::find(fields.begin(), fields.end(), "name") != fields.end()));
  BOOST_TEST((std::find(fields.begin(), fields.end(), "colour") != fields.end()));
}

BOOST_AUTO_TEST_CASE(path_ids_accept_both_forms_and_reject_others) {
  PathParams canonical;
  canonical.add("id", kOrgUuid);
  Result<Command> del =
      build("apps_accounts_api_organizations_delete_organization", canonical, nullptr);
  BOOST_REQUIRE(del.ok());
  BOOST_TEST(std::get<DeleteOrganization>(*del).org_id == kOrg);

  PathParams bad;
  bad.add("org_id", "not-an-id");
  bad.add("member_id", kOrg);
  Result<Command> remove = build("apps_accounts_api_members_remove_member", bad, nullptr);
  BOOST_REQUIRE(!remove.ok());
  BOOST_TEST(bad_fields(remove) == std::vector<std::string>{"org_id"});
}

BOOST_AUTO_TEST_CASE(invite_lower_cases_email_and_defaults_to_editor) {
  PathParams path;
  path.add("org_id", kOrg);
  json body = {{"email", "Ann@Example.COM"}};
  Result<Command> cmd = build("apps_accounts_api_members_invite_member", path, &body, 4);
  BOOST_REQUIRE(cmd.ok());
  const auto& invite = std::get<InviteMember>(*cmd);
  BOOST_TEST(invite.email == "ann@example.com");
  BOOST_TEST((invite.role == Role::editor));
  BOOST_TEST(*invite.if_match_version == 4u);

  json bad = {{"email", "nope"}, {"role", "king"}};
  Result<Command> rejected = build("apps_accounts_api_members_invite_member", path, &bad);
  BOOST_REQUIRE(!rejected.ok());
  BOOST_TEST(bad_fields(rejected).size() == 2u);
}

BOOST_AUTO_TEST_CASE(user_keys_refuse_kind_and_negative_rate_limits) {
  PathParams path;
  json with_kind = {{"name", "k"}, {"kind", "user"}};
  BOOST_TEST(bad_fields(build("apps_accounts_api_api_keys_create_user_api_key", path,
                              &with_kind)) == std::vector<std::string>{"kind"});
  json negative = {{"name", "k"}, {"rate_limit_per_minute", -1}};
  BOOST_TEST(bad_fields(build("apps_accounts_api_api_keys_create_user_api_key", path, &negative)) ==
             std::vector<std::string>{"rate_limit_per_minute"});
  json bad_time = {{"name", "k"}, {"expires_at", "tomorrow"}};
  BOOST_TEST(bad_fields(build("apps_accounts_api_api_keys_create_user_api_key", path, &bad_time)) ==
             std::vector<std::string>{"expires_at"});
}

BOOST_AUTO_TEST_CASE(metadata_patch_distinguishes_absent_null_and_merge) {
  PathParams path;
  path.add("id", kOrg);
  json absent = json::object();
  json null_metadata = {{"metadata", nullptr}};
  json merge = {{"metadata", {{"k", "v"}, {"gone", ""}}}};
  auto patch_of = [&](const json& body) {
    return std::get<UpdateOrganization>(
               *build("apps_accounts_api_organizations_update_organization", path, &body))
        .metadata.kind;
  };
  BOOST_TEST((patch_of(absent) == MetadataPatch::Kind::unchanged));
  BOOST_TEST((patch_of(null_metadata) == MetadataPatch::Kind::clear));
  BOOST_TEST((patch_of(merge) == MetadataPatch::Kind::merge));
}

BOOST_AUTO_TEST_CASE(if_match_parses_quoted_versions_only) {
  auto parse = [](std::string value) { return parse_if_match(Headers{{"If-Match", value}}); };
  BOOST_TEST(*parse("\"12\"").value() == 12u);
  BOOST_TEST(*parse("W/\"3\"").value() == 3u);
  BOOST_TEST(!parse("*").value().has_value());
  BOOST_TEST(!parse_if_match(Headers{}).value().has_value());
  BOOST_TEST(!parse("12").ok());
  BOOST_TEST(!parse("\"abc\"").ok());
}

BOOST_AUTO_TEST_CASE(a_64_KiB_preferences_body_of_empty_objects_is_cheap_and_answers_small) {
  // The body that burned ~11 s and answered 5.8 MB: 21 845 empty objects.
  std::string text = "[";
  while (text.size() + 3 < 64 * 1024) text += text.size() == 1 ? "{}" : ",{}";
  text += "]";
  const auto start = std::chrono::steady_clock::now();
  const Result<json> body = parse_strict_json(text);
  BOOST_REQUIRE(body.ok());
  PathParams path;
  Result<Command> cmd = build("apps_accounts_api_preferences_replace_preferences", path, &*body);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  BOOST_REQUIRE(!cmd.ok());
  BOOST_TEST((cmd.error().code == ErrorCode::validation_error));
  BOOST_TEST(bad_fields(cmd) == std::vector<std::string>{"preferences"});
  // Parsing 64 KiB and refusing it takes a few milliseconds (generous for a
  // loaded CI machine and an unoptimized test binary: the code under test is optimized).
  BOOST_TEST((took < closient::testing::time_budget(std::chrono::milliseconds(200))), took.count()
                                                                                          << " ms");
}

BOOST_AUTO_TEST_CASE(bad_items_of_a_list_within_the_cap_answer_a_capped_list) {
  // 200 items, each with three problems: 600 fields, 50 listed.
  json list = json::array();
  for (int i = 0; i < 200; ++i) list.push_back({{"trait", "Not A Slug"}, {"stance", "maybe"}});
  PathParams path;
  Result<Command> cmd = build("apps_accounts_api_preferences_replace_preferences", path, &list);
  BOOST_REQUIRE(!cmd.ok());
  BOOST_TEST(cmd.error().fields.size() == 50u);
  BOOST_TEST(cmd.error().unlisted_fields == 600u - 50u);
}
