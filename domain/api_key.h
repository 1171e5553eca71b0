// API keys (contract §2): `<prefix>_<body>_<checksum>`, prefix csb|cpk|csu,
// 32-character [A-Za-z0-9] body from the RandomSource without modulo bias, and
// the CRC-32 of the body as 8 lowercase hex digits. Only the SHA-256 of the
// whole key is ever stored; the raw key leaves the domain once, in the create
// response. Also the ApiKey record both aggregates keep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/key_role.h"
#include "domain/metadata.h"
#include "domain/random_source.h"

namespace closient {

enum class KeyKind { business, publishable, user };

const char* key_kind_name(KeyKind kind);    // "business" | "publishable" | "user"
const char* key_kind_prefix(KeyKind kind);  // "csb" | "cpk" | "csu"
std::optional<KeyKind> parse_key_kind(std::string_view text);

inline constexpr size_t kApiKeyBodyLength = 32;
inline constexpr size_t kApiKeyLength = 3 + 1 + kApiKeyBodyLength + 1 + 8;  // 45
inline constexpr size_t kApiKeyDisplayPrefixLength = 8;

// Live (unrevoked, unexpired) keys one owner may hold (contract §4): enough for
// any real use, and a bound on what one credential can make the service keep.
inline constexpr size_t kMaxLiveOrgKeys = 1000;  // csb + cpk per organization
inline constexpr size_t kMaxLiveUserKeys = 100;  // csu per user

struct GeneratedApiKey {
  std::string raw;             // the whole key, shown once
  std::string sha256;          // SHA-256 of the whole key, lowercase hex
  std::string display_prefix;  // the first 8 characters, e.g. "csb_AbCd"
};

GeneratedApiKey generate_api_key(KeyKind kind, RandomSource& random);
// Hash and display prefix of an existing raw key.
GeneratedApiKey describe_api_key(std::string raw_key);

// 32 characters from [A-Za-z0-9], each drawn by rejection sampling of random
// bytes (bytes ≥ 248 are discarded), so every character is equally likely.
std::string random_key_body(RandomSource& random, size_t length = kApiKeyBodyLength);

// CRC-32 (zlib) of `body`, as 8 lowercase hex digits.
std::string api_key_checksum(std::string_view body);

// Format and checksum, checked before any lookup. Returns the kind its prefix names.
std::optional<KeyKind> well_formed_api_key(std::string_view key);

// The stored state of one API key (org keys: csb/cpk; user keys: csu).
struct ApiKey {
  std::string id;
  KeyKind kind = KeyKind::business;
  std::string org_id;   // org keys; empty for user keys
  std::string user_id;  // user keys: the owner; org keys: empty
  std::string name;
  std::string description;
  KeyRole role = KeyRole::readonly;
  std::string key_sha256;
  std::string display_prefix;
  int64_t created_at_ms = 0;
  std::optional<int64_t> expires_at_ms;
  int64_t rate_limit_per_minute = 0;  // 0 = the default
  int64_t rate_limit_per_day = 0;     // 0 = the default
  Metadata metadata;
  std::string created_by;  // user id of the creator
  bool revoked = false;
  int64_t revoked_at_ms = 0;

  bool expired_at(int64_t now_ms) const { return expires_at_ms && *expires_at_ms <= now_ms; }
  // Usable right now: not revoked and not expired (org deletion is the org's business).
  bool live_at(int64_t now_ms) const { return !revoked && !expired_at(now_ms); }
};

}  // namespace closient
