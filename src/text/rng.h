// A small deterministic random generator (SplitMix64). The standard library's distributions and
// std::shuffle may differ between library versions; training must give the same model everywhere.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace civicgrid::text {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (the modulo bias is irrelevant at these sizes).
  std::uint64_t below(std::uint64_t n) { return next() % n; }

  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::uint64_t state_;
};

}  // namespace civicgrid::text
