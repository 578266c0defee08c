// Supplements (whole messages trained on beside the titles) and the per-class bias step.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "text/evaluation.h"
#include "text/text.h"

namespace civicgrid::text {
namespace {

std::string source_dir() {
  const char* dir = std::getenv("CIVICGRID_SOURCE_DIR");
  return dir ? dir : ".";
}

std::vector<Example> titles(size_t step) {
  auto table = read_csv_file(source_dir() + "/data/text/titles_train.csv");
  EXPECT_TRUE(table);
  if (!table) return {};
  auto all = examples_from_csv(*table, "title", "label");
  std::vector<Example> out;
  for (size_t i = 0; i < all->size(); i += step) out.push_back((*all)[i]);
  return out;
}

TEST(Supplements, ReadFromCsvAsTitleAndBody) {
  auto table =
      parse_csv("label,title,text\n城乡建设,路灯坏了,小区路灯坏了三个月\n教育文体,补课,\n");
  ASSERT_TRUE(table);
  auto s = supplements_from_csv(*table, "title", "text", "label");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->size(), 1u);  // the row without a body is skipped
  EXPECT_EQ((*s)[0].title, "路灯坏了");
  EXPECT_EQ((*s)[0].example.text, "路灯坏了\n小区路灯坏了三个月");
  EXPECT_EQ((*s)[0].example.label, "城乡建设");
  auto missing = supplements_from_csv(*table, "title", "body", "label");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message_en().find("body"), std::string::npos);
}

TEST(Supplements, ShippedMessagesAreTiedToTrainingTitles) {
  auto table = read_csv_file(source_dir() + "/data/text/messages_train.csv");
  ASSERT_TRUE(table) << table.error().message_en();
  auto s = supplements_from_csv(*table, "title", "text", "label");
  ASSERT_TRUE(s);
  EXPECT_GT(s->size(), 500u);
  const auto all = titles(1);
  std::map<std::string, std::string> label_of;
  for (const auto& e : all) label_of[e.text] = e.label;
  size_t tied = 0;
  for (const auto& x : *s) {
    auto it = label_of.find(x.title);
    if (it == label_of.end()) continue;
    ++tied;
    EXPECT_EQ(it->second, x.example.label) << x.title;
  }
  EXPECT_GT(tied, s->size() * 9 / 10);
}

// Each supplement is a copy of its title. If cross-validation trained on the supplements of the
// held-out titles, it would score about as well as the model does on its own training data.
TEST(Supplements, CrossValidationNeverTrainsOnAHeldOutTitle) {
  const auto examples = titles(6);
  std::vector<Supplement> copies;
  for (const auto& e : examples) copies.push_back({e.text, e});
  auto plain = cross_validate(examples, "svm:c1-3,nb=1", 3, 5);
  auto with = cross_validate(examples, copies, "svm:c1-3,nb=1", 3, 5);
  ASSERT_TRUE(plain && with);
  EXPECT_EQ(with->pooled.total, static_cast<int>(examples.size()));
  auto model = train_classifier(examples, copies, "svm:c1-3,nb=1");
  ASSERT_TRUE(model);
  int right = 0;
  for (const auto& e : examples) right += (*model)->predict(e.text, 1).label == e.label;
  const double train_accuracy = static_cast<double>(right) / static_cast<double>(examples.size());
  EXPECT_GT(train_accuracy, 0.97);
  EXPECT_LT(with->pooled.accuracy, train_accuracy - 0.05);
  EXPECT_NEAR(with->pooled.macro_f1, plain->pooled.macro_f1, 0.03);
}

TEST(Supplements, FoldOfASupplementIsThatOfItsTitle) {
  const auto examples = titles(10);
  const std::vector<int> fold_of = stratified_folds(examples, 4, 9);
  ASSERT_EQ(fold_of.size(), examples.size());
  std::vector<int> per_fold(4);
  for (int f : fold_of) ++per_fold.at(static_cast<size_t>(f));
  for (int n : per_fold) EXPECT_NEAR(n, static_cast<double>(examples.size()) / 4, 7);
  const std::vector<Supplement> extra{{examples[3].text, {"正文", examples[3].label}},
                                      {"不在训练集的标题", {"正文", "交通运输"}},
                                      {examples[8].text, {"正文", examples[8].label}}};
  EXPECT_EQ(supplement_folds(examples, fold_of, extra),
            (std::vector<int>{fold_of[3], -1, fold_of[8]}));
}

TEST(Supplements, AreTrainedOn) {
  // Texts with a made-up word, all of one label: the model learns the word from them alone.
  std::vector<Supplement> extra;
  for (int i = 0; i < 30; ++i) extra.push_back({"", {"噗呲噗呲" + std::to_string(i), "交通运输"}});
  auto model = train_classifier(titles(6), extra, "svm:c1-3,nb=1");
  ASSERT_TRUE(model);
  EXPECT_EQ((*model)->predict("噗呲噗呲", 1).label, "交通运输");
}

TEST(BiasStep, OffsetsAreSavedAndLoaded) {
  const auto examples = titles(5);
  auto m = train_classifier(examples, "svm:c1-3,nb=1+bias:folds=3");
  ASSERT_TRUE(m) << m.error().message_en();
  const auto path =
      (std::filesystem::temp_directory_path() / ("cg-bias-" + std::to_string(getpid()))).string();
  ASSERT_TRUE((*m)->save(path));
  auto loaded = load_classifier(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded) << loaded.error().message_en();
  EXPECT_EQ((*loaded)->recipe(), "svm:c1-3,nb=1+bias:folds=3");
  for (const char* t : {"小区垃圾没人清理", "学校违规补课", "社保缴费查询", "公交车晚点"}) {
    const Prediction a = (*m)->predict(t, 7), b = (*loaded)->predict(t, 7);
    EXPECT_EQ(a.label, b.label) << t;
    double sum = 0;
    for (size_t i = 0; i < a.top.size(); ++i) {
      EXPECT_DOUBLE_EQ(a.top[i].score, b.top[i].score) << t;
      sum += a.top[i].score;
    }
    EXPECT_NEAR(sum, 1.0, 1e-9) << t;
  }
}

TEST(BiasStep, MustFollowTheModels) {
  const auto examples = titles(20);
  for (const char* r : {"bias:folds=3", "bias:folds=3+svm:c1-3", "svm:c1-3+bias:folds=1",
                        "svm:c1-3+bias:C=2", "svm:c1-3+bias:folds=3+bias:folds=3"}) {
    auto m = train_classifier(examples, r);
    ASSERT_FALSE(m) << r;
    EXPECT_EQ(m.error().field(), "recipe") << r;
  }
}

}  // namespace
}  // namespace civicgrid::text
