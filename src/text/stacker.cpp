#include "text/stacker.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace civicgrid::text {

namespace {

// Scores (size classes) of a standardised input `z` under weights `w`, turned into probabilities.
void softmax_scores(std::span<const double> w, std::span<const double> z, size_t classes,
                    std::span<double> out) {
  const size_t d = z.size() + 1;
  double top = -std::numeric_limits<double>::infinity();
  for (size_t c = 0; c < classes; ++c) {
    double s = w[c * d + d - 1];
    for (size_t j = 0; j + 1 < d; ++j) s += w[c * d + j] * z[j];
    out[c] = s;
    top = std::max(top, s);
  }
  double sum = 0;
  for (size_t c = 0; c < classes; ++c) sum += (out[c] = std::exp(out[c] - top));
  for (size_t c = 0; c < classes; ++c) out[c] /= sum;
}

}  // namespace

Stacker Stacker::train(std::span<const std::vector<double>> x, std::span<const int> y, int classes,
                       double l2) {
  Stacker s;
  s.classes_ = classes;
  s.inputs_ = x.empty() ? 0 : static_cast<int>(x[0].size());
  const size_t n = x.size(), m = static_cast<size_t>(s.inputs_), k = static_cast<size_t>(classes);
  const size_t d = m + 1;
  s.mean_.assign(m, 0.0);
  s.scale_.assign(m, 1.0);
  for (const auto& xi : x)
    for (size_t j = 0; j < m; ++j) s.mean_[j] += xi[j] / static_cast<double>(n);
  std::vector<double> var(m, 0.0);
  for (const auto& xi : x)
    for (size_t j = 0; j < m; ++j) var[j] += (xi[j] - s.mean_[j]) * (xi[j] - s.mean_[j]) / n;
  for (size_t j = 0; j < m; ++j) s.scale_[j] = var[j] > 1e-12 ? 1.0 / std::sqrt(var[j]) : 1.0;
  std::vector<std::vector<double>> z(n, std::vector<double>(m));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j) z[i][j] = (x[i][j] - s.mean_[j]) * s.scale_[j];
  // Standardised inputs have mean squared norm m (+1 for the bias): the cross-entropy's gradient
  // is Lipschitz with a constant of at most half that, which sets the step.
  const double step = 1.0 / (0.5 * static_cast<double>(d) + l2);
  std::vector<double> w(k * d, 0.0), prev(w), look(w), grad(k * d), p(k);
  for (int it = 1; it <= 400; ++it) {
    const double momentum = (it - 1.0) / (it + 2.0);
    for (size_t t = 0; t < w.size(); ++t) look[t] = w[t] + momentum * (w[t] - prev[t]);
    for (size_t t = 0; t < w.size(); ++t) grad[t] = l2 * look[t];
    for (size_t i = 0; i < n; ++i) {
      softmax_scores(look, z[i], k, p);
      p[static_cast<size_t>(y[i])] -= 1.0;
      for (size_t c = 0; c < k; ++c) {
        const double g = p[c] / static_cast<double>(n);
        double* row = &grad[c * d];
        for (size_t j = 0; j < m; ++j) row[j] += g * z[i][j];
        row[m] += g;
      }
    }
    prev = w;
    for (size_t t = 0; t < w.size(); ++t) w[t] = look[t] - step * grad[t];
  }
  s.weights_ = std::move(w);
  return s;
}

void Stacker::predict(std::span<const double> input, std::span<double> probabilities) const {
  const size_t m = static_cast<size_t>(inputs_);
  thread_local std::vector<double> z;
  z.resize(m);
  for (size_t j = 0; j < m; ++j) z[j] = (input[j] - mean_[j]) * scale_[j];
  softmax_scores(weights_, z, static_cast<size_t>(classes_), probabilities);
}

void Stacker::save(ModelWriter& w) const {
  w.put<std::int32_t>(classes_);
  w.put<std::int32_t>(inputs_);
  w.put_array(mean_.data(), mean_.size());
  w.put_array(scale_.data(), scale_.size());
  w.put_array(weights_.data(), weights_.size());
}

bool Stacker::load(ModelReader& r) {
  if (!r.get(classes_) || !r.get(inputs_) || classes_ < 2 || inputs_ < 1) return false;
  if (!r.get_array(mean_) || !r.get_array(scale_) || !r.get_array(weights_)) return false;
  const size_t m = static_cast<size_t>(inputs_);
  return mean_.size() == m && scale_.size() == m &&
         weights_.size() == static_cast<size_t>(classes_) * (m + 1);
}

}  // namespace civicgrid::text
