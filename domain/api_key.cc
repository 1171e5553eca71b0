#include "domain/api_key.h"

#include <zlib.h>

#include <cstdio>

#include "events/sha256.h"

namespace closient {
namespace {

constexpr char kBodyAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr unsigned kBodyAlphabetSize = 62;
// The largest multiple of 62 that fits in a byte is 248: bytes below it map
// onto the alphabet evenly (each character from exactly 4 byte values).
constexpr unsigned kAcceptBelow = 248;

bool is_body_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

const char* key_kind_name(KeyKind kind) {
  switch (kind) {
    case KeyKind::business:
      return "business";
    case KeyKind::publishable:
      return "publishable";
    case KeyKind::user:
      return "user";
  }
  return "business";
}

const char* key_kind_prefix(KeyKind kind) {
  switch (kind) {
    case KeyKind::business:
      return "csb";
    case KeyKind::publishable:
      return "cpk";
    case KeyKind::user:
      return "csu";
  }
  return "csb";
}

std::optional<KeyKind> parse_key_kind(std::string_view text) {
  for (KeyKind kind : {KeyKind::business, KeyKind::publishable, KeyKind::user})
    if (text == key_kind_name(kind)) return kind;
  return std::nullopt;
}

std::string random_key_body(RandomSource& random, size_t length) {
  std::string body;
  body.reserve(length);
  unsigned char buffer[64];
  while (body.size() < length) {
    random.fill(buffer, sizeof buffer);
    for (unsigned char byte : buffer) {
      if (byte >= kAcceptBelow) continue;  // rejected: would favour the first 8 characters
      body.push_back(kBodyAlphabet[byte % kBodyAlphabetSize]);
      if (body.size() == length) break;
    }
  }
  return body;
}

std::string api_key_checksum(std::string_view body) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(crc & 0xffffffffUL));
  return hex;
}

GeneratedApiKey describe_api_key(std::string raw_key) {
  GeneratedApiKey key;
  key.sha256 = sha256_hex(raw_key);
  key.display_prefix = raw_key.substr(0, kApiKeyDisplayPrefixLength);
  key.raw = std::move(raw_key);
  return key;
}

GeneratedApiKey generate_api_key(KeyKind kind, RandomSource& random) {
  const std::string body = random_key_body(random);
  return describe_api_key(std::string(key_kind_prefix(kind)) + "_" + body + "_" +
                          api_key_checksum(body));
}

std::optional<KeyKind> well_formed_api_key(std::string_view key) {
  if (key.size() != kApiKeyLength || key[3] != '_' || key[4 + kApiKeyBodyLength] != '_')
    return std::nullopt;
  std::optional<KeyKind> kind;
  for (KeyKind k : {KeyKind::business, KeyKind::publishable, KeyKind::user})
    if (key.substr(0, 3) == key_kind_prefix(k)) kind = k;
  if (!kind) return std::nullopt;
  const std::string_view body = key.substr(4, kApiKeyBodyLength);
  for (char c : body)
    if (!is_body_character(c)) return std::nullopt;
  // Lower-case hex only, as generated: anything else is not a key we issued.
  if (key.substr(5 + kApiKeyBodyLength) != api_key_checksum(body)) return std::nullopt;
  return kind;
}

}  // namespace closient
