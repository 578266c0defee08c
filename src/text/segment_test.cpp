#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "text/text.h"

namespace civicgrid::text {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : "|") + w;
  return out;
}

TEST(Segment, SplitsChineseIntoDictionaryWords) {
  EXPECT_EQ(joined(segment("小区垃圾没人清理")), "小区|垃圾|没|人|清理");
  EXPECT_EQ(joined(segment("请求尽快解决")), "请求|尽快|解决");
  EXPECT_EQ(joined(segment("咨询申请产假工资事宜")), "咨询|申请|产假|工资|事宜");
}

TEST(Segment, DropsSpacesAndPunctuation) {
  EXPECT_EQ(joined(segment("违法补课！ 严重， 请查")), "违法|补课|严重|请|查");
}

TEST(Segment, KeepsLatinWordsAndNumbers) {
  const auto tokens = tokenize("C3县二中 2020年 WiFi");
  std::vector<std::string> numbers, words;
  for (const auto& t : tokens) {
    if (t.kind == TokenKind::kNumber) numbers.push_back(t.text);
    if (t.kind == TokenKind::kWord) words.push_back(t.text);
  }
  // ICU gives letters-then-digits such as "C3" its number status.
  EXPECT_EQ(numbers, (std::vector<std::string>{"C3", "2020"}));
  EXPECT_NE(std::find(words.begin(), words.end(), "WiFi"), words.end());
  EXPECT_NE(std::find(words.begin(), words.end(), "二"), words.end());
}

TEST(Segment, TokensConcatenateToTheText) {
  const std::string text = "A市西湖建筑集团占道施工，有安全隐患。";
  std::string back;
  for (const auto& t : tokenize(text)) back += t.text;
  EXPECT_EQ(back, text);
}

TEST(Segment, EmptyAndInvalidInput) {
  EXPECT_TRUE(segment("").empty());
  EXPECT_TRUE(segment("  ，。").empty());
  EXPECT_FALSE(segment("垃圾\xff处理").empty());
}

TEST(Segment, WorksOnManyThreads) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&results, i] {
      for (int k = 0; k < 50; ++k) results[i] = joined(segment("请求尽快解决"));
    });
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "请求|尽快|解决");
}

}  // namespace
}  // namespace civicgrid::text
