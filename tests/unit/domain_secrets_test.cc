#include <boost/test/unit_test.hpp>
#include <map>
#include <vector>

#include "domain/api_key.h"
#include "domain/secret.h"
#include "domain_world.h"
#include "events/sha256.h"

using namespace closient;

namespace {

// Hands out a fixed byte sequence, cycling: lets a test see which bytes the
// key body consumes and which it rejects.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<unsigned char> bytes) : bytes_(std::move(bytes)) {}
  void fill(unsigned char* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = bytes_[next_++ % bytes_.size()];
  }

 private:
  std::vector<unsigned char> bytes_;
  size_t next_ = 0;
};

bool is_body_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

BOOST_AUTO_TEST_CASE(checksum_matches_the_contract_vector) {
  BOOST_TEST(api_key_checksum("AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf") == "84041098");
  BOOST_TEST(well_formed_api_key("csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098") ==
             KeyKind::business);
  BOOST_TEST(well_formed_api_key("cpk_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098") ==
             KeyKind::publishable);
  BOOST_TEST(well_formed_api_key("csu_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098") == KeyKind::user);
}

BOOST_AUTO_TEST_CASE(malformed_keys_are_rejected_before_any_lookup) {
  const char* bad[] = {
      "",
      "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041099",   // wrong checksum
      "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEg_84041098",   // body changed
      "csx_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098",   // unknown prefix
      "CSB_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098",   // prefix case
      "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdE_84041098",    // 31-character body
      "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_8404109",    // short checksum
      "csb-AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf-84041098",   // separators
      "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCd-f_84041098",   // '-' in body
      "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098 ",  // trailing space
  };
  for (const char* key : bad) BOOST_TEST(!well_formed_api_key(key), key);
}

BOOST_AUTO_TEST_CASE(generated_keys_have_the_contract_shape) {
  testing::FakeRandom random(5);
  for (KeyKind kind : {KeyKind::business, KeyKind::publishable, KeyKind::user}) {
    const GeneratedApiKey key = generate_api_key(kind, random);
    BOOST_TEST(key.raw.size() == kApiKeyLength);
    BOOST_TEST(key.raw.substr(0, 4) == std::string(key_kind_prefix(kind)) + "_");
    BOOST_TEST(well_formed_api_key(key.raw) == kind);
    BOOST_TEST(key.sha256 == sha256_hex(key.raw));
    BOOST_TEST(key.display_prefix == key.raw.substr(0, 8));
    for (char c : key.raw.substr(4, 32)) BOOST_TEST(is_body_character(c));
  }
}

BOOST_AUTO_TEST_CASE(body_rejects_bytes_that_would_bias_the_alphabet) {
  // 248 = 4 × 62: bytes 248..255 would favour 'A'..'H' under a plain modulo.
  ScriptedRandom random({255, 248, 0, 250, 61, 249, 62, 123, 247});
  const std::string body = random_key_body(random, 5);
  // Accepted bytes: 0 → 'A', 61 → '9', 62 → 'A', 123 → '9', 247 → '9' (247 % 62 = 61).
  BOOST_TEST(body == "A9A99");
}

BOOST_AUTO_TEST_CASE(body_characters_are_uniform_when_bytes_are) {
  // Every byte value once per round: each of the 62 characters must come from
  // exactly 4 byte values, so with 62 × 4 = 248 accepted bytes each appears 4 times.
  std::vector<unsigned char> every_byte(256);
  for (int i = 0; i < 256; ++i) every_byte[static_cast<size_t>(i)] = static_cast<unsigned char>(i);
  ScriptedRandom random(every_byte);
  const std::string body = random_key_body(random, 248);
  std::map<char, int> counts;
  for (char c : body) ++counts[c];
  BOOST_TEST(counts.size() == 62u);
  for (const auto& [c, count] : counts) BOOST_TEST(count == 4, std::string(1, c));
}

BOOST_AUTO_TEST_CASE(secrets_are_256_bits_base64url_and_stored_hashed) {
  testing::FakeRandom random(11);
  const GeneratedSecret a = generate_secret(random);
  const GeneratedSecret b = generate_secret(random);
  BOOST_TEST(a.raw.size() == 43u);  // 32 bytes, unpadded base64url
  for (char c : a.raw) BOOST_TEST((is_body_character(c) || c == '-' || c == '_'));
  BOOST_TEST(a.raw != b.raw);
  BOOST_TEST(a.sha256 == sha256_hex(a.raw));
  BOOST_TEST(a.sha256.size() == 64u);
  BOOST_TEST(secret_matches(a.raw, a.sha256));
  BOOST_TEST(!secret_matches(b.raw, a.sha256));
}

BOOST_AUTO_TEST_CASE(constant_time_equals_compares_whole_strings) {
  BOOST_TEST(constant_time_equals("abc", "abc"));
  BOOST_TEST(!constant_time_equals("abc", "abd"));
  BOOST_TEST(!constant_time_equals("abc", "abcd"));
  BOOST_TEST(constant_time_equals("", ""));
}
