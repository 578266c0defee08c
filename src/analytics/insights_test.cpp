// Warnings, hotspots, recurring problems, monthly-topic candidates and training needs on hand-made
// histories whose right answers are worked out in the comments.
#include "analytics/insights.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analytics/test_fixture.h"

namespace civicgrid::analytics {
namespace {

using namespace analytics::testing;
using cases::Status;

const identity::DataScope kAll{true, {}, {}};
const identity::DataScope kS2{false, {"S2", "S2-C1", "S2-C1-G1"}, {}};

class InsightsTest : public ::testing::Test {
 protected:
  void SetUp() override { cube_.set_reference(test_tree(), test_catalog()); }
  CaseBuilder make(Timestamp created, const std::string& grid, const std::string& category) {
    return CaseBuilder(++id_, created, grid, category);
  }
  void add(const CaseBuilder& b) { cube_.update(b.c, {}); }
  void add_n(int n, Timestamp created, const std::string& grid, const std::string& category) {
    for (int i = 0; i < n; ++i) add(make(created, grid, category));
  }
  const Warning* find(const std::vector<Warning>& ws, const std::string& unit,
                      const std::string& category) {
    for (const auto& w : ws)
      if (w.unit == unit && w.category == category) return &w;
    return nullptr;
  }
  WorkCalendar cal_ = test_calendar();
  Cube cube_{cal_};
  std::int64_t id_ = 0;
};

constexpr Timestamp kWeek = 7 * kMillisPerDay;

TEST_F(InsightsTest, VolumeWarningsAgainstTheSeasonalBaseline) {
  // Recent window: Mon 2024-03-25 .. Sun 03-31; baseline week j is j weeks earlier.
  const Timestamp monday = at(2024, 3, 25, 10);
  for (int j = 1; j <= 8; ++j) {
    // S1: one 垃圾 case a week (mean 1, sd 0, spread √1 = 1, upper 1 + 2 = 3).
    add_n(1, monday - j * kWeek, "S1-C1-G1", "C1-01-01");
    // S2 交通: two a week (mean 2, spread √2, upper 2 + 2√2 ≈ 4.83).
    add_n(2, monday - j * kWeek, "S2-C1-G1", "C2");
    // S2 噪音: 0 and 4 by turns (mean 2, sd 2, upper 2 + 2·2 = 6).
    add_n(j % 2 ? 0 : 4, monday - j * kWeek, "S2-C1-G1", "C1-01-02");
  }
  add_n(6, monday, "S1-C1-G1", "C1-01-01");                      // 6 > 3
  add_n(6, monday + kMillisPerDay, "S2-C1-G1", "C2");            // 6 > 4.83
  add_n(6, monday + 2 * kMillisPerDay, "S2-C1-G1", "C1-01-02");  // 6 ≤ 6: no warning
  add_n(9, monday + kWeek, "S1-C1-G1", "C2");                    // after the window: not counted
  WarningQuery q;
  q.date = *parse_day("2024-03-31");
  const auto ws = find_warnings(cube_, q, kAll);
  // S1 and S1-C1 × C1 and C1-01; S2 and S2-C1 × C2 (a level-1 leaf: once, not again at level 2).
  ASSERT_EQ(ws.size(), 6u);
  const Warning* w = find(ws, "S1", "C1-01");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->kind, "volume");
  EXPECT_EQ(w->unit_type, "street");
  EXPECT_EQ(w->category_level, 2);
  EXPECT_EQ(w->observed, 6);
  EXPECT_DOUBLE_EQ(w->expected, 1);
  EXPECT_DOUBLE_EQ(w->high, 3);
  EXPECT_DOUBLE_EQ(w->z, 5);
  EXPECT_EQ(w->severity, "high");
  EXPECT_EQ(w->series, std::vector<std::int64_t>(8, 1));
  ASSERT_NE(find(ws, "S1-C1", "C1"), nullptr);
  EXPECT_EQ(find(ws, "S1-C1", "C1")->unit_type, "community");
  const Warning* t = find(ws, "S2", "C2");
  ASSERT_NE(t, nullptr);
  EXPECT_NEAR(t->high, 2 + 2 * std::sqrt(2.0), 1e-9);
  EXPECT_NEAR(t->z, 4 / std::sqrt(2.0), 1e-9);  // 2.83
  EXPECT_EQ(t->severity, "low");
  EXPECT_EQ(find(ws, "S2", "C1"), nullptr);
  EXPECT_EQ(ws.front().severity, "high");  // the most severe first

  // Scope: S2 only sees its own two warnings.
  EXPECT_EQ(find_warnings(cube_, q, kS2).size(), 2u);
  // A minimum count above 6 silences all of them.
  q.min_count = 7;
  EXPECT_TRUE(find_warnings(cube_, q, kAll).empty());
  // The window before: S1's week of 03-18 had its usual single case.
  q.min_count = 1;
  q.date = *parse_day("2024-03-24");
  EXPECT_EQ(find(find_warnings(cube_, q, kAll), "S1", "C1-01"), nullptr);
}

TEST_F(InsightsTest, OverdueRisingThreeWeeksRunning) {
  // Weeks ending Sun 03-31: [03-04..10], [03-11..17], [03-18..24], [03-25..31] by deadline day.
  // Cases at district level have no street or community, so they raise no volume warning.
  auto overdue = [&](const std::string& dept, int n, Timestamp deadline) {
    for (int i = 0; i < n; ++i) {
      CaseBuilder b = make(deadline - 5 * kMillisPerDay, "MH", "C2");
      b.lead(dept, b.c.created_at, b.c.created_at + kMillisPerHour);
      b.c.deadline_at = deadline;
      b.c.overdue = true;
      add(b);
    }
  };
  const Timestamp w0 = at(2024, 3, 5, 10);
  // D1: 1, 1, 2, 3 — rising over the last three weeks.
  overdue("D1", 1, w0);
  overdue("D1", 1, w0 + kWeek);
  overdue("D1", 2, w0 + 2 * kWeek);
  overdue("D1", 3, w0 + 3 * kWeek);
  // D2: 0, 3, 2, 4 — not rising.
  overdue("D2", 3, w0 + kWeek);
  overdue("D2", 2, w0 + 2 * kWeek);
  overdue("D2", 4, w0 + 3 * kWeek);
  WarningQuery q;
  q.date = *parse_day("2024-03-31");
  const auto ws = find_warnings(cube_, q, kAll);
  ASSERT_EQ(ws.size(), 1u);
  const Warning& w = ws[0];
  EXPECT_EQ(w.kind, "overdue");
  EXPECT_EQ(w.unit, "D1");
  EXPECT_EQ(w.observed, 3);
  EXPECT_DOUBLE_EQ(w.expected, 4.0 / 3);
  EXPECT_DOUBLE_EQ(w.low, 1);
  EXPECT_DOUBLE_EQ(w.high, 2);
  EXPECT_EQ(w.severity, "medium");  // 3 < 2 × 2
  EXPECT_EQ(w.series, (std::vector<std::int64_t>{1, 1, 2, 3}));
  q.min_count = 5;
  q.min_overdue = 4;  // the last week must hold at least 4
  EXPECT_TRUE(find_warnings(cube_, q, kAll).empty());
}

TEST_F(InsightsTest, HotspotsShareLiftAndAverage) {
  const Timestamp t = at(2024, 4, 1, 10);
  add_n(3, t, "S1-C1-G1", "C1-01-01");
  add_n(1, t, "S1-C1-G1", "C1-01-02");
  add_n(1, t, "S1-C1-G1", "C2");
  add_n(1, t, "S1-C1-G2", "C1-01-01");
  add_n(4, t, "S1-C1-G2", "C2");
  add_n(2, t, "S2-C1-G1", "C2");
  add_n(5, at(2024, 5, 1), "S2-C1-G1", "C1");  // outside the period
  HotspotQuery q;
  q.period = {*parse_day("2024-04-01"), *parse_day("2024-05-01")};
  q.category = "C1";
  auto r = find_hotspots(cube_, q, kAll);
  // 12 cases, 5 of C1, 3 places with cases: overall share 5/12, average 5/3 per place.
  EXPECT_EQ(r.all_total, 12);
  EXPECT_EQ(r.category_total, 5);
  EXPECT_EQ(r.places, 3);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].place, "S1-C1-G1");
  EXPECT_EQ(r.rows[0].count, 4);
  EXPECT_EQ(r.rows[0].place_total, 5);
  EXPECT_DOUBLE_EQ(r.rows[0].share, 0.8);
  EXPECT_DOUBLE_EQ(r.rows[0].lift, (4.0 / 5) / (5.0 / 12));  // 1.92
  EXPECT_DOUBLE_EQ(r.rows[0].vs_average, 4 / (5.0 / 3));     // 2.4
  EXPECT_TRUE(r.rows[0].hotspot);
  EXPECT_EQ(r.rows[1].place, "S1-C1-G2");
  EXPECT_DOUBLE_EQ(r.rows[1].lift, (1.0 / 5) / (5.0 / 12));
  EXPECT_FALSE(r.rows[1].hotspot);
  // A leaf category, and communities.
  q.category = "C1-01-01";
  r = find_hotspots(cube_, q, kAll);
  EXPECT_EQ(r.category_total, 4);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].count, 3);
  q.category = "C1";
  q.level = PlaceLevel::kCommunity;
  r = find_hotspots(cube_, q, kAll);
  EXPECT_EQ(r.places, 2);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].place, "S1-C1");
  EXPECT_DOUBLE_EQ(r.rows[0].lift, (5.0 / 10) / (5.0 / 12));
  EXPECT_DOUBLE_EQ(r.rows[0].vs_average, 2);
  // Scope S2 holds no C1 case in the period.
  EXPECT_TRUE(find_hotspots(cube_, q, kS2).rows.empty());
  q.category = "nope";
  EXPECT_EQ(find_hotspots(cube_, q, kAll).category_total, 0);
}

TEST_F(InsightsTest, RecurringMonthAfterMonth) {
  // G1 垃圾: Jan 1, Feb 2, Mar 1, May 1 → 4 months, longest run 3, total 5.
  add_n(1, at(2024, 1, 10), "S1-C1-G1", "C1-01-01");
  add_n(2, at(2024, 2, 10), "S1-C1-G1", "C1-01-01");
  add_n(1, at(2024, 3, 10), "S1-C1-G1", "C1-01-01");
  add_n(1, at(2024, 5, 10), "S1-C1-G1", "C1-01-01");
  // G2 交通: Jan and Jun (2 months, run 1). S2 交通: Dec 2023 (before the range), Jan, Feb.
  add_n(1, at(2024, 1, 3), "S1-C1-G2", "C2");
  add_n(3, at(2024, 6, 3), "S1-C1-G2", "C2");
  add_n(1, at(2023, 12, 3), "S2-C1-G1", "C2");
  add_n(1, at(2024, 1, 3), "S2-C1-G1", "C2");
  add_n(1, at(2024, 2, 3), "S2-C1-G1", "C2");
  RecurringQuery q;
  q.today = *parse_day("2024-06-15");  // Jan..Jun 2024
  auto r = find_recurring(cube_, q, kAll).rows;
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].place, "S1-C1-G1");
  EXPECT_EQ(r[0].category, "C1-01-01");
  EXPECT_EQ(r[0].months_with_cases, 4);
  EXPECT_EQ(r[0].longest_run, 3);
  EXPECT_EQ(r[0].total, 5);
  ASSERT_EQ(r[0].series.size(), 4u);
  EXPECT_EQ(month_label(r[0].series[1].first), "2024-02");
  EXPECT_EQ(r[0].series[1].second, 2);
  q.min_months = 2;
  r = find_recurring(cube_, q, kAll).rows;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].place, "S2-C1-G1");  // 2 months, run 2 before run 1
  EXPECT_EQ(r[1].total, 2);
  EXPECT_EQ(r[2].place, "S1-C1-G2");
  EXPECT_EQ(r[2].total, 4);
  EXPECT_EQ(find_recurring(cube_, q, kS2).rows.size(), 1u);
  // Pages of the same order: the total stays, the rows are a window of it.
  q.offset = 1;
  q.limit = 1;
  auto page = find_recurring(cube_, q, kAll);
  EXPECT_EQ(page.total, 3u);
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_EQ(page.rows[0].place, "S2-C1-G1");
  EXPECT_EQ(page.rows[0].series, r[1].series);
  q.offset = 2;
  q.limit = 5;
  page = find_recurring(cube_, q, kAll);
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_EQ(page.rows[0].place, "S1-C1-G2");
  q.offset = 3;
  page = find_recurring(cube_, q, kAll);
  EXPECT_EQ(page.total, 3u);
  EXPECT_TRUE(page.rows.empty());
  q.offset = 0;
  q.limit = 0;
  q.level = PlaceLevel::kCommunity;
  q.min_months = 3;
  r = find_recurring(cube_, q, kAll).rows;
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].place, "S1-C1");
}

TEST_F(InsightsTest, MonthlyTopicsFrequentAndHard) {
  const Timestamp t = at(2024, 4, 1, 10);
  auto evaluated = [&](const std::string& cat, const char* res, const char* sat, int returns) {
    CaseBuilder b = make(t, "S1-C1-G1", cat);
    b.lead("D1", t, t + kMillisPerHour, t + 1).closed(t + kMillisPerDay).evaluated(res, sat);
    b.c.returns = returns;
    add(b);
  };
  // 垃圾: 4 cases, all unresolved and unsatisfied, 2 returned → (1 + 1 + 0.5 + 0 + 0) / 5 = 0.5.
  for (int i = 0; i < 4; ++i) evaluated("C1-01-01", "unresolved", "unsatisfied", i < 2);
  // 噪音: 4 cases, all fine → 0. 交通: 1 hard case → 0.4, but rare.
  for (int i = 0; i < 4; ++i) evaluated("C1-01-02", "resolved", "satisfied", 0);
  evaluated("C2", "unresolved", "unsatisfied", 0);
  add(make(at(2023, 6, 1), "S1-C1-G1", "C2"));  // another year
  const TopicResult r = monthly_topics(cube_, 2024, kAll);
  // Overall: 9 cases, 5 unresolved, 5 unsatisfied, 2 returned → (5/9 + 5/9 + 2/9) / 5.
  EXPECT_EQ(r.overall.cases, 9);
  EXPECT_NEAR(r.overall.score(), (12.0 / 9) / 5, 1e-12);
  EXPECT_DOUBLE_EQ(r.mean_cases, 3);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].category, "C1-01-01");
  EXPECT_DOUBLE_EQ(r.rows[0].h.score(), 0.5);
  EXPECT_DOUBLE_EQ(r.rows[0].priority, 2);
  EXPECT_TRUE(monthly_topics(cube_, 2022, kAll).rows.empty());
}

TEST_F(InsightsTest, TrainingNeedsWhereReturnsAndReworkConcentrate) {
  const Timestamp t = at(2024, 4, 1, 10);
  for (int i = 0; i < 4; ++i) {
    CaseBuilder b = make(t, "S1-C1-G1", "C1-01-01");
    b.lead("D1", t, t + kMillisPerHour);
    b.c.returns = i < 2;
    b.c.reworks = i == 3;
    add(b);
  }
  for (int i = 0; i < 6; ++i) {
    CaseBuilder b = make(t, "S2-C1-G1", "C2");
    b.lead("D1", t, t + kMillisPerHour);
    b.c.returns = i == 0;
    add(b);
  }
  add_n(2, t, "S1-C1-G1", "C1-01-02");
  CaseBuilder never = make(t, "S1-C1-G1", "C1-01-02");
  never.status(Status::kSubmitted).c.reworks = 1;  // not registered: left out
  add(never);
  const TrainingResult r = training_needs(cube_, {}, kAll);
  // 12 registered, 3 returned, 1 reworked: overall 4/12; 垃圾 3/4 ≥ 1.5 × 1/3.
  EXPECT_EQ(r.registered, 12);
  EXPECT_EQ(r.returned, 3);
  EXPECT_EQ(r.reworked, 1);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].category, "C1-01-01");
  EXPECT_DOUBLE_EQ(r.rows[0].share_of_returns, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.rows[0].share_of_reworks, 1);
  EXPECT_TRUE(r.rows[0].need);
  EXPECT_EQ(r.rows[1].category, "C2");
  EXPECT_FALSE(r.rows[1].need);
  EXPECT_EQ(training_needs(cube_, {}, kS2).rows.size(), 1u);
}

}  // namespace
}  // namespace civicgrid::analytics
