// UTF-8 helpers shared by the text module's implementation (not part of its interface).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace civicgrid::text::utf8 {

// Decodes the code point at s[i] and advances i past it. Invalid or truncated sequences yield
// U+FFFD and advance one byte, so a loop over any bytes always terminates.
char32_t next(std::string_view s, size_t& i);
// Appends the UTF-8 encoding of `c` (surrogates and values past U+10FFFF become U+FFFD).
void append(std::string& out, char32_t c);
// The byte offset of the first invalid sequence, or npos when `s` is valid UTF-8.
size_t first_invalid(std::string_view s);

// ASCII digit value of a half- or full-width digit, or -1.
inline int digit_value(char32_t c) {
  if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
  if (c >= 0xFF10 && c <= 0xFF19) return static_cast<int>(c - 0xFF10);
  return -1;
}
// Half-width form of a full-width ASCII character (U+FF01..U+FF5E), other code points unchanged.
inline char32_t half_width(char32_t c) {
  return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
}

inline bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
}

}  // namespace civicgrid::text::utf8
