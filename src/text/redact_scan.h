// The redaction scanners' shared view of a text: its code points (full-width ASCII folded to
// half-width, so "１３８" and "＠" match like "138" and "@") with their byte offsets. Internal.
#pragma once

#include <string_view>
#include <vector>

#include "text/text.h"

namespace civicgrid::text::redact_detail {

struct Scan {
  explicit Scan(std::string_view text);

  size_t size() const { return cp.size(); }
  char32_t at(size_t i) const { return i < cp.size() ? cp[i] : 0; }
  bool is_digit(size_t i) const { return i < cp.size() && cp[i] >= U'0' && cp[i] <= U'9'; }
  bool is_upper(size_t i) const { return i < cp.size() && cp[i] >= U'A' && cp[i] <= U'Z'; }
  bool is_alnum(size_t i) const;
  // Whether the code points from i spell `word` (UTF-8, compared after folding).
  bool starts_with(size_t i, std::u32string_view word) const;
  // Whether one of `words` ends right before position i, skipping up to `gap` separators
  // (spaces, colons) in between.
  bool preceded_by(size_t i, std::initializer_list<std::u32string_view> words,
                   size_t gap = 3) const;

  std::vector<char32_t> cp;
  std::vector<size_t> offset;  // byte offset of cp[i]; offset[size()] is the text's length
};

// A match in code point positions [begin, end).
struct Hit {
  PiiKind kind;
  size_t begin, end;
};

// Phone, ID and bank card numbers.
void find_numbers(const Scan& s, std::vector<Hit>& out);
// E-mail addresses and licence plates.
void find_emails_and_plates(const Scan& s, std::vector<Hit>& out);
// The unit part of addresses (楼栋、单元、室).
void find_house_numbers(const Scan& s, std::vector<Hit>& out);
// Names after 我叫、本人、联系人、姓名, ….
void find_names(const Scan& s, std::vector<Hit>& out);

}  // namespace civicgrid::text::redact_detail
