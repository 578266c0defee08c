#include "text/linear_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "text/rng.h"

namespace civicgrid::text {

namespace {

void softmax(std::span<double> v, double temperature) {
  double top = -std::numeric_limits<double>::infinity();
  for (double x : v) top = std::max(top, x * temperature);
  double sum = 0;
  for (double& x : v) sum += (x = std::exp(x * temperature - top));
  for (double& x : v) x /= sum;
}

}  // namespace

void LinearModel::vectorize(std::span<const std::uint64_t> features, Sparse& s,
                            std::vector<Row>& rows) const {
  rows.clear();
  for (std::uint64_t h : features)
    if (const Row* row = row_.find(h)) rows.push_back(*row);
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.index < b.index; });
  s.index.clear();
  s.value.clear();
  double norm = 0;
  for (size_t i = 0; i < rows.size();) {
    size_t j = i;
    while (j < rows.size() && rows[j].index == rows[i].index) ++j;
    const double tf = static_cast<double>(j - i);
    const double v = (sublinear_tf_ ? 1.0 + std::log(tf) : tf) * rows[i].idf;
    s.index.push_back(rows[i].index);
    s.value.push_back(static_cast<float>(v));
    norm += v * v;
    i = j;
  }
  if (norm > 0) {
    const float inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& v : s.value) v *= inv;
  }
}

std::vector<double> LinearModel::class_weights(std::span<const int> labels,
                                               const LinearParams& p) const {
  std::vector<double> w(static_cast<size_t>(classes_), 1.0);
  for (size_t c = 0; c < w.size() && c < p.class_c.size(); ++c) w[c] = p.class_c[c];
  if (!p.balanced) return w;
  std::vector<double> count(static_cast<size_t>(classes_), 0.0);
  for (int y : labels) count[static_cast<size_t>(y)] += 1;
  for (size_t c = 0; c < w.size(); ++c)
    if (count[c] > 0) w[c] *= static_cast<double>(labels.size()) / (classes_ * count[c]);
  return w;
}

LinearModel LinearModel::train(std::span<const std::vector<std::uint64_t>> docs,
                               std::span<const int> labels, int classes, const LinearParams& params,
                               std::uint64_t seed, std::span<const double> example_weights,
                               const FeatureScale* scale) {
  LinearModel m;
  m.classes_ = classes;
  m.sublinear_tf_ = params.sublinear_tf;
  m.temperature_ = params.temperature;
  // Vocabulary: features by document frequency, kept when frequent enough, in hash order so the
  // model does not depend on the order of the examples' features.
  std::unordered_map<std::uint64_t, int> df;
  for (const auto& d : docs) {
    std::vector<std::uint64_t> u(d);
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    for (std::uint64_t h : u) ++df[h];
  }
  for (const auto& [h, n] : df)
    if (n >= params.min_count) m.keys_.push_back(h);
  std::sort(m.keys_.begin(), m.keys_.end());
  const double n = static_cast<double>(docs.size());
  m.idf_.resize(m.keys_.size());
  m.row_.reset(m.keys_.size());
  for (size_t r = 0; r < m.keys_.size(); ++r) {
    m.idf_[r] = params.idf ? static_cast<float>(std::log((1 + n) / (1 + df[m.keys_[r]])) + 1) : 1.f;
    if (scale)
      if (const auto it = scale->find(m.keys_[r]); it != scale->end()) m.idf_[r] *= it->second;
    m.row_.put(m.keys_[r], {static_cast<std::uint32_t>(r), m.idf_[r]});
  }
  std::vector<Sparse> x;
  x.reserve(docs.size());
  std::vector<Row> rows;
  for (const auto& d : docs) m.vectorize(d, x.emplace_back(), rows);
  m.votes_ = params.pairwise_votes && params.loss == LinearParams::Loss::kSvm;
  m.weights_.assign(m.keys_.size() * m.columns(), 0.f);
  m.bias_.assign(m.columns(), 0.f);
  std::vector<double> w(docs.size(), 1.0);
  if (!example_weights.empty()) w.assign(example_weights.begin(), example_weights.end());
  const bool svm =
      params.loss == LinearParams::Loss::kSvm || params.loss == LinearParams::Loss::kMulticlassSvm;
  if (svm && params.bags > 0) {
    // Bootstrap: each bag weighs an example by how often it was drawn; the models' weights are
    // averaged.
    std::vector<float> sum_w(m.weights_.size(), 0.f), sum_b(m.bias_.size(), 0.f);
    Rng rng(seed ^ 0xb466a6e5ULL);
    std::vector<double> drawn(docs.size());
    for (int bag = 0; bag < params.bags; ++bag) {
      std::fill(drawn.begin(), drawn.end(), 0.0);
      for (size_t i = 0; i < docs.size(); ++i) drawn[rng.below(docs.size())] += 1;
      for (size_t i = 0; i < docs.size(); ++i) drawn[i] *= w[i];
      if (params.loss == LinearParams::Loss::kSvm)
        m.train_svm(x, labels, params, seed + 1000 * static_cast<std::uint64_t>(bag + 1), drawn);
      else
        m.train_multiclass_svm(x, labels, params, seed + 1000 * static_cast<std::uint64_t>(bag + 1),
                               drawn);
      for (size_t j = 0; j < sum_w.size(); ++j) sum_w[j] += m.weights_[j];
      for (size_t c = 0; c < sum_b.size(); ++c) sum_b[c] += m.bias_[c];
    }
    const float inv = 1.f / static_cast<float>(params.bags);
    for (size_t j = 0; j < sum_w.size(); ++j) m.weights_[j] = sum_w[j] * inv;
    for (size_t c = 0; c < sum_b.size(); ++c) m.bias_[c] = sum_b[c] * inv;
    return m;
  }
  switch (params.loss) {
    case LinearParams::Loss::kSvm:
      m.train_svm(x, labels, params, seed, w);
      break;
    case LinearParams::Loss::kMulticlassSvm:
      m.train_multiclass_svm(x, labels, params, seed, w);
      break;
    case LinearParams::Loss::kLogistic:
      m.train_logistic(x, labels, params, seed);
      break;
    case LinearParams::Loss::kComplementNb:
      m.train_complement_nb(x, labels, params);
      break;
  }
  return m;
}

// Wang & Manning 2012: r = log((p/|p|)/(q/|q|)) over binarised features of the class (p) and of
// the rest or of one other class (q); the SVM learns on x ⊙ r and the stored weights absorb r.
std::vector<double> LinearModel::nb_ratios(const std::vector<Sparse>& x,
                                           std::span<const int> labels, size_t c,
                                           const LinearParams& p,
                                           std::span<const double> example_weights,
                                           int against) const {
  const size_t rows = keys_.size();
  std::vector<double> pos(rows, p.nb_alpha), neg(rows, p.nb_alpha), r(rows);
  for (size_t i = 0; i < x.size(); ++i) {
    if (example_weights[i] <= 0) continue;
    const bool positive = static_cast<size_t>(labels[i]) == c;
    if (!positive && against >= 0 && labels[i] != against) continue;
    const double count = p.nb_weighted ? example_weights[i] : 1.0;
    for (std::uint32_t j : x[i].index) (positive ? pos : neg)[j] += count;
  }
  double ps = 0, ns = 0;
  for (size_t j = 0; j < rows; ++j) ps += pos[j], ns += neg[j];
  for (size_t j = 0; j < rows; ++j) r[j] = std::log((pos[j] / ps) / (neg[j] / ns));
  return r;
}

// L2-regularised L2-loss SVM in the dual (Hsieh et al. 2008, LIBLINEAR's solver 1), with the bias
// as an extra feature of value 1: class c against the rest (against < 0) or against one class.
// Returns `w` (in the NB-scaled space), `b` and the scale `r` of the binary problem.
void LinearModel::train_binary_svm(const std::vector<Sparse>& x, std::span<const int> labels,
                                   const LinearParams& p, std::uint64_t seed,
                                   std::span<const double> example_weights, size_t c, int against,
                                   std::vector<double>& w, double& b,
                                   std::vector<double>& r) const {
  const size_t n = x.size(), rows = keys_.size();
  const std::vector<double> cw = class_weights(labels, p);
  std::vector<double> alpha(n, 0.0), diag(n), qd(n);
  w.assign(rows, 0.0);
  r.assign(rows, 1.0);
  b = 0;
  std::vector<Sparse> scaled;
  if (p.nb_scale) {
    r = nb_ratios(x, labels, c, p, example_weights, against);
    scaled = x;
    for (auto& xi : scaled)
      for (size_t t = 0; t < xi.index.size(); ++t)
        xi.value[t] *= static_cast<float>(r[xi.index[t]]);
  }
  const std::vector<Sparse>& xs = p.nb_scale ? scaled : x;
  std::vector<size_t> order;
  for (size_t i = 0; i < n; ++i) {
    if (example_weights[i] <= 0) continue;  // not in this bootstrap sample
    if (against >= 0 && static_cast<size_t>(labels[i]) != c && labels[i] != against) continue;
    order.push_back(i);
    diag[i] = 0.5 / (p.c * cw[static_cast<size_t>(labels[i])] * example_weights[i]);
    double sq = 1.0;  // the bias feature
    for (float v : xs[i].value) sq += static_cast<double>(v) * v;
    qd[i] = sq + diag[i];
  }
  Rng rng(seed);
  for (int it = 0; it < p.epochs; ++it) {
    rng.shuffle(order);
    double max_pg = -std::numeric_limits<double>::infinity(), min_pg = -max_pg;
    for (size_t i : order) {
      const double y = static_cast<size_t>(labels[i]) == c ? 1.0 : -1.0;
      double dot = b;
      const Sparse& xi = xs[i];
      for (size_t t = 0; t < xi.index.size(); ++t) dot += w[xi.index[t]] * xi.value[t];
      const double g = y * dot - 1 + alpha[i] * diag[i];
      const double pg = alpha[i] == 0 ? std::min(g, 0.0) : g;
      max_pg = std::max(max_pg, pg);
      min_pg = std::min(min_pg, pg);
      if (std::fabs(pg) < 1e-12) continue;
      const double old = alpha[i];
      alpha[i] = std::max(alpha[i] - g / qd[i], 0.0);
      const double d = (alpha[i] - old) * y;
      for (size_t t = 0; t < xi.index.size(); ++t) w[xi.index[t]] += d * xi.value[t];
      b += d;
    }
    if (max_pg - min_pg < 0.1) break;  // LIBLINEAR's default stopping tolerance
  }
  if (p.beta < 1.0) {
    double mean = 0;
    for (double v : w) mean += std::fabs(v);
    mean /= static_cast<double>(std::max<size_t>(rows, 1));
    for (double& v : w) v = (1 - p.beta) * mean + p.beta * v;
  }
}

// One-vs-rest, and/or one-vs-one with the sum of the pairwise margins as the class score: the
// margin of c over d is w_cd · x + b_cd, so the sum over d is itself one linear model (no cost
// per title). Pairwise problems get NB ratios between the two classes only, which single out
// what tells neighbours such as 商贸旅游 and 城乡建设 apart.
void LinearModel::train_svm(const std::vector<Sparse>& x, std::span<const int> labels,
                            const LinearParams& p, std::uint64_t seed,
                            std::span<const double> example_weights) {
  const size_t rows = keys_.size(), k = static_cast<size_t>(classes_);
  std::fill(weights_.begin(), weights_.end(), 0.f);
  std::fill(bias_.begin(), bias_.end(), 0.f);
  std::vector<double> w, r;
  double b = 0;
  if (!p.one_vs_one && !votes_)
    for (size_t c = 0; c < k; ++c) {
      train_binary_svm(x, labels, p, seed + c, example_weights, c, -1, w, b, r);
      for (size_t j = 0; j < rows; ++j) weights_[j * k + c] = static_cast<float>(w[j] * r[j]);
      bias_[c] = static_cast<float>(b);
    }
  if (votes_) {
    // One column per pair (c, d), c < d, in order: the pair's own margin, combined per title.
    size_t column = 0;
    for (size_t c = 0; c < k; ++c)
      for (size_t d = c + 1; d < k; ++d, ++column) {
        train_binary_svm(x, labels, p, seed + 100 * (c + 1) + d, example_weights, c,
                         static_cast<int>(d), w, b, r);
        for (size_t j = 0; j < rows; ++j)
          weights_[j * columns() + column] = static_cast<float>(w[j] * r[j]);
        bias_[column] = static_cast<float>(b);
      }
    return;
  }
  if (!p.one_vs_one && p.pairwise_weight <= 0) return;
  const double share = (p.one_vs_one ? 1.0 : p.pairwise_weight) / static_cast<double>(k - 1);
  for (size_t c = 0; c < k; ++c)
    for (size_t d = c + 1; d < k; ++d) {
      train_binary_svm(x, labels, p, seed + 100 * (c + 1) + d, example_weights, c,
                       static_cast<int>(d), w, b, r);
      for (size_t j = 0; j < rows; ++j) {
        const auto v = static_cast<float>(share * w[j] * r[j]);
        weights_[j * k + c] += v;
        weights_[j * k + d] -= v;
      }
      bias_[c] += static_cast<float>(share * b);
      bias_[d] -= static_cast<float>(share * b);
    }
}

// Multinomial logistic regression by SGD with a decaying step and L2 weight decay on the rows a
// step touches (the usual sparse approximation).
void LinearModel::train_logistic(const std::vector<Sparse>& x, std::span<const int> labels,
                                 const LinearParams& p, std::uint64_t seed) {
  const size_t n = x.size(), k = static_cast<size_t>(classes_);
  const std::vector<double> cw = class_weights(labels, p);
  const double lambda = 1.0 / (p.c * static_cast<double>(n));
  std::vector<double> w(weights_.size(), 0.0), b(k, 0.0), s(k);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  Rng rng(seed);
  for (int epoch = 0; epoch < p.epochs; ++epoch) {
    rng.shuffle(order);
    const double lr = 0.5 / (1.0 + 0.2 * epoch);
    for (size_t i : order) {
      const Sparse& xi = x[i];
      for (size_t c = 0; c < k; ++c) s[c] = b[c];
      for (size_t t = 0; t < xi.index.size(); ++t) {
        const double* row = &w[xi.index[t] * k];
        for (size_t c = 0; c < k; ++c) s[c] += row[c] * xi.value[t];
      }
      softmax(s, 1.0);
      const double sw = cw[static_cast<size_t>(labels[i])] * lr;
      for (size_t c = 0; c < k; ++c)
        s[c] = (s[c] - (static_cast<size_t>(labels[i]) == c ? 1.0 : 0.0)) * sw;
      for (size_t t = 0; t < xi.index.size(); ++t) {
        double* row = &w[xi.index[t] * k];
        for (size_t c = 0; c < k; ++c) row[c] = row[c] * (1 - lr * lambda) - s[c] * xi.value[t];
      }
      for (size_t c = 0; c < k; ++c) b[c] -= s[c];
    }
  }
  for (size_t r = 0; r < w.size(); ++r) weights_[r] = static_cast<float>(w[r]);
  for (size_t c = 0; c < k; ++c) bias_[c] = static_cast<float>(b[c]);
}

// Complement naive Bayes (Rennie et al. 2003) over TF-IDF vectors: a class scores high when the
// text is unlike the other classes' texts.
void LinearModel::train_complement_nb(const std::vector<Sparse>& x, std::span<const int> labels,
                                      const LinearParams& p) {
  const size_t rows = keys_.size(), k = static_cast<size_t>(classes_);
  std::vector<double> count(rows * k, 0.0), total(rows, 0.0);
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t t = 0; t < x[i].index.size(); ++t) {
      count[x[i].index[t] * k + static_cast<size_t>(labels[i])] += x[i].value[t];
      total[x[i].index[t]] += x[i].value[t];
    }
  for (size_t c = 0; c < k; ++c) {
    double sum = 0;
    for (size_t r = 0; r < rows; ++r) sum += total[r] - count[r * k + c];
    const double denom = sum + p.alpha * static_cast<double>(rows);
    for (size_t r = 0; r < rows; ++r)
      weights_[r * k + c] =
          static_cast<float>(-std::log((total[r] - count[r * k + c] + p.alpha) / denom));
  }
}

void LinearModel::predict(std::span<const std::uint64_t> features,
                          std::span<double> probabilities) const {
  const size_t k = static_cast<size_t>(classes_), m = columns();
  // Per-thread buffers: a title is classified without a memory allocation.
  thread_local Sparse s;
  thread_local std::vector<Row> rows;
  thread_local std::vector<double> score;
  score.assign(bias_.begin(), bias_.end());
  vectorize(features, s, rows);
  for (size_t t = 0; t < s.index.size(); ++t) {
    const float* row = &weights_[s.index[t] * m];
    for (size_t c = 0; c < m; ++c) score[c] += static_cast<double>(row[c]) * s.value[t];
  }
  if (!votes_) {
    std::copy(score.begin(), score.end(), probabilities.begin());
  } else {
    // Soft votes: each pair's margin clipped to [−1, 1], so that the pairs that do not concern the
    // title's class (both classes wrong) cannot outweigh the ones that do.
    std::fill(probabilities.begin(), probabilities.begin() + static_cast<std::ptrdiff_t>(k), 0.0);
    size_t column = 0;
    for (size_t c = 0; c < k; ++c)
      for (size_t d = c + 1; d < k; ++d, ++column) {
        const double v = std::clamp(score[column], -1.0, 1.0);
        probabilities[c] += v / static_cast<double>(k - 1);
        probabilities[d] -= v / static_cast<double>(k - 1);
      }
  }
  softmax(probabilities.subspan(0, k), temperature_);
}

double LinearModel::half_squared_norm() const {
  double sum = 0;
  for (float v : weights_) sum += static_cast<double>(v) * v;
  for (float v : bias_) sum += static_cast<double>(v) * v;
  return 0.5 * sum;
}

void LinearModel::save(ModelWriter& w) const {
  w.put<std::int32_t>(classes_);
  w.put<std::uint8_t>(sublinear_tf_ ? 1 : 0);
  w.put<double>(temperature_);
  w.put_array(keys_.data(), keys_.size());
  w.put_array(idf_.data(), idf_.size());
  w.put_array(weights_.data(), weights_.size());
  w.put_array(bias_.data(), bias_.size());
}

bool LinearModel::load(ModelReader& r, bool pairwise_votes) {
  votes_ = pairwise_votes;
  std::int32_t classes = 0;
  std::uint8_t sublinear = 0;
  if (!r.get(classes) || !r.get(sublinear) || !r.get(temperature_)) return false;
  if (!r.get_array(keys_) || !r.get_array(idf_) || !r.get_array(weights_) || !r.get_array(bias_))
    return false;
  classes_ = classes;
  sublinear_tf_ = sublinear != 0;
  if (classes_ < 2 || idf_.size() != keys_.size() || bias_.size() != columns() ||
      weights_.size() != keys_.size() * columns())
    return false;
  row_.reset(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i)
    row_.put(keys_[i], {static_cast<std::uint32_t>(i), idf_[i]});
  return true;
}

}  // namespace civicgrid::text
