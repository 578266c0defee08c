// Linear models over hashed features with TF-IDF weighting: a one-vs-rest linear SVM trained by
// dual coordinate descent (as LIBLINEAR's L2-loss dual solver), a Crammer–Singer multiclass SVM
// (sequential dual method), multinomial logistic regression trained by SGD, and complement naive
// Bayes. Internal to the text module.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "text/flat_map.h"
#include "text/model_io.h"

namespace civicgrid::text {

struct LinearParams {
  // kSvm: one-vs-rest; kMulticlassSvm: Crammer–Singer, one hinge per example on the margin of its
  // class over the best other class.
  enum class Loss { kSvm, kMulticlassSvm, kLogistic, kComplementNb };
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
  // SVMs: average the weights of this many models, each trained on a bootstrap sample of the
  // examples (0 = one model on all of them). The average is one linear model: no cost per title.
  int bags = 0;
  // SVM: one-vs-one instead of one-vs-rest (class score = the sum of its pairwise margins), or
  // one-vs-rest plus pairwise_weight × that sum (0 = none).
  bool one_vs_one = false;
  double pairwise_weight = 0;
  // SVM: one-vs-one with a column per pair, combined per title by soft votes (not one model).
  bool pairwise_votes = false;
  // Crammer–Singer: the squared hinge (as the one-vs-rest SVM's L2 loss) instead of the hinge.
  bool squared_hinge = false;
  // NBSVM: count each example's features by its weight (e.g. whole messages at less than titles).
  bool nb_weighted = false;
  // SVMs: a factor on C for the examples of class i (classes in sorted label order).
  std::array<double, 10> class_c{1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
};

// Per-feature factors on the TF-IDF value (e.g. a family of features given a low weight), by hash.
using FeatureScale = std::unordered_map<std::uint64_t, float>;

class LinearModel {
 public:
  // `docs[i]` holds the feature hashes of example i (repeats count as term frequency), `labels[i]`
  // its class in [0, classes). `example_weights` (empty: all 1) multiply the SVMs' C per example;
  // `scale` multiplies the features it names. Deterministic for a given seed.
  static LinearModel train(std::span<const std::vector<std::uint64_t>> docs,
                           std::span<const int> labels, int classes, const LinearParams& params,
                           std::uint64_t seed, std::span<const double> example_weights = {},
                           const FeatureScale* scale = nullptr);

  // Class probabilities (size classes()) for a text's feature hashes; unknown features are ignored.
  void predict(std::span<const std::uint64_t> features, std::span<double> probabilities) const;
  // ½ Σ (weights² + biases²): the SVMs' regulariser, for checking what training minimises.
  double half_squared_norm() const;
  int classes() const { return classes_; }
  size_t features() const { return idf_.size(); }

  void save(ModelWriter& w) const;
  // False when the bytes are truncated or inconsistent. `pairwise_votes` as trained (the recipe).
  bool load(ModelReader& r, bool pairwise_votes = false);

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
                 std::uint64_t seed, std::span<const double> example_weights);
  void train_binary_svm(const std::vector<Sparse>& x, std::span<const int> labels,
                        const LinearParams& p, std::uint64_t seed,
                        std::span<const double> example_weights, size_t c, int against,
                        std::vector<double>& w, double& b, std::vector<double>& r) const;
  void train_multiclass_svm(const std::vector<Sparse>& x, std::span<const int> labels,
                            const LinearParams& p, std::uint64_t seed,
                            std::span<const double> example_weights);
  // NBSVM's log-count ratio of every row for class c against the rest, over binarised features of
  // the examples with a positive weight.
  std::vector<double> nb_ratios(const std::vector<Sparse>& x, std::span<const int> labels, size_t c,
                                const LinearParams& p, std::span<const double> example_weights,
                                int against = -1) const;
  void train_logistic(const std::vector<Sparse>& x, std::span<const int> labels,
                      const LinearParams& p, std::uint64_t seed);
  void train_complement_nb(const std::vector<Sparse>& x, std::span<const int> labels,
                           const LinearParams& p);
  std::vector<double> class_weights(std::span<const int> labels, const LinearParams& p) const;

  size_t columns() const {
    const auto k = static_cast<size_t>(classes_);
    return votes_ ? k * (k - 1) / 2 : k;
  }

  int classes_ = 0;
  bool votes_ = false;  // one weight column per pair of classes (pairwise_votes)
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
