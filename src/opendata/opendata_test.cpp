// Pure parts of open data: small-cell suppression and CSV writing.
#include <gtest/gtest.h>

#include "opendata/csv.h"
#include "opendata/suppress.h"

namespace civicgrid::opendata {
namespace {

TEST(Suppression, SmallCountsBecomeLessThanK) {
  EXPECT_EQ(cell(0), boost::json::value(0));
  EXPECT_EQ(cell(1), boost::json::value("<3"));
  EXPECT_EQ(cell(2), boost::json::value("<3"));
  EXPECT_EQ(cell(3), boost::json::value(3));
  EXPECT_EQ(cell(4, 5), boost::json::value("<5"));
  EXPECT_EQ(cell_text(2), "<3");
  EXPECT_EQ(cell_text(12), "12");
  EXPECT_EQ(cell_text(0), "0");
}

TEST(Suppression, RatesThatWouldRevealASmallCountAreWithheld) {
  EXPECT_EQ(rate(3, 4), std::nullopt) << "1 case missing: the complement is small";
  EXPECT_EQ(rate(1, 10), std::nullopt) << "numerator small";
  EXPECT_EQ(rate(2, 2), std::nullopt) << "denominator small";
  EXPECT_EQ(rate(0, 0), std::nullopt);
  EXPECT_EQ(rate(4, 4), 1.0);
  EXPECT_EQ(rate(0, 5), 0.0);
  EXPECT_EQ(rate(3, 6), 0.5);
  ASSERT_TRUE(rate(4, 12).has_value());
  EXPECT_DOUBLE_EQ(*rate(4, 12), 0.3333);
  // A weighted numerator (3 satisfied + 0.8 × 1 basically) stands for 4 cases.
  EXPECT_EQ(rate(3.8, 7), 0.5429);
  EXPECT_EQ(rate(1.8, 7), std::nullopt) << "stands for 2 cases";
}

TEST(Csv, QuotesOnlyWhatNeedsIt) {
  std::string out;
  CsvWriter w(out);
  w.bom();
  w.row({"id", "标题", "note"});
  w.row({"1", "路灯不亮, 井盖缺失", "他说\"尽快\""});
  w.row(std::vector<std::string>{"2", "两行\n文字", ""});
  EXPECT_EQ(out,
            "\xEF\xBB\xBF"
            "id,标题,note\r\n"
            "1,\"路灯不亮, 井盖缺失\",\"他说\"\"尽快\"\"\"\r\n"
            "2,\"两行\n文字\",\r\n");
}

TEST(Csv, CarriageReturnAndFullWidthComma) {
  std::string out;
  append_field(out, "a\rb");
  out += '|';
  append_field(out, "甲，乙");  // a full-width comma is text, not a separator
  EXPECT_EQ(out, "\"a\rb\"|甲，乙");
}

}  // namespace
}  // namespace civicgrid::opendata
