#include <boost/test/unit_test.hpp>
#include <set>

#include "domain/ids.h"
#include "domain_world.h"

using namespace closient;

namespace {

Uuid uuid(const char* canonical) {
  return *parse_canonical_uuid(canonical);
}

}  // namespace

BOOST_AUTO_TEST_CASE(shortuuid_matches_the_contract_vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"00000000-0000-0000-0000-000000000000", "2222222222222222222222"},
      {"ffffffff-ffff-ffff-ffff-ffffffffffff", "oZEq7ovRbLq6UnGMPwc8B5"},
      {"3c90c3cc-0d44-4b50-8888-8dd25736052a", "CnEqURgZ3swzj528KMLvX5"},
      {"d5e6f7a8-9012-3456-abcd-ef7890123456", "g5JYoyhXAiyPL7wg6cSNzH"},
  };
  for (const auto& [canonical, short_form] : vectors) {
    BOOST_TEST(shortuuid_encode(uuid(canonical)) == short_form);
    BOOST_TEST(format_canonical_uuid(*shortuuid_decode(short_form)) == canonical);
  }
}

BOOST_AUTO_TEST_CASE(shortuuid_decode_rejects_bad_input) {
  BOOST_TEST(!shortuuid_decode(""));
  BOOST_TEST(!shortuuid_decode("222222222222222222222"));    // 21 characters
  BOOST_TEST(!shortuuid_decode("22222222222222222222222"));  // 23 characters
  BOOST_TEST(!shortuuid_decode("CnEqURgZ3swzj528KMLvX0"));   // '0' is not in the alphabet
  BOOST_TEST(!shortuuid_decode("CnEqURgZ3swzj528KMLvXl"));   // neither is 'l'
  BOOST_TEST(!shortuuid_decode("CnEqURgZ3swzj528KMLvXI"));   // nor 'I'
  // 57^22 > 2^128: the largest 22-digit strings name no UUID.
  BOOST_TEST(!shortuuid_decode("zzzzzzzzzzzzzzzzzzzzzz"));
  BOOST_TEST(!shortuuid_decode("oZEq7ovRbLq6UnGMPwc8B6"));  // 2^128, one past the largest
  BOOST_TEST(shortuuid_decode("oZEq7ovRbLq6UnGMPwc8B5").has_value());
}

BOOST_AUTO_TEST_CASE(inputs_accept_shortuuid_or_canonical_in_either_case) {
  BOOST_TEST(*normalize_id("CnEqURgZ3swzj528KMLvX5") == "CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(*normalize_id("3c90c3cc-0d44-4b50-8888-8dd25736052a") == "CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(*normalize_id("3C90C3CC-0D44-4B50-8888-8DD25736052A") == "CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(*normalize_id("D5e6F7a8-9012-3456-ABcd-ef7890123456") == "g5JYoyhXAiyPL7wg6cSNzH");
  BOOST_TEST(!normalize_id("3c90c3cc0d444b5088888dd25736052a"));        // no hyphens
  BOOST_TEST(!normalize_id("{3c90c3cc-0d44-4b50-8888-8dd25736052a}"));  // braces
  BOOST_TEST(!normalize_id("3c90c3cc-0d44-4b50-8888-8dd25736052g"));    // not hex
  BOOST_TEST(!normalize_id("3c90c3cc-0d444-b50-8888-8dd25736052a"));    // hyphen misplaced
  BOOST_TEST(!normalize_id(" CnEqURgZ3swzj528KMLvX5"));
  BOOST_TEST(!normalize_id("not-an-id"));
}

BOOST_AUTO_TEST_CASE(parse_id_names_the_parameter) {
  Result<std::string> bad = parse_id("nope", "member_id");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().code == ErrorCode::validation_error);
  BOOST_REQUIRE(bad.error().fields.size() == 1u);
  BOOST_TEST(bad.error().fields[0].field == "member_id");
  BOOST_TEST(*parse_id("00000000-0000-0000-0000-000000000000", "id") == "2222222222222222222222");
}

BOOST_AUTO_TEST_CASE(new_ids_are_version_4_and_round_trip) {
  testing::FakeRandom random(99);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const Uuid id = new_uuid_v4(random);
    BOOST_TEST((id.bytes[6] >> 4) == 4);       // version
    BOOST_TEST((id.bytes[8] & 0xc0) == 0x80);  // RFC 4122 variant
    const std::string canonical = format_canonical_uuid(id);
    BOOST_TEST(canonical[14] == '4');
    const std::string short_form = shortuuid_encode(id);
    BOOST_TEST(short_form.size() == 22u);
    BOOST_TEST((*shortuuid_decode(short_form) == id));
    BOOST_TEST(*normalize_id(canonical) == short_form);
    seen.insert(short_form);
  }
  BOOST_TEST(seen.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(stream_names_carry_the_id) {
  BOOST_TEST(org_stream("CnEqURgZ3swzj528KMLvX5") == "org-CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(user_stream("CnEqURgZ3swzj528KMLvX5") == "user-CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(*org_id_of_stream("org-CnEqURgZ3swzj528KMLvX5") == "CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(!org_id_of_stream("user-CnEqURgZ3swzj528KMLvX5"));
  BOOST_TEST(*user_id_of_stream("user-CnEqURgZ3swzj528KMLvX5") == "CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(!user_id_of_stream("user-short"));
}
