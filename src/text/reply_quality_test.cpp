#include "text/reply_quality.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "text/hot_issues.h"

namespace civicgrid::text {
namespace {

constexpr std::string_view kMessage =
    "A3区洋湖街道潇楚南路修了一年还没修好\n潇楚南路从2018年开始修，到现在都快一年了，路挖得稀烂，"
    "一直不怎么动工，对当地的交通和店面的生意带来很大影响，请问什么时候能修好？";

constexpr std::string_view kGoodReply =
    "网友您好！针对您反映A3区潇楚南路洋湖段道路一直没修好的问题，洋湖街道高度重视，立即组织调查处理"
    "，"
    "现回复如下：经核实，潇楚南路为城市次干道工程，由于原路基土质较差需整体换填，且需先处理管线和排"
    "水渠道，"
    "施工周期较长。根据《城市道路管理条例》第十二条的规定，施工单位应当按照批准的期限完成施工。"
    "目前该项目已完成大部分土方及排水施工，预计今年8月底完工通车，届时交通和店面生意将恢复正常。"
    "感谢您对我们工作的理解和支持。";

bool has(const ReplyQuality& q, std::string_view code) {
  return std::any_of(q.weak_points.begin(), q.weak_points.end(),
                     [&](const WeakPoint& w) { return w.code == code; });
}

TEST(ReplyQuality, AGoodReplyScoresHigherThanAOneLiner) {
  const auto good = score_reply({kMessage, kGoodReply});
  const auto bad = score_reply({kMessage, "已转相关部门办理。"});
  EXPECT_GT(good.total, bad.total + 0.3);
  EXPECT_GT(good.relevance, bad.relevance);
  EXPECT_GT(good.completeness, bad.completeness);
  EXPECT_GT(good.interpretability, bad.interpretability);
  EXPECT_GE(good.relevance, 0.6);
  EXPECT_TRUE(good.weak_points.empty()) << good.weak_points.front().code;
  for (double v : {good.relevance, good.completeness, good.interpretability, good.total,
                   bad.relevance, bad.completeness, bad.interpretability, bad.total}) {
    EXPECT_GE(v, 0);
    EXPECT_LE(v, 1);
  }
  EXPECT_FALSE(good.timeliness);  // no times given
  for (auto code : {"too_short", "no_greeting", "no_closing", "no_basis", "no_reason", "off_topic",
                    "no_result"})
    EXPECT_TRUE(has(bad, code)) << code;
  for (const auto& w : bad.weak_points) {
    EXPECT_FALSE(w.zh.empty());
    EXPECT_FALSE(w.en.empty());
  }
}

TEST(ReplyQuality, EachWeakPointFollowsItsCause) {
  auto without = [](std::string_view what) {
    std::string r(kGoodReply);
    r.erase(r.find(what), what.size());
    return r;
  };
  EXPECT_TRUE(has(score_reply({kMessage, without("网友您好！")}), "no_greeting"));
  EXPECT_TRUE(
      has(score_reply({kMessage, without("感谢您对我们工作的理解和支持。")}), "no_closing"));
  const std::string no_basis =
      without("根据《城市道路管理条例》第十二条的规定，施工单位应当按照批准的期限完成施工。");
  EXPECT_TRUE(has(score_reply({kMessage, no_basis}), "no_basis"));
  EXPECT_LT(score_reply({kMessage, no_basis}).interpretability,
            score_reply({kMessage, kGoodReply}).interpretability);
  EXPECT_TRUE(has(score_reply({kMessage, without("由于")}), "no_reason"));
  // A long, polite reply about something else is off topic.
  const auto other = score_reply(
      {kMessage,
       "网友您好！关于您反映的学校补课收费问题，经调查，该校已按照《中小学收费管理办法》退还费用，"
       "因此问题已经解决。教育局将加强对学校收费的监督检查，欢迎继续监督。感谢您的理解和支持。"});
  EXPECT_TRUE(has(other, "off_topic"));
  EXPECT_FALSE(has(other, "no_greeting"));
}

TEST(ReplyQuality, TimelinessCountsWorkingDays) {
  // Thursday 2019-04-25 → Friday 2019-05-10: 1 May holiday week (May 1–4 off, April 28 and May 5
  // worked in 2019) with the calendar; Monday–Friday without one.
  ReplyInput in{kMessage, kGoodReply, parse_local_time("2019/4/25 9:32:09"),
                parse_local_time("2019/5/10 14:56:53")};
  const auto q = score_reply(in);
  ASSERT_TRUE(q.working_days && q.timeliness);
  EXPECT_EQ(*q.working_days, 11);  // Apr 26, 29, 30, May 1–3, 6–10
  EXPECT_NEAR(*q.timeliness, 1 - 0.5 * 6 / 10, 0.001);
  EXPECT_FALSE(has(q, "late"));
  in.reply_time = parse_local_time("2019/7/10 10:00:00");
  const auto late = score_reply(in);
  EXPECT_TRUE(has(late, "late"));
  EXPECT_LT(*late.timeliness, *q.timeliness);
  EXPECT_LT(late.total, q.total);
  in.reply_time = parse_local_time("2019/4/26 10:00:00");
  EXPECT_EQ(score_reply(in).timeliness, 1.0);
}

}  // namespace
}  // namespace civicgrid::text
