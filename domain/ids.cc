#include "domain/ids.h"

#include <cstring>

namespace closient {
namespace {

// unsigned __int128 keeps base-57 arithmetic on a 128-bit id to a few lines.
__extension__ typedef unsigned __int128 uint128;

constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr unsigned kBase = 57;
constexpr size_t kShortLength = 22;

int alphabet_index(char c) {
  const char* at = std::strchr(kAlphabet, c);
  return c != '\0' && at != nullptr ? static_cast<int>(at - kAlphabet) : -1;
}

uint128 to_integer(const Uuid& id) {
  uint128 value = 0;
  for (uint8_t byte : id.bytes) value = (value << 8) | byte;
  return value;
}

Uuid from_integer(uint128 value) {
  Uuid id;
  for (int i = 15; i >= 0; --i) {
    id.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return id;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> id_of_stream(std::string_view stream, std::string_view prefix) {
  if (stream.size() != prefix.size() + kShortLength || stream.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  std::string_view id = stream.substr(prefix.size());
  if (!shortuuid_decode(id)) return std::nullopt;
  return std::string(id);
}

}  // namespace

Uuid new_uuid_v4(RandomSource& random) {
  Uuid id;
  random.fill(id.bytes.data(), id.bytes.size());
  id.bytes[6] = static_cast<uint8_t>((id.bytes[6] & 0x0f) | 0x40);  // version 4
  id.bytes[8] = static_cast<uint8_t>((id.bytes[8] & 0x3f) | 0x80);  // variant 1 (RFC 4122)
  return id;
}

std::string format_canonical_uuid(const Uuid& id) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < id.bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[id.bytes[i] >> 4]);
    out.push_back(kHex[id.bytes[i] & 0x0f]);
  }
  return out;
}

std::optional<Uuid> parse_canonical_uuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid id;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    id.bytes[byte++] = static_cast<uint8_t>(high << 4 | low);
    i += 2;
  }
  return id;
}

std::string shortuuid_encode(const Uuid& id) {
  uint128 value = to_integer(id);
  std::string out(kShortLength, kAlphabet[0]);
  for (size_t i = kShortLength; i-- > 0 && value != 0;) {
    out[i] = kAlphabet[static_cast<unsigned>(value % kBase)];
    value /= kBase;
  }
  return out;
}

std::optional<Uuid> shortuuid_decode(std::string_view text) {
  if (text.size() != kShortLength) return std::nullopt;
  const uint128 max = ~uint128{0};
  uint128 value = 0;
  for (char c : text) {
    const int digit = alphabet_index(c);
    if (digit < 0) return std::nullopt;
    // 57^22 exceeds 2^128, so some 22-digit strings name no UUID.
    if (value > (max - static_cast<unsigned>(digit)) / kBase) return std::nullopt;
    value = value * kBase + static_cast<unsigned>(digit);
  }
  return from_integer(value);
}

std::optional<std::string> normalize_id(std::string_view text) {
  if (auto id = shortuuid_decode(text)) return std::string(text);
  if (auto id = parse_canonical_uuid(text)) return shortuuid_encode(*id);
  return std::nullopt;
}

Result<std::string> parse_id(std::string_view text, std::string_view field) {
  if (auto id = normalize_id(text)) return *id;
  return Error::validation(std::string(field), "must be a shortuuid or a canonical UUID");
}

std::string new_id(RandomSource& random) {
  return shortuuid_encode(new_uuid_v4(random));
}

std::string org_stream(std::string_view org_id) {
  return "org-" + std::string(org_id);
}
std::string user_stream(std::string_view user_id) {
  return "user-" + std::string(user_id);
}

std::optional<std::string> org_id_of_stream(std::string_view stream) {
  return id_of_stream(stream, "org-");
}
std::optional<std::string> user_id_of_stream(std::string_view stream) {
  return id_of_stream(stream, "user-");
}

}  // namespace closient
