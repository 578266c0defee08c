// Model recipes: the text form of a classifier's members and their options, e.g.
// "svm:c1-3,w1-2,C=0.5+ft:c1-2,dim=50,epoch=30". Internal to the text module; the grammar is
// documented in src/text/README.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "text/fasttext_model.h"
#include "text/features.h"
#include "text/linear_model.h"

namespace civicgrid::text {

struct MemberSpec {
  // kBias and kStack are not models but a step after them: per-class offsets tuned by an inner
  // cross-validation of the other members, or a logistic regression over their out-of-fold
  // log-probabilities in place of the average (see train_classifier).
  enum class Kind { kLinear, kFastText, kBias, kStack };
  bool is_step() const { return kind == Kind::kBias || kind == Kind::kStack; }
  Kind kind = Kind::kLinear;
  FeatureSpec features;
  LinearParams linear;
  FastTextParams fasttext;
  double weight = 1.0;     // share in the ensemble's averaged probabilities
  int bias_folds = 4;      // kBias, kStack: folds of the inner cross-validation
  double stack_l2 = 1e-3;  // kStack: L2 penalty of the logistic regression
};

// kInvalidArgument (field "recipe") naming the offending part.
Result<std::vector<MemberSpec>> parse_recipe(std::string_view recipe);

}  // namespace civicgrid::text
