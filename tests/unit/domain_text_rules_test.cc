// Names and descriptions hold displayable text only (contract §4): valid UTF-8
// without control characters or bidirectional overrides.
#include <boost/test/unit_test.hpp>

#include "domain/text_rules.h"
#include "domain/validation.h"
#include "domain_world.h"

using namespace closient;
using testing::outcome;
using testing::Person;
using testing::World;

namespace {

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

std::string field_of(const Status& status) {
  return status.ok() || status.error().fields.empty() ? "" : status.error().fields[0].field;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ordinary_text_of_any_script_is_displayable) {
  for (const std::string text :
       {"Acme", "Café Müller", "東京支社", "Ελληνικά", "עברית", "العربية", "emoji 🚀", ""}) {
    BOOST_TEST(!displayable_text_problem(text), text);
  }
  BOOST_TEST(check_name("Zürich ✓").ok());
  BOOST_TEST(check_description("A key for the shop's checkout, v2.").ok());
}

BOOST_AUTO_TEST_CASE(control_characters_are_refused) {
  for (char32_t c = 0; c <= 0x1F; ++c) BOOST_TEST(bool(displayable_text_problem("a" + utf8(c))));
  BOOST_TEST(bool(displayable_text_problem("a\x7F")));
  for (char32_t c = 0x80; c <= 0x9F; ++c) BOOST_TEST(bool(displayable_text_problem(utf8(c))));
  BOOST_TEST(!displayable_text_problem(utf8(0xA0)));  // no-break space is text
  BOOST_TEST(field_of(check_name("line\nbreak")) == "name");
  BOOST_TEST(field_of(check_description("tab\there")) == "description");
}

BOOST_AUTO_TEST_CASE(bidirectional_overrides_are_refused) {
  for (char32_t c : {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}) {
    const std::string text = "invoice" + utf8(c) + "fdp.exe";
    BOOST_TEST(bool(displayable_text_problem(text)));
    BOOST_TEST(field_of(check_name(text, "name")) == "name");
  }
  // Their neighbours are ordinary punctuation and marks.
  for (char32_t c : {0x2029, 0x202F, 0x2065, 0x206A, 0x200E})
    BOOST_TEST(!displayable_text_problem(utf8(c)));
}

BOOST_AUTO_TEST_CASE(only_well_formed_utf8_is_text) {
  for (const std::string& bad : {
           std::string("\xC3"),              // truncated
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xE0\x80\xAF"),      // overlong
           std::string("\xED\xA0\x80"),      // a surrogate
           std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string("\x80"),              // a lone continuation byte
           std::string("\xFF"),
       }) {
    BOOST_TEST(*displayable_text_problem("ok" + bad) == "must be valid UTF-8");
  }
  size_t at = 0;
  const std::string rocket = utf8(0x1F680);
  const std::optional<char32_t> decoded = next_code_point(rocket, &at);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(static_cast<uint32_t>(*decoded) == 0x1F680u);
  BOOST_TEST(at == 4u);
}

BOOST_AUTO_TEST_CASE(decide_refuses_such_names_naming_the_field) {
  World world;
  Person ann = world.person("ann@example.com");
  CreateOrganization org;
  org.name = "Acme\u202Egnp.exe";
  org.country = "US";
  Result<Decision> refused = world.run(ann.session, org);
  BOOST_TEST(outcome(refused) == "validation_error");
  BOOST_TEST(field_of(Status(refused.error())) == "name");

  const std::string org_id = world.create_org(ann.session);
  CreateOrgApiKey key;
  key.org_id = org_id;
  key.name = "ok";
  key.description = "bell\a";
  Result<Decision> bad_key = world.run(ann.session, key);
  BOOST_TEST(outcome(bad_key) == "validation_error");
  BOOST_TEST(field_of(Status(bad_key.error())) == "description");

  UpdateUserApiKey rename;
  rename.key_id = world.user_key(ann.session, KeyRole::readonly).credential_id;
  rename.name = std::string("esc\x1b[31m");
  BOOST_TEST(field_of(Status(world.run(ann.session, rename).error())) == "name");

  BootstrapUser user;
  user.email = "bob@example.com";
  user.name = "Bob\u2066";
  BOOST_TEST(field_of(Status(world.run_operator(user).error())) == "name");
}
