#include "core/privacy.h"

#include <gtest/gtest.h>

#include <string>

namespace civicgrid::privacy {
namespace {

TEST(MaskPhone, MobileNumbersKeepPrefixAndLastFour) {
  EXPECT_EQ(mask_phone("13812345678"), "138****5678");
  EXPECT_EQ(mask_phone("19900001111"), "199****1111");
  // Longer numbers keep the first three and last four characters, masking the rest.
  EXPECT_EQ(mask_phone("+8613812345678"), "+86*******5678");
}

TEST(MaskPhone, ShortNumbersKeepOnlyTheLastTwoDigits) {
  EXPECT_EQ(mask_phone("12345"), "***45");
  EXPECT_EQ(mask_phone("0571-8888"), "*******88");
  EXPECT_EQ(mask_phone("123"), "*23");
  EXPECT_EQ(mask_phone("12"), "**");
  EXPECT_EQ(mask_phone("7"), "*");
  EXPECT_EQ(mask_phone(""), "");
}

TEST(MaskPhone, NeverRevealsTheMiddleDigits) {
  const std::string masked = mask_phone("13812345678");
  EXPECT_EQ(masked.size(), 11u);
  EXPECT_EQ(masked.find("1234"), std::string::npos);
}

TEST(MaskName, ChineseNamesKeepTheFamilyName) {
  EXPECT_EQ(mask_name("张三"), "张*");
  EXPECT_EQ(mask_name("李小龙"), "李**");
  EXPECT_EQ(mask_name("欧阳娜娜"), "欧***");
  // A single character still gets one star, so the length is not revealed as "complete".
  EXPECT_EQ(mask_name("张"), "张*");
}

TEST(MaskName, AsciiNames) {
  EXPECT_EQ(mask_name("Alice"), "A****");
  EXPECT_EQ(mask_name("Bo"), "B*");
  EXPECT_EQ(mask_name("X"), "X*");
}

TEST(MaskName, MixedAndEmpty) {
  EXPECT_EQ(mask_name(""), "");
  // A Chinese family name followed by Latin letters: one star per remaining character.
  EXPECT_EQ(mask_name("王Li"), "王**");
  // A Latin initial followed by Chinese characters.
  EXPECT_EQ(mask_name("A张三"), "A**");
}

TEST(MaskName, OutputIsValidUtf8WithoutTheGivenName) {
  const std::string masked = mask_name("诸葛孔明");
  EXPECT_EQ(masked.find("孔明"), std::string::npos);
  EXPECT_EQ(masked.find("葛"), std::string::npos);
  EXPECT_EQ(masked.substr(0, std::string("诸").size()), "诸");
}

}  // namespace
}  // namespace civicgrid::privacy
