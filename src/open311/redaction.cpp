// Redaction of public free text until the text module's fuller redaction exists.
#include "core/privacy.h"
#include "open311/open311.h"

namespace civicgrid::open311 {

namespace {

bool local_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}
bool domain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

// Replaces "name@host.tld" with a marker.
std::string mask_emails(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t copied = 0;
  for (size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    if (at < copied) continue;
    size_t begin = at;
    while (begin > copied && local_char(s[begin - 1])) --begin;
    size_t end = at + 1;
    while (end < s.size() && domain_char(s[end])) ++end;
    while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-')) --end;  // sentence punctuation
    const std::string_view domain = s.substr(at + 1, end - at - 1);
    const size_t dot = domain.find('.');
    if (begin == at || dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size())
      continue;
    out.append(s.substr(copied, begin - copied));
    out += "〔邮箱〕";
    copied = end;
  }
  out.append(s.substr(copied));
  return out;
}

}  // namespace

std::string redact_public_text(std::string_view text) {
  return privacy::mask_long_numbers(mask_emails(text));
}

}  // namespace civicgrid::open311
