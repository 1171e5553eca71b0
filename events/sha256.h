// SHA-256 through OpenSSL's libcrypto, as lowercase hex or raw bytes.
#pragma once

#include <string>
#include <string_view>

namespace closient {

std::string sha256_bytes(std::string_view data);  // 32 raw bytes
std::string sha256_hex(std::string_view data);    // 64 lowercase hex digits
std::string to_hex(std::string_view bytes);

}  // namespace closient
