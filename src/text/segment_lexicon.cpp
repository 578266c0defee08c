#include "text/segment_lexicon.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "text/text.h"
#include "text/utf8.h"

namespace civicgrid::text {

namespace {

bool ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::uint64_t fnv_step(std::uint64_t h, unsigned char b) {
  return (h ^ b) * 0x100000001b3ULL;
}
constexpr std::uint64_t kFnvBasis = 0xcbf29ce484222325ULL;

std::uint64_t word_hash(std::string_view w) {
  std::uint64_t h = kFnvBasis;
  for (char c : w) h = fnv_step(h, static_cast<unsigned char>(c));
  return h;
}

// Longer words are left out of a lexicon: each extra character costs a lookup at every position,
// and ICU's longer "words" are mostly numbers, names and idioms that two shorter words cover.
constexpr size_t kMaxChars = 6;

bool all_han(std::string_view w) {
  if (w.empty()) return false;
  for (size_t i = 0; i < w.size();)
    if (!utf8::is_han(utf8::next(w, i))) return false;
  return true;
}

size_t chars(std::string_view w) {
  size_t n = 0;
  for (size_t i = 0; i < w.size(); ++n) utf8::next(w, i);
  return n;
}

}  // namespace

Lexicon Lexicon::learn(std::span<const std::string> texts, int min_count) {
  std::map<std::string, std::uint32_t> counts;
  for (const auto& t : texts)
    for (auto& w : text::segment(t))
      if (all_han(w)) ++counts[std::move(w)];
  std::vector<std::pair<std::string, std::uint32_t>> kept;
  for (auto& [w, n] : counts)
    if (n >= static_cast<std::uint32_t>(min_count) || chars(w) == 1) kept.emplace_back(w, n);
  return from_counts(kept);
}

Lexicon Lexicon::from_counts(std::span<const std::pair<std::string, std::uint32_t>> counts) {
  std::map<std::string, std::uint32_t> merged;
  for (const auto& [w, n] : counts)
    if (all_han(w) && n > 0 && chars(w) <= kMaxChars) merged[w] += n;
  Lexicon lex;
  for (auto& [w, n] : merged) {
    lex.words_.push_back(w);
    lex.counts_.push_back(n);
  }
  lex.index();
  return lex;
}

void Lexicon::index() {
  double total = 1;
  for (std::uint32_t n : counts_) total += n;
  // Every prefix of a word is a key too (cost infinity unless it is a word itself), so segment()
  // stops extending a candidate as soon as no word can start with it.
  cost_.reset(words_.size() * kMaxChars);
  max_chars_ = 1;
  constexpr float kPrefixOnly = std::numeric_limits<float>::infinity();
  for (const auto& w : words_) {
    std::uint64_t h = kFnvBasis;
    for (size_t i = 0; i < w.size();) {
      const size_t at = i;
      utf8::next(w, i);
      for (size_t p = at; p < i; ++p) h = fnv_step(h, static_cast<unsigned char>(w[p]));
      if (i < w.size() && !cost_.find(h)) cost_.put(h, kPrefixOnly);
    }
  }
  for (size_t i = 0; i < words_.size(); ++i) {
    cost_.put(word_hash(words_[i]), static_cast<float>(-std::log(counts_[i] / total)));
    max_chars_ = std::max(max_chars_, chars(words_[i]));
  }
  unknown_cost_ = static_cast<float>(-std::log(0.5 / total));
}

void Lexicon::segment(std::string_view text, std::vector<std::string_view>& words) const {
  thread_local std::vector<size_t> starts;  // byte offset of each character of a Han run, then end
  thread_local std::vector<float> best;     // lowest cost of the run's first k characters
  thread_local std::vector<size_t> from;    // where the last word of that best path starts
  thread_local std::vector<std::string_view> reversed;
  for (size_t i = 0; i < text.size();) {
    if (ascii_alnum(text[i])) {
      size_t end = i + 1;
      while (end < text.size() && ascii_alnum(text[end])) ++end;
      words.push_back(text.substr(i, end - i));
      i = end;
      continue;
    }
    size_t next = i;
    if (!utf8::is_han(utf8::next(text, next))) {
      i = next;
      continue;
    }
    starts.assign(1, i);
    for (i = next;;) {
      starts.push_back(i);
      if (i >= text.size()) break;
      size_t after = i;
      if (!utf8::is_han(utf8::next(text, after))) break;
      i = after;
    }
    const size_t n = starts.size() - 1;
    best.assign(n + 1, std::numeric_limits<float>::infinity());
    from.assign(n + 1, 0);
    best[0] = 0;
    for (size_t a = 0; a < n; ++a) {
      std::uint64_t h = kFnvBasis;
      for (size_t b = a + 1; b <= n && b - a <= max_chars_; ++b) {
        for (size_t p = starts[b - 1]; p < starts[b]; ++p)
          h = fnv_step(h, static_cast<unsigned char>(text[p]));
        // A hash collision with a string not in the lexicon can only make it a word: harmless.
        const float* known = cost_.find(h);
        if (!known && b > a + 1) break;  // no word starts with text[a..b)
        float c = known ? *known : unknown_cost_;
        if (b == a + 1 && std::isinf(c)) c = unknown_cost_;  // a character only seen in words
        if (best[a] + c < best[b]) {
          best[b] = best[a] + c;
          from[b] = a;
        }
        if (!known) break;
      }
    }
    reversed.clear();
    for (size_t b = n; b > 0; b = from[b])
      reversed.push_back(text.substr(starts[from[b]], starts[b] - starts[from[b]]));
    words.insert(words.end(), reversed.rbegin(), reversed.rend());
  }
}

void Lexicon::save(ModelWriter& w) const {
  w.put<std::uint64_t>(words_.size());
  for (const auto& word : words_) w.put_string(word);
  w.put_array(counts_.data(), counts_.size());
}

bool Lexicon::load(ModelReader& r) {
  std::uint64_t n = 0;
  if (!r.get(n) || n > (std::uint64_t{1} << 26)) return false;
  words_.assign(n, {});
  for (auto& word : words_)
    if (!r.get_string(word, 256)) return false;
  if (!r.get_array(counts_) || counts_.size() != words_.size()) return false;
  for (const auto& word : words_)
    if (!all_han(word) || chars(word) > kMaxChars) return false;
  index();
  return true;
}

}  // namespace civicgrid::text
