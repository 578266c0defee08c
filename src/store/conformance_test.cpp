// Storage conformance: the contract of database.h, checked on every engine. The PostgreSQL cases
// run on a fresh database on the server named by CIVICGRID_TEST_PG_URL (scripts/run-tests sets it)
// and are skipped, saying why, when it is not set.
#include <gtest/gtest.h>
#include <atomic>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store/migration.h"
#include "store/scratch_store.h"

namespace civicgrid::store {
namespace {

enum class Engine { kSqlite, kPostgres };

std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

class Conformance : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<ScratchStore>(GetParam() == Engine::kPostgres, "cg_conf");
    if (!scratch_->skip.empty()) GTEST_SKIP() << scratch_->skip;
    auto db = open_database({.url = scratch_->url()});
    ASSERT_TRUE(db.has_value()) << db.error().message_en() << " " << db.error().detail();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->run_write([](Session& s) {
      return s.exec_script(
          "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, score DOUBLE "
          "PRECISION,"
          " n BIGINT NOT NULL DEFAULT 0);"
          "CREATE TABLE child (id BIGINT PRIMARY KEY, parent BIGINT NOT NULL REFERENCES t(id),"
          " qty BIGINT NOT NULL CHECK (qty >= 0));");
    }));
  }
  void TearDown() override {
    if (db_) db_->close();
    db_.reset();
    scratch_.reset();
  }

  Result<std::int64_t> insert(std::int64_t id, std::string name) {
    return db_->write([&](Session& s) {
      return s.execute("INSERT INTO t (id, name) VALUES ($1, $2)", {id, std::move(name)});
    });
  }

  std::unique_ptr<ScratchStore> scratch_;
  std::unique_ptr<Database> db_;
};

TEST_P(Conformance, ValuesRoundTripWithTheirTypes) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::string text = "市民热线 \"quoted\" 'single' $1 ?2 \\ ✓";
  ASSERT_TRUE(db_->write([&](Session& s) {
    return s.execute("INSERT INTO t (id, name, score) VALUES ($1, $2, $3)", {big, text, 0.1});
  }));
  ASSERT_TRUE(db_->write([&](Session& s) {
    return s.execute("INSERT INTO t (id, name, score) VALUES ($1, $2, $3)",
                     {std::int64_t{-5}, std::string("null score"), nullptr});
  }));
  auto r = db_->read(
      [](Session& s) { return s.query("SELECT id, name, score, n FROM t ORDER BY id DESC"); });
  ASSERT_TRUE(r) << r.error().detail();
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->columns, (std::vector<std::string>{"id", "name", "score", "n"}));
  EXPECT_EQ(std::get<std::int64_t>(r->rows[0].at(0)), big);
  EXPECT_EQ(r->rows[0].str(1), text);
  EXPECT_EQ(std::get<double>(r->rows[0].at(2)), 0.1);
  EXPECT_EQ(std::get<std::int64_t>(r->rows[0].at(3)), 0);
  EXPECT_TRUE(r->rows[1].is_null(2));
  EXPECT_EQ(r->rows[1].i64(0), -5);
}

TEST_P(Conformance, ParametersAreTypedByWhereTheyAreUsed) {
  ASSERT_TRUE(insert(1, "a"));
  // A text parameter where an integer is expected, one placeholder used twice, integer arithmetic
  // past 32 bits, aggregate types.
  auto r = db_->read([](Session& s) {
    return s.query(
        "SELECT id + $2, count(*), sum(n) FROM t WHERE id = $1 OR name = 'x' AND id = $1 GROUP BY "
        "id",
        {std::string("1"), std::int64_t{4'000'000'000}});
  });
  ASSERT_TRUE(r) << r.error().detail();
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].i64(0), 4'000'000'001);
  EXPECT_EQ(r->rows[0].i64(1), 1);
  EXPECT_EQ(r->rows[0].i64(2), 0);
}

TEST_P(Conformance, AffectedRowsCountChangesOnly) {
  ASSERT_TRUE(insert(1, "a"));
  ASSERT_TRUE(insert(2, "b"));
  auto changed = db_->write([](Session& s) {
    return s.execute("UPDATE t SET n = n + 1 WHERE id >= $1", {std::int64_t{1}});
  });
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed, 2);
  auto none = db_->write(
      [](Session& s) { return s.execute("UPDATE t SET n = 0 WHERE id = $1", {std::int64_t{99}}); });
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  auto sel = db_->read([](Session& s) { return s.query("SELECT * FROM t"); });
  ASSERT_TRUE(sel);
  EXPECT_EQ(sel->affected_rows, 0);
  auto returning = db_->write([](Session& s) {
    return s.query("INSERT INTO t (id, name) VALUES ($1, $2) RETURNING id",
                   {std::int64_t{3}, std::string("c")});
  });
  ASSERT_TRUE(returning);
  EXPECT_EQ(returning->rows.at(0).i64(0), 3);
  EXPECT_EQ(returning->affected_rows, 1);
}

TEST_P(Conformance, ConstraintViolationsMapToErrorKinds) {
  ASSERT_TRUE(insert(1, "a"));
  auto dup = insert(2, "a");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), ErrorCode::kConflict);
  auto dup_pk = insert(1, "other");
  ASSERT_FALSE(dup_pk);
  EXPECT_EQ(dup_pk.error().code(), ErrorCode::kConflict);
  auto fk = db_->write([](Session& s) {
    return s.execute("INSERT INTO child (id, parent, qty) VALUES (1, $1, 1)", {std::int64_t{42}});
  });
  ASSERT_FALSE(fk);
  EXPECT_EQ(fk.error().code(), ErrorCode::kInvalidArgument);
  auto check = db_->write([](Session& s) {
    return s.execute("INSERT INTO child (id, parent, qty) VALUES (1, 1, -1)");
  });
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().code(), ErrorCode::kInvalidArgument);
  auto notnull = db_->write(
      [](Session& s) { return s.execute("INSERT INTO t (id, name) VALUES (7, $1)", {nullptr}); });
  ASSERT_FALSE(notnull);
  EXPECT_EQ(notnull.error().code(), ErrorCode::kInvalidArgument);
  auto bad = db_->read([](Session& s) { return s.query("SELECT no_such_column FROM t"); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInternal);
  EXPECT_NE(bad.error().detail().find("no_such_column"), std::string::npos);
}

TEST_P(Conformance, AFailedBodyChangesNothing) {
  ASSERT_TRUE(insert(1, "a"));
  auto r = db_->run_write([](Session& s) -> Result<void> {
    if (auto u = s.execute("UPDATE t SET n = 5"); !u) return fail(u.error());
    return fail(Error::conflict("冲突", "conflict"));
  });
  ASSERT_FALSE(r);
  auto n = db_->read([](Session& s) { return s.query("SELECT n FROM t"); });
  ASSERT_TRUE(n);
  EXPECT_EQ(n->rows.at(0).i64(0), 0);
}

TEST_P(Conformance, ExplicitTransactionsCommitOrRollBack) {
  {
    auto tx = db_->begin_write();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->execute("INSERT INTO t (id, name) VALUES (1, 'kept')"));
    ASSERT_TRUE((*tx)->commit());
    EXPECT_FALSE((*tx)->commit());
    EXPECT_FALSE((*tx)->query("SELECT 1"));
  }
  {
    auto tx = db_->begin_write();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->execute("INSERT INTO t (id, name) VALUES (2, 'dropped')"));
  }  // not committed: rolled back
  auto r = db_->read([](Session& s) { return s.query("SELECT name FROM t ORDER BY id"); });
  ASSERT_TRUE(r);
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].str(0), "kept");
}

TEST_P(Conformance, AReadSeesOneSnapshot) {
  ASSERT_TRUE(insert(1, "a"));
  auto tx = db_->begin_read();
  ASSERT_TRUE(tx);
  auto before = (*tx)->query("SELECT count(*) FROM t");
  ASSERT_TRUE(before);
  ASSERT_TRUE(insert(2, "b"));
  auto after = (*tx)->query("SELECT count(*) FROM t");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->rows[0].i64(0), before->rows[0].i64(0));
  tx->reset();
  auto fresh = db_->read([](Session& s) { return s.query("SELECT count(*) FROM t"); });
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->rows[0].i64(0), 2);
}

TEST_P(Conformance, ConcurrentReadModifyWriteLosesNoUpdate) {
  ASSERT_TRUE(insert(1, "counter"));
  constexpr int kThreads = 8, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        // Read, then write what was read plus one: a lost update shows in the final count.
        auto r = db_->run_write([](Session& s) -> Result<void> {
          auto cur = s.query("SELECT n FROM t WHERE id = 1");
          if (!cur) return fail(cur.error());
          auto u = s.execute("UPDATE t SET n = $1 WHERE id = 1", {cur->rows.at(0).i64(0) + 1});
          if (!u) return fail(u.error());
          return {};
        });
        if (!r) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto n = db_->read([](Session& s) { return s.query("SELECT n FROM t WHERE id = 1"); });
  ASSERT_TRUE(n);
  EXPECT_EQ(n->rows[0].i64(0), kThreads * kEach);
}

TEST_P(Conformance, MigrationsApplyOnceForTheEngine) {
  const Migration sqlite[] = {
      {"m", 1, "a", "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT);"}};
  const Migration pg[] = {{"m", 1, "a", "CREATE TABLE a (id BIGSERIAL PRIMARY KEY, x TEXT);"}};
  const MigrationSet set{"m", sqlite, pg};
  auto first = apply_migrations(*db_, std::span(&set, 1));
  ASSERT_TRUE(first) << first.error().detail();
  EXPECT_EQ(first->size(), 1u);
  auto again = apply_migrations(*db_, std::span(&set, 1));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  auto id = db_->write([](Session& s) {
    return s.query("INSERT INTO a (x) VALUES ($1) RETURNING id", {std::string("x")});
  });
  ASSERT_TRUE(id);
  EXPECT_EQ(id->rows.at(0).i64(0), 1);
}

TEST_P(Conformance, ServersMigratingAtOnceBothSucceed) {
  if (GetParam() == Engine::kSqlite) GTEST_SKIP() << "a SQLite store belongs to one process";
  const Migration pg[] = {{"m", 1, "a", "CREATE TABLE a (id BIGSERIAL PRIMARY KEY);"},
                          {"m", 2, "b", "CREATE TABLE b (id BIGSERIAL PRIMARY KEY);"}};
  const MigrationSet set{"m", {}, pg};
  for (int round = 0; round < 5; ++round) {
    ASSERT_TRUE(db_->run_write([](Session& s) {
      return s.exec_script(
          "DROP TABLE IF EXISTS a; DROP TABLE IF EXISTS b; DROP TABLE IF EXISTS "
          "schema_migrations;");
    }));
    std::vector<Result<std::vector<AppliedMigration>>> results(3);
    std::vector<std::thread> threads;
    for (auto& r : results) {
      threads.emplace_back([&] {
        auto other = open_database({.url = scratch_->url()});
        r = other ? apply_migrations(**other, std::span(&set, 1)) : fail(other.error());
      });
    }
    for (auto& t : threads) t.join();
    size_t applied = 0;
    for (auto& r : results) {
      ASSERT_TRUE(r) << r.error().detail();
      applied += r->size();
    }
    EXPECT_EQ(applied, 2u);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Conformance,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), engine_name);

}  // namespace
}  // namespace civicgrid::store
