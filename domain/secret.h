// Bearer tokens, session tokens and CSRF tokens: 256 random bits, handed out
// once as base64url (43 characters, no padding) and stored only as SHA-256.
#pragma once

#include <string>
#include <string_view>

#include "domain/random_source.h"

namespace closient {

struct GeneratedSecret {
  std::string raw;     // shown to its holder once, never stored
  std::string sha256;  // 64 lowercase hex digits; what events and read models keep
};

GeneratedSecret generate_secret(RandomSource& random);

// The stored form of a presented secret (SHA-256, lowercase hex).
std::string secret_hash(std::string_view raw);

// Equality of two strings in time that depends only on their lengths
// (CRYPTO_memcmp), for comparing hashes of presented credentials.
bool constant_time_equals(std::string_view a, std::string_view b);

// Whether `raw` hashes to `stored_sha256`, compared in constant time.
bool secret_matches(std::string_view raw, std::string_view stored_sha256);

}  // namespace closient
