#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "text/text.h"

namespace civicgrid::text {
namespace {

std::string source_dir() {
  const char* dir = std::getenv("CIVICGRID_SOURCE_DIR");
  return dir ? dir : ".";
}

// Every `step`-th example of the shipped training data: small enough for a fast test, all labels.
std::vector<Example> sample(size_t step) {
  auto table = read_csv_file(source_dir() + "/data/text/titles_train.csv");
  EXPECT_TRUE(table) << (table ? "" : table.error().message_en());
  if (!table) return {};
  auto all = examples_from_csv(*table, "title", "label");
  std::vector<Example> out;
  for (size_t i = 0; i < all->size(); i += step) out.push_back((*all)[i]);
  return out;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TempPath {
 public:
  explicit TempPath(std::string name)
      : path_((std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid())))
                  .string()) {}
  ~TempPath() { std::filesystem::remove(path_); }
  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

constexpr std::string_view kSmallEnsemble = "svm:c1-3,nb=1+ft:c1-2,dim=10,epoch=5";

TEST(Classifier, TrainingIsDeterministic) {
  const auto examples = sample(5);
  auto a = train_classifier(examples, kSmallEnsemble);
  auto b = train_classifier(examples, kSmallEnsemble);
  ASSERT_TRUE(a && b);
  TempPath pa("cg-model-a"), pb("cg-model-b");
  ASSERT_TRUE((*a)->save(pa.str()));
  ASSERT_TRUE((*b)->save(pb.str()));
  EXPECT_EQ(read_bytes(pa.str()), read_bytes(pb.str()));
  for (const char* t : {"小区垃圾没人清理", "学校违规补课", "社保缴费查询"}) {
    const auto pa1 = (*a)->predict(t), pb1 = (*b)->predict(t);
    EXPECT_EQ(pa1.label, pb1.label);
    EXPECT_DOUBLE_EQ(pa1.confidence, pb1.confidence);
  }
}

TEST(Classifier, SaveAndLoadGiveTheSameModel) {
  auto m = train_classifier(sample(5), kSmallEnsemble);
  ASSERT_TRUE(m);
  TempPath path("cg-model");
  ASSERT_TRUE((*m)->save(path.str()));
  auto loaded = load_classifier(path.str());
  ASSERT_TRUE(loaded) << loaded.error().message_en();
  EXPECT_EQ((*loaded)->labels(), (*m)->labels());
  EXPECT_EQ((*loaded)->recipe(), kSmallEnsemble);
  for (const char* t : {"公交车晚点", "医院乱收费", "", "\xff\xfe"}) {
    const auto p = (*m)->predict(t, 7), q = (*loaded)->predict(t, 7);
    ASSERT_EQ(p.top.size(), 7u);
    for (size_t i = 0; i < p.top.size(); ++i) {
      EXPECT_EQ(p.top[i].label, q.top[i].label);
      EXPECT_NEAR(p.top[i].score, q.top[i].score, 1e-9);
    }
  }
}

TEST(Classifier, PredictionsAreRankedProbabilities) {
  auto m = train_classifier(sample(3), "svm:c1-3,nb=1");
  ASSERT_TRUE(m);
  const auto p = (*m)->predict("A市某小区垃圾堆积无人清运，臭味扰民", 7);
  EXPECT_TRUE(p.label == "城乡建设" || p.label == "环境保护") << p.label;
  double sum = 0;
  for (size_t i = 0; i < p.top.size(); ++i) {
    sum += p.top[i].score;
    if (i) {
      EXPECT_LE(p.top[i].score, p.top[i - 1].score);
    }
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_EQ(p.confidence, p.top[0].score);
  EXPECT_EQ((*m)->predict("学校", 3).top.size(), 3u);
}

TEST(Classifier, BadRecipesAndDataAreRejected) {
  const auto examples = sample(20);
  for (const char* r : {"", "bogus", "svm:c1-3,zz=1", "svm:c9-1", "ft:dim=0", "svm:c0", "svm+"}) {
    auto m = train_classifier(examples, r);
    ASSERT_FALSE(m) << r;
    EXPECT_EQ(m.error().field(), "recipe") << r;
  }
  const std::vector<Example> one_label{{"a", "x"}, {"b", "x"}};
  EXPECT_FALSE(train_classifier(one_label, "svm:c1-2"));
  EXPECT_FALSE(train_classifier({}, "svm:c1-2"));
}

TEST(Classifier, LoadRejectsWhatIsNotAModel) {
  TempPath path("cg-not-model");
  std::ofstream(path.str()) << "label,title\n";
  auto m = load_classifier(path.str());
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message_en().find("not a usable model"), std::string::npos);
  EXPECT_FALSE(load_classifier("/nonexistent/model.bin"));
  // A truncated model file.
  auto good = train_classifier(sample(20), "svm:c1-2");
  ASSERT_TRUE(good);
  ASSERT_TRUE((*good)->save(path.str()));
  const std::string bytes = read_bytes(path.str());
  std::ofstream(path.str(), std::ios::binary | std::ios::trunc)
      << bytes.substr(0, bytes.size() / 2);
  EXPECT_FALSE(load_classifier(path.str()));
}

TEST(Evaluation, ScoresAgainstKnownCounts) {
  const std::vector<std::string> truth{"a", "a", "a", "b", "b", "c"};
  const std::vector<std::string> pred{"a", "a", "b", "b", "c", "c"};
  const Evaluation e = score(truth, pred);
  EXPECT_EQ(e.total, 6);
  EXPECT_NEAR(e.accuracy, 4.0 / 6, 1e-12);
  ASSERT_EQ(e.classes.size(), 3u);
  EXPECT_NEAR(e.classes[0].precision, 1.0, 1e-12);
  EXPECT_NEAR(e.classes[0].recall, 2.0 / 3, 1e-12);
  EXPECT_NEAR(e.classes[1].f1, 0.5, 1e-12);
  EXPECT_NEAR(e.classes[2].f1, 2.0 / 3, 1e-12);
  EXPECT_NEAR(e.macro_f1, (0.8 + 0.5 + 2.0 / 3) / 3, 1e-12);
  EXPECT_EQ(e.confusion[0][1], 1);
  const std::string report = format_evaluation(e);
  EXPECT_NE(report.find("macro-F1: 0.6556"), std::string::npos) << report;
  EXPECT_NE(report.find("confusion matrix"), std::string::npos);
}

TEST(Evaluation, CrossValidationIsReproducible) {
  const auto examples = sample(4);
  auto a = cross_validate(examples, "svm:c1-2", 3, 7);
  auto b = cross_validate(examples, "svm:c1-2", 3, 7);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->pooled.total, static_cast<int>(examples.size()));
  EXPECT_EQ(a->fold_macro_f1.size(), 3u);
  EXPECT_DOUBLE_EQ(a->pooled.macro_f1, b->pooled.macro_f1);
  EXPECT_GT(a->pooled.macro_f1, 0.7);
  EXPECT_FALSE(cross_validate(examples, "svm:c1-2", 1, 7));
}

TEST(Suggester, MapsLabelsToCatalogCodes) {
  auto m = train_classifier(sample(5), "svm:c1-3,nb=1");
  ASSERT_TRUE(m);
  std::shared_ptr<const Classifier> model = std::move(*m);
  auto suggest = make_category_suggester(model, [](std::string_view label) {
    return label == "城乡建设" ? std::string("C01") : std::string();
  });
  auto s = suggest("小区路灯坏了");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->alternatives.size(), 2u);
  EXPECT_EQ(s->best.code, s->best.name == "城乡建设" ? "C01" : "");
  EXPECT_GT(s->best.confidence, s->alternatives[0].confidence - 1e-12);
  EXPECT_FALSE(suggest("   "));
  EXPECT_FALSE(make_category_suggester(nullptr, {})("小区路灯坏了"));
}

// Recipes with the lexicon segmenter, skip-bigrams and the stacking step: trained, saved, loaded.
void expect_same_predictions(const Classifier& a, const Classifier& b) {
  for (const char* t : {"小区垃圾没人清理", "咨询申请产假工资事宜", "K3县公交车晚点", "", "WiFi"}) {
    const auto p = a.predict(t, 7), q = b.predict(t, 7);
    ASSERT_EQ(p.top.size(), q.top.size());
    for (size_t i = 0; i < p.top.size(); ++i) {
      EXPECT_EQ(p.top[i].label, q.top[i].label) << t;
      EXPECT_NEAR(p.top[i].score, q.top[i].score, 1e-9) << t;
    }
  }
}

TEST(Classifier, LexiconWordsTrainSaveAndLoad) {
  constexpr std::string_view kRecipe = "svm:c1-3,w1,seg=lex,skip=1,nb=1";
  const auto examples = sample(4);
  auto a = train_classifier(examples, kRecipe);
  auto b = train_classifier(examples, kRecipe);
  ASSERT_TRUE(a && b) << (a ? "" : a.error().message_en());
  // Deterministic: the lexicon is learned from the examples in a fixed order.
  TempPath pa("cg-lex-a"), pb("cg-lex-b");
  ASSERT_TRUE((*a)->save(pa.str()));
  ASSERT_TRUE((*b)->save(pb.str()));
  EXPECT_EQ(read_bytes(pa.str()), read_bytes(pb.str()));
  auto loaded = load_classifier(pa.str());
  ASSERT_TRUE(loaded) << loaded.error().message_en();
  EXPECT_EQ((*loaded)->recipe(), kRecipe);
  expect_same_predictions(**a, **loaded);
  const auto p = (*a)->predict("A市某小区垃圾堆积无人清运，臭味扰民");
  EXPECT_TRUE(p.label == "城乡建设" || p.label == "环境保护") << p.label;
}

TEST(Classifier, StackedMembersGiveProbabilitiesAndReload) {
  constexpr std::string_view kRecipe = "svm:c1-3,nb=1+svm:c0,w1,seg=lex,nb=1+stack:folds=3";
  auto m = train_classifier(sample(6), kRecipe);
  ASSERT_TRUE(m) << m.error().message_en();
  const auto p = (*m)->predict("学校违规补课收费", 7);
  double sum = 0;
  for (const auto& s : p.top) sum += s.score;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_EQ(p.label, "教育文体");
  TempPath path("cg-stack");
  ASSERT_TRUE((*m)->save(path.str()));
  auto loaded = load_classifier(path.str());
  ASSERT_TRUE(loaded) << loaded.error().message_en();
  expect_same_predictions(**m, **loaded);
}

TEST(Classifier, BadStepAndFeatureOptionsAreRejected) {
  const auto examples = sample(20);
  for (const char* r :
       {"svm:c1-3,seg=jieba", "svm:c1-3,skip=4", "stack:folds=3", "svm:c1-3+stack:l2=-1",
        "svm:c1-3+stack:folds=1", "svm:c1-3+stack+bias", "svm:c1-3+stack+svm:c1-2"}) {
    auto m = train_classifier(examples, r);
    ASSERT_FALSE(m) << r;
    EXPECT_EQ(m.error().field(), "recipe") << r;
  }
  EXPECT_TRUE(train_classifier(examples, "svm:c0,skip=2"));
}

// The multiclass, pairwise, bagged, augmented and reweighted variants of the linear members
// (bench/RESULTS.md, "Title classifier: multiclass and pairwise SVMs, augmentation, …").
TEST(Classifier, LinearVariantsAreDeterministicAndReload) {
  const auto examples = sample(6);
  for (std::string_view recipe :
       {"cs:c1-3,nb=1,C=0.5", "cs:c1-3,nb=1,sq=1", "svm:c1-3,nb=1,ovo=2", "svm:c1-3,nb=1,ovo=1",
        "svm:c1-3,nb=1,pairw=0.5,bags=2", "cs:c1-3,w1,seg=lex,nb=1,bags=2,k3c=1.3",
        "svm:c1-3,w1,seg=lex,nb=1,c4w=0.3,edges=1,ww=0.7,c1w=1.2",
        "svm:c1-3,nb=1,aug=1,augplace=1,augw=0.3,supw=0.5,nbw=1"}) {
    auto a = train_classifier(examples, recipe);
    auto b = train_classifier(examples, recipe);
    ASSERT_TRUE(a && b) << recipe << ": " << (a ? "" : a.error().message_en());
    TempPath pa("cg-variant-a"), pb("cg-variant-b");
    ASSERT_TRUE((*a)->save(pa.str()));
    ASSERT_TRUE((*b)->save(pb.str()));
    EXPECT_EQ(read_bytes(pa.str()), read_bytes(pb.str())) << recipe;
    auto loaded = load_classifier(pa.str());
    ASSERT_TRUE(loaded) << recipe << ": " << loaded.error().message_en();
    expect_same_predictions(**a, **loaded);
    const auto p = (*a)->predict("学校违规补课收费", 7);
    double sum = 0;
    for (const auto& s : p.top) sum += s.score;
    EXPECT_NEAR(sum, 1.0, 1e-9) << recipe;
    EXPECT_EQ(p.label, "教育文体") << recipe;
  }
}

TEST(Classifier, FullWeightFourGramsAreCharacterFourGrams) {
  // c4w=1 adds the 4-grams under another kind at their full TF-IDF value: the model of c1-4.
  const auto examples = sample(5);
  auto weighted = train_classifier(examples, "svm:c1-3,nb=1,c4w=1");
  auto plain = train_classifier(examples, "svm:c1-4,nb=1");
  auto low = train_classifier(examples, "svm:c1-3,nb=1,c4w=0.2");
  ASSERT_TRUE(weighted && plain && low);
  bool low_differs = false;
  for (const char* t : {"小区垃圾没人清理", "学校违规补课收费", "医院乱收费问题", "公交线路调整"}) {
    const auto w = (*weighted)->predict(t), p = (*plain)->predict(t), l = (*low)->predict(t);
    EXPECT_EQ(w.label, p.label) << t;
    EXPECT_NEAR(w.confidence, p.confidence, 1e-4) << t;
    low_differs = low_differs || std::fabs(l.confidence - p.confidence) > 1e-4;
  }
  EXPECT_TRUE(low_differs);
}

TEST(Classifier, BadLinearVariantOptionsAreRejected) {
  const auto examples = sample(20);
  for (const char* r : {"svm:c1-3,c4w=2", "svm:c1-3,ovo=x", "svm:c1-3,k3c=0", "svm:c1-3,supw=0",
                        "svm:c1-3,augplace=2", "svm:c1-3,edges=yes", "ft:c1-2,bags=2",
                        "svm:c1-3,c4w=-1", "svm:c1-3,bags=101", "cs:c0"}) {
    auto m = train_classifier(examples, r);
    ASSERT_FALSE(m) << r;
    EXPECT_EQ(m.error().field(), "recipe") << r;
  }
}

}  // namespace
}  // namespace civicgrid::text
