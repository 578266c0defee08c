// The Crammer–Singer multiclass SVM of LinearModel, trained by the sequential dual method (Keerthi
// et al. 2008, LIBLINEAR's solver 4): one hinge per example (or its square) on the margin of its
// class over the best other class, instead of seven independent one-vs-rest problems.
//
// With NB scaling the feature map is per class: class m scores w_m · (x ⊙ r_m), r_m being the
// one-vs-rest NB log-count ratios of class m. Each class block then has its own example norm, so
// the per-example subproblem has a different curvature per class (solved exactly below).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "text/linear_model.h"
#include "text/rng.h"

namespace civicgrid::text {

namespace {

// Minimises Σ_m ½·a[m]·v[m]² + b[m]·v[m] subject to v[m] ≤ cap[m] and Σ_m v[m] = 0. By the KKT
// conditions v[m] = min(cap[m], (β − b[m]) / a[m]) for the β at which the sum is 0; the sum grows
// with β, so capping the coordinates whose break point a[m]·cap[m] + b[m] lies below β only ever
// raises β, and at most k rounds find it.
void solve_subproblem(std::span<const double> a, std::span<const double> b,
                      std::span<const double> cap, std::span<double> v) {
  const size_t k = a.size();
  std::vector<char> capped(k, 0);
  double beta = 0;
  for (size_t round = 0; round <= k; ++round) {
    double num = 0, den = 0;
    for (size_t m = 0; m < k; ++m) {
      if (capped[m]) {
        num -= cap[m];
      } else {
        num += b[m] / a[m];
        den += 1 / a[m];
      }
    }
    beta = den > 0 ? num / den : 0;
    bool changed = false;
    for (size_t m = 0; m < k; ++m)
      if (!capped[m] && a[m] * cap[m] + b[m] <= beta) capped[m] = 1, changed = true;
    if (!changed) break;
  }
  for (size_t m = 0; m < k; ++m) v[m] = capped[m] ? cap[m] : (beta - b[m]) / a[m];
}

}  // namespace

void LinearModel::train_multiclass_svm(const std::vector<Sparse>& x, std::span<const int> labels,
                                       const LinearParams& p, std::uint64_t seed,
                                       std::span<const double> example_weights) {
  const size_t n = x.size(), rows = keys_.size(), k = static_cast<size_t>(classes_);
  const std::vector<double> cw = class_weights(labels, p);
  // r[j * k + m]: the scale of feature j in class m's block (1 without NB scaling).
  std::vector<double> r(rows * k, 1.0);
  if (p.nb_scale)
    for (size_t m = 0; m < k; ++m) {
      const std::vector<double> rm = nb_ratios(x, labels, m, p, example_weights);
      for (size_t j = 0; j < rows; ++j) r[j * k + m] = rm[j];
    }
  // The squared norm of each example in each class block, plus the bias feature.
  std::vector<double> norm(n * k, 1.0);
  std::vector<size_t> order;
  for (size_t i = 0; i < n; ++i) {
    if (example_weights[i] <= 0) continue;
    order.push_back(i);
    for (size_t t = 0; t < x[i].index.size(); ++t) {
      const double v = x[i].value[t];
      const double* rj = &r[x[i].index[t] * k];
      for (size_t m = 0; m < k; ++m) norm[i * k + m] += v * v * rj[m] * rj[m];
    }
  }
  std::vector<double> w(rows * k, 0.0), b(k, 0.0), alpha(n * k, 0.0);
  std::vector<double> g(k), a(k), lin(k), cap(k), next(k);
  Rng rng(seed);
  for (int epoch = 0; epoch < p.epochs; ++epoch) {
    rng.shuffle(order);
    double worst = 0;
    for (size_t i : order) {
      const size_t y = static_cast<size_t>(labels[i]);
      const Sparse& xi = x[i];
      for (size_t m = 0; m < k; ++m) g[m] = b[m] + (m == y ? 0.0 : 1.0);
      for (size_t t = 0; t < xi.index.size(); ++t) {
        const size_t j = xi.index[t];
        const double v = xi.value[t];
        for (size_t m = 0; m < k; ++m) g[m] += w[j * k + m] * r[j * k + m] * v;
      }
      double* al = &alpha[i * k];
      const double c_y = p.c * cw[y] * example_weights[i];
      // Squared hinge: no upper bound on α_y, and ½·α_y²/(2C) more in the dual (as the
      // one-vs-rest solver's diagonal).
      const double diag = p.squared_hinge ? 0.5 / c_y : 0.0;
      g[y] += al[y] * diag;
      // The violation of the optimality conditions: the gradient's spread over the coordinates
      // that may still grow (α_m < cap_m) and all coordinates.
      double max_g = -std::numeric_limits<double>::infinity();
      double min_g = std::numeric_limits<double>::infinity();
      for (size_t m = 0; m < k; ++m) {
        cap[m] = m != y ? 0.0 : p.squared_hinge ? std::numeric_limits<double>::infinity() : c_y;
        max_g = std::max(max_g, g[m]);
        if (al[m] < cap[m]) min_g = std::min(min_g, g[m]);
      }
      worst = std::max(worst, max_g - min_g);
      if (max_g - min_g < 1e-12) continue;
      for (size_t m = 0; m < k; ++m) {
        a[m] = norm[i * k + m] + (m == y ? diag : 0.0);
        lin[m] = g[m] - a[m] * al[m];
      }
      solve_subproblem(a, lin, cap, next);
      for (size_t m = 0; m < k; ++m) {
        const double d = next[m] - al[m];
        if (d == 0) continue;
        al[m] = next[m];
        b[m] += d;
        for (size_t t = 0; t < xi.index.size(); ++t) {
          const size_t j = xi.index[t];
          w[j * k + m] += d * xi.value[t] * r[j * k + m];
        }
      }
    }
    if (worst < 0.1) break;  // LIBLINEAR's default tolerance
  }
  for (size_t j = 0; j < rows * k; ++j) weights_[j] = static_cast<float>(w[j] * r[j]);
  for (size_t m = 0; m < k; ++m) bias_[m] = static_cast<float>(b[m]);
}

}  // namespace civicgrid::text
