#include "text/linear_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "text/augment.h"
#include "text/rng.h"

namespace civicgrid::text {
namespace {

// Three classes of "texts" over 30 features: each class has 10 features of its own, of which a
// text draws 3, plus 2 features drawn from the whole range (noise shared by the classes).
struct ToyTexts {
  std::vector<std::vector<std::uint64_t>> docs;
  std::vector<int> labels;
};
ToyTexts toy_texts(size_t n, std::uint64_t seed) {
  ToyTexts t;
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const int y = static_cast<int>(rng.below(3));
    std::vector<std::uint64_t> d;
    for (int f = 0; f < 3; ++f)
      d.push_back(1000 + static_cast<std::uint64_t>(y) * 10 + rng.below(10));
    for (int f = 0; f < 2; ++f) d.push_back(1000 + rng.below(30));
    t.docs.push_back(d);
    t.labels.push_back(y);
  }
  return t;
}

// The Crammer–Singer primal objective ½‖W‖² + C Σ ℓ(1 + max_{m≠y} s_m − s_y), ℓ the hinge
// max(0, ·) or its square, with the scores recovered from the probabilities (softmax of T · scores,
// T = 1).
double multiclass_objective(const LinearModel& m, const ToyTexts& t, double c, bool squared) {
  double loss = 0;
  std::vector<double> p(3);
  for (size_t i = 0; i < t.docs.size(); ++i) {
    m.predict(t.docs[i], p);
    const auto y = static_cast<size_t>(t.labels[i]);
    double worst = -1e300;
    for (size_t k = 0; k < 3; ++k)
      if (k != y) worst = std::max(worst, std::log(p[k]) - std::log(p[y]));
    const double hinge = std::max(0.0, 1 + worst);
    loss += squared ? hinge * hinge : hinge;
  }
  return m.half_squared_norm() + c * loss;
}

LinearParams multiclass(int epochs, bool squared = false) {
  LinearParams p;
  p.loss = LinearParams::Loss::kMulticlassSvm;
  p.temperature = 1;
  p.c = 0.5;
  p.epochs = epochs;
  p.squared_hinge = squared;
  return p;
}

TEST(MulticlassSvm, TrainingMinimisesTheObjective) {
  // The dual method lowers the dual objective at every step; the primal one it minimises need not
  // fall epoch by epoch, but at convergence it is below that of any other weights, such as those
  // of a model stopped after a few epochs, or all-zero weights (a loss of 1 for every text).
  const ToyTexts t = toy_texts(300, 7);
  for (bool squared : {false, true}) {
    const auto objective = [&](int epochs) {
      return multiclass_objective(
          LinearModel::train(t.docs, t.labels, 3, multiclass(epochs, squared), 1), t, 0.5, squared);
    };
    const double converged = objective(500);
    for (int epochs : {1, 2, 3, 5})
      EXPECT_LT(converged, objective(epochs)) << epochs << " epochs, squared " << squared;
    EXPECT_LT(converged, 0.5 * 300) << "squared " << squared;
  }
}

TEST(MulticlassSvm, LearnsTheToyClassesDeterministically) {
  const ToyTexts train = toy_texts(300, 7), test = toy_texts(200, 8);
  for (bool nb : {false, true}) {
    LinearParams p = multiclass(40);
    p.nb_scale = nb;
    const LinearModel a = LinearModel::train(train.docs, train.labels, 3, p, 1);
    const LinearModel b = LinearModel::train(train.docs, train.labels, 3, p, 1);
    int correct = 0;
    std::vector<double> pa(3), pb(3);
    for (size_t i = 0; i < test.docs.size(); ++i) {
      a.predict(test.docs[i], pa);
      b.predict(test.docs[i], pb);
      EXPECT_EQ(pa, pb);
      correct +=
          static_cast<int>(std::max_element(pa.begin(), pa.end()) - pa.begin()) == test.labels[i];
    }
    // Three of a text's five features name its class: far above the 1/3 of chance.
    EXPECT_GT(correct, 180) << "nb " << nb;
  }
}

TEST(MulticlassSvm, SaveAndLoadKeepThePredictions) {
  const ToyTexts t = toy_texts(200, 3);
  LinearParams p = multiclass(20);
  p.nb_scale = true;
  for (bool votes : {false, true}) {
    LinearParams q = p;
    if (votes) {
      q.loss = LinearParams::Loss::kSvm;
      q.one_vs_one = q.pairwise_votes = true;
    }
    const LinearModel m = LinearModel::train(t.docs, t.labels, 3, q, 5);
    ModelWriter w;
    m.save(w);
    ModelReader r(w.bytes());
    LinearModel loaded;
    ASSERT_TRUE(loaded.load(r, votes));
    std::vector<double> a(3), b(3);
    for (const auto& d : t.docs) {
      m.predict(d, a);
      loaded.predict(d, b);
      EXPECT_EQ(a, b);
    }
  }
}

TEST(LinearModel, ExampleWeightsOfZeroLeaveExamplesOut) {
  const ToyTexts t = toy_texts(200, 11);
  LinearParams p;
  p.nb_scale = true;
  std::vector<double> weights(t.docs.size(), 1.0);
  // The same examples twice, the copies weighing 0: the model of the originals alone.
  ToyTexts doubled = t;
  doubled.docs.insert(doubled.docs.end(), t.docs.begin(), t.docs.end());
  std::vector<int> flipped = t.labels;
  for (int& y : flipped) y = (y + 1) % 3;  // wrong labels that must not count
  doubled.labels.insert(doubled.labels.end(), flipped.begin(), flipped.end());
  weights.resize(doubled.docs.size(), 0.0);
  const LinearModel alone = LinearModel::train(t.docs, t.labels, 3, p, 1);
  const LinearModel with_zeros = LinearModel::train(doubled.docs, doubled.labels, 3, p, 1, weights);
  std::vector<double> a(3), b(3);
  for (const auto& d : t.docs) {
    alone.predict(d, a);
    with_zeros.predict(d, b);
    const auto best = [](const std::vector<double>& v) {
      return std::max_element(v.begin(), v.end()) - v.begin();
    };
    EXPECT_EQ(best(a), best(b));
  }
}

TEST(Augment, DeletesSomeCharactersAndKeepsSome) {
  Rng rng(1), again(1);
  const std::string title = "小区垃圾长期无人清理";
  for (int i = 0; i < 50; ++i) {
    const std::string copy = delete_characters(title, 0.15, rng);
    EXPECT_EQ(copy, delete_characters(title, 0.15, again));
    EXPECT_LT(copy.size(), title.size());
    EXPECT_FALSE(copy.empty());
    EXPECT_EQ(copy.size() % 3, 0u);  // whole code points only
  }
  EXPECT_EQ(delete_characters("垃", 0.5, rng), "垃");
}

TEST(Augment, RemovesMaskedPlaceNames) {
  EXPECT_EQ(without_places("A市A3区丽发新城小区垃圾"), "丽发新城小区垃圾");
  EXPECT_EQ(without_places("K9县修路"), "修路");
  EXPECT_EQ(without_places("ABC区不是地名"), "ABC区不是地名");
  EXPECT_EQ(without_places("A3路公交"), "A3路公交");
}

}  // namespace
}  // namespace civicgrid::text
