#include "store/migration.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

namespace civicgrid::store {
namespace {

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "cg_migr_XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    DatabaseOptions options;
    options.url = dir_.string();
    auto db = open_database(options);
    ASSERT_TRUE(db.has_value()) << db.error().detail();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  Result<std::vector<AppliedMigration>> apply(std::span<const Migration> sqlite,
                                              std::span<const Migration> postgres = {}) {
    const MigrationSet set{"m", sqlite, postgres};
    return apply_migrations(*db_, std::span(&set, 1));
  }
  bool table_exists(const std::string& name) {
    auto r = db_->read([&](Session& s) {
      return s.query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
                     {name});
    });
    return r && r->rows[0].i64(0) == 1;
  }
  std::vector<std::int64_t> recorded_versions(const std::string& module = "m") {
    auto r = db_->read([&](Session& s) {
      return s.query("SELECT version FROM schema_migrations WHERE module = $1 ORDER BY version",
                     {module});
    });
    std::vector<std::int64_t> out;
    if (r) {
      for (const Row& row : r->rows) out.push_back(row.i64(0));
    }
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

const Migration kV1{"m", 1, "create_a", "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);"};
const Migration kV2{"m", 2, "add_y",
                    "ALTER TABLE a ADD COLUMN y INTEGER;\nINSERT INTO a (x) "
                    "VALUES ('seed');"};

TEST_F(MigrationTest, AppliesInOrderAndRecordsEach) {
  const Migration sqlite[] = {kV1, kV2};
  auto applied = apply(sqlite);
  ASSERT_TRUE(applied.has_value()) << applied.error().detail();
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[0].version, 1);
  EXPECT_EQ((*applied)[0].name, "create_a");
  EXPECT_EQ((*applied)[1].version, 2);
  EXPECT_EQ((*applied)[1].module, "m");
  EXPECT_EQ(recorded_versions(), (std::vector<std::int64_t>{1, 2}));
  auto rows = db_->read([](Session& s) {
    return s.query("SELECT name, checksum, applied_at FROM schema_migrations ORDER BY version");
  });
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->rows[1].str(0), "add_y");
  EXPECT_EQ(rows->rows[0].str(1).size(), 16u);
  EXPECT_NE(rows->rows[0].str(1), rows->rows[1].str(1));
  EXPECT_GT(rows->rows[0].i64(2), 1'600'000'000'000);
  auto seed = db_->read([](Session& s) { return s.query("SELECT x, y FROM a"); });
  ASSERT_TRUE(seed.has_value());
  EXPECT_EQ(seed->rows.at(0).str(0), "seed");
}

TEST_F(MigrationTest, SecondRunAppliesNothing) {
  const Migration sqlite[] = {kV1, kV2};
  ASSERT_TRUE(apply(sqlite).has_value());
  auto again = apply(sqlite);
  ASSERT_TRUE(again.has_value()) << again.error().detail();
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(recorded_versions(), (std::vector<std::int64_t>{1, 2}));
}

TEST_F(MigrationTest, LaterVersionsApplyOnTopOfEarlierOnes) {
  const Migration first[] = {kV1};
  ASSERT_TRUE(apply(first).has_value());
  const Migration both[] = {kV1, kV2};
  auto applied = apply(both);
  ASSERT_TRUE(applied.has_value());
  ASSERT_EQ(applied->size(), 1u);
  EXPECT_EQ((*applied)[0].version, 2);
}

TEST_F(MigrationTest, PicksTheDialectsSetAndSkipsPlaceholders) {
  const Migration placeholder[] = {{"m", 0, "", ""}};
  const Migration postgres[] = {{"m", 1, "pg_only", "THIS IS NOT SQLITE"}};
  auto applied = apply(placeholder, postgres);
  ASSERT_TRUE(applied.has_value()) << applied.error().detail();
  EXPECT_TRUE(applied->empty());
  EXPECT_TRUE(recorded_versions().empty());
  EXPECT_TRUE(table_exists("schema_migrations"));
}

TEST_F(MigrationTest, BrokenMigrationLeavesNoTraceAndKeepsEarlierVersions) {
  const Migration broken{"m", 2, "broken", "CREATE TABLE b (id INTEGER);\nCREATE TABLEX oops;"};
  const Migration sqlite[] = {kV1, broken};
  auto applied = apply(sqlite);
  ASSERT_FALSE(applied.has_value());
  const Error& e = applied.error();
  EXPECT_EQ(e.code(), ErrorCode::kInternal);
  EXPECT_NE(e.detail().find("m V2"), std::string::npos) << e.detail();
  EXPECT_NE(e.detail().find("broken"), std::string::npos) << e.detail();
  EXPECT_NE(e.detail().find("syntax error"), std::string::npos) << e.detail();
  EXPECT_FALSE(table_exists("b"));
  EXPECT_TRUE(table_exists("a"));
  EXPECT_EQ(recorded_versions(), (std::vector<std::int64_t>{1}));
}

TEST_F(MigrationTest, ChangedMigrationIsRefused) {
  const Migration sqlite[] = {kV1};
  ASSERT_TRUE(apply(sqlite).has_value());
  const Migration changed[] = {{"m", 1, "create_a", "CREATE TABLE a (id INTEGER PRIMARY KEY);"}};
  auto applied = apply(changed);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(applied.error().detail(), "migration m V1 was changed after it was applied");
}

TEST_F(MigrationTest, VersionsMustStrictlyIncrease) {
  const Migration sqlite[] = {kV2, kV1};
  auto applied = apply(sqlite);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code(), ErrorCode::kInternal);
  EXPECT_FALSE(table_exists("a"));
}

TEST_F(MigrationTest, VersionAddedBelowAnAppliedOneIsRefused) {
  const Migration v3{"m", 3, "later", "CREATE TABLE c (id INTEGER);"};
  const Migration first[] = {kV1, v3};
  ASSERT_TRUE(apply(first).has_value());
  const Migration with_gap_filled[] = {kV1, kV2, v3};
  auto applied = apply(with_gap_filled);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(recorded_versions(), (std::vector<std::int64_t>{1, 3}));
}

TEST_F(MigrationTest, ModulesAreAppliedInTheGivenOrder) {
  const Migration base[] = {
      {"base", 1, "create_base", "CREATE TABLE base (id INTEGER PRIMARY KEY);"}};
  const Migration dependent[] = {
      {"dep", 1, "create_dep", "CREATE TABLE dep (base_id INTEGER REFERENCES base(id));"}};
  const MigrationSet sets[] = {{"base", base, {}}, {"dep", dependent, {}}};
  auto applied = apply_migrations(*db_, sets);
  ASSERT_TRUE(applied.has_value()) << applied.error().detail();
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[0].module, "base");
  EXPECT_EQ((*applied)[1].module, "dep");
  EXPECT_EQ(recorded_versions("dep"), (std::vector<std::int64_t>{1}));
}

}  // namespace
}  // namespace civicgrid::store
