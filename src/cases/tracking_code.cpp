#include "cases/tracking_code.h"

#include <sodium.h>

namespace civicgrid::cases {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

std::string new_tracking_code() {
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  std::string code;
  for (int i = 0; i < 12; ++i) {
    if (i == 4 || i == 8) code.push_back('-');
    code.push_back(kAlphabet[bytes[i] & 31]);
  }
  return code;
}

std::optional<std::string> normalize_tracking_code(std::string_view input) {
  std::string raw;
  for (char ch : input) {
    if (ch == '-' || ch == ' ') continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (kAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    raw.push_back(c);
  }
  if (raw.size() != 12) return std::nullopt;
  return raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4);
}

}  // namespace civicgrid::cases
