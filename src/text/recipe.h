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
  // Linear members, training data: each title also trained on as `augment_copies` copies with
  // characters deleted at random, and/or (`augment_places`) a copy without its place names, each
  // copy weighing `augment_weight`; supplements (whole messages) weigh `supplement_weight`.
  int augment_copies = 0;
  bool augment_places = false;
  double augment_weight = 0.5;
  double supplement_weight = 1.0;
  // Linear members: factors on the TF-IDF values of character 1-, 2-, 3-grams and of words.
  double char_weights[3] = {1.0, 1.0, 1.0};
  double word_weight = 1.0;
};

// kInvalidArgument (field "recipe") naming the offending part.
Result<std::vector<MemberSpec>> parse_recipe(std::string_view recipe);

}  // namespace civicgrid::text
