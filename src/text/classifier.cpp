// The Classifier behind text.h: an ensemble of members (linear models and fastText), each with its
// own features, whose class probabilities are averaged with the members' weights.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <variant>

#include "text/augment.h"
#include "text/evaluation.h"
#include "text/recipe.h"
#include "text/segment_lexicon.h"
#include "text/stacker.h"
#include "text/text.h"

namespace civicgrid::text {

namespace {

constexpr std::string_view kMagic = "CGTEXTM1";  // bump when features or the layout change

bool uses_lexicon(const FeatureSpec& f) {
  return f.word_max > 0 && f.segmenter == FeatureSpec::Segmenter::kLexicon;
}

struct Member {
  MemberSpec spec;
  std::variant<LinearModel, FastTextModel> model;
};

// The features of one text for each member, computing shared feature specs once.
class MemberFeatures {
 public:
  MemberFeatures(std::string_view text, const std::vector<Member>& members) {
    for (size_t i = 0; i < members.size(); ++i) {
      size_t same = i;
      for (size_t j = 0; j < i; ++j)
        if (members[j].spec.features == members[i].spec.features &&
            members[j].spec.kind == members[i].spec.kind) {
          same = j;
          break;
        }
      source_.push_back(same);
      hashes_.emplace_back();
      tokens_.emplace_back();
      if (same != i) continue;
      if (members[i].spec.kind == MemberSpec::Kind::kLinear)
        hashes_[i] = feature_hashes(text, members[i].spec.features);
      else
        tokens_[i] = feature_tokens(text, members[i].spec.features);
    }
  }
  const std::vector<std::uint64_t>& hashes(size_t i) const { return hashes_[source_[i]]; }
  const std::vector<std::string>& tokens(size_t i) const { return tokens_[source_[i]]; }

 private:
  std::vector<size_t> source_;
  std::vector<std::vector<std::uint64_t>> hashes_;
  std::vector<std::vector<std::string>> tokens_;
};

class EnsembleClassifier final : public Classifier {
 public:
  EnsembleClassifier(std::string recipe, std::vector<std::string> labels,
                     std::vector<Member> members, std::vector<double> offsets = {},
                     std::optional<Stacker> stacker = std::nullopt)
      : recipe_(std::move(recipe)),
        labels_(std::move(labels)),
        members_(std::move(members)),
        offsets_(std::move(offsets)),
        stacker_(std::move(stacker)) {
    for (const auto& m : members_) total_weight_ += m.spec.weight;
    if (total_weight_ <= 0) total_weight_ = 1;
  }

  // Each member's log-probabilities (floored at log 1e-12), member after member: the stacker's
  // input.
  std::vector<double> member_log_probabilities(std::string_view text) const {
    const size_t n = labels_.size();
    std::vector<double> out(members_.size() * n);
    const MemberFeatures features(text, members_);
    for (size_t i = 0; i < members_.size(); ++i) {
      const std::span<double> p(out.data() + i * n, n);
      predict_member(i, features, p);
      for (double& v : p) v = std::log(std::max(v, 1e-12));
    }
    return out;
  }

  // The stacker's probabilities, or the members' weighted mean probabilities, times exp(offset)
  // per class and renormalised.
  std::vector<double> probabilities(std::string_view text) const {
    const size_t n = labels_.size();
    std::vector<double> sum(n, 0.0), p(n);
    if (stacker_) {
      stacker_->predict(member_log_probabilities(text), sum);
      return sum;
    }
    const MemberFeatures features(text, members_);
    for (size_t i = 0; i < members_.size(); ++i) {
      if (members_[i].spec.weight <= 0) continue;
      predict_member(i, features, p);
      for (size_t c = 0; c < n; ++c) sum[c] += members_[i].spec.weight * p[c];
    }
    double total = 0;
    for (size_t c = 0; c < n; ++c) {
      sum[c] /= total_weight_;
      if (!offsets_.empty()) sum[c] *= std::exp(offsets_[c]);
      total += sum[c];
    }
    if (!offsets_.empty() && total > 0)
      for (double& v : sum) v /= total;
    return sum;
  }

  Prediction predict(std::string_view text, size_t k) const override {
    const size_t n = labels_.size();
    const std::vector<double> sum = probabilities(text);
    std::vector<size_t> order(n);
    for (size_t c = 0; c < n; ++c) order[c] = c;
    // Ties go to the earlier label, so predictions do not depend on the sort's stability.
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return sum[a] != sum[b] ? sum[a] > sum[b] : a < b; });
    Prediction out;
    for (size_t r = 0; r < std::min(std::max<size_t>(k, 1), n); ++r)
      out.top.push_back({labels_[order[r]], sum[order[r]]});
    out.label = out.top.front().label;
    out.confidence = out.top.front().score;
    return out;
  }

  const std::vector<std::string>& labels() const override { return labels_; }
  const std::string& recipe() const override { return recipe_; }

  Result<void> save(const std::string& path) const override {
    ModelWriter w;
    w.bytes().append(kMagic);
    w.put_string(recipe_);
    w.put<std::uint32_t>(static_cast<std::uint32_t>(labels_.size()));
    for (const auto& l : labels_) w.put_string(l);
    for (const auto& m : members_) {
      if (uses_lexicon(m.spec.features)) m.spec.features.lexicon->save(w);
      if (const auto* lin = std::get_if<LinearModel>(&m.model)) {
        lin->save(w);
      } else if (auto ok = std::get<FastTextModel>(m.model).save(w); !ok) {
        return fail(ok.error());
      }
    }
    if (!offsets_.empty()) w.put_array(offsets_.data(), offsets_.size());
    if (stacker_) stacker_->save(w);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    out.close();
    if (!out)
      return fail(Error::invalid("output", "无法写入模型文件：" + path,
                                 "cannot write model file: " + path));
    return {};
  }

 private:
  void predict_member(size_t i, const MemberFeatures& features, std::span<double> p) const {
    const Member& m = members_[i];
    if (const auto* lin = std::get_if<LinearModel>(&m.model))
      lin->predict(features.hashes(i), p);
    else
      std::get<FastTextModel>(m.model).predict(features.tokens(i), p);
  }

  std::string recipe_;
  std::vector<std::string> labels_;
  std::vector<Member> members_;
  std::vector<double> offsets_;  // log-scale per-class offsets (empty: none)
  std::optional<Stacker> stacker_;
  double total_weight_ = 0;
};

// A linear member's training texts beyond the examples: perturbed copies of the titles (the first
// `titles` examples) with their labels (MemberSpec's augment options). Only the training data of a
// fold is ever augmented, since this runs inside training.
struct Augmented {
  std::vector<std::string> texts;
  std::vector<int> labels;
};
Augmented augment(std::span<const Example> examples, size_t titles, std::span<const int> y,
                  const MemberSpec& spec, std::uint64_t seed) {
  Augmented out;
  Rng rng(seed ^ 0xa06e47ULL);
  auto add = [&](std::string text, int label) {
    out.texts.push_back(std::move(text));
    out.labels.push_back(label);
  };
  for (size_t i = 0; i < titles; ++i) {
    for (int copy = 0; copy < spec.augment_copies; ++copy)
      add(delete_characters(examples[i].text, 0.15, rng), y[i]);
    if (spec.augment_places)
      if (std::string bare = without_places(examples[i].text); bare != examples[i].text)
        add(std::move(bare), y[i]);
  }
  return out;
}

// Per-feature factors of a linear member: its character 4-grams ('q') and any feature family
// (character n-grams of one length, words) given a weight other than 1.
FeatureScale family_scale(std::span<const Example> examples, const MemberSpec& m) {
  FeatureScale scale;
  auto add = [&](FeatureSpec only, double weight) {
    only.skip_max = 0;
    only.edges = false;
    only.place_features = false;
    for (const auto& e : examples)
      for (std::uint64_t h : feature_hashes(e.text, only))
        scale.emplace(h, static_cast<float>(weight));
  };
  const FeatureSpec& f = m.features;
  if (f.char4_weight > 0) {
    FeatureSpec only = f;
    only.char_max = only.word_max = 0;
    add(only, f.char4_weight);
  }
  for (int n = 1; n <= 3; ++n)
    if (m.char_weights[n - 1] != 1.0 && n >= f.char_min && n <= f.char_max) {
      FeatureSpec only = f;
      only.char_min = only.char_max = n;
      only.word_max = 0;
      only.char4_weight = 0;
      add(only, m.char_weights[n - 1]);
    }
  if (m.word_weight != 1.0 && f.word_max > 0) {
    FeatureSpec only = f;
    only.char_max = 0;
    only.char4_weight = 0;
    add(only, m.word_weight);
  }
  return scale;
}

// Trains every member on the examples, of which the first `titles` are titles and the rest
// supplements; `index` maps each label to its class number.
Result<std::vector<Member>> train_members(std::span<const Example> examples, size_t titles,
                                          const std::map<std::string, int>& index,
                                          const std::vector<MemberSpec>& specs) {
  std::vector<int> y;
  y.reserve(examples.size());
  for (const auto& e : examples) y.push_back(index.at(e.label));
  const int classes = static_cast<int>(index.size());
  std::vector<Member> members;
  std::uint64_t seed = 20200106;
  for (MemberSpec spec : specs) {
    ++seed;
    if (uses_lexicon(spec.features)) {
      // One lexicon per way of building the model text, shared by the members that agree on it.
      for (const Member& m : members)
        if (m.spec.features.lexicon && m.spec.features.places == spec.features.places &&
            m.spec.features.fold_digits == spec.features.fold_digits)
          spec.features.lexicon = m.spec.features.lexicon;
      if (!spec.features.lexicon) {
        std::vector<std::string> texts;
        texts.reserve(examples.size());
        for (const auto& e : examples) texts.push_back(model_text(e.text, spec.features));
        spec.features.lexicon = std::make_shared<const Lexicon>(Lexicon::learn(texts));
      }
    }
    if (spec.kind == MemberSpec::Kind::kLinear) {
      std::vector<std::vector<std::uint64_t>> docs;
      docs.reserve(examples.size());
      for (const auto& e : examples) docs.push_back(feature_hashes(e.text, spec.features));
      std::vector<double> weights(examples.size(), 1.0);
      std::fill(weights.begin() + static_cast<std::ptrdiff_t>(std::min(titles, examples.size())),
                weights.end(), spec.supplement_weight);
      std::vector<int> labels = y;
      const Augmented extra = augment(examples, std::min(titles, examples.size()), y, spec, seed);
      for (size_t i = 0; i < extra.texts.size(); ++i) {
        docs.push_back(feature_hashes(extra.texts[i], spec.features));
        labels.push_back(extra.labels[i]);
        weights.push_back(spec.augment_weight);
      }
      const FeatureScale scale = family_scale(examples, spec);
      members.push_back({spec, LinearModel::train(docs, labels, classes, spec.linear, seed, weights,
                                                  scale.empty() ? nullptr : &scale)});
    } else {
      std::vector<std::vector<std::string>> docs;
      docs.reserve(examples.size());
      for (const auto& e : examples) docs.push_back(feature_tokens(e.text, spec.features));
      auto ft = FastTextModel::train(docs, y, classes, spec.fasttext, seed);
      if (!ft) return fail(ft.error());
      members.push_back({spec, std::move(*ft)});
    }
  }
  return members;
}

double macro_f1(std::span<const int> truth, std::span<const int> predicted, int classes) {
  std::vector<int> tp(static_cast<size_t>(classes)), row(tp.size()), col(tp.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    ++row[static_cast<size_t>(truth[i])];
    ++col[static_cast<size_t>(predicted[i])];
    if (truth[i] == predicted[i]) ++tp[static_cast<size_t>(truth[i])];
  }
  double sum = 0;
  int with_support = 0;
  for (size_t c = 0; c < tp.size(); ++c) {
    if (row[c] == 0) continue;
    ++with_support;
    if (tp[c] > 0) sum += 2.0 * tp[c] / (row[c] + col[c]);
  }
  return with_support ? sum / with_support : 0;
}

// Out-of-fold predictions of the members for the examples: an inner stratified cross-validation
// over the examples only (supplements are trained on but never scored, and never with their title
// held out). Each row holds every member's log-probabilities (member_log_probabilities).
struct OutOfFold {
  std::vector<std::vector<double>> member_logp;
  std::vector<int> truth;
};
Result<OutOfFold> out_of_fold(std::span<const Example> examples,
                              std::span<const Supplement> supplements,
                              const std::map<std::string, int>& index,
                              const std::vector<MemberSpec>& specs, int folds) {
  const size_t k = index.size();
  const std::vector<int> fold_of = stratified_folds(examples, folds, 0x0ff5e7);
  const std::vector<int> supplement_fold = supplement_folds(examples, fold_of, supplements);
  OutOfFold out{std::vector<std::vector<double>>(examples.size()),
                std::vector<int>(examples.size())};
  for (int f = 0; f < folds; ++f) {
    std::vector<Example> train;
    for (size_t i = 0; i < examples.size(); ++i)
      if (fold_of[i] != f) train.push_back(examples[i]);
    const size_t titles = train.size();
    for (size_t i = 0; i < supplements.size(); ++i)
      if (supplement_fold[i] != f) train.push_back(supplements[i].example);
    auto members = train_members(train, titles, index, specs);
    if (!members) return fail(members.error());
    const EnsembleClassifier model("", std::vector<std::string>(k), std::move(*members));
    for (size_t i = 0; i < examples.size(); ++i) {
      if (fold_of[i] != f) continue;
      out.truth[i] = index.at(examples[i].label);
      out.member_logp[i] = model.member_log_probabilities(examples[i].text);
    }
  }
  return out;
}

// Per-class log-scale offsets that maximise the macro-F1 of the out-of-fold predictions of the
// members' weighted average, by coordinate ascent over a grid. Macro-F1 rewards recall on small
// classes more than accuracy does, which is what the offsets buy.
Result<std::vector<double>> tune_offsets(std::span<const Example> examples,
                                         std::span<const Supplement> supplements,
                                         const std::map<std::string, int>& index,
                                         const std::vector<MemberSpec>& specs, int folds) {
  const int classes = static_cast<int>(index.size());
  const size_t k = index.size();
  auto oof = out_of_fold(examples, supplements, index, specs, folds);
  if (!oof) return fail(oof.error());
  const std::vector<int>& truth = oof->truth;
  double total_weight = 0;
  for (const auto& m : specs) total_weight += m.weight;
  std::vector<std::vector<double>> logp(examples.size(), std::vector<double>(k, 0.0));
  for (size_t i = 0; i < examples.size(); ++i) {
    for (size_t m = 0; m < specs.size(); ++m)
      for (size_t c = 0; c < k; ++c)
        logp[i][c] += specs[m].weight * std::exp(oof->member_logp[i][m * k + c]);
    for (double& v : logp[i]) v = std::log(std::max(v / std::max(total_weight, 1e-12), 1e-12));
  }
  std::vector<double> offsets(k, 0.0);
  std::vector<int> predicted(examples.size());
  auto evaluate = [&] {
    for (size_t i = 0; i < examples.size(); ++i) {
      size_t best = 0;
      for (size_t c = 1; c < k; ++c)
        if (logp[i][c] + offsets[c] > logp[i][best] + offsets[best]) best = c;
      predicted[i] = static_cast<int>(best);
    }
    return macro_f1(truth, predicted, classes);
  };
  double best = evaluate();
  for (int round = 0; round < 3; ++round)
    for (size_t c = 0; c < k; ++c) {
      const double keep = offsets[c];
      double best_value = keep;
      for (int step = -20; step <= 20; ++step) {
        offsets[c] = 0.05 * step;
        const double f1 = evaluate();
        // Only a real gain moves an offset; among equals the smallest change wins.
        if (f1 > best + 1e-9 ||
            (f1 > best - 1e-9 && std::fabs(offsets[c]) < std::fabs(best_value))) {
          if (f1 > best + 1e-9) best = f1;
          best_value = offsets[c];
        }
      }
      offsets[c] = best_value;
    }
  return offsets;
}

Error bad_model(const std::string& path, std::string_view why) {
  return Error::invalid("model", "模型文件无效：" + path + "（" + std::string(why) + "）",
                        "not a usable model file: " + path + " (" + std::string(why) + ")");
}

}  // namespace

// NBSVM over character 1–3-grams and words seen in at least two texts, place names kept, C=1, T=3
// for calibrated confidences. The words come from a lexicon learned from ICU's segmentation of the
// training texts, which scores as ICU's own words (0.890 / 0.889 / 0.889 macro-F1 over CV seeds
// 1–3 against 0.888 / 0.886 / 0.886 for characters alone) at a third of ICU's cost, within the
// 50,000 titles/s a core must classify (bench/RESULTS.md).
std::string_view default_recipe() {
  return "svm:c1-3,w1,seg=lex,nb=1,C=1,places=keep,T=3,min=2";
}

Result<std::unique_ptr<Classifier>> train_classifier(std::span<const Example> examples,
                                                     std::string_view recipe) {
  return train_classifier(examples, {}, recipe);
}

Result<std::unique_ptr<Classifier>> train_classifier(std::span<const Example> examples,
                                                     std::span<const Supplement> supplements,
                                                     std::string_view recipe) {
  auto specs = parse_recipe(recipe);
  if (!specs) return fail(specs.error());
  if (examples.empty())
    return fail(Error::invalid("input", "没有训练样本", "no training examples"));
  // Labels in sorted order: the model does not depend on the order of the examples' labels.
  std::map<std::string, int> index;
  for (const auto& e : examples) index.emplace(e.label, 0);
  for (const auto& s : supplements) index.emplace(s.example.label, 0);
  if (index.size() < 2)
    return fail(
        Error::invalid("label", "训练数据至少需要两个类别", "training needs at least two labels"));
  std::vector<std::string> labels;
  for (auto& [label, i] : index) {
    i = static_cast<int>(labels.size());
    labels.push_back(label);
  }
  std::optional<MemberSpec> step;
  if (specs->back().is_step()) {
    step = specs->back();
    specs->pop_back();
  }
  std::vector<double> offsets;
  std::optional<Stacker> stacker;
  if (step && step->kind == MemberSpec::Kind::kBias) {
    auto tuned = tune_offsets(examples, supplements, index, *specs, step->bias_folds);
    if (!tuned) return fail(tuned.error());
    offsets = std::move(*tuned);
  } else if (step) {
    auto oof = out_of_fold(examples, supplements, index, *specs, step->bias_folds);
    if (!oof) return fail(oof.error());
    stacker = Stacker::train(oof->member_logp, oof->truth, static_cast<int>(labels.size()),
                             step->stack_l2);
  }
  std::vector<Example> all(examples.begin(), examples.end());
  for (const auto& s : supplements) all.push_back(s.example);
  auto members = train_members(all, examples.size(), index, *specs);
  if (!members) return fail(members.error());
  return std::make_unique<EnsembleClassifier>(std::string(recipe), std::move(labels),
                                              std::move(*members), std::move(offsets),
                                              std::move(stacker));
}

Result<std::unique_ptr<Classifier>> load_classifier(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(
        Error::invalid("model", "无法读取模型文件：" + path, "cannot read model file: " + path));
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string bytes = std::move(ss).str();
  if (!std::string_view(bytes).starts_with(kMagic))
    return fail(bad_model(path, "unknown format or version"));
  ModelReader r(std::string_view(bytes).substr(kMagic.size()));
  std::string recipe;
  std::uint32_t count = 0;
  if (!r.get_string(recipe, 4096) || !r.get(count) || count < 2 || count > 10000)
    return fail(bad_model(path, "truncated header"));
  std::vector<std::string> labels(count);
  for (auto& l : labels)
    if (!r.get_string(l, 1024)) return fail(bad_model(path, "truncated labels"));
  auto specs = parse_recipe(recipe);
  if (!specs) return fail(bad_model(path, "bad recipe"));
  const bool has_offsets = specs->back().kind == MemberSpec::Kind::kBias;
  const bool has_stacker = specs->back().kind == MemberSpec::Kind::kStack;
  if (specs->back().is_step()) specs->pop_back();
  std::vector<Member> members;
  for (MemberSpec& spec : *specs) {
    if (uses_lexicon(spec.features)) {
      Lexicon lexicon;
      if (!lexicon.load(r)) return fail(bad_model(path, "bad lexicon"));
      spec.features.lexicon = std::make_shared<const Lexicon>(std::move(lexicon));
    }
    if (spec.kind == MemberSpec::Kind::kLinear) {
      LinearModel m;
      if (!m.load(r, spec.linear.pairwise_votes) || m.classes() != static_cast<int>(count))
        return fail(bad_model(path, "bad linear member"));
      members.push_back({spec, std::move(m)});
    } else {
      FastTextModel m;
      if (!m.load(r, static_cast<int>(count))) return fail(bad_model(path, "bad fastText member"));
      members.push_back({spec, std::move(m)});
    }
  }
  std::vector<double> offsets;
  if (has_offsets && (!r.get_array(offsets) || offsets.size() != count))
    return fail(bad_model(path, "bad class offsets"));
  std::optional<Stacker> stacker;
  if (has_stacker) {
    stacker.emplace();
    if (!stacker->load(r) || stacker->classes() != static_cast<int>(count) ||
        stacker->inputs() != static_cast<int>(count * members.size()))
      return fail(bad_model(path, "bad stacker"));
  }
  return std::make_unique<EnsembleClassifier>(std::move(recipe), std::move(labels),
                                              std::move(members), std::move(offsets),
                                              std::move(stacker));
}

CategorySuggester make_category_suggester(std::shared_ptr<const Classifier> classifier,
                                          LabelResolver resolve) {
  return [classifier = std::move(classifier), resolve = std::move(resolve)](
             std::string_view text) -> std::optional<CategorySuggestion> {
    if (!classifier || text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return std::nullopt;
    const Prediction p = classifier->predict(text, 3);
    CategorySuggestion s;
    for (size_t i = 0; i < p.top.size(); ++i) {
      CategoryGuess g{resolve ? resolve(p.top[i].label) : std::string(), p.top[i].label,
                      p.top[i].score};
      if (i == 0)
        s.best = std::move(g);
      else
        s.alternatives.push_back(std::move(g));
    }
    return s;
  };
}

}  // namespace civicgrid::text
