#include "domain/text_rules.h"

namespace closient {

std::optional<char32_t> next_code_point(std::string_view text, size_t* at) {
  const size_t start = *at;
  if (start >= text.size()) return std::nullopt;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(start);
  size_t length = 0;
  char32_t c = 0;
  char32_t smallest = 0;  // below this the sequence is overlong
  if (lead < 0x80) {
    *at = start + 1;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    c = lead & 0x1F;
    smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    c = lead & 0x0F;
    smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    c = lead & 0x07;
    smallest = 0x10000;
  } else {
    return std::nullopt;  // a continuation byte or 0xF8..0xFF cannot start a character
  }
  if (text.size() - start < length) return std::nullopt;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(start + i) & 0xC0) != 0x80) return std::nullopt;
    c = (c << 6) | (byte(start + i) & 0x3F);
  }
  if (c < smallest || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
  *at = start + length;
  return c;
}

bool is_control_character(char32_t c) {
  return c <= 0x1F || (c >= 0x7F && c <= 0x9F);
}

bool is_bidirectional_override(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::optional<std::string> displayable_text_problem(std::string_view text) {
  size_t at = 0;
  while (at < text.size()) {
    std::optional<char32_t> c = next_code_point(text, &at);
    if (!c) return "must be valid UTF-8";
    if (is_control_character(*c)) return "must not contain control characters";
    if (is_bidirectional_override(*c)) {
      return "must not contain bidirectional override characters (U+202A-U+202E, U+2066-U+2069)";
    }
  }
  return std::nullopt;
}

}  // namespace closient
