#include "text/segment_lexicon.h"

#include <gtest/gtest.h>

#include "text/features.h"
#include "text/text.h"

namespace civicgrid::text {
namespace {

std::string joined(const Lexicon& lex, std::string_view text) {
  std::vector<std::string_view> words;
  lex.segment(text, words);
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : "|") + std::string(w);
  return out;
}

Lexicon small_lexicon() {
  const std::vector<std::pair<std::string, std::uint32_t>> counts = {
      {"小区", 20}, {"垃圾", 15}, {"清理", 10}, {"没人", 3}, {"小区垃圾", 1},
      {"产假", 5},  {"工资", 8},  {"申请", 9},  {"请", 4},   {"查", 2}};
  return Lexicon::from_counts(counts);
}

TEST(Lexicon, TakesTheCheapestPathThroughItsWords) {
  const Lexicon lex = small_lexicon();
  // 小区垃圾 is a word but rare: two frequent words cost less than one rare word.
  EXPECT_EQ(joined(lex, "小区垃圾没人清理"), "小区|垃圾|没人|清理");
  EXPECT_EQ(joined(lex, "申请产假工资"), "申请|产假|工资");
}

TEST(Lexicon, UnknownCharactersAreWordsOfTheirOwn) {
  const Lexicon lex = small_lexicon();
  EXPECT_EQ(joined(lex, "咨询产假"), "咨|询|产假");
  EXPECT_EQ(joined(Lexicon::from_counts({}), "学校"), "学|校");
}

TEST(Lexicon, KeepsLatinAndDigitRunsAndDropsPunctuation) {
  const Lexicon lex = small_lexicon();
  EXPECT_EQ(joined(lex, "a3区小区，wifi 2020年！请查"), "a3|区|小区|wifi|2020|年|请|查");
  EXPECT_EQ(joined(lex, ""), "");
  EXPECT_EQ(joined(lex, "，。！ "), "");
}

TEST(Lexicon, LearnsIcuWordsAndSegmentsLikeIcuOnItsOwnTexts) {
  const std::vector<std::string> texts = {"小区垃圾没人清理", "咨询申请产假工资事宜",
                                          "请求尽快解决小区垃圾问题"};
  const Lexicon lex = Lexicon::learn(texts);
  EXPECT_GT(lex.size(), 5u);
  for (const auto& t : texts) {
    std::string icu;
    for (const auto& w : segment(t)) icu += (icu.empty() ? "" : "|") + w;
    EXPECT_EQ(joined(lex, t), icu) << t;
  }
}

TEST(Lexicon, SavedAndLoadedSegmentsAlike) {
  const Lexicon lex = small_lexicon();
  ModelWriter w;
  lex.save(w);
  Lexicon back;
  ModelReader r(w.bytes());
  ASSERT_TRUE(back.load(r));
  EXPECT_EQ(back.size(), lex.size());
  EXPECT_EQ(joined(back, "小区垃圾没人清理"), "小区|垃圾|没人|清理");
  Lexicon truncated;
  ModelReader short_reader(std::string_view(w.bytes()).substr(0, w.bytes().size() - 3));
  EXPECT_FALSE(truncated.load(short_reader));
}

std::vector<std::string> features_of(std::string_view text, const FeatureSpec& spec) {
  struct Sink : FeatureSink {
    std::vector<std::string> out;
    void emit(char kind, std::string_view f) override {
      out.push_back(std::string(1, kind) + ":" + std::string(f));
    }
  } sink;
  extract_features(text, spec, sink);
  return sink.out;
}

TEST(Features, SkipBigramsPairCharactersOneOrTwoApart) {
  FeatureSpec spec;
  spec.char_max = 0;
  spec.skip_max = 1;
  EXPECT_EQ(features_of("小区 垃圾", spec), (std::vector<std::string>{"s:小垃", "s:区圾"}));
  spec.skip_max = 2;
  EXPECT_EQ(features_of("小区垃圾", spec),
            (std::vector<std::string>{"s:小垃", "s:区圾", "t:小圾"}));
  EXPECT_TRUE(features_of("小区", spec).empty());
}

TEST(Features, WordsComeFromTheLexiconWhenTheSpecHasOne) {
  FeatureSpec spec;
  spec.char_max = 0;
  spec.word_max = 1;
  spec.segmenter = FeatureSpec::Segmenter::kLexicon;
  spec.lexicon = std::make_shared<const Lexicon>(small_lexicon());
  EXPECT_EQ(features_of("小区垃圾没人清理", spec),
            (std::vector<std::string>{"a:小区", "a:垃圾", "a:没人", "a:清理"}));
}

}  // namespace
}  // namespace civicgrid::text
