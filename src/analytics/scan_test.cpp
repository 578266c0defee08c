// The cube's scans against brute force over the same cases: groups, filters and totals of
// run_counts for many dimension combinations, and the 复诉 count of unit_counts.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "analytics/cube.h"
#include "analytics/query.h"
#include "analytics/test_fixture.h"

namespace civicgrid::analytics {
namespace {

using namespace analytics::testing;
namespace json = boost::json;

struct Made {
  std::string grid, street, leaf, top, dept, status, month;
  std::int64_t day = 0, id = 0;
};

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cube_.set_reference(test_tree(), test_catalog());
    std::mt19937 rng(42);
    const char* grids[] = {"S1-C1-G1", "S1-C1-G2", "S2-C1-G1"};
    const char* leaves[] = {"C1-01-01", "C1-01-02", "C2"};
    for (std::int64_t id = 1; id <= 3000; ++id) {
      Made m;
      m.id = id;
      m.grid = grids[rng() % 3];
      m.street = m.grid.substr(0, 2);
      m.leaf = leaves[rng() % 3];
      m.top = m.leaf.substr(0, 2);
      // Not in day order: ids and days are independent, as after an import of shuffled lines.
      m.day = days_from_civil(2024, 1, 1) + static_cast<std::int64_t>(rng() % 400);
      CaseBuilder b(id, m.day * kMillisPerDay + 3 * kMillisPerHour, m.grid, m.leaf);
      if (rng() % 4) {
        m.dept = rng() % 2 ? "D1" : "D2";
        b.lead(m.dept, b.c.created_at, b.c.created_at + kMillisPerDay);
        if (rng() % 2) b.closed(b.c.created_at + 2 * kMillisPerDay);
      }
      m.status = std::string(cases::name(b.c.status));
      int y = 0;
      unsigned mo = 0, d = 0;
      civil_from_days(m.day, y, mo, d);
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02u", y, mo);
      m.month = buf;
      cube_.update(b.c, {});
      made_.push_back(m);
    }
  }

  std::map<std::string, std::int64_t> counts(
      const std::string& dims, std::vector<std::pair<std::string, std::string>> extra = {}) {
    extra.emplace_back("dims", dims);
    auto q = parse_count_query(extra);
    EXPECT_TRUE(q.has_value());
    std::map<std::string, std::int64_t> out;
    const json::object r = run_counts(cube_, *q, {true, {}, {}});
    std::int64_t sum = 0;
    for (const auto& row : r.at("rows").as_array()) {
      std::string key;
      for (const auto& [k, v] : row.as_object())
        if (k != "count") key += (v.is_string() ? std::string(v.as_string()) : "-") + "|";
      out[key] = row.at("count").as_int64();
      sum += out[key];
    }
    EXPECT_EQ(sum, r.at("total").as_int64());
    return out;
  }

  WorkCalendar cal_ = test_calendar();
  Cube cube_{cal_};
  std::vector<Made> made_;
};

TEST_F(ScanTest, CountsMatchBruteForce) {
  std::map<std::string, std::int64_t> by_top_month, by_street_status, by_leaf_in_s1, by_dept_q2;
  for (const auto& m : made_) {
    ++by_top_month[m.top + "|" + m.month + "|"];
    ++by_street_status[m.street + "|" + m.status + "|"];
    if (m.street == "S1") ++by_leaf_in_s1[m.leaf + "|"];
    if (m.day >= days_from_civil(2024, 4, 1) && m.day < days_from_civil(2024, 7, 1) &&
        m.leaf.starts_with("C1-01"))
      ++by_dept_q2[(m.dept.empty() ? "-" : m.dept) + "|"];
  }
  EXPECT_EQ(counts("category,month"), by_top_month);
  EXPECT_EQ(counts("street,status"), by_street_status);
  EXPECT_EQ(counts("category", {{"category_level", "3"}, {"street", "S1"}}), by_leaf_in_s1);
  EXPECT_EQ(
      counts("department", {{"from", "2024-04-01"}, {"to", "2024-07-01"}, {"category", "C1-01"}}),
      by_dept_q2);
  // Four dimensions with days: more groups than rows, still exact.
  std::map<std::string, std::int64_t> fine;
  for (const auto& m : made_)
    ++fine[m.grid + "|" + m.leaf + "|" + format_day(m.day) + "|" + m.status + "|"];
  EXPECT_EQ(counts("grid,category,day,status", {{"category_level", "3"}}), fine);
}

TEST_F(ScanTest, RepeatsMatchBruteForce) {
  // 复诉: an earlier case (by day, then id) of the same leaf at the same grid within 30 days.
  std::map<std::string, std::int64_t> expected;
  for (const auto& a : made_) {
    bool repeated = false;
    for (const auto& b : made_)
      if (b.id != a.id && b.grid == a.grid && b.leaf == a.leaf &&
          (b.day < a.day || (b.day == a.day && b.id < a.id)) && a.day - b.day <= 30)
        repeated = true;
    // Registered cases only (all of these are).
    if (repeated) ++expected[a.street];
  }
  const auto units = unit_counts(cube_, UnitBy::kStreet, {}, {true, {}, {}}, RateConfig{},
                                 days_from_civil(2025, 6, 1));
  std::map<std::string, std::int64_t> got;
  for (const auto& [code, u] : units)
    if (u.repeated) got[code] = u.repeated;
  EXPECT_EQ(got, expected);
}

// Above 1 M rows the scans run in two halves on two threads; the answers must not change.
TEST(LargeScanTest, TwoHalvesCountLikeOne) {
  WorkCalendar cal = test_calendar();
  Cube cube(cal);
  cube.set_reference(test_tree(), test_catalog());
  const char* grids[] = {"S1-C1-G1", "S1-C1-G2", "S2-C1-G1"};
  const char* leaves[] = {"C1-01-01", "C1-01-02", "C2"};
  constexpr std::int64_t kRows = (1 << 20) + 4099;
  std::map<std::string, std::int64_t> expected;
  std::int64_t d1_dispatched = 0;
  for (std::int64_t id = 1; id <= kRows; ++id) {
    const std::int64_t day = days_from_civil(2024, 1, 1) + id % 97;
    CaseBuilder b(id, day * kMillisPerDay, grids[id % 3], leaves[id % 7 % 3]);
    if (id % 5 == 0) {
      b.lead("D1", b.c.created_at, b.c.created_at + kMillisPerDay);
      ++d1_dispatched;
    }
    cube.update(b.c, {});
    ++expected[std::string(grids[id % 3]).substr(0, 2) + "|" + leaves[id % 7 % 3] + "|"];
  }
  auto q = parse_count_query({{"dims", "street,category"}, {"category_level", "3"}});
  ASSERT_TRUE(q);
  const json::object r = run_counts(cube, *q, {true, {}, {}});
  EXPECT_EQ(r.at("total").as_int64(), kRows);
  std::map<std::string, std::int64_t> got;
  for (const auto& row : r.at("rows").as_array())
    got[std::string(row.at("street").as_string()) + "|" +
        std::string(row.at("category").as_string()) + "|"] = row.at("count").as_int64();
  EXPECT_EQ(got, expected);
  const auto units = unit_counts(cube, UnitBy::kDepartment, {}, {true, {}, {}}, RateConfig{},
                                 days_from_civil(2025, 1, 1), false);
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0].first, "D1");
  EXPECT_EQ(units[0].second.dispatched, d1_dispatched);
}

}  // namespace
}  // namespace civicgrid::analytics
