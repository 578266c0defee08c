// The rollups against the column scan: on randomised histories (cases arriving out of day order,
// then changing status, category, place, day, department, evaluation and deadline), every count,
// rate and indicator answered from the rollups equals the scan's answer over the same cube.
#include <gtest/gtest.h>

#include <random>

#include "analytics/cube.h"
#include "analytics/insights.h"
#include "analytics/query.h"
#include "analytics/test_fixture.h"

namespace civicgrid::analytics {
namespace {

using namespace analytics::testing;
namespace json = boost::json;

const char* kGrids[] = {"S1-C1-G1", "S1-C1-G2", "S2-C1-G1", "S1", "MH"};
const char* kLeaves[] = {"C1-01-01", "C1-01-02", "C2", "C1", ""};
const char* kDepts[] = {"D1", "D2", "E1"};

// A random case of id `id` at `version`, created between 2023-11-01 and 2025-03-14 (so that queries
// read whole years, whole months and single days).
cases::Case random_case(std::mt19937& rng, std::int64_t id, std::int64_t version) {
  const std::int64_t day = days_from_civil(2023, 11, 1) + static_cast<std::int64_t>(rng() % 500);
  CaseBuilder b(id,
                at(2024, 1, 1) + (day - days_from_civil(2024, 1, 1)) * kMillisPerDay +
                    static_cast<Timestamp>(rng() % 10) * kMillisPerHour,
                kGrids[rng() % 5], kLeaves[rng() % 5]);
  b.c.version = version;
  b.c.channel = static_cast<cases::Channel>(rng() % 7);
  b.c.type = static_cast<cases::AppealType>(rng() % 6);
  b.c.deadline_at =
      rng() % 10 ? b.c.created_at + static_cast<Timestamp>(rng() % 20) * kMillisPerDay : 0;
  switch (rng() % 6) {
    case 0:
      b.status(rng() % 2 ? cases::Status::kSubmitted : cases::Status::kRejected);
      break;
    case 1:
      break;  // registered
    default: {
      const Timestamp due = b.c.created_at + kMillisPerDay;
      b.lead(kDepts[rng() % 3], b.c.created_at, due,
             rng() % 3 ? b.c.created_at + static_cast<Timestamp>(rng() % 48) * kMillisPerHour : 0);
      if (rng() % 2) {
        b.closed(b.c.created_at + static_cast<Timestamp>(1 + rng() % 30) * kMillisPerDay);
        if (rng() % 2) {
          const char* r[] = {"resolved", "partly", "unresolved"};
          const char* s[] = {"satisfied", "basically_satisfied", "unsatisfied"};
          b.evaluated(r[rng() % 3], s[rng() % 3]);
        }
      }
    }
  }
  b.c.overdue = rng() % 5 == 0;
  b.c.returns = rng() % 4 == 0;
  b.c.reworks = rng() % 6 == 0;
  return b.c;
}

std::vector<std::int64_t> flat(const UnitCounts& u) {
  return {u.cases,    u.dispatched,   u.responded,          u.evaluated,
          u.resolved, u.satisfied,    u.basically,          u.registered,
          u.due,      u.due_closed,   u.due_closed_on_time, u.reworked,
          u.extended, u.overdue_open, u.returned,           u.repeated,
          u.closed,   u.close_minutes};
}

class RollupTest : public ::testing::Test {
 protected:
  // Cases 1..n in random order with random days, then `changes` random new versions of random
  // cases (some older than what the cube holds, which it ignores).
  void build(std::uint32_t seed, int n, int changes) {
    cube_.clear();
    cube_.set_reference(test_tree(), test_catalog());
    std::mt19937 rng(seed);
    std::vector<std::int64_t> ids(n);
    for (int i = 0; i < n; ++i) ids[i] = i + 1;
    std::shuffle(ids.begin(), ids.end(), rng);
    std::vector<std::int64_t> version(n + 1, 1);
    for (std::int64_t id : ids) {
      std::vector<cases::CaseEvent> ev;
      if (rng() % 3 == 0) ev.push_back(accept_event(id, rng() % 2));
      if (rng() % 7 == 0) ev.push_back(event(id, cases::Action::kApproveExtension));
      cube_.update(random_case(rng, id, 1), ev);
    }
    for (int i = 0; i < changes; ++i) {
      const std::int64_t id = 1 + static_cast<std::int64_t>(rng() % n);
      const std::int64_t v = rng() % 8 == 0 ? version[id] - 1 : ++version[id];
      cube_.update(random_case(rng, id, v), {});
    }
  }

  json::object counts(const std::vector<std::pair<std::string, std::string>>& params,
                      const identity::DataScope& scope, bool rollups) {
    auto q = parse_count_query(params);
    EXPECT_TRUE(q.has_value());
    cube_.use_rollups = rollups;
    auto r = run_counts(cube_, *q, scope);
    cube_.use_rollups = true;
    return r;
  }

  std::vector<std::pair<std::string, std::vector<std::int64_t>>> units(
      UnitBy by, const Period& p, const identity::DataScope& scope, const RateConfig& config,
      std::int64_t today, bool repeats, bool rollups) {
    cube_.use_rollups = rollups;
    auto u = unit_counts(cube_, by, p, scope, config, today, repeats);
    cube_.use_rollups = true;
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
    for (const auto& [code, c] : u) out.emplace_back(code, flat(c));
    return out;
  }

  // Hotspots and recurring problems (which read the rollups) as comparable values.
  std::vector<std::string> insights(const identity::DataScope& scope, bool rollups,
                                    bool expect_warnings = false) {
    cube_.use_rollups = rollups;
    std::vector<std::string> out;
    const Period periods[] = {{}, {days_from_civil(2024, 8, 31), days_from_civil(2024, 9, 30)}};
    for (const Period& p : periods)
      for (const char* category : {"C1", "C1-01", "C1-01-02", "C2", "nope"})
        for (PlaceLevel level : {PlaceLevel::kGrid, PlaceLevel::kCommunity}) {
          const HotspotResult h = find_hotspots(cube_, {p, category, level}, scope);
          std::string line = std::to_string(h.category_total) + "/" + std::to_string(h.all_total) +
                             "/" + std::to_string(h.places);
          for (const auto& x : h.rows)
            line += " " + x.place + ":" + std::to_string(x.count) + ":" +
                    std::to_string(x.place_total) + ":" + std::to_string(x.hotspot);
          out.push_back(line);
        }
    // Whole lists and pages of them (the page's rows are ordered like the whole list's).
    const std::pair<size_t, size_t> pages[] = {{0, 0}, {0, 3}, {2, 5}, {1, 1000}};
    for (int months : {3, 12})
      for (PlaceLevel level : {PlaceLevel::kGrid, PlaceLevel::kCommunity})
        for (const auto& [offset, limit] : pages) {
          RecurringQuery q{days_from_civil(2024, 10, 5), months, 2, level, offset, limit};
          const RecurringPage page = find_recurring(cube_, q, scope);
          std::string line = std::to_string(page.total) + ":";
          for (const auto& r : page.rows) {
            line += r.place + "/" + r.category + ":" + std::to_string(r.total) + ":" +
                    std::to_string(r.longest_run);
            for (const auto& [m, n] : r.series)
              line += "," + std::to_string(m) + "=" + std::to_string(n);
            line += " ";
          }
          out.push_back(line);
        }
    bool warned = false;  // the comparison below means something only if some are found
    // Windows across the year's end (2024-01-02) and the longest window.
    for (std::int64_t date :
         {days_from_civil(2024, 9, 20), days_from_civil(2024, 3, 2), days_from_civil(2024, 1, 2)})
      for (int window : {1, 7, 10, 31}) {
        WarningQuery q{.date = date,
                       .window = window,
                       .baselines = 4,
                       .k = 0.5,
                       .min_count = 1,
                       .min_overdue = 1};
        std::string line;
        for (const auto& w : find_warnings(cube_, q, scope)) {
          line += w.kind + "/" + w.unit + "/" + w.category + ":" + std::to_string(w.observed);
          for (auto n : w.series) line += "," + std::to_string(n);
          line += " ";
          warned = true;
        }
        out.push_back(line);
      }
    if (expect_warnings) {
      EXPECT_TRUE(warned);
    }
    for (int year : {2023, 2024, 2025}) {
      const TopicResult t = monthly_topics(cube_, year, scope);
      std::string line = std::to_string(t.overall.cases) + "/" + std::to_string(t.overall.score());
      for (const auto& c : t.rows)
        line += " " + c.category + ":" + std::to_string(c.h.cases) + ":" +
                std::to_string(c.h.unresolved) + ":" + std::to_string(c.h.unsatisfied) + ":" +
                std::to_string(c.h.overdue) + ":" + std::to_string(c.priority);
      out.push_back(line);
    }
    cube_.use_rollups = true;
    return out;
  }

  void expect_same_answers() {
    identity::DataScope all{true, {}, {}};
    identity::DataScope s1{false, {"S1", "S1-C1", "S1-C1-G1", "S1-C1-G2"}, {"D2"}};
    const std::vector<std::vector<std::pair<std::string, std::string>>> queries = {
        {{"dims", "category,month"}},
        {{"dims", "street"}, {"status", "closed"}, {"from", "2024-02-01"}, {"to", "2024-05-01"}},
        {{"dims", "category"}, {"category_level", "3"}, {"street", "S1"}, {"top", "2"}},
        {{"dims", "department,month"}, {"from", "2024-01-17"}, {"to", "2024-04-09"}},
        {{"dims", "grid,category"}, {"category_level", "2"}, {"from", "2024-03-05"}},
        {{"dims", "channel,type,status"}, {"to", "2024-06-15"}},
        {{"dims", "community,status"}, {"department", "D1"}},
        {{"dims", "day"}, {"from", "2024-02-10"}, {"to", "2024-03-20"}},
        {{"dims", "week,street"}, {"category", "C1"}},
        {{"dims", "month"}, {"month", "2024-03"}},
        {{"dims", "category,status"}},  // no rollup holds both: the scan answers
        {{"dims", "street"}, {"from", "2024-05-01"}, {"to", "2024-05-01"}},
        {{"dims", "grid"}, {"category", "nope"}},
        // The cockpit's requests over 30 days that are not a calendar month (day tables).
        {{"dims", "status"}, {"from", "2024-08-31"}, {"to", "2024-09-30"}},
        {{"dims", "day"}, {"from", "2024-08-31"}, {"to", "2024-09-30"}},
        {{"dims", "category"},
         {"category_level", "1"},
         {"from", "2024-08-31"},
         {"to", "2024-09-30"}},
        {{"dims", "grid"}, {"from", "2024-08-31"}, {"to", "2024-09-30"}},
        // Level-1 categories over many days, across a year's end, filtered by a level-1 code.
        {{"dims", "week,category"}, {"from", "2023-12-03"}, {"to", "2024-10-10"}},
        {{"dims", "status,day"}, {"from", "2023-12-20"}, {"to", "2024-01-20"}},
        {{"dims", "category,department"}, {"category", "C1"}, {"from", "2024-02-11"}},
        // A level-2 code as filter or level 2 as dimension: the leaf tables answer.
        {{"dims", "category"}, {"category", "C1-01"}, {"category_level", "3"}},
        {{"dims", "category,month"}, {"category", "C1-01"}},
        {{"dims", "month,category"}, {"category_level", "2"}, {"from", "2024-01-01"}},
        {{"dims", "category,street"}, {"category_level", "2"}, {"to", "2024-11-20"}},
        // Whole years (2024) with months and days around them.
        {{"dims", "street"}, {"status", "closed"}, {"from", "2024-01-01"}, {"to", "2025-01-01"}},
        {{"dims", "category"}, {"category_level", "3"}, {"street", "S1"}},
        {{"dims", "channel"}, {"from", "2023-11-15"}, {"to", "2025-02-03"}},
        {{"dims", "grid,department"}},
        {{"dims", "category"}},
        // Place filters on the leaf tables split by area: one street, community or grid (or two
        // that agree or not), over all time, whole years, months and days, across year ends.
        {{"dims", "category"}, {"category_level", "3"}, {"community", "S1-C1"}},
        {{"dims", "category,grid"}, {"category_level", "3"}, {"grid", "S1-C1-G2"}},
        {{"dims", "category"}, {"category_level", "3"}, {"street", "S1"}, {"grid", "S1-C1-G1"}},
        {{"dims", "category"}, {"category_level", "3"}, {"street", "S2"}, {"grid", "S1-C1-G1"}},
        {{"dims", "category"}, {"category_level", "3"}, {"street", "nope"}},
        {{"dims", "category,department"}, {"category_level", "3"}, {"street", "S2"}},
        {{"dims", "category"},
         {"category_level", "3"},
         {"street", "S1"},
         {"from", "2023-01-01"},
         {"to", "2026-01-01"}},
        {{"dims", "category"},
         {"category_level", "3"},
         {"street", "S1"},
         {"from", "2023-12-30"},
         {"to", "2025-01-03"}},
        {{"dims", "category,month"}, {"category_level", "3"}, {"street", "S1"}},
        {{"dims", "grid,category"}, {"category_level", "3"}, {"from", "2024-01-01"}},
        {{"dims", "category"}, {"category_level", "3"}, {"to", "2025-01-01"}}};
    EXPECT_EQ(insights(all, true, true), insights(all, false));
    EXPECT_EQ(insights(s1, true), insights(s1, false));
    for (const auto& q : queries)
      for (const auto* scope : {&all, &s1}) {
        std::string trace = scope->all ? "all:" : "s1:";
        for (const auto& [k, v] : q) trace += " " + k + "=" + v;
        SCOPED_TRACE(trace);
        EXPECT_EQ(counts(q, *scope, true), counts(q, *scope, false));
      }
    const Period periods[] = {{},
                              {days_from_civil(2024, 2, 1), days_from_civil(2024, 4, 1)},
                              {days_from_civil(2024, 1, 20), days_from_civil(2024, 3, 11)},
                              {std::nullopt, days_from_civil(2024, 2, 15)},
                              {days_from_civil(2024, 6, 3), std::nullopt}};
    const RateConfig other = [] {
      RateConfig c;
      c.repeat_days = 7;
      return c;
    }();
    for (UnitBy by : {UnitBy::kDepartment, UnitBy::kStreet, UnitBy::kCommunity, UnitBy::kGrid})
      for (const Period& p : periods)
        for (const auto* scope : {&all, &s1})
          for (bool repeats : {true, false})
            for (const auto* config : {&kDefault, &other}) {
              const std::int64_t today = days_from_civil(2024, 3, 1);
              SCOPED_TRACE(::testing::Message() << int(by) << " " << p.from_day.value_or(-1) << " "
                                                << p.to_day.value_or(-1) << " " << repeats);
              EXPECT_EQ(units(by, p, *scope, *config, today, repeats, true),
                        units(by, p, *scope, *config, today, repeats, false));
            }
  }

  static inline const RateConfig kDefault{};
  WorkCalendar cal_ = test_calendar();
  Cube cube_{cal_};
};

TEST_F(RollupTest, AnswersEqualTheScanAfterArrivals) {
  build(1, 2000, 0);
  expect_same_answers();
}

TEST_F(RollupTest, AnswersEqualTheScanAfterUpdates) {
  for (std::uint32_t seed : {2u, 3u, 4u}) {
    build(seed, 1500, 3000);
    expect_same_answers();
  }
}

// Regression: the first case of an empty cube had no category (an intake before classification),
// and the rollups read the level table of category 0, which no category had sized yet.
TEST_F(RollupTest, FirstCaseWithoutCategory) {
  cube_.clear();
  cube_.set_reference(test_tree(), test_catalog());
  CaseBuilder b(1, at(2024, 3, 4), "S1-C1-G1", "");
  cube_.update(b.c, {});
  identity::DataScope all{true, {}, {}};
  const auto total = [&](bool rollups) {
    return counts({{"dims", "status"}, {"from", "2024-03-01"}, {"to", "2024-03-09"}}, all,
                  rollups)["total"];
  };
  EXPECT_EQ(total(true), 1);
  EXPECT_EQ(total(false), 1);
  EXPECT_EQ(insights(all, true), insights(all, false));
}

TEST_F(RollupTest, RepeatWindowChangeRecomputesFlags) {
  build(5, 1500, 1500);
  cube_.set_repeat_days(7);
  RateConfig seven;
  seven.repeat_days = 7;
  identity::DataScope all{true, {}, {}};
  EXPECT_EQ(units(UnitBy::kGrid, {}, all, seven, 0, true, true),
            units(UnitBy::kGrid, {}, all, seven, 0, true, false));
  // The flags follow the window: some cases repeat within 30 days but not within 7.
  std::int64_t within7 = 0, within30 = 0;
  for (const auto& [code, u] : units(UnitBy::kGrid, {}, all, seven, 0, true, true))
    within7 += u[15];
  cube_.set_repeat_days(30);
  for (const auto& [code, u] : units(UnitBy::kGrid, {}, all, kDefault, 0, true, true))
    within30 += u[15];
  EXPECT_LT(within7, within30);
  expect_same_answers();
}

}  // namespace
}  // namespace civicgrid::analytics
