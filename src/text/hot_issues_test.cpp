#include "text/hot_issues.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace civicgrid::text {
namespace {

Message msg(std::string id, std::string user, std::string title, std::string text, std::string time,
            std::int64_t likes = 0) {
  Message m;
  m.id = std::move(id);
  m.user = std::move(user);
  m.title = std::move(title);
  m.text = std::move(text);
  m.time = parse_local_time(time);
  m.likes = likes;
  return m;
}

std::vector<std::string> ids_of(const HotIssue& issue, const std::vector<Message>& in) {
  std::vector<std::string> ids;
  for (size_t m : issue.members) ids.push_back(in[m].id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(HeatIndex, GrowsWithMessagesResidentsAndLikes) {
  const HeatInputs base{.messages = 4, .residents = 3, .span_days = 10, .likes = 5, .dislikes = 1};
  const double h = heat_index(base);
  EXPECT_GT(h, 0);
  HeatInputs more = base;
  more.messages = 6;
  EXPECT_GT(heat_index(more), h);
  more = base;
  more.residents = 4;
  EXPECT_GT(heat_index(more), h);
  more = base;
  more.likes = 50;
  EXPECT_GT(heat_index(more), h);
  more = base;
  more.dislikes = 20;
  EXPECT_GT(heat_index(more), h);
  // The documented formula: s = 3 + 0.5·1 + 0.5 + 0.05 = 4.05, ρ = 0.4, c = 1 + 0.2/1.4, p = 1 +
  // 0.25/3.
  const double expected = 10 * std::log1p(4.05) * (1 + 0.5 * 0.4 / 1.4) * (1 + 0.25 * 10.0 / 30);
  EXPECT_NEAR(h, expected, 0.006);
}

TEST(HeatIndex, OneResidentRepeatingCountsLessThanManyResidents) {
  EXPECT_LT(heat_index({.messages = 5, .residents = 1, .span_days = 5}),
            heat_index({.messages = 5, .residents = 5, .span_days = 5}));
}

TEST(LocalTime, ReadsTheBoardFormats) {
  auto t = parse_local_time("2019/1/8 11:43:02");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2019-01-08T11:43:02+08:00");
  EXPECT_EQ(format_local_date(*t), "2019/01/08");
  EXPECT_TRUE(parse_local_time("2019/5/10"));
  EXPECT_TRUE(parse_local_time("2019-05-10 09:30"));
  EXPECT_FALSE(parse_local_time("2019/2/30 10:00:00"));
  EXPECT_FALSE(parse_local_time("yesterday"));
  EXPECT_FALSE(parse_local_time(""));
}

TEST(Place, FindsCodesAndTheCompound) {
  Place p = extract_place("A5区劳动东路魅力之城小区油烟扰民", "");
  EXPECT_EQ(p.district, "A5区");
  EXPECT_EQ(p.name, "魅力之城小区");
  EXPECT_EQ(p.key, "魅力之城");
  p = extract_place("投诉A市伊景园滨河苑捆绑销售车位", "");
  EXPECT_EQ(p.city, "A市");
  EXPECT_EQ(p.name, "伊景园滨河苑");
  p = extract_place("农村道路坑洼不平", "");
  EXPECT_EQ(p.name, "");  // generic words name no place
  EXPECT_EQ(p.label(), "");
}

class Clustering : public ::testing::Test {
 protected:
  std::vector<Message> in{
      msg("1", "u1", "A2区丽发新城小区附近搅拌站噪音扰民",
          "搅拌站日夜施工，噪音和粉尘严重影响居民休息。", "2019/11/2 10:00:00", 3),
      msg("2", "u2", "丽发新城小区旁建搅拌站粉尘严重", "丽发新城小区旁边的搅拌站粉尘大，噪音扰民。",
          "2019/11/10 9:00:00"),
      msg("3", "u3", "投诉A2区丽发新城小区搅拌站噪音", "小区附近搅拌站晚上施工噪音太大。",
          "2019/11/20 21:00:00", 1),
      // The same problem at another compound in another district: a different issue.
      msg("4", "u4", "A5区魅力之城小区附近搅拌站噪音扰民",
          "搅拌站日夜施工，噪音和粉尘严重影响居民休息。", "2019/11/5 10:00:00"),
      msg("5", "u5", "A5区魅力之城小区搅拌站噪音粉尘", "魅力之城小区附近搅拌站噪音粉尘扰民。",
          "2019/11/12 10:00:00"),
      // Same place and problem, but a year later: outside the window.
      msg("6", "u6", "A2区丽发新城小区附近搅拌站噪音扰民",
          "搅拌站日夜施工，噪音和粉尘严重影响居民休息。", "2020/12/1 10:00:00"),
      // Unrelated.
      msg("7", "u7", "A3区学校收取补课费", "孩子所在中学暑假组织补课，每人收费两千元。",
          "2019/11/3 10:00:00"),
  };
};

TEST_F(Clustering, SamePlaceAndProblemTogetherDifferentPlacesApart) {
  HotIssueOptions o;
  o.top = 0;
  const auto issues = find_hot_issues(in, o);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(ids_of(issues[0], in), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(ids_of(issues[1], in), (std::vector<std::string>{"4", "5"}));
  EXPECT_EQ(issues[0].rank, 1);
  EXPECT_GT(issues[0].heat, issues[1].heat);
  EXPECT_EQ(issues[0].place.district, "A2区");
  EXPECT_EQ(issues[0].place.key, "丽发新城");
  EXPECT_EQ(issues[0].inputs.messages, 3u);
  EXPECT_EQ(issues[0].inputs.residents, 3u);
  EXPECT_EQ(issues[0].inputs.likes, 4);
  EXPECT_EQ(format_local_date(*issues[0].first), "2019/11/02");
  EXPECT_EQ(format_local_date(*issues[0].last), "2019/11/20");
  EXPECT_FALSE(issues[0].description.empty());
}

TEST_F(Clustering, TheTimeWindowSeparatesOldAndNewReports) {
  HotIssueOptions o;
  o.top = 0;
  o.window_days = 400;  // now the report a year later joins
  const auto wide = find_hot_issues(in, o);
  ASSERT_FALSE(wide.empty());
  EXPECT_EQ(ids_of(wide[0], in), (std::vector<std::string>{"1", "2", "3", "6"}));
}

TEST_F(Clustering, CoordinatesFarApartNeverLink) {
  HotIssueOptions o;
  o.top = 0;
  std::vector<Message> two{in[0], in[0]};
  two[1].id = "x";
  two[0].lat = 28.1, two[0].lon = 112.9;
  two[1].lat = 28.2, two[1].lon = 112.9;  // about 11 km north
  EXPECT_TRUE(find_hot_issues(two, o).empty());
  two[1].lat = 28.1005;  // about 55 m
  EXPECT_EQ(find_hot_issues(two, o).size(), 1u);
}

TEST_F(Clustering, TopLimitsAndProgressIsReported) {
  HotIssueOptions o;
  o.top = 1;
  size_t last = 0;
  o.progress = [&](size_t done, size_t total) {
    EXPECT_EQ(total, in.size());
    last = done;
  };
  EXPECT_EQ(find_hot_issues(in, o).size(), 1u);
  EXPECT_EQ(last, in.size());
}

}  // namespace
}  // namespace civicgrid::text
