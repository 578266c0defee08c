#include "core/privacy.h"

namespace civicgrid::privacy {

std::string mask_phone(std::string_view phone) {
  if (phone.empty()) return {};
  if (phone.size() >= 11) {
    return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
           std::string(phone.substr(phone.size() - 4));
  }
  if (phone.size() <= 2) return std::string(phone.size(), '*');
  return std::string(phone.size() - 2, '*') + std::string(phone.substr(phone.size() - 2));
}

std::string mask_name(std::string_view name) {
  if (name.empty()) return {};
  // Length in bytes of the first UTF-8 code point.
  const unsigned char c = static_cast<unsigned char>(name[0]);
  size_t first = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
  if (first > name.size()) first = name.size();
  size_t rest = 0;
  for (size_t i = first; i < name.size(); ++i)
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) ++rest;
  return std::string(name.substr(0, first)) + std::string(rest == 0 ? 1 : rest, '*');
}

}  // namespace civicgrid::privacy

namespace civicgrid::privacy {

namespace {

// Length of a digit at `i` (1 for ASCII, 3 for full-width U+FF10..U+FF19), 0 if none.
size_t digit_at(std::string_view s, size_t i) {
  if (i < s.size() && s[i] >= '0' && s[i] <= '9') return 1;
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
      static_cast<unsigned char>(s[i + 1]) == 0xBC && static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
      static_cast<unsigned char>(s[i + 2]) <= 0x99)
    return 3;
  return 0;
}

}  // namespace

std::string mask_long_numbers(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (!digit_at(s, i)) {
      out.push_back(s[i++]);
      continue;
    }
    // Extend over digits with single separators between them; X/x may end an ID number.
    size_t j = i, digits = 0, end = i;
    while (j < s.size()) {
      if (size_t d = digit_at(s, j)) {
        j += d;
        ++digits;
        end = j;
      } else if ((s[j] == ' ' || s[j] == '-') && digit_at(s, j + 1)) {
        ++j;
      } else {
        break;
      }
    }
    if (digits >= 7 && end < s.size() && (s[end] == 'X' || s[end] == 'x')) ++end;
    if (digits >= 7) {
      out += "〔号码〕";
    } else {
      out.append(s.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

}  // namespace civicgrid::privacy
