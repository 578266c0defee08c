#include "text/stacker.h"

#include <gtest/gtest.h>

#include <cmath>

#include "text/rng.h"

namespace civicgrid::text {
namespace {

size_t argmax(std::span<const double> v) {
  size_t best = 0;
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] > v[best]) best = i;
  return best;
}

// Two "members" over three classes: the first is right about classes 0 and 1 but calls class 2
// class 0; the second is noisy everywhere except that it recognises class 2. Averaging their
// log-probabilities misses some class 2 examples; a stacker learns whom to trust for what.
struct Toy {
  std::vector<std::vector<double>> x;
  std::vector<int> y;
};
Toy toy(size_t n, std::uint64_t seed) {
  Toy t;
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const int y = static_cast<int>(rng.below(3));
    std::vector<double> first(3, std::log(0.1)), second(3, std::log(0.3));
    first[y == 2 ? 0 : static_cast<size_t>(y)] = std::log(0.8);
    if (y == 2)
      second[2] = std::log(0.5);
    else
      second[rng.below(2)] = std::log(0.45);
    std::vector<double> row = first;
    row.insert(row.end(), second.begin(), second.end());
    t.x.push_back(row);
    t.y.push_back(y);
  }
  return t;
}

TEST(Stacker, LearnsWhichMemberToTrustForEachClass) {
  const Toy train = toy(600, 1), test = toy(300, 2);
  const Stacker s = Stacker::train(train.x, train.y, 3, 1e-3);
  EXPECT_EQ(s.classes(), 3);
  EXPECT_EQ(s.inputs(), 6);
  int stacked = 0, averaged = 0;
  std::vector<double> p(3);
  for (size_t i = 0; i < test.x.size(); ++i) {
    s.predict(test.x[i], p);
    EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-9);
    stacked += argmax(p) == static_cast<size_t>(test.y[i]);
    std::vector<double> mean(3);
    for (size_t c = 0; c < 3; ++c) mean[c] = test.x[i][c] + test.x[i][3 + c];
    averaged += argmax(mean) == static_cast<size_t>(test.y[i]);
  }
  EXPECT_EQ(stacked, 300);
  EXPECT_LT(averaged, 300);
}

TEST(Stacker, SavedAndLoadedPredictsTheSame) {
  const Toy train = toy(200, 3);
  const Stacker s = Stacker::train(train.x, train.y, 3, 1e-2);
  ModelWriter w;
  s.save(w);
  Stacker back;
  ModelReader r(w.bytes());
  ASSERT_TRUE(back.load(r));
  std::vector<double> a(3), b(3);
  s.predict(train.x[5], a);
  back.predict(train.x[5], b);
  EXPECT_EQ(a, b);
  Stacker truncated;
  ModelReader short_reader(std::string_view(w.bytes()).substr(0, w.bytes().size() - 8));
  EXPECT_FALSE(truncated.load(short_reader));
}

}  // namespace
}  // namespace civicgrid::text
