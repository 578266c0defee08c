#include "text/recipe.h"

#include <charconv>

namespace civicgrid::text {

namespace {

Error bad(std::string_view part, std::string_view why) {
  return Error::invalid("recipe",
                        "模型配方有误：" + std::string(part) + "（" + std::string(why) + "）",
                        "bad model recipe: " + std::string(part) + " (" + std::string(why) + ")");
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

bool to_int(std::string_view s, int& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool to_double(std::string_view s, double& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// "1-3" → (1, 3); "2" → (2, 2); "0" → none.
bool to_range(std::string_view s, int& lo, int& hi) {
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos) return to_int(s, lo) && to_int(s, hi) && lo >= 0 && lo <= 9;
  return to_int(s.substr(0, dash), lo) && to_int(s.substr(dash + 1), hi) && lo >= 1 && hi >= lo &&
         hi <= 9;
}

Result<void> apply_option(MemberSpec& m, std::string_view opt) {
  const size_t eq = opt.find('=');
  if (eq == std::string_view::npos) {
    if (opt.size() >= 2 && (opt[0] == 'c' || opt[0] == 'w')) {
      int lo = 0, hi = 0;
      if (!to_range(opt.substr(1), lo, hi))
        return fail(bad(opt, "n-gram range such as c1-3 or w0"));
      auto& f = m.features;
      (opt[0] == 'c' ? f.char_min : f.word_min) = lo;
      (opt[0] == 'c' ? f.char_max : f.word_max) = hi;
      return {};
    }
    return fail(bad(opt, "unknown option"));
  }
  const std::string_view key = opt.substr(0, eq), value = opt.substr(eq + 1);
  if (key == "places") {
    if (value == "keep")
      m.features.places = PlaceMode::kKeep;
    else if (value == "mask")
      m.features.places = PlaceMode::kMask;
    else if (value == "drop")
      m.features.places = PlaceMode::kDrop;
    else
      return fail(bad(opt, "keep, mask or drop"));
    return {};
  }
  if (key == "seg") {
    if (value != "icu" && value != "lex") return fail(bad(opt, "icu or lex"));
    m.features.segmenter =
        value == "lex" ? FeatureSpec::Segmenter::kLexicon : FeatureSpec::Segmenter::kIcu;
    return {};
  }
  if (key == "skip") {
    if (value.size() != 1 || value[0] < '0' || value[0] > '3') return fail(bad(opt, "0 … 3"));
    m.features.skip_max = value[0] - '0';
    return {};
  }
  // The on/off options: 0 or 1.
  bool* flag = key == "placefeat"  ? &m.features.place_features
               : key == "edges"    ? &m.features.edges
               : key == "augplace" ? &m.augment_places
                                   : nullptr;
  if (flag) {
    if (value != "0" && value != "1") return fail(bad(opt, "0 or 1"));
    *flag = value == "1";
    return {};
  }
  if (key == "digits") {
    if (value != "keep" && value != "fold") return fail(bad(opt, "keep or fold"));
    m.features.fold_digits = value == "fold";
    return {};
  }
  if (key == "tf") {
    if (value != "log" && value != "raw") return fail(bad(opt, "log or raw"));
    m.linear.sublinear_tf = value == "log";
    return {};
  }
  double d = 0;
  if (!to_double(value, d)) return fail(bad(opt, "a number"));
  if (m.is_step()) {
    if (key == "folds" && d >= 2 && d <= 10)
      m.bias_folds = static_cast<int>(d);
    else if (m.kind == MemberSpec::Kind::kStack && key == "l2" && d >= 0 && d <= 100)
      m.stack_l2 = d;
    else
      return fail(bad(opt, "folds=2 … 10 (stack: also l2=0 … 100)"));
    return {};
  }
  const int i = static_cast<int>(d);
  auto& l = m.linear;
  auto& ft = m.fasttext;
  const bool linear = m.kind == MemberSpec::Kind::kLinear;
  if (key == "weight" && d >= 0)
    m.weight = d;
  else if (linear && key == "C" && d > 0)
    l.c = d;
  else if (linear && key == "T" && d > 0)
    l.temperature = d;
  else if (linear && key == "alpha" && d > 0)
    l.alpha = d;
  else if (linear && key == "epochs" && i >= 1)
    l.epochs = i;
  else if (linear && key == "balanced")
    l.balanced = d != 0;
  else if (linear && key == "nb")
    l.nb_scale = d != 0;
  else if (linear && key == "nbalpha" && d > 0)
    l.nb_alpha = d;
  else if (linear && key == "beta" && d >= 0 && d <= 1)
    l.beta = d;
  else if (linear && key == "idf")
    l.idf = d != 0;
  else if (linear && key == "ovo")
    l.one_vs_one = d != 0, l.pairwise_votes = d == 2;
  else if (linear && key == "pairw" && d >= 0 && d <= 10)
    l.pairwise_weight = d;
  else if (linear && key == "bags" && i >= 0 && i <= 100)
    l.bags = i;
  else if (linear && key == "c4w" && d >= 0 && d <= 1)
    m.features.char4_weight = d;
  else if (linear && key == "aug" && i >= 0 && i <= 10)
    m.augment_copies = i;
  else if (linear && key == "augw" && d > 0 && d <= 1)
    m.augment_weight = d;
  else if (linear && key.size() == 3 && key[0] == 'c' && key[1] >= '1' && key[1] <= '3' &&
           key[2] == 'w' && d > 0 && d <= 10)
    m.char_weights[key[1] - '1'] = d;
  else if (linear && key == "ww" && d > 0 && d <= 10)
    m.word_weight = d;
  else if (linear && key == "sq")
    l.squared_hinge = d != 0;
  else if (linear && key == "nbw")
    l.nb_weighted = d != 0;
  else if (linear && key.size() == 3 && key[0] == 'k' && key[1] >= '0' && key[1] <= '9' &&
           key[2] == 'c' && d > 0 && d <= 10)
    l.class_c[static_cast<size_t>(key[1] - '0')] = d;
  else if (linear && key == "supw" && d > 0 && d <= 10)
    m.supplement_weight = d;
  else if (key == "min" && i >= 1)
    (linear ? l.min_count : ft.min_count) = i;
  else if (!linear && key == "dim" && i >= 2 && i <= 1000)
    ft.dim = i;
  else if (!linear && key == "epoch" && i >= 1 && i <= 1000)
    ft.epoch = i;
  else if (!linear && key == "lr" && d > 0 && d <= 5)
    ft.lr = d;
  else if (!linear && key == "ngrams" && i >= 1 && i <= 5)
    ft.word_ngrams = i;
  else if (!linear && key == "bucket" && i >= 0)
    ft.bucket = i;
  else
    return fail(bad(opt, "unknown option or value out of range"));
  return {};
}

}  // namespace

Result<std::vector<MemberSpec>> parse_recipe(std::string_view recipe) {
  std::vector<MemberSpec> members;
  for (std::string_view part : split(recipe, '+')) {
    const size_t colon = part.find(':');
    const std::string_view kind = part.substr(0, colon);
    MemberSpec m;
    if (kind == "svm") {
      m.linear.loss = LinearParams::Loss::kSvm;
    } else if (kind == "cs") {
      m.linear.loss = LinearParams::Loss::kMulticlassSvm;
    } else if (kind == "lr") {
      m.linear.loss = LinearParams::Loss::kLogistic;
      m.linear.temperature = 1.0;
      m.linear.c = 10.0;
      m.linear.epochs = 15;
    } else if (kind == "nb") {
      m.linear.loss = LinearParams::Loss::kComplementNb;
      m.linear.temperature = 1.0;
    } else if (kind == "ft") {
      m.kind = MemberSpec::Kind::kFastText;
    } else if (kind == "bias") {
      m.kind = MemberSpec::Kind::kBias;
    } else if (kind == "stack") {
      m.kind = MemberSpec::Kind::kStack;
    } else {
      return fail(bad(part, "member kind must be svm, cs, lr, nb, ft, bias or stack"));
    }
    if (m.kind == MemberSpec::Kind::kLinear) m.features.char_max = 3;
    if (colon != std::string_view::npos)
      for (std::string_view opt : split(part.substr(colon + 1), ','))
        if (!opt.empty())
          if (auto ok = apply_option(m, opt); !ok) return fail(ok.error());
    if (!m.is_step() && m.features.char_max == 0 && m.features.word_max == 0 &&
        m.features.skip_max == 0 && m.features.char4_weight == 0 && !m.features.edges)
      return fail(bad(part, "no features"));
    members.push_back(m);
  }
  size_t models = 0, steps = 0;
  for (const auto& m : members) (m.is_step() ? steps : models) += 1;
  if (models == 0) return fail(bad(recipe, "no model member"));
  if (steps > 1 || (steps == 1 && !members.back().is_step()))
    return fail(bad(recipe, "at most one bias or stack step, after the models"));
  return members;
}

}  // namespace civicgrid::text
