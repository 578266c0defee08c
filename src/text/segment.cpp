// Word segmentation with ICU's word BreakIterator, whose Chinese rules look words up in ICU's CJK
// dictionary. Creating an iterator loads that dictionary (milliseconds), so each thread keeps one.
#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

icu::BreakIterator& word_iterator() {
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(
        icu::BreakIterator::createWordInstance(icu::Locale("zh"), status));
    if (U_FAILURE(status) || !bi) throw std::runtime_error("ICU word break iterator unavailable");
    return bi;
  }();
  return *it;
}

// ICU's rule status: NONE (spaces, punctuation), NUMBER, LETTER, KANA, IDEO (Chinese words).
TokenKind kind_of(int32_t rule_status) {
  if (rule_status >= UBRK_WORD_NUMBER && rule_status < UBRK_WORD_NUMBER_LIMIT)
    return TokenKind::kNumber;
  if (rule_status >= UBRK_WORD_LETTER) return TokenKind::kWord;
  return TokenKind::kOther;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  if (text.empty()) return out;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::BreakIterator& bi = word_iterator();
  bi.setText(u);
  int32_t start = bi.first();
  for (int32_t end = bi.next(); end != icu::BreakIterator::DONE; start = end, end = bi.next()) {
    const icu::UnicodeString piece = u.tempSubStringBetween(start, end);
    Token t;
    piece.toUTF8String(t.text);
    t.kind = kind_of(bi.getRuleStatus());
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> segment(std::string_view text) {
  std::vector<std::string> words;
  for (auto& t : tokenize(text))
    if (t.kind != TokenKind::kOther) words.push_back(std::move(t.text));
  return words;
}

std::vector<std::string> char_ngrams(std::string_view text, int min_n, int max_n) {
  std::vector<size_t> starts;  // byte offset of each non-space code point, then the end
  std::string compact;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    const char32_t c = utf8::next(text, i);
    if (c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x3000) continue;
    starts.push_back(compact.size());
    compact.append(text.substr(at, i - at));
  }
  starts.push_back(compact.size());
  std::vector<std::string> out;
  const size_t count = starts.size() - 1;
  if (min_n < 1) min_n = 1;
  for (size_t p = 0; p < count; ++p)
    for (int n = min_n; n <= max_n && p + static_cast<size_t>(n) <= count; ++n)
      out.push_back(compact.substr(starts[p], starts[p + n] - starts[p]));
  return out;
}

}  // namespace civicgrid::text
