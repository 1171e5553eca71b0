// Entity identifiers (contract §1). Every id is a random 128-bit UUID v4; inside
// the service and on the wire it is always its 22-character shortuuid string.
// Inputs may also use the canonical hyphenated form, which parse_id normalizes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/random_source.h"
#include "events/result.h"

namespace closient {

struct Uuid {
  std::array<uint8_t, 16> bytes{};  // big-endian: bytes[0] is the most significant

  bool operator==(const Uuid& o) const { return bytes == o.bytes; }
  bool operator!=(const Uuid& o) const { return bytes != o.bytes; }
};

// A version-4, variant-1 UUID from 16 random bytes.
Uuid new_uuid_v4(RandomSource& random);

// "3c90c3cc-0d44-4b50-8888-8dd25736052a" (lower case).
std::string format_canonical_uuid(const Uuid& id);
// Accepts exactly 8-4-4-4-12 hex digits, either case.
std::optional<Uuid> parse_canonical_uuid(std::string_view text);

// Base 57, alphabet 23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz,
// most significant digit first, left-padded with '2' to 22 characters.
std::string shortuuid_encode(const Uuid& id);
// Exactly 22 alphabet characters whose value fits in 128 bits.
std::optional<Uuid> shortuuid_decode(std::string_view text);

// A shortuuid or canonical UUID → the normalized shortuuid; nullopt for anything else.
std::optional<std::string> normalize_id(std::string_view text);
// Same, as a validation_error naming `field` (e.g. "member_id") on bad input.
Result<std::string> parse_id(std::string_view text, std::string_view field);

// A fresh random id, already as a shortuuid.
std::string new_id(RandomSource& random);

// Stream names: "org-<shortuuid>", "user-<shortuuid>".
std::string org_stream(std::string_view org_id);
std::string user_stream(std::string_view user_id);
// The id inside a stream name, or nullopt when the stream is not of that kind.
std::optional<std::string> org_id_of_stream(std::string_view stream);
std::optional<std::string> user_id_of_stream(std::string_view stream);

}  // namespace closient
