#include "open311/w3c_time.h"

#include <gtest/gtest.h>

namespace civicgrid::open311 {
namespace {

// 2011-03-10T00:00:00Z
constexpr Timestamp kDay = 15043LL * kMillisPerDay;

TEST(FormatW3c, WholeSecondsWithOffset) {
  EXPECT_EQ(format_w3c(kDay), "2011-03-10T08:00:00+08:00");
  EXPECT_EQ(format_w3c(kDay + 1999), "2011-03-10T08:00:01+08:00");  // fractions are truncated
  EXPECT_EQ(format_w3c(kDay + 1999).size(), 25u);
}

TEST(ParseW3c, FullFormsWithZoneOffsets) {
  EXPECT_EQ(parse_w3c("2011-03-10T00:00:00Z")->at, kDay);
  EXPECT_EQ(parse_w3c("2011-03-10T08:00:00+08:00")->at, kDay);
  EXPECT_EQ(parse_w3c("2011-03-09T19:00:00-05:00")->at, kDay);
  EXPECT_EQ(parse_w3c("2011-03-10T05:30:00+0530")->at, kDay);
  EXPECT_EQ(parse_w3c("2011-03-10T01:00:00+01")->at, kDay);
  EXPECT_FALSE(parse_w3c("2011-03-10T00:00:00Z")->date_only);
}

TEST(ParseW3c, LenientForms) {
  // Fractions, a lower-case t, a space instead of T, minutes only.
  EXPECT_EQ(parse_w3c("2011-03-10T00:00:00.789Z")->at, kDay + 789);
  EXPECT_EQ(parse_w3c("2011-03-10T00:00:00.5Z")->at, kDay + 500);
  EXPECT_EQ(parse_w3c("2011-03-10t00:00:00z")->at, kDay);
  EXPECT_EQ(parse_w3c("2011-03-10 08:00:00")->at, kDay);
  EXPECT_EQ(parse_w3c("2011-03-10T08:00")->at, kDay);
  // No zone: the jurisdiction's clock (China Standard Time).
  EXPECT_EQ(parse_w3c("2011-03-10T08:00:00")->at, kDay);
  // An unencoded '+' in a query string arrives as a space.
  EXPECT_EQ(parse_w3c("2011-03-10T08:00:00 08:00")->at, kDay);
  EXPECT_EQ(parse_w3c("  2011-03-10T00:00:00Z ")->at, kDay);
}

TEST(ParseW3c, DateOnlyIsTheDayStartInChina) {
  auto t = parse_w3c("2011-03-10");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->date_only);
  EXPECT_EQ(t->at, kDay - kChinaOffsetMillis);
}

TEST(ParseW3c, RejectsWhatIsNotADate) {
  for (const char* bad :
       {"", "yesterday", "2011-3-10", "2011-02-30", "2011-13-01", "2011-03-10T25:00:00Z",
        "2011-03-10T10:61:00Z", "2011-03-10T10:00:00+25:00", "2011-03-10T10:00:00Q",
        "2011-03-10X10:00", "2011-03-10T10:00:00.Z", "1299715200"})
    EXPECT_FALSE(parse_w3c(bad)) << bad;
  EXPECT_TRUE(parse_w3c("2024-02-29"));
  EXPECT_FALSE(parse_w3c("2023-02-29"));
}

}  // namespace
}  // namespace civicgrid::open311
