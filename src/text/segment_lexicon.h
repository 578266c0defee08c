// A fast dictionary word segmenter for classifier features. ICU's BreakIterator costs about 14 µs
// for a title; the classifier needs the whole title in a few µs. A Lexicon learns word costs from
// ICU's segmentation of training texts once and then segments by the cheapest path through its
// words (unigram Viterbi over code points), in about a microsecond. Internal to the text module.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "text/flat_map.h"
#include "text/model_io.h"

namespace civicgrid::text {

class Lexicon {
 public:
  // The Han words of ICU's segmentation of `texts` (each already a model text), counted; words of
  // two or more characters seen fewer than `min_count` times are left out.
  static Lexicon learn(std::span<const std::string> texts, int min_count = 1);
  // A lexicon of the given Han words and counts (tests, or a list learned elsewhere).
  static Lexicon from_counts(std::span<const std::pair<std::string, std::uint32_t>> counts);

  // The words of `text` as views into it, in order: runs of ASCII letters and digits as one word,
  // runs of Han characters cut into lexicon words by the lowest total cost −Σ log p(word) (a
  // character not in the lexicon is a word of its own at the cost of a word seen half a time),
  // everything else (spaces, punctuation, symbols) dropped. Thread-safe.
  void segment(std::string_view text, std::vector<std::string_view>& words) const;

  size_t size() const { return words_.size(); }

  void save(ModelWriter& w) const;
  // False when the bytes are truncated or inconsistent.
  bool load(ModelReader& r);

 private:
  void index();  // (re)builds the hash table from words_ and counts_

  std::vector<std::string> words_;     // sorted, so the saved lexicon is deterministic
  std::vector<std::uint32_t> counts_;  // per word
  FlatMap<float> cost_;  // FNV-1a hash of a word's bytes → −log p(word)
  float unknown_cost_ = 0;
  size_t max_chars_ = 1;  // longest word in code points (at most kMaxChars)
};

}  // namespace civicgrid::text
