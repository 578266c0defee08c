#include "analytics/cube.h"

#include <gtest/gtest.h>

#include "analytics/query.h"
#include "analytics/test_fixture.h"

namespace civicgrid::analytics {
namespace {

using namespace analytics::testing;
namespace json = boost::json;
using cases::Action;

class CubeTest : public ::testing::Test {
 protected:
  void SetUp() override { cube_.set_reference(test_tree(), test_catalog()); }
  std::int64_t total(const std::vector<std::pair<std::string, std::string>>& params,
                     const identity::DataScope& scope = {true, {}, {}}) {
    auto q = parse_count_query(params);
    EXPECT_TRUE(q.has_value());
    return run_counts(cube_, *q, scope).at("total").as_int64();
  }
  WorkCalendar cal_ = test_calendar();
  Cube cube_{cal_};
};

TEST_F(CubeTest, RowsAreCompact) {
  EXPECT_LE(Cube::bytes_per_case(), 64u);
  EXPECT_EQ(Cube::bytes_per_case(), 26u);
}

TEST_F(CubeTest, MemoryGrowsLinearly) {
  constexpr int kN = 200000;
  for (int id = 1; id <= kN; ++id)
    cube_.update(CaseBuilder(id, at(2024, 3, 1), "S1-C1-G1", "C2").c, {});
  EXPECT_EQ(cube_.cases(), static_cast<size_t>(kN));
  // Geometric growth leaves at most half the capacity unused.
  EXPECT_LE(cube_.memory_bytes(), Cube::bytes_per_case() * kN * 3 / 2 + 4096);
}

TEST_F(CubeTest, AnOlderVersionArrivingLateIsIgnored) {
  CaseBuilder b(5, at(2024, 3, 1), "S1-C1-G1", "C2");
  b.c.version = 3;
  b.lead("D1", 0, 1);
  cube_.update(b.c, {});
  CaseBuilder older(5, at(2024, 3, 1), "S1-C1-G1", "C2");
  older.c.version = 2;
  cube_.update(older.c, {});
  EXPECT_EQ(total({{"status", "dispatched"}}), 1);
}

TEST_F(CubeTest, AreasAndCategoriesRollUp) {
  cube_.update(CaseBuilder(1, at(2024, 3, 1), "S1-C1-G2", "C1-01-02").c, {});
  auto lock = cube_.lock_shared();
  const auto a = cube_.area_[1];
  EXPECT_EQ(cube_.areas_.code(cube_.area_grid_[a]), "S1-C1-G2");
  EXPECT_EQ(cube_.areas_.code(cube_.area_community_[a]), "S1-C1");
  EXPECT_EQ(cube_.areas_.code(cube_.area_street_[a]), "S1");
  const auto& lv = cube_.category_levels_[cube_.category_[1]];
  EXPECT_EQ(cube_.categories_.code(lv[0]), "C1");
  EXPECT_EQ(cube_.categories_.code(lv[1]), "C1-01");
  EXPECT_EQ(cube_.categories_.code(lv[2]), "C1-01-02");
}

TEST_F(CubeTest, UpdateReplacesTheRow) {
  CaseBuilder b(7, at(2024, 3, 1), "S1-C1-G1", "C2");
  cube_.update(b.c, {});
  b.lead("D1", at(2024, 3, 1, 10), at(2024, 3, 1, 12));
  cube_.update(b.c, {});
  EXPECT_EQ(cube_.cases(), 1u);
  EXPECT_EQ(total({{"status", "dispatched"}}), 1);
  EXPECT_EQ(total({{"status", "registered"}}), 0);
  EXPECT_EQ(total({{"department", "D1"}}), 1);
}

TEST_F(CubeTest, ContactedComesFromEventsAndSurvivesSilentUpdates) {
  CaseBuilder b(3, at(2024, 3, 1), "S1-C1-G1", "C2");
  b.lead("D1", at(2024, 3, 1, 10), at(2024, 3, 1, 12), at(2024, 3, 1, 11));
  const cases::CaseEvent acc[] = {accept_event(3, true)};
  cube_.update(b.c, acc);
  const cases::CaseEvent sweep[] = {event(3, Action::kOverdue), event(3, Action::kSupervise)};
  b.c.overdue = true;
  cube_.update(b.c, sweep);
  {
    auto lock = cube_.lock_shared();
    EXPECT_TRUE(cube_.flags_[3] & kContacted);
    EXPECT_TRUE(cube_.flags_[3] & kOverdue);
    EXPECT_TRUE(cube_.flags_[3] & kAcceptedOnTime);
  }
  // A new dispatch starts over: the new lead has not contacted anyone yet.
  b.lead("D2", at(2024, 3, 2, 10), at(2024, 3, 2, 12));
  const cases::CaseEvent redispatch[] = {accept_event(3, true), event(3, Action::kDispatch)};
  cube_.update(b.c, redispatch);
  auto lock = cube_.lock_shared();
  EXPECT_FALSE(cube_.flags_[3] & kContacted);
  EXPECT_FALSE(cube_.flags_[3] & kAcceptedOnTime);
  EXPECT_EQ(cube_.departments_.code(cube_.department_[3]), "D2");
}

TEST_F(CubeTest, CountsGroupFilterAndTop) {
  cube_.update(CaseBuilder(1, at(2024, 3, 1), "S1-C1-G1", "C1-01-01").c, {});
  cube_.update(CaseBuilder(2, at(2024, 3, 31, 23, 30), "S1-C1-G2", "C1-01-02").c, {});
  cube_.update(CaseBuilder(3, at(2024, 4, 1, 0, 10), "S2-C1-G1", "C1-01-01").c, {});
  cube_.update(CaseBuilder(4, at(2024, 4, 2), "S2-C1-G1", "C2").c, {});
  auto q = parse_count_query({{"dims", "category,month"}});
  ASSERT_TRUE(q);
  json::object r = run_counts(cube_, *q, {true, {}, {}});
  EXPECT_EQ(r.at("total").as_int64(), 4);
  const auto& rows = r.at("rows").as_array();
  ASSERT_EQ(rows.size(), 3u);
  // Largest group first: C1 in March (two cases, the second at 23:30 China time on the 31st).
  EXPECT_EQ(rows[0].at("category").as_string(), "C1");
  EXPECT_EQ(rows[0].at("month").as_string(), "2024-03");
  EXPECT_EQ(rows[0].at("count").as_int64(), 2);

  EXPECT_EQ(total({{"category", "C1-01"}}), 3);
  EXPECT_EQ(total({{"category", "C1-01-01"}, {"street", "S2"}}), 1);
  EXPECT_EQ(total({{"from", "2024-04-01"}}), 2);
  EXPECT_EQ(total({{"from", "2024-03-01"}, {"to", "2024-04-01"}}), 2);
  EXPECT_EQ(total({{"grid", "NO-SUCH"}}), 0);
  EXPECT_EQ(total({{"week", "2024-W14"}}), 2);  // Mon 2024-04-01 .. Sun 04-07

  auto top = parse_count_query({{"dims", "grid"}, {"top", "1"}});
  json::object t = run_counts(cube_, *top, {true, {}, {}});
  ASSERT_EQ(t.at("rows").as_array().size(), 1u);
  EXPECT_EQ(t.at("rows").as_array()[0].at("grid").as_string(), "S2-C1-G1");
  EXPECT_EQ(t.at("total").as_int64(), 4);

  auto level2 =
      parse_count_query({{"dims", "category"}, {"category_level", "3"}, {"street", "S1"}});
  json::object l = run_counts(cube_, *level2, {true, {}, {}});
  EXPECT_EQ(l.at("rows").as_array().size(), 2u);
}

TEST_F(CubeTest, ScopeLimitsRows) {
  cube_.update(CaseBuilder(1, at(2024, 3, 1), "S1-C1-G1", "C2").c, {});
  cube_.update(CaseBuilder(2, at(2024, 3, 1), "S2-C1-G1", "C2").lead("D1", 0, 1).c, {});
  cube_.update(CaseBuilder(3, at(2024, 3, 1), "S2-C1-G1", "C2").c, {});
  identity::DataScope street{false, {"S1", "S1-C1", "S1-C1-G1", "S1-C1-G2"}, {}};
  EXPECT_EQ(total({}, street), 1);
  identity::DataScope dept{false, {}, {"D1"}};
  EXPECT_EQ(total({}, dept), 1);
  EXPECT_EQ(total({}, identity::DataScope{}), 0);
}

TEST_F(CubeTest, BadParametersNameTheField) {
  auto dim = parse_count_query({{"dims", "category,colour"}});
  ASSERT_FALSE(dim);
  EXPECT_EQ(dim.error().field(), "dims");
  auto date = parse_count_query({{"from", "2024-02-30"}});
  ASSERT_FALSE(date);
  EXPECT_EQ(date.error().field(), "from");
  auto filter = parse_count_query({{"colour", "red"}});
  ASSERT_FALSE(filter);
  EXPECT_EQ(filter.error().field(), "colour");
  EXPECT_FALSE(parse_count_query({{"top", "0"}}));
  EXPECT_FALSE(parse_count_query({{"category_level", "4"}}));
}

}  // namespace
}  // namespace civicgrid::analytics
