#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>

#include "domain/countries.h"
#include "domain/metadata.h"
#include "domain/preferences.h"
#include "domain/validation.h"
#include "domain_world.h"
#include "time_budget.h"

using namespace closient;
using testing::outcome;

namespace {

std::vector<std::string> fields_of(const Status& status) {
  std::vector<std::string> fields;
  if (!status.ok())
    for (const FieldError& f : status.error().fields) fields.push_back(f.field);
  return fields;
}

}  // namespace

BOOST_AUTO_TEST_CASE(country_list_is_the_assigned_iso_codes) {
  BOOST_TEST(iso_country_code_count() == 249u);
  for (const char* code : {"US", "GB", "DE", "AQ", "SS", "SX", "CW", "BQ", "XK" + 0}) {
    if (std::string(code) == "XK") continue;  // user-assigned, see below
    BOOST_TEST(is_iso_country_code(code), code);
  }
  // Lower case, unassigned, user-assigned, withdrawn, reserved and wrong lengths.
  for (const char* code :
       {"us", "Us", "XX", "XK", "UK", "EU", "AN", "CS", "YU", "ZZ", "U", "USA", "", "U1"}) {
    BOOST_TEST(!is_iso_country_code(code), code);
  }
  BOOST_TEST(outcome(check_country("us")) == "validation_error");
  BOOST_TEST(fields_of(check_country("XX")) == std::vector<std::string>{"country"});
}

BOOST_AUTO_TEST_CASE(names_are_1_to_255_characters) {
  BOOST_TEST(check_name("A").ok());
  BOOST_TEST(check_name(std::string(255, 'a')).ok());
  BOOST_TEST(!check_name("").ok());
  BOOST_TEST(!check_name(std::string(256, 'a')).ok());
  // Characters, not bytes: 255 two-byte characters fit.
  std::string accented;
  for (int i = 0; i < 255; ++i) accented += "\xC3\xA9";  // é
  BOOST_TEST(check_name(accented).ok());
  BOOST_TEST(!check_name(accented + "\xC3\xA9").ok());
  BOOST_TEST(check_description("").ok());
  BOOST_TEST(!check_description(std::string(256, 'd')).ok());
  BOOST_TEST(fields_of(check_name("", "name")) == std::vector<std::string>{"name"});
}

BOOST_AUTO_TEST_CASE(emails_are_checked_and_lower_cased) {
  BOOST_TEST(*normalize_email("Ann.Lee+tag@Example.COM") == "ann.lee+tag@example.com");
  BOOST_TEST(*normalize_email("a@b.io") == "a@b.io");
  BOOST_TEST(*normalize_email("o'brien@sub.example-mail.org") == "o'brien@sub.example-mail.org");
  const char* bad[] = {"",
                       "plain",
                       "@example.com",
                       "a@",
                       "a@b",
                       "a@b.c",
                       "a..b@example.com",
                       ".a@example.com",
                       "a.@example.com",
                       "a b@example.com",
                       "a@-example.com",
                       "a@example-.com",
                       "a@exa_mple.com",
                       "a@example.c0m",
                       "a@@example.com",
                       "a@example..com"};
  for (const char* email : bad) BOOST_TEST(!normalize_email(email).ok(), email);
  BOOST_TEST(!normalize_email(std::string(65, 'a') + "@example.com").ok());
  Result<std::string> error = normalize_email("nope");
  BOOST_TEST(error.error().fields[0].field == "email");
}

BOOST_AUTO_TEST_CASE(metadata_merge_sets_deletes_keeps_and_clears) {
  const Metadata current = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  const Metadata merged =
      apply_metadata_patch(current, MetadataPatch::merge({{"a", "10"}, {"b", ""}, {"d", "4"}}));
  BOOST_TEST((merged == Metadata{{"a", "10"}, {"c", "3"}, {"d", "4"}}));
  BOOST_TEST((apply_metadata_patch(current, MetadataPatch::unchanged()) == current));
  BOOST_TEST(apply_metadata_patch(current, MetadataPatch::clear()).empty());
  BOOST_TEST(apply_metadata_patch(current, MetadataPatch::merge({})).empty());  // {} clears

  // From JSON: absent → unchanged, null → clear, {} → clear, object → merge.
  BOOST_TEST((parse_metadata_patch(nullptr, "metadata")->kind == MetadataPatch::Kind::unchanged));
  const nlohmann::json null_value = nullptr;
  BOOST_TEST((parse_metadata_patch(&null_value, "metadata")->kind == MetadataPatch::Kind::clear));
  const nlohmann::json empty = nlohmann::json::object();
  BOOST_TEST((parse_metadata_patch(&empty, "metadata")->kind == MetadataPatch::Kind::clear));
  const nlohmann::json object = {{"x", "1"}, {"y", ""}};
  Result<MetadataPatch> patch = parse_metadata_patch(&object, "metadata");
  BOOST_TEST((patch->kind == MetadataPatch::Kind::merge));
  BOOST_TEST((apply_metadata_patch({{"y", "old"}}, *patch) == Metadata{{"x", "1"}}));
  // A created object never stores "" values.
  BOOST_TEST((metadata_from_values({{"k", ""}, {"v", "1"}}) == Metadata{{"v", "1"}}));
}

BOOST_AUTO_TEST_CASE(metadata_limits) {
  Metadata fifty;
  for (int i = 0; i < 50; ++i) fifty["k" + std::to_string(i)] = "v";
  BOOST_TEST(check_metadata(fifty, "metadata").ok());
  Metadata fifty_one = fifty;
  fifty_one["extra"] = "v";
  BOOST_TEST(fields_of(check_metadata(fifty_one, "metadata")) ==
             std::vector<std::string>{"metadata"});

  BOOST_TEST(check_metadata({{std::string(40, 'k'), std::string(500, 'v')}}, "metadata").ok());
  BOOST_TEST(fields_of(check_metadata({{std::string(41, 'k'), "v"}}, "metadata")) ==
             std::vector<std::string>{"metadata." + std::string(41, 'k')});
  BOOST_TEST(fields_of(check_metadata({{"foo", std::string(501, 'v')}}, "metadata")) ==
             std::vector<std::string>{"metadata.foo"});

  // Shapes: only flat objects of strings.
  BOOST_TEST(outcome(parse_metadata(nlohmann::json::array(), "metadata")) == "validation_error");
  BOOST_TEST(outcome(parse_metadata("text", "metadata")) == "validation_error");
  Result<Metadata> nested = parse_metadata({{"foo", {{"deep", "x"}}}, {"n", 1}}, "metadata");
  BOOST_REQUIRE(!nested.ok());
  BOOST_TEST(nested.error().fields.size() == 2u);
  BOOST_TEST(nested.error().fields[0].field == "metadata.foo");
  BOOST_TEST(parse_metadata(nullptr, "metadata")->empty());
}

BOOST_AUTO_TEST_CASE(roles_key_roles_and_kinds_parse_exactly) {
  BOOST_TEST(*parse_role_field("owner") == Role::owner);
  BOOST_TEST(*parse_role_field("billing") == Role::billing);
  BOOST_TEST(!parse_role_field("Owner").ok());
  BOOST_TEST(!parse_role_field("admin").ok());
  BOOST_TEST(*parse_key_role_field("readonly") == KeyRole::readonly);
  BOOST_TEST(!parse_key_role_field("owner").ok());
  BOOST_TEST(*parse_org_key_kind_field("publishable") == KeyKind::publishable);
  BOOST_TEST(!parse_org_key_kind_field("user").ok());
  BOOST_TEST(std::string(role_display(Role::manager)) == "Manager");
}

BOOST_AUTO_TEST_CASE(rate_limits_and_expiry) {
  BOOST_TEST(check_rate_limit(0, kMaxRateLimitPerMinute, "rate_limit_per_minute").ok());
  BOOST_TEST(fields_of(check_rate_limit(-1, kMaxRateLimitPerDay, "rate_limit_per_day")) ==
             std::vector<std::string>{"rate_limit_per_day"});
  // Contract §4: at most 1 000 000 a minute and 100 000 000 a day through the API.
  BOOST_TEST(check_rate_limit(1'000'000, kMaxRateLimitPerMinute, "rate_limit_per_minute").ok());
  BOOST_TEST(
      fields_of(check_rate_limit(1'000'001, kMaxRateLimitPerMinute, "rate_limit_per_minute")) ==
      std::vector<std::string>{"rate_limit_per_minute"});
  BOOST_TEST(check_rate_limit(100'000'000, kMaxRateLimitPerDay, "rate_limit_per_day").ok());
  BOOST_TEST(!check_rate_limit(100'000'001, kMaxRateLimitPerDay, "rate_limit_per_day").ok());
  BOOST_TEST(!check_rate_limit(INT64_MAX, kMaxRateLimitPerDay, "rate_limit_per_day").ok());
  BOOST_TEST(check_expires_at(std::nullopt, 1000).ok());
  BOOST_TEST(check_expires_at(1001, 1000).ok());
  BOOST_TEST(!check_expires_at(1000, 1000).ok());
  BOOST_TEST(!check_expires_at(5, 1000).ok());
}

BOOST_AUTO_TEST_CASE(trait_preferences) {
  BOOST_TEST(default_trait_label("tree_nuts") == "Tree Nuts");
  BOOST_TEST(default_trait_label("vegan") == "Vegan");
  BOOST_TEST(is_trait_slug("gluten_free"));
  BOOST_TEST(is_trait_slug("omega3"));
  for (const char* bad : {"", "Gluten", "gluten-free", "_x", "x_", "a__b", "1abc", "a b"})
    BOOST_TEST(!is_trait_slug(bad), bad);

  const nlohmann::json body = nlohmann::json::parse(R"([
    {"trait": "tree_nuts", "category": "ALLERGEN", "stance": "AVOID"},
    {"trait": "halal", "trait_label": "Halal certified", "category": "RELIGIOUS", "stance": "REQUIRE"}
  ])");
  Result<std::vector<TraitPreference>> parsed = parse_preferences(body);
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->at(0).trait_label == "Tree Nuts");
  BOOST_TEST(parsed->at(0).category == TraitCategory::ALLERGEN);
  BOOST_TEST(parsed->at(1).trait_label == "Halal certified");
  BOOST_TEST(parsed->at(1).stance == TraitStance::REQUIRE);
  BOOST_TEST(parse_preferences(nlohmann::json::array())->empty());

  const nlohmann::json twice = nlohmann::json::parse(R"([
    {"trait": "vegan", "category": "DIETARY", "stance": "PREFER"},
    {"trait": "vegan", "category": "DIETARY", "stance": "AVOID"}])");
  Result<std::vector<TraitPreference>> duplicate = parse_preferences(twice);
  BOOST_REQUIRE(!duplicate.ok());
  BOOST_TEST(duplicate.error().fields[0].field == "preferences[1].trait");

  const nlohmann::json wrong = nlohmann::json::parse(R"([
    {"trait": "Vegan", "category": "FOOD", "stance": "avoid", "extra": 1}])");
  Result<std::vector<TraitPreference>> bad = parse_preferences(wrong);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().fields.size() == 4u);  // extra, category, stance, trait

  nlohmann::json too_many = nlohmann::json::array();
  for (int i = 0; i < 201; ++i)
    too_many.push_back(
        {{"trait", "t" + std::to_string(i)}, {"category", "OTHER"}, {"stance", "NEUTRAL"}});
  BOOST_TEST(!parse_preferences(too_many).ok());
  too_many.erase(too_many.end() - 1);
  BOOST_TEST(parse_preferences(too_many).ok());
  BOOST_TEST(!parse_preferences({{"trait", "x"}}).ok());  // not an array
}

BOOST_AUTO_TEST_CASE(a_long_list_is_refused_before_its_items_are_read) {
  // 20 000 empty objects: each would fail three required fields. The cap of 200
  // answers first, with one error, whatever the items hold.
  nlohmann::json empties = nlohmann::json::array();
  for (int i = 0; i < 20'000; ++i) empties.push_back(nlohmann::json::object());
  Result<std::vector<TraitPreference>> refused = parse_preferences(empties);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(fields_of(Status(refused.error())) == std::vector<std::string>{"preferences"});
  BOOST_TEST(!check_preferences(std::vector<TraitPreference>(201)).ok());

  // Metadata objects too: no more members than an update could need.
  nlohmann::json wide = nlohmann::json::object();
  for (int i = 0; i < 101; ++i) wide["k" + std::to_string(i)] = nlohmann::json::array();
  Result<Metadata> too_wide = parse_metadata(wide, "metadata");
  BOOST_REQUIRE(!too_wide.ok());
  BOOST_TEST(fields_of(Status(too_wide.error())) == std::vector<std::string>{"metadata"});
  wide.erase("k100");
  BOOST_TEST(parse_metadata(wide, "metadata").error().fields.size() > 1u);  // per key now
}

BOOST_AUTO_TEST_CASE(error_lists_are_capped_and_say_how_many_more) {
  Validation v;
  for (int i = 0; i < 5000; ++i) {
    v.fail("field" + std::to_string(i), "is wrong");
    v.fail("field" + std::to_string(i), "is wrong twice");  // named once
  }
  const Status status = v.status();
  BOOST_REQUIRE(!status.ok());
  BOOST_TEST(status.error().fields.size() == kMaxListedFieldErrors);
  BOOST_TEST(status.error().unlisted_fields == 5000u - kMaxListedFieldErrors);
  BOOST_TEST(status.error().detail.find("5000") != std::string::npos);
  BOOST_TEST(status.error().fields[0].message == "is wrong");

  // Merging a capped list keeps the count of what it left out.
  Validation outer;
  outer.fail("name", "is required");
  outer.add(status);
  BOOST_TEST(outer.status().error().fields.size() == kMaxListedFieldErrors);
  BOOST_TEST(outer.status().error().unlisted_fields == 5001u - kMaxListedFieldErrors);

  // A short list says nothing more.
  Validation few;
  few.fail("a", "x");
  BOOST_TEST(few.status().error().unlisted_fields == 0u);
  BOOST_TEST(few.status().error().detail == "The request is not valid.");
}

BOOST_AUTO_TEST_CASE(collecting_errors_is_linear) {
  // 200 000 distinct fields: with a linear search per field this took minutes.
  const auto start = std::chrono::steady_clock::now();
  Validation v;
  for (int i = 0; i < 200'000; ++i) v.fail("f" + std::to_string(i), "bad");
  const Status status = v.status();
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST(status.error().unlisted_fields == 200'000u - kMaxListedFieldErrors);
  BOOST_TEST((took < closient::testing::time_budget(std::chrono::milliseconds(2000))));
}
