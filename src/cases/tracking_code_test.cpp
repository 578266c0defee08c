#include "cases/tracking_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace civicgrid::cases {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool well_formed(const std::string& code) {
  if (code.size() != 14) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i == 4 || i == 9) {
      if (code[i] != '-') return false;
    } else if (kCrockford.find(code[i]) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

TEST(TrackingCode, FormatIsThreeGroupsOfFourCrockfordCharacters) {
  for (int i = 0; i < 200; ++i) {
    const std::string code = new_tracking_code();
    ASSERT_TRUE(well_formed(code)) << code;
    // Never the look-alikes that residents would misread over the phone.
    EXPECT_EQ(code.find_first_of("ILOU"), std::string::npos) << code;
  }
}

TEST(TrackingCode, TenThousandCodesAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string code = new_tracking_code();
    ASSERT_TRUE(well_formed(code)) << code;
    EXPECT_TRUE(seen.insert(code).second) << "duplicate " << code;
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(TrackingCode, CodesUseTheWholeAlphabet) {
  // 32 symbols over 10,000 × 12 positions: a generator stuck on a sub-alphabet would miss some.
  std::set<char> used;
  for (int i = 0; i < 10000; ++i)
    for (char ch : new_tracking_code())
      if (ch != '-') used.insert(ch);
  EXPECT_EQ(used.size(), kCrockford.size());
}

TEST(TrackingCode, NormalizeKeepsACanonicalCode) {
  EXPECT_EQ(normalize_tracking_code("ABCD-EFGH-JKMN"), "ABCD-EFGH-JKMN");
  EXPECT_EQ(normalize_tracking_code("0123-4567-89XZ"), "0123-4567-89XZ");
  const std::string fresh = new_tracking_code();
  EXPECT_EQ(normalize_tracking_code(fresh), fresh);
}

TEST(TrackingCode, NormalizeAcceptsLowerCaseAndMissingOrExtraSeparators) {
  EXPECT_EQ(normalize_tracking_code("abcd-efgh-jkmn"), "ABCD-EFGH-JKMN");
  EXPECT_EQ(normalize_tracking_code("abcdefghjkmn"), "ABCD-EFGH-JKMN");
  EXPECT_EQ(normalize_tracking_code("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
  EXPECT_EQ(normalize_tracking_code(" abcd efgh jkmn "), "ABCD-EFGH-JKMN");
  EXPECT_EQ(normalize_tracking_code("ab-cd--ef gh-jk-mn"), "ABCD-EFGH-JKMN");
  EXPECT_EQ(normalize_tracking_code("AbCd-eFgH-jKmN"), "ABCD-EFGH-JKMN");
}

TEST(TrackingCode, NormalizeMapsLookAlikes) {
  EXPECT_EQ(normalize_tracking_code("I234-5678-9ABC"), "1234-5678-9ABC");
  EXPECT_EQ(normalize_tracking_code("i234-5678-9abc"), "1234-5678-9ABC");
  EXPECT_EQ(normalize_tracking_code("L234-5678-9ABC"), "1234-5678-9ABC");
  EXPECT_EQ(normalize_tracking_code("l234-5678-9abc"), "1234-5678-9ABC");
  EXPECT_EQ(normalize_tracking_code("O000-o000-0000"), "0000-0000-0000");
  EXPECT_EQ(normalize_tracking_code("ILOo-1100-0000"), "1100-1100-0000");
}

TEST(TrackingCode, NormalizeRejectsWrongLengths) {
  EXPECT_EQ(normalize_tracking_code(""), std::nullopt);
  EXPECT_EQ(normalize_tracking_code("----"), std::nullopt);
  EXPECT_EQ(normalize_tracking_code("ABCD-EFGH-JKM"), std::nullopt);     // 11
  EXPECT_EQ(normalize_tracking_code("ABCD-EFGH-JKMNP"), std::nullopt);   // 13
  EXPECT_EQ(normalize_tracking_code("ABCDEFGHJKMNPQRS"), std::nullopt);  // 16
  EXPECT_EQ(normalize_tracking_code("ABCD"), std::nullopt);
}

TEST(TrackingCode, NormalizeRejectsCharactersOutsideTheAlphabet) {
  EXPECT_EQ(normalize_tracking_code("ABCD-EFGH-JKMU"), std::nullopt);
  EXPECT_EQ(normalize_tracking_code("uBCD-EFGH-JKMN"), std::nullopt);
  EXPECT_EQ(normalize_tracking_code("ABCD_EFGH_JKMN"), std::nullopt);
  EXPECT_EQ(normalize_tracking_code("ABCD.EFGH.JKMN"), std::nullopt);
  EXPECT_EQ(normalize_tracking_code("ABCD-EFGH-JKM*"), std::nullopt);
  EXPECT_EQ(normalize_tracking_code("ABCD-EFGH-JKM\xE4"), std::nullopt);
}

}  // namespace
}  // namespace civicgrid::cases
