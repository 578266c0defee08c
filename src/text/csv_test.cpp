#include <gtest/gtest.h>

#include "text/text.h"

namespace civicgrid::text {
namespace {

TEST(Csv, ReadsHeaderAndRows) {
  auto t = parse_csv("label,title\n教育文体,C3县二中违法补课\n城乡建设,路灯不亮\n");
  ASSERT_TRUE(t) << t.error().message_en();
  EXPECT_EQ(t->header, (std::vector<std::string>{"label", "title"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[1][1], "路灯不亮");
}

TEST(Csv, QuotedFieldsHoldCommasQuotesAndNewlines) {
  auto t = parse_csv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"line1\nline2\",z\n");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][0], "x, y");
  EXPECT_EQ(t->rows[0][1], "say \"hi\"");
  EXPECT_EQ(t->rows[1][0], "line1\nline2");
}

TEST(Csv, BomCrlfAndMissingFinalNewline) {
  auto t = parse_csv("\xEF\xBB\xBFlabel,title\r\n环境保护,污水\r\n交通运输,\"公交\r\n晚点\"");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->header[0], "label");
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "污水");
  EXPECT_EQ(t->rows[1][1], "公交\r\n晚点");
}

TEST(Csv, EmptyFieldsAndBlankLines) {
  auto t = parse_csv("a,b,c\n,,\n\n1,,3\n");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(t->rows[1][2], "3");
}

TEST(Csv, MissingColumnIsNamed) {
  auto t = parse_csv("label,title\nx,y\n");
  ASSERT_TRUE(t);
  auto c = t->column("text");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field(), "text");
  EXPECT_NE(c.error().message_en().find("no column \"text\""), std::string::npos);
  EXPECT_NE(c.error().message_en().find("label, title"), std::string::npos);
  EXPECT_EQ(*t->column("title"), 1u);
}

TEST(Csv, EmptyInputIsAnError) {
  for (const char* in : {"", "\xEF\xBB\xBF", "\n\n"}) {
    auto t = parse_csv(in);
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().message_en().find("empty"), std::string::npos);
  }
}

TEST(Csv, InvalidUtf8NamesTheLine) {
  // "城乡" in GBK is not UTF-8.
  auto t = parse_csv("label,title\nok,fine\n\xB3\xC7\xCF\xE7,x\n");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message_en().find("not UTF-8"), std::string::npos);
  EXPECT_NE(t.error().message_en().find("line 3"), std::string::npos);
}

TEST(Csv, UnterminatedQuoteAndRaggedRows) {
  auto q = parse_csv("a,b\n\"open,x\n");
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message_en().find("unterminated quote"), std::string::npos);
  auto r = parse_csv("a,b\n1,2\n1,2,3\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en().find("line 3 has 3 fields"), std::string::npos);
}

TEST(Csv, LinesRoundTrip) {
  const std::vector<std::string> fields{"plain", "with,comma", "with \"quote\"", "two\nlines", ""};
  const std::string line = csv_line(fields);
  EXPECT_EQ(line, "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",\r\n");
  auto t = parse_csv(csv_line({"a", "b", "c", "d", "e"}) + line);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->rows.at(0), fields);
}

TEST(Csv, MissingFileIsAnError) {
  auto t = read_csv_file("/nonexistent/file.csv");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message_en().find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace civicgrid::text
