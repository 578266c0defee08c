// Linear models over hashed features with TF-IDF weighting: a one-vs-rest linear SVM trained by
// dual coordinate descent (as LIBLINEAR's L2-loss dual solver), multinomial logistic regression
// trained by SGD, and complement naive Bayes. Internal to the text module.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "text/flat_map.h"
#include "text/model_io.h"

namespace civicgrid::text {

struct LinearParams {
  enum class Loss { kSvm, kLogistic, kComplementNb };
  Loss loss = Loss::kSvm;
  double c = 1.0;            // SVM and logistic: inverse regularisation strength
  double alpha = 0.3;        // complement NB: additive smoothing
  double temperature = 5.0;  // probabilities are softmax(temperature · decision values)
  int min_count = 1;         // features seen in fewer training texts are dropped
  int epochs = 40;           // at most this many passes over the data
  bool balanced = false;     // weight classes inversely to their size (helps macro-F1 on rare ones)
  bool sublinear_tf = true;  // 1 + log(tf) instead of tf
  bool nb_scale = false;     // SVM: scale features by the class's NB log-count ratio (NBSVM)
  double nb_alpha = 1.0;     // NBSVM: smoothing of the log-count ratio
  double beta = 1.0;         // NBSVM: interpolation towards the mean weight (1 = pure SVM)
  bool idf = true;           // inverse document frequency weighting
};

class LinearModel {
 public:
  // `docs[i]` holds the feature hashes of example i (repeats count as term frequency), `labels[i]`
  // its class in [0, classes). Deterministic for a given seed.
  static LinearModel train(std::span<const std::vector<std::uint64_t>> docs,
                           std::span<const int> labels, int classes, const LinearParams& params,
                           std::uint64_t seed);

  // Class probabilities (size classes()) for a text's feature hashes; unknown features are ignored.
  void predict(std::span<const std::uint64_t> features, std::span<double> probabilities) const;
  int classes() const { return classes_; }
  size_t features() const { return idf_.size(); }

  void save(ModelWriter& w) const;
  // False when the bytes are truncated or inconsistent.
  bool load(ModelReader& r);

 private:
  struct Sparse {
    std::vector<std::uint32_t> index;
    std::vector<float> value;
  };
  // TF-IDF, L2-normalised sparse vector of a text into `s`; unknown features dropped. `rows` is
  // scratch space.
  struct Row;
  void vectorize(std::span<const std::uint64_t> features, Sparse& s, std::vector<Row>& rows) const;
  void train_svm(const std::vector<Sparse>& x, std::span<const int> labels, const LinearParams& p,
                 std::uint64_t seed);
  void train_logistic(const std::vector<Sparse>& x, std::span<const int> labels,
                      const LinearParams& p, std::uint64_t seed);
  void train_complement_nb(const std::vector<Sparse>& x, std::span<const int> labels,
                           const LinearParams& p);
  std::vector<double> class_weights(std::span<const int> labels, bool balanced) const;

  int classes_ = 0;
  bool sublinear_tf_ = true;
  double temperature_ = 1.0;
  std::vector<std::uint64_t> keys_;  // feature hash of each row
  // hash → row and its idf, side by side: one cache line per feature of a title before the weights.
  struct Row {
    std::uint32_t index;
    float idf;
  };
  FlatMap<Row> row_;
  std::vector<float> idf_;      // per row
  std::vector<float> weights_;  // row-major: [row * classes + class]
  std::vector<float> bias_;     // per class
};

}  // namespace civicgrid::text
