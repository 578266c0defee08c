// The Classifier behind text.h: an ensemble of members (linear models and fastText), each with its
// own features, whose class probabilities are averaged with the members' weights.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <variant>

#include "text/recipe.h"
#include "text/text.h"

namespace civicgrid::text {

namespace {

constexpr std::string_view kMagic = "CGTEXTM1";  // bump when features or the layout change

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
                     std::vector<Member> members)
      : recipe_(std::move(recipe)), labels_(std::move(labels)), members_(std::move(members)) {
    for (const auto& m : members_) total_weight_ += m.spec.weight;
    if (total_weight_ <= 0) total_weight_ = 1;
  }

  Prediction predict(std::string_view text, size_t k) const override {
    const size_t n = labels_.size();
    std::vector<double> sum(n, 0.0), p(n);
    const MemberFeatures features(text, members_);
    for (size_t i = 0; i < members_.size(); ++i) {
      const Member& m = members_[i];
      if (m.spec.weight <= 0) continue;
      if (const auto* lin = std::get_if<LinearModel>(&m.model))
        lin->predict(features.hashes(i), p);
      else
        std::get<FastTextModel>(m.model).predict(features.tokens(i), p);
      for (size_t c = 0; c < n; ++c) sum[c] += m.spec.weight * p[c];
    }
    std::vector<size_t> order(n);
    for (size_t c = 0; c < n; ++c) order[c] = c;
    // Ties go to the earlier label, so predictions do not depend on the sort's stability.
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return sum[a] != sum[b] ? sum[a] > sum[b] : a < b; });
    Prediction out;
    for (size_t r = 0; r < std::min(std::max<size_t>(k, 1), n); ++r)
      out.top.push_back({labels_[order[r]], sum[order[r]] / total_weight_});
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
      if (const auto* lin = std::get_if<LinearModel>(&m.model)) {
        lin->save(w);
      } else if (auto ok = std::get<FastTextModel>(m.model).save(w); !ok) {
        return fail(ok.error());
      }
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    out.close();
    if (!out)
      return fail(Error::invalid("output", "无法写入模型文件：" + path,
                                 "cannot write model file: " + path));
    return {};
  }

 private:
  std::string recipe_;
  std::vector<std::string> labels_;
  std::vector<Member> members_;
  double total_weight_ = 0;
};

Error bad_model(const std::string& path, std::string_view why) {
  return Error::invalid("model", "模型文件无效：" + path + "（" + std::string(why) + "）",
                        "not a usable model file: " + path + " (" + std::string(why) + ")");
}

}  // namespace

// NBSVM over character 1–3-grams with the place names kept, T=3 for calibrated confidences: the
// best cross-validated macro-F1 among the variants in bench/RESULTS.md that classify 50,000
// titles/s.
std::string_view default_recipe() {
  return "svm:c1-3,nb=1,C=2,places=keep,T=3";
}

Result<std::unique_ptr<Classifier>> train_classifier(std::span<const Example> examples,
                                                     std::string_view recipe) {
  auto specs = parse_recipe(recipe);
  if (!specs) return fail(specs.error());
  if (examples.empty())
    return fail(Error::invalid("input", "没有训练样本", "no training examples"));
  // Labels in sorted order: the model does not depend on the order of the examples' labels.
  std::map<std::string, int> index;
  for (const auto& e : examples) index.emplace(e.label, 0);
  if (index.size() < 2)
    return fail(
        Error::invalid("label", "训练数据至少需要两个类别", "training needs at least two labels"));
  std::vector<std::string> labels;
  for (auto& [label, i] : index) {
    i = static_cast<int>(labels.size());
    labels.push_back(label);
  }
  std::vector<int> y;
  y.reserve(examples.size());
  for (const auto& e : examples) y.push_back(index[e.label]);
  const int classes = static_cast<int>(labels.size());
  std::vector<Member> members;
  std::uint64_t seed = 20200106;
  for (const MemberSpec& spec : *specs) {
    ++seed;
    if (spec.kind == MemberSpec::Kind::kLinear) {
      std::vector<std::vector<std::uint64_t>> docs;
      docs.reserve(examples.size());
      for (const auto& e : examples) docs.push_back(feature_hashes(e.text, spec.features));
      members.push_back({spec, LinearModel::train(docs, y, classes, spec.linear, seed)});
    } else {
      std::vector<std::vector<std::string>> docs;
      docs.reserve(examples.size());
      for (const auto& e : examples) docs.push_back(feature_tokens(e.text, spec.features));
      auto ft = FastTextModel::train(docs, y, classes, spec.fasttext, seed);
      if (!ft) return fail(ft.error());
      members.push_back({spec, std::move(*ft)});
    }
  }
  return std::make_unique<EnsembleClassifier>(std::string(recipe), std::move(labels),
                                              std::move(members));
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
  std::vector<Member> members;
  for (const MemberSpec& spec : *specs) {
    if (spec.kind == MemberSpec::Kind::kLinear) {
      LinearModel m;
      if (!m.load(r) || m.classes() != static_cast<int>(count))
        return fail(bad_model(path, "bad linear member"));
      members.push_back({spec, std::move(m)});
    } else {
      FastTextModel m;
      if (!m.load(r, static_cast<int>(count))) return fail(bad_model(path, "bad fastText member"));
      members.push_back({spec, std::move(m)});
    }
  }
  return std::make_unique<EnsembleClassifier>(std::move(recipe), std::move(labels),
                                              std::move(members));
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
