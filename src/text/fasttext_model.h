// fastText (libfasttext) as a library: supervised training on our own feature tokens, one thread
// and a fixed seed so that training is deterministic. Internal to the text module.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "text/model_io.h"

namespace fasttext {
class FastText;
}

namespace civicgrid::text {

struct FastTextParams {
  int dim = 50;
  int epoch = 30;
  double lr = 0.5;
  int word_ngrams = 1;  // fastText's own n-grams over our tokens (hashed into `bucket` rows)
  int bucket = 0;       // 0 unless word_ngrams > 1
  int min_count = 1;
};

class FastTextModel {
 public:
  FastTextModel();
  ~FastTextModel();
  FastTextModel(FastTextModel&&) noexcept;
  FastTextModel& operator=(FastTextModel&&) noexcept;

  // docs[i] are the feature tokens of example i (no whitespace inside a token), labels[i] its
  // class.
  static Result<FastTextModel> train(std::span<const std::vector<std::string>> docs,
                                     std::span<const int> labels, int classes,
                                     const FastTextParams& params, std::uint64_t seed);
  // Class probabilities (size classes) of a text's tokens.
  void predict(std::span<const std::string> tokens, std::span<double> probabilities) const;

  Result<void> save(ModelWriter& w) const;
  bool load(ModelReader& r, int classes);

 private:
  std::shared_ptr<fasttext::FastText> ft_;
  std::vector<int> class_of_label_;  // fastText's label id → our class
  int classes_ = 0;
};

}  // namespace civicgrid::text
