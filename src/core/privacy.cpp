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
