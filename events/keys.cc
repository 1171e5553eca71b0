#include "events/keys.h"

namespace closient {

std::string encode_u64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::optional<uint64_t> decode_u64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (unsigned char c : bytes) value = (value << 8) | c;
  return value;
}

std::string stream_key_prefix(std::string_view stream) {
  std::string key(stream);
  key.push_back('\0');
  return key;
}

std::string stream_key(std::string_view stream, uint64_t version) {
  return stream_key_prefix(stream) + encode_u64(version);
}

bool parse_stream_key(std::string_view key, std::string* stream, uint64_t* version) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return false;
  auto v = decode_u64(key.substr(key.size() - 8));
  if (!v) return false;
  *stream = std::string(key.substr(0, key.size() - 9));
  if (stream->find('\0') != std::string::npos) return false;
  *version = *v;
  return true;
}

}  // namespace closient
