// Stacking: a small multinomial logistic regression over the members' log-probabilities, learned
// from out-of-fold predictions, in place of the plain average. It can learn that one member is to
// be trusted for one class and another for another, which an average cannot. Internal to the text
// module.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "text/model_io.h"

namespace civicgrid::text {

class Stacker {
 public:
  // `x[i]` holds the inputs of example i (all of the same size), `y[i]` its class in
  // [0, classes). Minimises the mean cross-entropy + l2/2 · |W|² over standardised inputs by
  // accelerated gradient descent; deterministic.
  static Stacker train(std::span<const std::vector<double>> x, std::span<const int> y, int classes,
                       double l2);

  // Class probabilities (size classes()) for one input vector.
  void predict(std::span<const double> input, std::span<double> probabilities) const;
  int classes() const { return classes_; }
  int inputs() const { return inputs_; }

  void save(ModelWriter& w) const;
  // False when the bytes are truncated or inconsistent.
  bool load(ModelReader& r);

 private:
  int classes_ = 0, inputs_ = 0;
  std::vector<double> mean_, scale_;  // per input: standardisation
  std::vector<double> weights_;       // [class * (inputs + 1) + input], bias last
};

}  // namespace civicgrid::text
