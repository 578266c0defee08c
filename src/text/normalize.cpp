// Normalisation: NFKC through ICU, then traditional → simplified characters and whitespace folding
// in one pass over the code points.
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

const icu::Normalizer2& nfkc() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normaliser unavailable");
    return n;
  }();
  return *instance;
}

// ICU's Traditional-Simplified transliterator costs ~10 µs per title, too slow for classifying
// 50,000 titles a second; its one-to-one character mappings, read once into a table, cost a lookup.
// Its few phrase rules are left out: normalised text feeds matching and classification, where a
// character mapping is what helps.
class SimplifiedTable {
 public:
  static constexpr char32_t kFirst = 0x3400, kLast = 0x9FFF;

  SimplifiedTable() : map_(kLast - kFirst + 1) {
    for (char32_t c = kFirst; c <= kLast; ++c) map_[c - kFirst] = c;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !t) return;  // no table: text keeps its characters
    // One call over every character, each followed by a newline that no rule crosses.
    icu::UnicodeString all;
    for (char32_t c = kFirst; c <= kLast; ++c) {
      all.append(static_cast<UChar32>(c));
      all.append(static_cast<UChar>(u'\n'));
    }
    t->transliterate(all);
    int32_t start = 0;
    char32_t c = kFirst;
    for (int32_t k = 0; k < all.length() && c <= kLast; ++k) {
      if (all[k] != u'\n') continue;
      const icu::UnicodeString piece = all.tempSubStringBetween(start, k);
      if (piece.countChar32() == 1) map_[c - kFirst] = static_cast<char32_t>(piece.char32At(0));
      start = k + 1;
      ++c;
    }
  }

  char32_t map(char32_t c) const { return c >= kFirst && c <= kLast ? map_[c - kFirst] : c; }

 private:
  std::vector<char32_t> map_;
};

const SimplifiedTable& simplified() {
  static const SimplifiedTable table;
  return table;
}

bool is_space_like(char32_t c) {
  // Zero-width characters and the BOM carry no content; controls (tabs, newlines) act as spaces.
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF ||
         u_isUWhiteSpace(static_cast<UChar32>(c)) || u_iscntrl(static_cast<UChar32>(c));
}

bool all_ascii(std::string_view s) {
  for (char ch : s)
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  return true;
}

}  // namespace

std::string normalize(std::string_view text, const NormalizeOptions& options) {
  std::string composed;
  if (all_ascii(text)) {
    composed.assign(text);  // NFKC leaves ASCII unchanged
  } else {
    // fromUTF8 turns invalid bytes into U+FFFD.
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    UErrorCode status = U_ZERO_ERROR;
    if (nfkc().quickCheck(u, status) != UNORM_YES) {
      status = U_ZERO_ERROR;
      icu::UnicodeString n = nfkc().normalize(u, status);
      if (U_SUCCESS(status)) u = std::move(n);
    }
    u.toUTF8String(composed);
  }
  std::string out;
  out.reserve(composed.size());
  bool pending_space = false;
  size_t i = 0;
  const SimplifiedTable* table = options.simplify ? &simplified() : nullptr;
  while (i < composed.size()) {
    char32_t c = utf8::next(composed, i);
    if (options.collapse_spaces && is_space_like(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    if (table) c = table->map(c);
    utf8::append(out, c);
  }
  return out;
}

}  // namespace civicgrid::text
