// Key encodings of the RocksDB layout (see events/FORMAT.md). Big-endian
// integers make byte order equal numeric order, so iteration runs in position
// and version order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace closient {

std::string encode_u64(uint64_t value);                      // 8 bytes, big-endian
std::optional<uint64_t> decode_u64(std::string_view bytes);  // nullopt unless 8 bytes

// streams column family: stream id, a 0 byte, then the version big-endian.
// Stream ids never contain a 0 byte, so one stream's keys never interleave
// with another's ("org-1\0..." sorts apart from "org-10\0...").
std::string stream_key(std::string_view stream, uint64_t version);
std::string stream_key_prefix(std::string_view stream);  // stream id + 0 byte
// Splits a streams key back into stream id and version; false when malformed.
bool parse_stream_key(std::string_view key, std::string* stream, uint64_t* version);

// Keys of the meta column family.
namespace meta_key {
inline constexpr const char* kFormatVersion = "format_version";
inline constexpr const char* kLastPosition = "last_position";
inline constexpr const char* kLastHash = "last_hash";
}  // namespace meta_key

// The format this code writes; a store with another value is refused.
inline constexpr uint64_t kLogFormatVersion = 1;

}  // namespace closient
