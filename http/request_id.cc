#include "http/request_id.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

namespace closient::http {
namespace {

bool is_id_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// splitmix64's finalizer: a bijection on 64 bits, so distinct counters give
// distinct outputs that do not look sequential.
uint64_t mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t random_u64() {
  uint64_t value = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1) {
    // Only if the CSPRNG fails: time and the thread still tell threads apart.
    value = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
            std::hash<std::thread::id>{}(std::this_thread::get_id());
  }
  return value;
}

void append_hex(std::string& out, uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xF]);
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
  // A random per-thread prefix and a per-thread counter: unique without locks,
  // and one CSPRNG call per thread instead of one per request (OpenSSL's RNG
  // takes a lock and showed up at several percent of a small request).
  thread_local const uint64_t prefix = random_u64();
  thread_local const uint64_t salt = random_u64();
  thread_local uint64_t counter = 0;
  std::string id;
  id.reserve(32);
  append_hex(id, prefix);
  append_hex(id, mix(salt + counter++));
  return id;
}

std::string choose_request_id(const Headers& request_headers) {
  const auto sent = request_headers.find(kRequestIdHeader);
  if (sent && is_acceptable_request_id(*sent)) return std::string(*sent);
  return generate_request_id();
}

}  // namespace closient::http
