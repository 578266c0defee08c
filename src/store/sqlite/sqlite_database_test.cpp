#include "store/sqlite/sqlite_database.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace civicgrid::store::sqlite {
namespace {

using namespace std::chrono_literals;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cg_sqlite_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDatabase> open(int readers = 2) {
    DatabaseOptions options;
    options.readers = readers;
    auto db = SqliteDatabase::open(dir_.file("test.db"), options);
    EXPECT_TRUE(db.has_value()) << (db ? "" : db.error().detail());
    return std::move(*db);
  }
  void SetUp() override {
    db_ = open();
    ASSERT_TRUE(db_->run_write([](Session& s) -> Result<void> {
      return s.exec_script(
          "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, qty INTEGER "
          "CHECK (qty >= 0), price REAL, note TEXT);"
          "CREATE TABLE tags (item_id INTEGER NOT NULL REFERENCES items(id), tag TEXT);");
    }));
  }
  std::int64_t count(std::string_view where = "1 = 1") {
    auto r = db_->read([&](Session& s) {
      return s.query("SELECT count(*) FROM items WHERE " + std::string(where));
    });
    EXPECT_TRUE(r.has_value());
    return r ? r->rows.at(0).i64(0) : -1;
  }
  Result<void> insert(Session& s, const std::string& name, std::int64_t qty = 1) {
    auto r = s.execute("INSERT INTO items (name, qty) VALUES ($1, $2)", {name, qty});
    if (!r) return fail(r.error());
    return {};
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST(RewritePlaceholders, RewritesOnlyOutsideQuotesAndComments) {
  EXPECT_EQ(rewrite_placeholders("SELECT $1, '$1', \"$2\" -- $3\n, /* $4 */ $5"),
            "SELECT ?1, '$1', \"$2\" -- $3\n, /* $4 */ ?5");
  EXPECT_EQ(rewrite_placeholders("'it''s $1' || $12"), "'it''s $1' || ?12");
  EXPECT_EQ(rewrite_placeholders("SELECT a$1, $x, $"), "SELECT a$1, $x, $");
}

TEST_F(SqliteDatabaseTest, RoundTripsEveryValueType) {
  const std::string text = "市民 'quoted' \"x\"";
  ASSERT_TRUE(db_->run_write([&](Session& s) -> Result<void> {
    auto r = s.execute("INSERT INTO items (id, name, qty, price, note) VALUES ($1, $2, $3, $4, $5)",
                       {std::int64_t{7}, text, std::int64_t{INT64_MAX}, 3.25, nullptr});
    if (!r) return fail(r.error());
    EXPECT_EQ(*r, 1);
    return {};
  }));
  auto r =
      db_->read([](Session& s) { return s.query("SELECT id, name, qty, price, note FROM items"); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->columns, (std::vector<std::string>{"id", "name", "qty", "price", "note"}));
  ASSERT_EQ(r->rows.size(), 1u);
  const Row& row = r->rows[0];
  EXPECT_EQ(std::get<std::int64_t>(row.at(0)), 7);
  EXPECT_EQ(std::get<std::string>(row.at(1)), text);
  EXPECT_EQ(std::get<std::int64_t>(row.at(2)), INT64_MAX);
  EXPECT_EQ(std::get<double>(row.at(3)), 3.25);
  EXPECT_TRUE(row.is_null(4));
}

TEST_F(SqliteDatabaseTest, PlaceholdersInLiteralsStayAndReusedPlaceholdersBindOnce) {
  auto r = db_->read([](Session& s) {
    return s.query("SELECT '$1' AS lit, $1 + $1 AS twice, $2 AS second",
                   {std::int64_t{5}, std::string("x")});
  });
  ASSERT_TRUE(r.has_value()) << r.error().detail();
  EXPECT_EQ(r->rows[0].str(0), "$1");
  EXPECT_EQ(r->rows[0].i64(1), 10);
  EXPECT_EQ(r->rows[0].str(2), "x");
}

TEST_F(SqliteDatabaseTest, WrongParameterCountAndMultipleStatementsAreErrors) {
  auto tx = db_->begin_write();
  ASSERT_TRUE(tx.has_value());
  auto wrong = (*tx)->query("SELECT $1, $2", {std::int64_t{1}});
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kInternal);
  auto two = (*tx)->query("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.has_value());
  EXPECT_EQ(two.error().code(), ErrorCode::kInternal);
  // A trailing semicolon and comment are one statement.
  EXPECT_TRUE((*tx)->query("SELECT 1; -- done").has_value());
  EXPECT_TRUE(
      (*tx)->exec_script("INSERT INTO items (name) VALUES ('a'); "
                         "INSERT INTO items (name) VALUES ('b');"));
  auto n = (*tx)->query("SELECT count(*) FROM items");
  EXPECT_EQ(n->rows[0].i64(0), 2);
}

TEST_F(SqliteDatabaseTest, AffectedRowsCountsOnlyTheStatementsOwnChanges) {
  auto tx = db_->begin_write();
  ASSERT_TRUE(tx.has_value());
  EXPECT_EQ((*tx)->execute("INSERT INTO items (name) VALUES ('a'), ('b'), ('c')"), 3);
  EXPECT_EQ((*tx)->execute("UPDATE items SET qty = 2 WHERE name <> 'a'"), 2);
  EXPECT_EQ((*tx)->execute("UPDATE items SET qty = 2 WHERE name = 'none'"), 0);
  EXPECT_EQ((*tx)->execute("CREATE TABLE other (x)"), 0);
  EXPECT_EQ((*tx)->query("SELECT * FROM items")->affected_rows, 0);
}

TEST_F(SqliteDatabaseTest, TransactionDestroyedWithoutCommitLeavesNothing) {
  {
    auto tx = db_->begin_write();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(insert(**tx, "gone"));
  }
  EXPECT_EQ(count(), 0);
  auto tx = db_->begin_write();
  ASSERT_TRUE(insert(**tx, "kept"));
  ASSERT_TRUE((*tx)->commit());
  auto after = (*tx)->query("SELECT 1");
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code(), ErrorCode::kInternal);
  tx->reset();
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(db_->stats().write_transactions, 2);  // the CREATE TABLE batch and this one
}

TEST_F(SqliteDatabaseTest, ConstraintViolationsMapToErrorCodes) {
  auto tx = db_->begin_write();
  ASSERT_TRUE(insert(**tx, "a"));
  auto dup = (*tx)->execute("INSERT INTO items (name) VALUES ($1)", {std::string("a")});
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(dup.error().message_en(), "already exists");
  EXPECT_TRUE(dup.error().field().empty());
  auto pk = (*tx)->execute("INSERT INTO items (id, name) VALUES (1, 'b'), (1, 'c')");
  ASSERT_FALSE(pk.has_value());
  EXPECT_EQ(pk.error().code(), ErrorCode::kConflict);

  for (const char* sql : {"INSERT INTO tags (item_id, tag) VALUES (999, 'x')",
                          "INSERT INTO items (name, qty) VALUES ('neg', -1)",
                          "INSERT INTO items (name) VALUES (NULL)"}) {
    auto r = (*tx)->execute(sql);
    ASSERT_FALSE(r.has_value()) << sql;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << sql;
    EXPECT_TRUE(r.error().field().empty());
  }
  auto bad = (*tx)->execute("SELEKT nonsense");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInternal);
  EXPECT_NE(bad.error().detail().find("SELEKT nonsense"), std::string::npos);
  // The failed statements did not end the transaction.
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(count(), 1);
}

TEST_F(SqliteDatabaseTest, EveryConnectionIsWalFullSyncWithForeignKeys) {
  auto check = [](Session& s) {
    EXPECT_EQ(s.query("PRAGMA journal_mode")->rows[0].str(0), "wal");
    EXPECT_EQ(s.query("PRAGMA synchronous")->rows[0].i64(0), 2);  // FULL
    EXPECT_EQ(s.query("PRAGMA foreign_keys")->rows[0].i64(0), 1);
  };
  auto w = db_->begin_write();
  check(**w);
  w->reset();
  auto r1 = db_->begin_read();
  auto r2 = db_->begin_read();
  check(**r1);
  check(**r2);
  auto write = (*r1)->execute("INSERT INTO items (name) VALUES ('x')");
  EXPECT_FALSE(write.has_value());  // readers are query_only
}

TEST_F(SqliteDatabaseTest, ReaderSeesCommittedButNotUncommittedWrites) {
  ASSERT_TRUE(db_->run_write([&](Session& s) { return insert(s, "committed"); }));
  auto w = db_->begin_write();
  ASSERT_TRUE(insert(**w, "pending"));
  auto r = db_->begin_read();
  auto names = (*r)->query("SELECT name FROM items ORDER BY name");
  ASSERT_EQ(names->rows.size(), 1u);
  EXPECT_EQ(names->rows[0].str(0), "committed");
  ASSERT_TRUE((*w)->commit());
  // The open read transaction keeps its snapshot; a new one sees the commit.
  EXPECT_EQ((*r)->query("SELECT count(*) FROM items")->rows[0].i64(0), 1);
  r->reset();
  EXPECT_EQ(count(), 2);
}

TEST_F(SqliteDatabaseTest, ReaderPoolBlocksUntilAReaderIsReturned) {
  db_ = open(1);
  auto first = db_->begin_read();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(db_->stats().readers_in_use, 1);
  EXPECT_EQ(db_->stats().readers_total, 1);
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto second = db_->begin_read();
    EXPECT_TRUE(second.has_value());
    got = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(got.load());
  first->reset();
  t.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(db_->stats().readers_in_use, 0);
}

TEST_F(SqliteDatabaseTest, GroupCommitKeepsEveryConcurrentWrite) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  const auto before = db_->stats();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto name = std::to_string(t) + "-" + std::to_string(i);
        if (!db_->run_write([&](Session& s) { return insert(s, name); })) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(), kThreads * kPerThread);
  const auto after = db_->stats();
  const auto transactions = after.write_transactions - before.write_transactions;
  const auto batches = after.write_batches - before.write_batches;
  EXPECT_EQ(transactions, kThreads * kPerThread);
  EXPECT_LT(batches, transactions);
  EXPECT_EQ(after.writers_waiting, 0);
}

void wait_for_waiting(SqliteDatabase& db, int n) {
  for (int i = 0; i < 2500 && db.stats().writers_waiting < n; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(db.stats().writers_waiting, n);
}

// Holds the writer with begin_write() until `n` run_write() callers are queued, then lets them go.
template <typename Start>
void queue_behind_writer(SqliteDatabase& db, int n, Start start) {
  auto hold = db.begin_write();
  ASSERT_TRUE(hold.has_value());
  start();
  wait_for_waiting(db, n);
}

TEST_F(SqliteDatabaseTest, QueuedCallersShareOneBatch) {
  constexpr int kCallers = 12;
  const auto before = db_->stats();
  std::vector<std::thread> threads;
  queue_behind_writer(*db_, kCallers, [&] {
    for (int i = 0; i < kCallers; ++i) {
      threads.emplace_back([&, i] {
        EXPECT_TRUE(db_->run_write([&](Session& s) { return insert(s, std::to_string(i)); }));
      });
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(count(), kCallers);
  // The first caller may have taken a batch of its own before the others queued behind it.
  EXPECT_LE(db_->stats().write_batches - before.write_batches, 2);
  EXPECT_EQ(db_->stats().write_transactions - before.write_transactions, kCallers);
}

TEST_F(SqliteDatabaseTest, FailingBodyInABatchLeavesTheOthersCommitted) {
  std::vector<std::thread> threads;
  std::atomic<int> conflicts{0};
  auto good = [&](std::string name) {
    threads.emplace_back(
        [this, name] { EXPECT_TRUE(db_->run_write([&](Session& s) { return insert(s, name); })); });
  };
  auto bad = [&] {
    threads.emplace_back([&] {
      auto r = db_->run_write([&](Session& s) -> Result<void> {
        if (auto r = insert(s, "bad-1"); !r) return r;
        return insert(s, "first");  // duplicate: fails after its own first insert
      });
      if (!r && r.error().code() == ErrorCode::kConflict) ++conflicts;
    });
  };
  const auto before = db_->stats();
  queue_behind_writer(*db_, 1, [&] { good("first"); });
  threads[0].join();
  // "second" leads a batch of its own; "bad" and "third" queue together behind it.
  queue_behind_writer(*db_, 3, [&] {
    good("second");
    wait_for_waiting(*db_, 1);  // "second" heads the queue before the others arrive
    bad();
    good("third");
  });
  for (size_t i = 1; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(conflicts.load(), 1);
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(count("name = 'bad-1'"), 0);
  // Batches {first}, {second} and {bad, third}: the failure did not cost "third" its batch.
  EXPECT_EQ(db_->stats().write_batches - before.write_batches, 3);
  EXPECT_EQ(db_->stats().write_transactions - before.write_transactions, 3);
}

TEST_F(SqliteDatabaseTest, ExceptionInBodyReachesItsCallerOnly) {
  EXPECT_THROW((void)db_->run_write([&](Session& s) -> Result<void> {
    (void)insert(s, "thrown");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_TRUE(db_->run_write([&](Session& s) { return insert(s, "after"); }));
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(count("name = 'thrown'"), 0);
}

TEST_F(SqliteDatabaseTest, WriteTemplateReturnsTheBodysValue) {
  auto id = db_->write([](Session& s) -> Result<std::int64_t> {
    auto r = s.query("INSERT INTO items (name) VALUES ($1) RETURNING id", {std::string("w")});
    if (!r) return fail(r.error());
    return r->rows.at(0).i64(0);
  });
  ASSERT_TRUE(id.has_value());
  EXPECT_GT(*id, 0);
  auto failed = db_->write(
      [](Session&) -> Result<std::int64_t> { return fail(Error::not_found("无", "none")); });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteDatabaseTest, CloseMakesLaterCallsUnavailableAndKeepsData) {
  ASSERT_TRUE(db_->run_write([&](Session& s) { return insert(s, "durable"); }));
  db_->close();
  EXPECT_EQ(db_->begin_read().error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(db_->begin_write().error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(db_->run_write([](Session&) -> Result<void> { return {}; }).error().code(),
            ErrorCode::kUnavailable);
  db_->close();  // idempotent
  EXPECT_FALSE(std::filesystem::exists(dir_.file("test.db-wal")));
  db_ = open();
  EXPECT_EQ(count(), 1);
}

}  // namespace
}  // namespace civicgrid::store::sqlite
