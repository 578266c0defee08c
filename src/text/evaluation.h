// Fold assignment shared by cross-validation and by the classifier's own inner cross-validation
// (per-class bias tuning). Internal to the text module.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "text/text.h"

namespace civicgrid::text {

// Stratified: each label's examples are shuffled with `seed` and dealt round-robin to the folds.
std::vector<int> stratified_folds(std::span<const Example> examples, int folds, std::uint64_t seed);

// The fold of each supplement: that of the example whose text is its title, -1 when none is (such
// a supplement is trained on in every fold).
std::vector<int> supplement_folds(std::span<const Example> examples, std::span<const int> fold_of,
                                  std::span<const Supplement> supplements);

}  // namespace civicgrid::text
