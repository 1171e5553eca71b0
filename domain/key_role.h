// The role an API key is created with (contract §3/§4): it caps what the key may do.
#pragma once

#include <optional>
#include <string_view>

namespace closient {

enum class KeyRole { manager, editor, readonly };

const char* key_role_name(KeyRole role);  // "manager" | "editor" | "readonly"
std::optional<KeyRole> parse_key_role(std::string_view text);

}  // namespace closient
