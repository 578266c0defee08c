#include <gtest/gtest.h>

#include <algorithm>

#include "text/features.h"
#include "text/text.h"

namespace civicgrid::text {
namespace {

TEST(Normalize, FullWidthBecomesHalfWidth) {
  EXPECT_EQ(normalize("ＡＢＣ１２３，ｘｙｚ！"), "ABC123,xyz!");
  EXPECT_EQ(normalize("电话：１３８"), "电话:138");
}

TEST(Normalize, IdeographicSpaceAndWhitespaceRunsCollapse) {
  EXPECT_EQ(normalize("  小区\u3000\u3000垃圾\t\n没人管  "), "小区 垃圾 没人管");
  EXPECT_EQ(normalize("a\u200Bb\uFEFFc"), "a b c");
}

TEST(Normalize, KeepsWhitespaceWhenAsked) {
  EXPECT_EQ(normalize("a\n b", {.simplify = true, .collapse_spaces = false}), "a\n b");
}

TEST(Normalize, TraditionalBecomesSimplified) {
  EXPECT_EQ(normalize("國家發展環境衛生醫院學校"), "国家发展环境卫生医院学校");
  EXPECT_EQ(normalize("垃圾處理"), "垃圾处理");
  EXPECT_EQ(normalize("國家", {.simplify = false}), "國家");
  // Simplified text is unchanged.
  EXPECT_EQ(normalize("城乡建设环境保护"), "城乡建设环境保护");
}

TEST(Normalize, CompatibilityFormsFold) {
  EXPECT_EQ(normalize("①ｶﾀｶﾅ㎡"), "1カタカナm2");
}

TEST(Normalize, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(normalize("a\xff"
                      "b"),
            "a\uFFFD"
            "b");
  EXPECT_EQ(normalize(""), "");
}

TEST(ModelText, MasksPlaceNamesAndLowerCases) {
  FeatureSpec spec;
  EXPECT_EQ(model_text("A市A3区K9县CBD区域", spec), "@市@区@县cbd区域");
  spec.places = PlaceMode::kDrop;
  EXPECT_EQ(model_text("A市西湖建筑", spec), "西湖建筑");
  spec.places = PlaceMode::kKeep;
  spec.fold_digits = true;
  EXPECT_EQ(model_text("A3区143班", spec), "a0区0班");
}

TEST(Features, CharacterAndWordNgrams) {
  EXPECT_EQ(char_ngrams("小区 垃圾", 1, 2),
            (std::vector<std::string>{"小", "小区", "区", "区垃", "垃", "垃圾", "圾"}));
  FeatureSpec spec{.char_min = 2, .char_max = 2, .word_min = 1, .word_max = 2};
  const auto tokens = feature_tokens("小区垃圾", spec);
  EXPECT_NE(std::find(tokens.begin(), tokens.end(), "2:区垃"), tokens.end());
  EXPECT_NE(std::find(tokens.begin(), tokens.end(), "a:垃圾"), tokens.end());
  EXPECT_NE(std::find(tokens.begin(), tokens.end(), "b:小区_垃圾"), tokens.end());
  EXPECT_EQ(feature_hashes("小区垃圾", spec).size(), tokens.size());
}

}  // namespace
}  // namespace civicgrid::text
