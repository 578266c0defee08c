// The cube snapshot: a cube and staff ledger written and read back answer every query as the
// original did, and go on doing so under the same updates; a damaged, foreign or outdated file is
// refused with its reason and leaves an empty cube behind.
#include "analytics/cube_snapshot.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "analytics/query.h"
#include "analytics/test_fixture.h"

namespace civicgrid::analytics {
namespace {

using namespace analytics::testing;
namespace fs = std::filesystem;
namespace json = boost::json;

// Every answer the tests compare: counts over several shapes, rates and indicators per unit type,
// and the staff capacity per post.
std::string answers(const Cube& cube, const StaffLedger& staff) {
  std::string out;
  const identity::DataScope all{true, {}, {}};
  for (const auto& dims :
       {"category,month", "street,status", "grid,category,day,status", "department,channel,type"}) {
    auto q = parse_count_query({{"dims", dims}, {"category_level", "3"}});
    EXPECT_TRUE(q.has_value());
    out += json::serialize(run_counts(cube, *q, all)) + "\n";
  }
  const std::int64_t today = days_from_civil(2025, 6, 1);
  for (UnitBy by : {UnitBy::kStreet, UnitBy::kGrid, UnitBy::kDepartment}) {
    const auto units = unit_counts(cube, by, {}, all, RateConfig{}, today);
    out += json::serialize(rates_json(units, by, RateConfig{})) + "\n";
    out += json::serialize(indicators_json(units)) + "\n";
  }
  const Period year{days_from_civil(2024, 1, 1), days_from_civil(2025, 3, 1)};
  for (Post post : {Post::kGridWorker, Post::kDispatcher, Post::kHandler}) {
    const CapacityResult r = staff.capacity(cube, post, year, all);
    for (const auto& p : r.people)
      out += p.username + ":" + std::to_string(p.patrol_reports) + "/" +
             std::to_string(p.verifications_on_time) + "/" + std::to_string(p.dispatches) + "/" +
             std::to_string(p.dispatches_returned) + "/" + std::to_string(p.handled) + "\n";
    for (const auto& g : r.grids) out += g.grid + ":" + std::to_string(g.cases) + "\n";
  }
  return out;
}

// Every entry of a rollup table as "period key=value" lines, in the table's own order.
template <class V, class F>
std::vector<std::string> entries(const PeriodTable<V>& table, F&& value) {
  std::vector<std::string> out;
  for (std::uint32_t p = 0; p < table.periods(); ++p)
    table.for_each(p, [&](std::uint64_t key, const V& v) {
      out.push_back(std::to_string(p) + " " + std::to_string(key) + "=" + value(v));
    });
  return out;
}

// The entries of every rollup table, one list per table.
std::vector<std::vector<std::string>> rollup_entries(const Rollups& r) {
  std::vector<std::vector<std::string>> out;
  const auto count = [](std::uint32_t n) { return std::to_string(n); };
  for (const auto* t : r.counts()) out.push_back(entries(*t, count));
  const auto units = [](const UnitSums& u) {
    std::string s = std::to_string(u.close_minutes);
    for (std::uint32_t n : u.n) s += "," + std::to_string(n);
    return s;
  };
  for (const auto* t : {&r.units_day, &r.units_month, &r.category_units_year})
    out.push_back(entries(*t, units));
  const auto due = [](const DueSums& d) {
    return std::to_string(d.due) + "," + std::to_string(d.closed) + "," +
           std::to_string(d.closed_on_time);
  };
  for (const auto* t : {&r.due_day, &r.due_month}) out.push_back(entries(*t, due));
  return out;
}

// The same without entries whose value is all zeros (an updated cube keeps those), sorted.
std::vector<std::vector<std::string>> nonzero_entries(const Rollups& r) {
  auto tables = rollup_entries(r);
  for (auto& t : tables) {
    std::erase_if(t, [](const std::string& e) {
      return e.find_first_not_of("0,", e.find('=') + 1) == std::string::npos;
    });
    std::sort(t.begin(), t.end());
  }
  return tables;
}

cases::CaseEvent by(std::int64_t id, cases::Action a, std::string actor, Timestamp at) {
  cases::CaseEvent e = event(id, a);
  e.actor = "user:" + actor;
  e.at = at;
  return e;
}

class CubeSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cg_snapshot_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "cube.snapshot").string();
    cube_.set_reference(test_tree(), test_catalog());
    copy_.set_reference(test_tree(), test_catalog());
    for (std::int64_t id = 1; id <= 1500; ++id) apply(id, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Case `id` in its `step`-th version (a later step changes status, department, evaluation), to
  // both the original and — when `both` — the copy.
  void apply(std::int64_t id, int step, bool both = false) {
    std::mt19937 rng(static_cast<unsigned>(id * 7919 + step));
    const char* grids[] = {"S1-C1-G1", "S1-C1-G2", "S2-C1-G1", "S1"};
    const char* leaves[] = {"C1-01-01", "C1-01-02", "C2", "X9"};
    const Timestamp created = at(2024, 1 + rng() % 12, 1 + rng() % 28, 9);
    CaseBuilder b(id, created, grids[rng() % 4], leaves[rng() % 4]);
    b.c.version = 1 + step;
    b.c.channel = rng() % 3 ? cases::Channel::kHotline : cases::Channel::kPatrol;
    std::vector<cases::CaseEvent> events{
        by(id, cases::Action::kSubmit, "w" + std::to_string(rng() % 4), created)};
    if (rng() % 5 || step > 0) {
      const std::string dept = (rng() + step) % 2 ? "D1" : "D2";
      b.lead(dept, created + kMillisPerHour, created + kMillisPerDay,
             rng() % 2 ? created + 2 * kMillisPerHour : 0);
      events.push_back(by(id, cases::Action::kDispatch, "d" + std::to_string(rng() % 3),
                          created + kMillisPerHour));
      events.push_back(accept_event(id, rng() % 2));
      if ((rng() + step) % 3 == 0) {
        b.closed(created + (1 + rng() % 9) * kMillisPerDay);
        events.push_back(by(id, cases::Action::kHandle, "h" + std::to_string(rng() % 3),
                            b.c.closed_at - kMillisPerHour));
        if (rng() % 2) b.evaluated(rng() % 2 ? "resolved" : "partly", "satisfied");
      }
    }
    cube_.update(b.c, events);
    staff_.update(b.c, events);
    if (both) {
      copy_.update(b.c, events);
      copy_staff_.update(b.c, events);
    }
  }

  void save() {
    const std::string image = CubeSnapshot::capture(cube_, staff_, 1000, 2000);
    ASSERT_TRUE(CubeSnapshot::write_file(path_, image).has_value());
  }

  fs::path dir_;
  std::string path_;
  WorkCalendar cal_ = test_calendar();
  Cube cube_{cal_}, copy_{cal_};
  StaffLedger staff_{cal_}, copy_staff_{cal_};
};

TEST_F(CubeSnapshotTest, LoadedCubeAnswersAsTheOriginalAndFollowsTheSameUpdates) {
  save();
  auto w = CubeSnapshot::load(path_, copy_, copy_staff_);
  ASSERT_TRUE(w.has_value()) << w.error().message_en();
  EXPECT_EQ(w->max_id, 1500);
  EXPECT_EQ(w->changed_since, 1000);
  EXPECT_EQ(w->written_at, 2000);
  EXPECT_EQ(copy_.cases(), cube_.cases());
  EXPECT_EQ(copy_.flags_, cube_.flags_);  // 复诉 flags rebuilt, the others as stored
  EXPECT_EQ(copy_staff_.facts(), staff_.facts());
  const std::string before = answers(cube_, staff_);
  EXPECT_EQ(answers(copy_, copy_staff_), before);
  // The comparison covers 复诉: some rows carry the flag.
  EXPECT_GT(std::count_if(cube_.flags_.begin(), cube_.flags_.end(),
                          [](std::uint16_t f) { return (f & kRepeated) != 0; }),
            10);

  // Changes after the snapshot (new versions and new cases) keep the two alike.
  for (std::int64_t id = 1; id <= 1500; id += 7) apply(id, 1, true);
  for (std::int64_t id = 1501; id <= 1700; ++id) apply(id, 0, true);
  EXPECT_EQ(answers(copy_, copy_staff_), answers(cube_, staff_));
  EXPECT_NE(answers(cube_, staff_), before);
}

TEST_F(CubeSnapshotTest, LoadMatchesARebuildWithAnotherRepeatWindow) {
  save();
  const auto flags_at_30_days = cube_.flags_;
  cube_.set_repeat_days(7);
  // The stored flags (30 days) are wrong for 7: the load corrects every such row, on one thread
  // or two.
  ASSERT_NE(cube_.flags_, flags_at_30_days);
  for (int threads : {1, 2}) {
    copy_.set_repeat_days(7);
    auto w = CubeSnapshot::load(path_, copy_, copy_staff_, threads);
    ASSERT_TRUE(w.has_value());
    EXPECT_EQ(w->derive.threads, threads);
    EXPECT_EQ(copy_.flags_, cube_.flags_) << threads;
    EXPECT_EQ(answers(copy_, copy_staff_), answers(cube_, staff_)) << threads;
    EXPECT_EQ(nonzero_entries(copy_.rollups_), nonzero_entries(cube_.rollups_)) << threads;
  }
}

TEST_F(CubeSnapshotTest, TwoThreadsRebuildTheSameTablesAsOne) {
  // A case replaced after its first version leaves zero entries behind in the original's tables.
  for (std::int64_t id = 3; id <= 1500; id += 11) apply(id, 1);
  save();
  Cube two{cal_};
  StaffLedger two_staff{cal_};
  two.set_reference(test_tree(), test_catalog());
  auto w1 = CubeSnapshot::load(path_, copy_, copy_staff_, 1);
  auto w2 = CubeSnapshot::load(path_, two, two_staff, 2);
  ASSERT_TRUE(w1.has_value() && w2.has_value());
  EXPECT_EQ(w1->derive.threads, 1);
  EXPECT_EQ(w2->derive.threads, 2);
  // The cases span 2024's months, so the two halves of the rollups meet in the year tables and in
  // the deadline tables: those entries are added up, the other periods moved over.
  EXPECT_GT(w2->derive.rollups2_s, 0.0);
  EXPECT_EQ(rollup_entries(two.rollups_), rollup_entries(copy_.rollups_));  // order included
  EXPECT_EQ(two.rows_by_day_, copy_.rows_by_day_);
  EXPECT_EQ(two.flags_, copy_.flags_);
  EXPECT_EQ(two.cases(), copy_.cases());
  EXPECT_EQ(two.min_created_day_, copy_.min_created_day_);
  EXPECT_EQ(two.max_created_day_, copy_.max_created_day_);
  EXPECT_EQ(two.repeat_index_bytes(), copy_.repeat_index_bytes());

  // Both hold what the updates built, apart from the zero entries, and answer alike.
  EXPECT_EQ(nonzero_entries(two.rollups_), nonzero_entries(cube_.rollups_));
  EXPECT_EQ(two.flags_, cube_.flags_);
  // A replaced row may have left the original's bounds of created days wider.
  EXPECT_GE(two.min_created_day_, cube_.min_created_day_);
  EXPECT_LE(two.max_created_day_, cube_.max_created_day_);
  for (size_t day = 0; day < cube_.rows_by_day_.size(); ++day) {
    auto rows = cube_.rows_by_day_[day];
    std::sort(rows.begin(), rows.end());
    const auto got = day < two.rows_by_day_.size() ? two.rows_by_day_[day] : decltype(rows){};
    EXPECT_EQ(got, rows) << day;  // by id within a day after a load
  }
  EXPECT_EQ(answers(two, two_staff), answers(cube_, staff_));
  // The indexes are built at their exact sizes: never more memory than the updates left.
  EXPECT_LE(two.day_index_bytes(), cube_.day_index_bytes());
  EXPECT_LE(two.repeat_index_bytes(), cube_.repeat_index_bytes());
}

TEST_F(CubeSnapshotTest, DamagedFilesAreRefusedWithTheirReason) {
  save();
  const auto size = fs::file_size(path_);
  std::string bytes;
  {
    std::ifstream in(path_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto refused = [&](const std::string& content, const std::string& reason) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
    auto w = CubeSnapshot::load(path_, copy_, copy_staff_);
    ASSERT_FALSE(w.has_value()) << reason;
    EXPECT_NE(w.error().message_en().find(reason), std::string::npos)
        << w.error().message_en() << " (expected " << reason << ")";
    // Nothing of it stays behind: the full rebuild starts from an empty cube.
    EXPECT_EQ(copy_.cases(), 0u);
    EXPECT_EQ(copy_.rows(), 0u);
    EXPECT_EQ(copy_.categories_.size(), 1u);
    EXPECT_EQ(copy_staff_.facts(), 0u);
  };
  refused(bytes.substr(0, size / 2), "truncated");
  refused(bytes.substr(0, 20), "truncated header");
  std::string flipped = bytes;
  flipped[size / 2] = static_cast<char>(flipped[size / 2] ^ 0x10);
  refused(flipped, "checksum");
  std::string version = bytes;
  version[8] = 9;
  refused(version, "format version 9");
  std::string layout = bytes;
  layout[16] = static_cast<char>(layout[16] + 1);
  refused(layout, "another cube layout");
  refused("hello, world, this is not a cube snapshot at all", "not a cube snapshot");
  fs::remove(path_);
  refused("", "");  // an empty file
  auto missing = CubeSnapshot::load((dir_ / "none").string(), copy_, copy_staff_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message_en().find("no snapshot"), std::string::npos);
  // The intact file still loads after all that.
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_TRUE(CubeSnapshot::load(path_, copy_, copy_staff_).has_value());
}

// The test catalog with `change` applied to its categories.
std::shared_ptr<const cases::Catalog> catalog_with(
    const std::function<void(std::vector<cases::Category>&)>& change) {
  std::vector<cases::Category> c = test_catalog()->categories();
  change(c);
  return std::make_shared<const cases::Catalog>(std::move(c), std::vector<cases::RoutingRule>{},
                                                std::vector<cases::TimeLimit>{});
}

TEST_F(CubeSnapshotTest, ARollUpChangedByTheCatalogOrTheOrgTreeIsRefused) {
  save();
  // C1-01-02 moves under C2: its level-1 ancestor changes.
  copy_.set_reference(test_tree(), catalog_with([](auto& c) {
                        for (auto& cat : c)
                          if (cat.code == "C1-01-02") cat.parent = "C2", cat.level = 2;
                      }));
  auto w = CubeSnapshot::load(path_, copy_, copy_staff_);
  ASSERT_FALSE(w.has_value());
  EXPECT_NE(w.error().message_en().find("category catalog changed"), std::string::npos)
      << w.error().message_en();

  // A grid moved to another community.
  std::vector<identity::OrgUnit> units = test_tree()->units();
  for (auto& u : units)
    if (u.code == "S1-C1-G2") u.parent = "S2-C1";
  copy_.set_reference(std::make_shared<const identity::OrgTree>(std::move(units)), test_catalog());
  w = CubeSnapshot::load(path_, copy_, copy_staff_);
  ASSERT_FALSE(w.has_value());
  EXPECT_NE(w.error().message_en().find("org tree changed"), std::string::npos)
      << w.error().message_en();

  // Units and categories that no stored code uses may change freely.
  copy_.set_reference(test_tree(), catalog_with([](auto& c) {
                        c.push_back({"C3", "新分类", "", "", 1, true});
                      }));
  EXPECT_TRUE(CubeSnapshot::load(path_, copy_, copy_staff_).has_value());
}

}  // namespace
}  // namespace civicgrid::analytics
