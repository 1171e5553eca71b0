// What characters a name or description may hold (contract §4). Such text is
// shown to other people (member lists, key lists, audit feeds), so it must be
// well-formed UTF-8 and free of characters that make it display as something
// other than it is: control characters (C0 U+0000–U+001F, DEL U+007F, C1
// U+0080–U+009F) and the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that reorder what follows them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace closient {

// Decodes one code point of strict UTF-8 at `text[*at]` and advances `*at`;
// nullopt for an invalid sequence (truncated, overlong, a surrogate, above
// U+10FFFF), leaving `*at` unchanged.
std::optional<char32_t> next_code_point(std::string_view text, size_t* at);

bool is_control_character(char32_t c);       // C0, DEL, C1
bool is_bidirectional_override(char32_t c);  // U+202A–U+202E, U+2066–U+2069

// Why `text` may not be a name or description ("must be valid UTF-8", ...),
// or nullopt when it may.
std::optional<std::string> displayable_text_problem(std::string_view text);

}  // namespace closient
