#include "http/request_id.h"

#include <openssl/rand.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace closient::http {
namespace {

bool is_id_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

void fill_fallback_bytes(unsigned char* bytes, std::size_t size) {
  // Only if the CSPRNG fails: time and a counter still make the id unique.
  static std::atomic<uint64_t> counter{0};
  const uint64_t time =
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const uint64_t sequence = counter.fetch_add(1);
  for (std::size_t i = 0; i < size; ++i) {
    const uint64_t source = i < 8 ? time : sequence;
    bytes[i] = static_cast<unsigned char>(source >> (8 * (i % 8)));
  }
}

}  // namespace

bool is_acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!is_id_character(c)) return false;
  }
  return true;
}

std::string generate_request_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) fill_fallback_bytes(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * sizeof bytes);
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0xF]);
  }
  return id;
}

std::string choose_request_id(const Headers& request_headers) {
  const auto sent = request_headers.find(kRequestIdHeader);
  if (sent && is_acceptable_request_id(*sent)) return std::string(*sent);
  return generate_request_id();
}

}  // namespace closient::http
