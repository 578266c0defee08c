// What a classifier sees of a text: the model text (normalised, lower-cased, masked place names)
// and its features (character and word n-grams). Internal to the text module.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace civicgrid::text {

class Lexicon;

// The data masks place names as a capital letter, optional digits and 市/区/县 (A市, A3区, K9县).
// The letters and digits say nothing about the category and split one word into many features.
enum class PlaceMode {
  kKeep,  // leave them
  kMask,  // "A3区" → "@区": one token per kind of place
  kDrop,  // remove them
};

struct FeatureSpec {
  int char_min = 1, char_max = 2;  // character n-grams; char_max 0 = none
  int word_min = 0, word_max = 0;  // word n-grams; word_max 0 = none (no segmentation cost)
  // Character skip-bigrams c(i) c(i+1+g) for gaps g = 1..skip_max (0 = none): pairs that a
  // character or two of variation (的, 了, a place name) keeps apart.
  int skip_max = 0;
  // Words from ICU's BreakIterator, or from a Lexicon learned from ICU's segmentation of the
  // training texts (the same words, at a fraction of the cost; see segment_lexicon.h). A spec
  // with kLexicon but no lexicon yet (a recipe before training) segments with ICU.
  enum class Segmenter { kIcu, kLexicon };
  Segmenter segmenter = Segmenter::kIcu;
  std::shared_ptr<const Lexicon> lexicon;
  PlaceMode places = PlaceMode::kMask;
  bool fold_digits = false;  // every run of digits → "0"
  // Also one feature per place name ("a3区") and its city letter ("a"): which board a message came
  // from says something about its category even when its letters say nothing about the text.
  bool place_features = false;

  // Character 4-grams as well ('q'), each at this fraction of its TF-IDF value (0 = none): longer
  // phrases without letting their many rare features drown the 1–3-grams.
  double char4_weight = 0;
  // The title's first and last two characters, after a leading place name ('x', 'y'): where a
  // title starts and ends says what it asks about (关于… / …的问题 / …怎么办).
  bool edges = false;

  bool operator==(const FeatureSpec&) const = default;
};

// The length in bytes of a masked place name at s[i] (a capital letter, digits, then 市/区/县, not
// preceded by a letter: A市, A3区, K9县), or 0.
size_t place_at(std::string_view s, size_t i);

// normalize() (NFKC, simplified, spaces), ASCII lower-case, place names and digits per `spec`.
// The place names found (lower-cased) are appended to `places` when it is given.
std::string model_text(std::string_view raw, const FeatureSpec& spec,
                       std::vector<std::string>* places = nullptr);

// Calls emit(kind, feature) for every feature of an already built model text, in a fixed order.
// `kind` tells features of different families apart ('1'..'9' character n-grams of that length,
// 'q' weighted character 4-grams, 's'..'u' skip-bigrams with gap 1..3, 'x'/'y' the first/last
// characters, 'a'..'i' word n-grams of length 1..9, 'p' places); `feature`
// is valid only during the call.
class FeatureSink {
 public:
  virtual ~FeatureSink() = default;
  virtual void emit(char kind, std::string_view feature) = 0;
};
void extract_features(std::string_view model_text, const FeatureSpec& spec, FeatureSink& sink);
// The text's features: model_text, extract_features, then the place features if the spec asks.
void text_features(std::string_view raw, const FeatureSpec& spec, FeatureSink& sink);

// 64-bit FNV-1a of the kind byte and the feature: the key under which models store a feature.
std::uint64_t feature_hash(char kind, std::string_view feature);
// The feature hashes of a raw text (model_text + extract_features).
std::vector<std::uint64_t> feature_hashes(std::string_view raw, const FeatureSpec& spec);
// The features as whitespace-free tokens ("2:小区", "a:垃圾"), for fastText's input format.
std::vector<std::string> feature_tokens(std::string_view raw, const FeatureSpec& spec);

}  // namespace civicgrid::text
