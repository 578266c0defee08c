// Every rate and indicator on hand-made histories whose right answers are worked out in comments.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "analytics/cube.h"
#include "analytics/query.h"
#include "analytics/test_fixture.h"

namespace civicgrid::analytics {
namespace {

using namespace analytics::testing;
namespace json = boost::json;
using cases::Action;
using cases::Status;

const identity::DataScope kAll{true, {}, {}};

const UnitCounts& unit(const std::vector<std::pair<std::string, UnitCounts>>& units,
                       const std::string& code) {
  for (const auto& [c, u] : units)
    if (c == code) return u;
  throw std::runtime_error("no unit " + code);
}

const json::object& row(const json::object& r, const std::string& code) {
  for (const auto& v : r.at("rows").as_array())
    if (v.at("unit").as_string() == code) return v.as_object();
  throw std::runtime_error("no row " + code);
}

class RatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cube_.set_reference(test_tree(), test_catalog());
    const Timestamp t = at(2024, 3, 4, 10);  // a Monday
    const Timestamp due = t + 2 * kMillisPerHour;
    // D1: on time + contacted; on time + handled (reply given); on time, neither; late + contacted.
    add(CaseBuilder(1, t, "S1-C1-G1", "C2")
            .lead("D1", t, due, t + kMillisPerHour)
            .closed(t + kMillisPerDay)
            .evaluated("resolved", "satisfied"),
        true);
    add(CaseBuilder(2, t, "S1-C1-G1", "C2")
            .lead("D1", t, due, t + kMillisPerHour)
            .closed(t + kMillisPerDay)
            .evaluated("resolved", "basically_satisfied"),
        false);
    add(CaseBuilder(3, t, "S1-C1-G2", "C2").lead("D1", t, due, t + kMillisPerHour), false);
    add(CaseBuilder(4, t, "S2-C1-G1", "C2")
            .lead("D1", t, due, due + 1)
            .closed(t + kMillisPerDay)
            .evaluated("partly", "unsatisfied"),
        true);
    // D2 across the National Day holiday: dispatched Mon 2024-09-30 16:00 with 120 working minutes
    // to accept: 90 minutes that day, then Oct 1–7 off, so the deadline is Tue Oct 8 09:30.
    const Timestamp sep30 = at(2024, 9, 30, 16, 0);
    holiday_due_ = cal_.add_working_minutes(sep30, 120);
    add(CaseBuilder(5, sep30, "S2-C1-G1", "C2")
            .lead("D2", sep30, holiday_due_, at(2024, 10, 8, 9, 20)),
        true);
    add(CaseBuilder(6, sep30, "S2-C1-G1", "C2")
            .lead("D2", sep30, holiday_due_, at(2024, 10, 8, 9, 40)),
        true);
  }
  void add(const CaseBuilder& b, bool contacted) {
    const cases::CaseEvent ev[] = {accept_event(b.c.id, contacted)};
    cube_.update(b.c, ev);
  }
  std::vector<std::pair<std::string, UnitCounts>> by_department(const RateConfig& cfg = {}) {
    return unit_counts(cube_, UnitBy::kDepartment, {}, kAll, cfg, 0);
  }
  WorkCalendar cal_ = test_calendar();
  Cube cube_{cal_};
  Timestamp holiday_due_ = 0;
};

TEST_F(RatesTest, AcceptDeadlineSkipsTheHoliday) {
  EXPECT_EQ(holiday_due_, at(2024, 10, 8, 9, 30));
}

TEST_F(RatesTest, ResponseCountsOnTimeAcceptsWithContact) {
  auto units = by_department();
  EXPECT_EQ(unit(units, "D1").dispatched, 4);
  EXPECT_EQ(unit(units, "D1").responded, 2);  // cases 1 (contacted) and 2 (handled)
  EXPECT_EQ(unit(units, "D2").dispatched, 2);
  EXPECT_EQ(unit(units, "D2").responded, 1);  // 09:20 is on time, 09:40 is not
}

TEST_F(RatesTest, RatesAndComposite) {
  json::object r = rates_json(by_department(), UnitBy::kDepartment, RateConfig{});
  const json::object& d1 = row(r, "D1");
  EXPECT_DOUBLE_EQ(d1.at("response").at("rate").as_double(), 0.5);
  EXPECT_EQ(d1.at("resolution").at("numerator").as_int64(), 2);
  EXPECT_EQ(d1.at("resolution").at("denominator").as_int64(), 3);
  EXPECT_DOUBLE_EQ(d1.at("resolution").at("rate").as_double(), 2.0 / 3);
  // (1 satisfied + 0.8 × 1 basically satisfied) / 3 evaluated
  EXPECT_DOUBLE_EQ(d1.at("satisfaction").at("rate").as_double(), 1.8 / 3);
  EXPECT_NEAR(d1.at("composite").as_double(), 30 * 0.5 + 35 * 2.0 / 3 + 35 * 0.6, 1e-9);
  // D2: no evaluations, so those rates are null and the composite is the response rate on the
  // weights' scale.
  const json::object& d2 = row(r, "D2");
  EXPECT_TRUE(d2.at("resolution").at("rate").is_null());
  EXPECT_TRUE(d2.at("satisfaction").at("rate").is_null());
  EXPECT_NEAR(d2.at("composite").as_double(), 50.0, 1e-9);
}

TEST_F(RatesTest, ConfiguredWeights) {
  auto cfg = parse_config(json::parse(R"({"basic_weight": 0.5, "weights": {"department":
      {"response": 20, "resolution": 40, "satisfaction": 40}}})")
                              .as_object());
  ASSERT_TRUE(cfg);
  json::object r = rates_json(by_department(*cfg), UnitBy::kDepartment, *cfg);
  const json::object& d1 = row(r, "D1");
  EXPECT_DOUBLE_EQ(d1.at("satisfaction").at("rate").as_double(), 1.5 / 3);
  EXPECT_NEAR(d1.at("composite").as_double(), 20 * 0.5 + 40 * 2.0 / 3 + 40 * 0.5, 1e-9);
  auto bad =
      parse_config(json::parse(R"({"weights": {"department": {"response": -1}}})").as_object());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field(), "weights.department.response");
  EXPECT_FALSE(parse_config(json::parse(R"({"weights": {"planet": {}}})").as_object()));
}

TEST_F(RatesTest, ScopeAndPeriod) {
  Period march{parse_day("2024-03-01"), parse_day("2024-04-01")};
  auto units = unit_counts(cube_, UnitBy::kDepartment, march, kAll, {}, 0);
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0].first, "D1");
  identity::DataScope s1{false, {"S1", "S1-C1", "S1-C1-G1", "S1-C1-G2"}, {}};
  auto street = unit_counts(cube_, UnitBy::kStreet, {}, s1, {}, 0);
  ASSERT_EQ(street.size(), 1u);
  EXPECT_EQ(street[0].second.cases, 3);
}

TEST_F(RatesTest, LeagueRanksOnlyUnitsWithEnoughVolume) {
  json::object l = league_json(by_department(), UnitBy::kDepartment, RateConfig{}, 3);
  const auto& rows = l.at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("unit").as_string(), "D1");
  EXPECT_EQ(rows[0].at("rank").as_int64(), 1);
  EXPECT_EQ(rows[1].at("unit").as_string(), "D2");
  EXPECT_TRUE(rows[1].at("rank").is_null());
  json::object all = league_json(by_department(), UnitBy::kDepartment, RateConfig{}, 0);
  // D1 scores 59.3, D2 50: both ranked now.
  EXPECT_EQ(all.at("rows").as_array()[1].at("rank").as_int64(), 2);
}

TEST(IndicatorsTest, GbT30428Indicators) {
  WorkCalendar cal = test_calendar();
  Cube cube(cal);
  cube.set_reference(test_tree(), test_catalog());
  // c1: created Mon Sep 30 16:00, closed Tue Oct 8 11:00: 90 + 120 working minutes (the holiday
  // week does not count), by its deadline.
  auto c1 = CaseBuilder(1, at(2024, 9, 30, 16), "S1-C1-G1", "C1-01-01")
                .lead("D1", 0, 0)
                .closed(at(2024, 10, 8, 11));
  c1.c.deadline_at = at(2024, 10, 10, 18);
  // c2: the same category at the same grid 9 days later (复诉); reworked once, overdue and open.
  auto c2 = CaseBuilder(2, at(2024, 10, 9, 10), "S1-C1-G1", "C1-01-01").lead("D1", 0, 0, 1);
  c2.c.deadline_at = at(2024, 10, 15, 18);
  c2.c.reworks = 1;
  c2.c.overdue = true;
  // c3: another grid; returned once; created Sun Oct 20 10:00, closed Mon 10:00 (60 working
  // minutes), after its deadline.
  auto c3 = CaseBuilder(3, at(2024, 10, 20, 10), "S1-C1-G2", "C1-01-01")
                .lead("D1", 0, 0)
                .closed(at(2024, 10, 21, 10));
  c3.c.deadline_at = at(2024, 10, 21, 9);
  c3.c.returns = 1;
  // c4: G1 again 16 days after c2 (复诉); an extension was approved; due after the period.
  auto c4 = CaseBuilder(4, at(2024, 10, 25, 10), "S1-C1-G1", "C1-01-01").lead("D1", 0, 0);
  c4.c.deadline_at = at(2024, 11, 20, 18);
  // c5: created before the period, due inside it, still open.
  auto c5 = CaseBuilder(5, at(2024, 8, 20), "S1-C1-G1", "C2").lead("D2", 0, 0, 1);
  c5.c.deadline_at = at(2024, 10, 2, 18);
  // c6: rejected at intake: not registered.
  auto c6 = CaseBuilder(6, at(2024, 10, 5), "S1-C1-G1", "C2").status(Status::kRejected);
  cube.update(c1.c, {});
  cube.update(c2.c, {});
  cube.update(c3.c, {});
  const cases::CaseEvent ext[] = {event(4, Action::kExtend), event(4, Action::kApproveExtension)};
  cube.update(c4.c, ext);
  cube.update(c5.c, {});
  cube.update(c6.c, {});

  const Period period{parse_day("2024-09-01"), parse_day("2024-11-01")};
  const std::int64_t today = *parse_day("2024-11-01");
  auto units = unit_counts(cube, UnitBy::kStreet, period, kAll, RateConfig{}, today);
  ASSERT_EQ(units.size(), 1u);
  const UnitCounts& u = units[0].second;
  EXPECT_EQ(u.registered, 4);          // c1–c4
  EXPECT_EQ(u.due, 4);                 // c1, c2, c3, c5
  EXPECT_EQ(u.due_closed, 2);          // c1, c3
  EXPECT_EQ(u.due_closed_on_time, 1);  // c1
  EXPECT_EQ(u.reworked, 1);
  EXPECT_EQ(u.extended, 1);
  EXPECT_EQ(u.overdue_open, 1);  // c2 (c4's deadline is still ahead)
  EXPECT_EQ(u.returned, 1);
  EXPECT_EQ(u.dispatched, 4);
  EXPECT_EQ(u.repeated, 2);  // c2, c4
  json::object r = indicators_json(units);
  const json::object& s1 = row(r, "S1");
  EXPECT_DOUBLE_EQ(s1.at("closure_rate").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(s1.at("on_time_closure_rate").as_double(), 0.25);
  EXPECT_DOUBLE_EQ(s1.at("rework_rate").as_double(), 0.25);
  EXPECT_DOUBLE_EQ(s1.at("extension_rate").as_double(), 0.25);
  EXPECT_DOUBLE_EQ(s1.at("return_rate").as_double(), 0.25);
  EXPECT_DOUBLE_EQ(s1.at("repeat_rate").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(s1.at("avg_close_working_hours").as_double(), (210 + 60) / 2.0 / 60);

  // A shorter 复诉 window: c4 (16 days after c2) no longer counts.
  RateConfig narrow;
  narrow.repeat_days = 10;
  EXPECT_EQ(unit_counts(cube, UnitBy::kStreet, period, kAll, narrow, today)[0].second.repeated, 1);
}

TEST(IndicatorsTest, EmptyDenominatorsAreNull) {
  std::vector<std::pair<std::string, UnitCounts>> units = {{"X", UnitCounts{}}};
  json::object r = indicators_json(units);
  EXPECT_TRUE(row(r, "X").at("closure_rate").is_null());
  EXPECT_TRUE(row(r, "X").at("avg_close_working_hours").is_null());
  json::object rates = rates_json(units, UnitBy::kGrid, RateConfig{});
  EXPECT_TRUE(row(rates, "X").at("response").at("rate").is_null());
  EXPECT_TRUE(row(rates, "X").at("composite").is_null());
}

}  // namespace
}  // namespace civicgrid::analytics
