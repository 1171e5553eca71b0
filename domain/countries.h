// ISO 3166-1 alpha-2: the 249 officially assigned codes.
#pragma once

#include <string_view>

namespace closient {

// Exactly two upper-case letters naming an assigned code ("US"; not "us", not "XX").
bool is_iso_country_code(std::string_view code);

// Number of assigned codes (249), for tests.
size_t iso_country_code_count();

}  // namespace closient
