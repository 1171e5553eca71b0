#include "domain/secret.h"

#include <openssl/crypto.h>

#include <array>

#include "events/sha256.h"

namespace closient {
namespace {

constexpr size_t kSecretBytes = 32;  // 256 bits

// RFC 4648 §5 base64url without padding: safe in cookies and headers as is.
std::string base64url(const unsigned char* data, size_t n) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8 | data[i + 2];
    out.push_back(kAlphabet[v >> 18 & 63]);
    out.push_back(kAlphabet[v >> 12 & 63]);
    out.push_back(kAlphabet[v >> 6 & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    out.push_back(kAlphabet[v >> 18 & 63]);
    out.push_back(kAlphabet[v >> 12 & 63]);
  } else if (n - i == 2) {
    const uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8;
    out.push_back(kAlphabet[v >> 18 & 63]);
    out.push_back(kAlphabet[v >> 12 & 63]);
    out.push_back(kAlphabet[v >> 6 & 63]);
  }
  return out;
}

}  // namespace

GeneratedSecret generate_secret(RandomSource& random) {
  std::array<unsigned char, kSecretBytes> bytes{};
  random.fill(bytes.data(), bytes.size());
  GeneratedSecret secret;
  secret.raw = base64url(bytes.data(), bytes.size());
  secret.sha256 = secret_hash(secret.raw);
  return secret;
}

std::string secret_hash(std::string_view raw) {
  return sha256_hex(raw);
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool secret_matches(std::string_view raw, std::string_view stored_sha256) {
  return constant_time_equals(secret_hash(raw), stored_sha256);
}

}  // namespace closient
