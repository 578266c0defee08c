// Scoring a classifier: metrics, their report, and stratified cross-validation.
#include <chrono>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "text/evaluation.h"
#include "text/rng.h"
#include "text/text.h"

namespace civicgrid::text {

namespace {

std::string fixed(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pad_left(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

std::vector<int> stratified_folds(std::span<const Example> examples, int folds,
                                  std::uint64_t seed) {
  std::map<std::string, std::vector<size_t>> by_label;
  for (size_t i = 0; i < examples.size(); ++i) by_label[examples[i].label].push_back(i);
  std::vector<int> fold_of(examples.size());
  Rng rng(seed);
  size_t dealt = 0;
  for (auto& [label, idx] : by_label) {
    rng.shuffle(idx);
    for (size_t i : idx) fold_of[i] = static_cast<int>(dealt++ % static_cast<size_t>(folds));
  }
  return fold_of;
}

std::vector<int> supplement_folds(std::span<const Example> examples, std::span<const int> fold_of,
                                  std::span<const Supplement> supplements) {
  std::unordered_map<std::string_view, int> title_fold;
  for (size_t i = 0; i < examples.size(); ++i) title_fold.emplace(examples[i].text, fold_of[i]);
  std::vector<int> out;
  out.reserve(supplements.size());
  for (const auto& s : supplements) {
    const auto it = title_fold.find(s.title);
    out.push_back(it == title_fold.end() ? -1 : it->second);
  }
  return out;
}

Result<std::vector<Example>> examples_from_csv(const CsvTable& table, std::string_view text_column,
                                               std::string_view label_column) {
  auto t = table.column(text_column);
  if (!t) return fail(t.error());
  auto l = table.column(label_column);
  if (!l) return fail(l.error());
  std::vector<Example> out;
  out.reserve(table.rows.size());
  for (const auto& row : table.rows)
    if (!row[*t].empty() && !row[*l].empty()) out.push_back({row[*t], row[*l]});
  return out;
}

Evaluation score(std::span<const std::string> truth, std::span<const std::string> predicted) {
  Evaluation e;
  std::map<std::string, size_t> index;
  for (const auto& s : truth) index.emplace(s, 0);
  for (const auto& s : predicted) index.emplace(s, 0);
  for (auto& [label, i] : index) {
    i = e.labels.size();
    e.labels.push_back(label);
  }
  const size_t n = e.labels.size();
  e.confusion.assign(n, std::vector<int>(n, 0));
  const size_t total = std::min(truth.size(), predicted.size());
  int correct = 0;
  for (size_t i = 0; i < total; ++i) {
    const size_t t = index[truth[i]], p = index[predicted[i]];
    ++e.confusion[t][p];
    if (t == p) ++correct;
  }
  e.total = static_cast<int>(total);
  e.accuracy = total ? static_cast<double>(correct) / static_cast<double>(total) : 0;
  double f1_sum = 0;
  int with_support = 0;
  for (size_t c = 0; c < n; ++c) {
    int tp = e.confusion[c][c], row = 0, col = 0;
    for (size_t j = 0; j < n; ++j) {
      row += e.confusion[c][j];
      col += e.confusion[j][c];
    }
    ClassMetrics m{e.labels[c], row};
    m.precision = col ? static_cast<double>(tp) / col : 0;
    m.recall = row ? static_cast<double>(tp) / row : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    // Macro-F1 averages over the true classes (a label only ever predicted has no F1 to average).
    if (row > 0) {
      f1_sum += m.f1;
      ++with_support;
    }
    e.classes.push_back(m);
  }
  e.macro_f1 = with_support ? f1_sum / with_support : 0;
  return e;
}

std::string format_evaluation(const Evaluation& e) {
  std::string out;
  out += "examples: " + std::to_string(e.total) + "\n";
  out += "accuracy: " + fixed(e.accuracy) + "\n\n";
  out += "  #  precision  recall      f1  support  label\n";
  for (size_t c = 0; c < e.classes.size(); ++c) {
    const auto& m = e.classes[c];
    out += pad_left(std::to_string(c), 3) + pad_left(fixed(m.precision), 11) +
           pad_left(fixed(m.recall), 8) + pad_left(fixed(m.f1), 8) +
           pad_left(std::to_string(m.support), 9) + "  " + m.label + "\n";
  }
  out += "\nmacro-F1: " + fixed(e.macro_f1) + "\n\n";
  out += "confusion matrix (rows: true label #, columns: predicted label #)\n     ";
  for (size_t c = 0; c < e.labels.size(); ++c) out += pad_left(std::to_string(c), 6);
  out += "\n";
  for (size_t r = 0; r < e.labels.size(); ++r) {
    out += pad_left(std::to_string(r), 5);
    for (int v : e.confusion[r]) out += pad_left(std::to_string(v), 6);
    out += "\n";
  }
  return out;
}

Result<std::vector<Supplement>> supplements_from_csv(const CsvTable& table,
                                                     std::string_view title_column,
                                                     std::string_view body_column,
                                                     std::string_view label_column) {
  auto t = table.column(title_column);
  if (!t) return fail(t.error());
  auto b = table.column(body_column);
  if (!b) return fail(b.error());
  auto l = table.column(label_column);
  if (!l) return fail(l.error());
  std::vector<Supplement> out;
  out.reserve(table.rows.size());
  for (const auto& row : table.rows)
    if (!row[*b].empty() && !row[*l].empty())
      out.push_back({row[*t], {row[*t] + "\n" + row[*b], row[*l]}});
  return out;
}

Result<CrossValidation> cross_validate(std::span<const Example> examples, std::string_view recipe,
                                       int folds, std::uint64_t seed) {
  return cross_validate(examples, {}, recipe, folds, seed);
}

Result<CrossValidation> cross_validate(std::span<const Example> examples,
                                       std::span<const Supplement> supplements,
                                       std::string_view recipe, int folds, std::uint64_t seed) {
  if (folds < 2) return fail(Error::invalid("folds", "折数至少为 2", "at least 2 folds"));
  if (examples.size() < static_cast<size_t>(folds))
    return fail(Error::invalid("input", "样本少于折数", "fewer examples than folds"));
  const std::vector<int> fold_of = stratified_folds(examples, folds, seed);
  const std::vector<int> supplement_fold = supplement_folds(examples, fold_of, supplements);
  CrossValidation cv;
  std::vector<std::string> truth, predicted;
  using Clock = std::chrono::steady_clock;
  for (int f = 0; f < folds; ++f) {
    std::vector<Example> train, test;
    std::vector<Supplement> train_supplements;
    for (size_t i = 0; i < examples.size(); ++i)
      (fold_of[i] == f ? test : train).push_back(examples[i]);
    for (size_t i = 0; i < supplements.size(); ++i)
      if (supplement_fold[i] != f) train_supplements.push_back(supplements[i]);
    const auto t0 = Clock::now();
    auto model = train_classifier(train, train_supplements, recipe);
    if (!model) return fail(model.error());
    const auto t1 = Clock::now();
    std::vector<std::string> fold_truth, fold_pred;
    for (const auto& e : test) {
      fold_truth.push_back(e.label);
      fold_pred.push_back((*model)->predict(e.text, 1).label);
    }
    const auto t2 = Clock::now();
    cv.train_seconds += std::chrono::duration<double>(t1 - t0).count();
    cv.predict_seconds += std::chrono::duration<double>(t2 - t1).count();
    cv.predicted += test.size();
    cv.fold_macro_f1.push_back(score(fold_truth, fold_pred).macro_f1);
    truth.insert(truth.end(), fold_truth.begin(), fold_truth.end());
    predicted.insert(predicted.end(), fold_pred.begin(), fold_pred.end());
  }
  cv.pooled = score(truth, predicted);
  return cv;
}

}  // namespace civicgrid::text
