// The login throttle's rules, checked in each mode: in memory, and shared through the store on
// SQLite and on PostgreSQL (on a fresh database of the server named by CIVICGRID_TEST_PG_URL;
// skipped without it). The shared mode also counts the failures of two throttles (two servers)
// together.
#include "identity/login_throttle.h"

#include <gtest/gtest.h>
#include <memory>
#include <string>

#include "identity/identity.h"
#include "store/migration.h"
#include "store/scratch_store.h"

namespace civicgrid::identity {
namespace {

constexpr Timestamp kT0 = 1'800'000'000'000;
constexpr std::int64_t kWindow = 10 * kMillisPerMinute;

ThrottleOptions options() {
  ThrottleOptions o;
  o.max_failures_per_user = 3;
  o.max_failures_per_address = 5;
  o.window_ms = kWindow;
  return o;
}

enum class Mode { kMemory, kSqlite, kPostgres };

std::string mode_name(const ::testing::TestParamInfo<Mode>& info) {
  switch (info.param) {
    case Mode::kMemory:
      return "Memory";
    case Mode::kSqlite:
      return "Sqlite";
    case Mode::kPostgres:
      return "Postgres";
  }
  return "?";
}

class LoginThrottleTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    if (GetParam() == Mode::kMemory) return;
    scratch_ = std::make_unique<store::ScratchStore>(GetParam() == Mode::kPostgres, "cg_throttle");
    if (!scratch_->skip.empty()) GTEST_SKIP() << scratch_->skip;
    auto db = store::open_database({.url = scratch_->url()});
    ASSERT_TRUE(db.has_value()) << db.error().detail();
    db_ = std::move(*db);
    const store::MigrationSet sets[] = {migrations()};
    auto applied = store::apply_migrations(*db_, sets);
    ASSERT_TRUE(applied.has_value()) << applied.error().detail();
  }
  void TearDown() override {
    throttles_.clear();
    if (db_) db_->close();
    db_.reset();
    scratch_.reset();
  }
  // A throttle of this mode; in the shared modes each call is another server over the same store.
  LoginThrottle& make() {
    throttles_.push_back(db_ ? std::make_unique<LoginThrottle>(options(), *db_)
                             : std::make_unique<LoginThrottle>(options()));
    return *throttles_.back();
  }
  std::int64_t stored_rows() {
    auto r =
        db_->read([](store::Session& s) { return s.query("SELECT count(*) FROM login_failures"); });
    EXPECT_TRUE(r.has_value());
    return r ? r->rows[0].i64(0) : -1;
  }

  std::unique_ptr<store::ScratchStore> scratch_;
  std::unique_ptr<store::Database> db_;
  std::vector<std::unique_ptr<LoginThrottle>> throttles_;
};

INSTANTIATE_TEST_SUITE_P(Modes, LoginThrottleTest,
                         ::testing::Values(Mode::kMemory, Mode::kSqlite, Mode::kPostgres),
                         mode_name);

TEST_P(LoginThrottleTest, NothingRecordedMeansAllowed) {
  LoginThrottle& t = make();
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0), 0);
}

TEST_P(LoginThrottleTest, LocksAUserAfterNFailures) {
  LoginThrottle& t = make();
  t.record_failure("alice", "10.0.0.1", kT0);
  t.record_failure("alice", "10.0.0.2", kT0 + 1000);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + 2000), 0) << "two failures are still allowed";
  t.record_failure("alice", "10.0.0.3", kT0 + 2000);
  // Locked from any address, until the window that began with the first failure ends.
  EXPECT_EQ(t.retry_after("alice", "10.0.0.9", kT0 + 3000), kWindow - 3000);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow - 1), 1);
  // Other users from the same addresses are not affected (each address has only 1 failure).
  EXPECT_EQ(t.retry_after("bob", "10.0.0.1", kT0 + 3000), 0);
}

TEST_P(LoginThrottleTest, LocksAnAddressAfterNFailuresAcrossUsernames) {
  LoginThrottle& t = make();
  const char* names[] = {"u1", "u2", "u3", "u4", "u5"};
  for (int i = 0; i < 4; ++i) t.record_failure(names[i], "10.0.0.66", kT0 + i);
  EXPECT_EQ(t.retry_after("someone", "10.0.0.66", kT0 + 10), 0);
  t.record_failure(names[4], "10.0.0.66", kT0 + 4);
  EXPECT_EQ(t.retry_after("someone", "10.0.0.66", kT0 + 10), kWindow - 10);
  // The same user names from another address are fine: each name failed only once.
  EXPECT_EQ(t.retry_after("u1", "10.0.0.67", kT0 + 10), 0);
}

TEST_P(LoginThrottleTest, TheLongerOfBothWaitsApplies) {
  LoginThrottle& t = make();
  // Address failures start early; user failures later.
  t.record_failure("x1", "10.1.1.1", kT0);
  t.record_failure("x2", "10.1.1.1", kT0);
  for (int i = 0; i < 3; ++i) t.record_failure("alice", "10.1.1.1", kT0 + 60'000);
  // Address: 5 failures since kT0; user: 3 since kT0 + 60 s. The user window ends later.
  EXPECT_EQ(t.retry_after("alice", "10.1.1.1", kT0 + 120'000), kWindow - 60'000);
  EXPECT_EQ(t.retry_after("carol", "10.1.1.1", kT0 + 120'000), kWindow - 120'000);
}

TEST_P(LoginThrottleTest, WindowExpiryUnlocks) {
  LoginThrottle& t = make();
  for (int i = 0; i < 3; ++i) t.record_failure("alice", "10.0.0.1", kT0);
  EXPECT_GT(t.retry_after("alice", "10.0.0.1", kT0 + kWindow - 1), 0);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow), 0);
  // A failure after the window starts a new count of one.
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 5);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow + 6), 0);
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 7);
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 8);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow + 10), kWindow - 5);
}

TEST_P(LoginThrottleTest, FailuresSpreadOverMoreThanAWindowDoNotAccumulate) {
  LoginThrottle& t = make();
  t.record_failure("alice", "10.0.0.1", kT0);
  t.record_failure("alice", "10.0.0.1", kT0 + 1);
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 1);  // the old window has ended
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow + 2), 0);
}

TEST_P(LoginThrottleTest, SuccessResetsTheUserCounterButNotTheAddress) {
  LoginThrottle& t = make();
  t.record_failure("alice", "10.0.0.1", kT0);
  t.record_failure("alice", "10.0.0.1", kT0 + 1);
  t.record_success("alice");
  t.record_failure("alice", "10.0.0.1", kT0 + 2);
  t.record_failure("alice", "10.0.0.1", kT0 + 3);
  // Two failures since the success: the user is not locked (four in total would be).
  EXPECT_EQ(t.retry_after("alice", "10.0.0.2", kT0 + 4), 0);
  // The address has seen four failures; one more locks it for everyone.
  t.record_failure("bob", "10.0.0.1", kT0 + 5);
  EXPECT_EQ(t.retry_after("carol", "10.0.0.1", kT0 + 6), kWindow - 6);
  // A success for an unknown user is harmless.
  t.record_success("nobody");
  EXPECT_EQ(t.retry_after("nobody", "10.0.0.2", kT0 + 6), 0);
}

TEST_P(LoginThrottleTest, SuccessUnlocksALockedUser) {
  LoginThrottle& t = make();
  for (int i = 0; i < 3; ++i) t.record_failure("alice", "10.0.0.1", kT0);
  ASSERT_GT(t.retry_after("alice", "10.0.0.2", kT0 + 1), 0);
  t.record_success("alice");
  EXPECT_EQ(t.retry_after("alice", "10.0.0.2", kT0 + 1), 0);
}

// What only the shared mode does.
class SharedLoginThrottleTest : public LoginThrottleTest {};
INSTANTIATE_TEST_SUITE_P(Modes, SharedLoginThrottleTest,
                         ::testing::Values(Mode::kSqlite, Mode::kPostgres), mode_name);

TEST_P(SharedLoginThrottleTest, FailuresThroughTwoServersCountTogether) {
  LoginThrottle& a = make();
  LoginThrottle& b = make();
  a.record_failure("alice", "10.0.0.1", kT0);
  b.record_failure("alice", "10.0.0.2", kT0 + 1);
  EXPECT_EQ(a.retry_after("alice", "10.0.0.3", kT0 + 2), 0);
  EXPECT_EQ(b.retry_after("alice", "10.0.0.3", kT0 + 2), 0);
  a.record_failure("alice", "10.0.0.3", kT0 + 2);
  // Three in the window, spread over both: locked on both, from any address.
  EXPECT_EQ(a.retry_after("alice", "10.0.0.9", kT0 + 3), kWindow - 3);
  EXPECT_EQ(b.retry_after("alice", "10.0.0.9", kT0 + 3), kWindow - 3);
  // The address count is shared too: 5 failures from one address over both servers.
  for (int i = 0; i < 4; ++i)
    (i % 2 ? a : b).record_failure("u" + std::to_string(i), "10.9.9.9", kT0 + 10);
  EXPECT_EQ(a.retry_after("zed", "10.9.9.9", kT0 + 11), 0);
  b.record_failure("u9", "10.9.9.9", kT0 + 12);
  EXPECT_EQ(a.retry_after("zed", "10.9.9.9", kT0 + 13), kWindow - 3);
}

TEST_P(SharedLoginThrottleTest, ASuccessOnOneServerClearsTheWindowForAll) {
  LoginThrottle& a = make();
  LoginThrottle& b = make();
  a.record_failure("alice", "10.0.0.1", kT0);
  a.record_failure("alice", "10.0.0.1", kT0 + 1);
  // B checks (and so sees the window) before the right password succeeds through it.
  ASSERT_EQ(b.retry_after("alice", "10.0.0.1", kT0 + 2), 0);
  b.record_success("alice");
  a.record_failure("alice", "10.0.0.1", kT0 + 3);
  a.record_failure("alice", "10.0.0.1", kT0 + 4);
  EXPECT_EQ(a.retry_after("alice", "10.0.0.1", kT0 + 5), 0) << "two since the success";
}

TEST_P(SharedLoginThrottleTest, PassedWindowsArePruned) {
  LoginThrottle& t = make();
  for (int i = 0; i < 10; ++i) t.record_failure("user" + std::to_string(i), "10.0.0.1", kT0);
  EXPECT_EQ(stored_rows(), 11);
  // The next failure after a window length removes the passed windows, keeping its own.
  t.record_failure("late", "10.0.0.2", kT0 + kWindow + 1);
  EXPECT_EQ(stored_rows(), 2);
}

TEST_P(SharedLoginThrottleTest, ASuccessfulLoginWithoutFailuresWritesNothing) {
  LoginThrottle& t = make();
  ASSERT_EQ(t.retry_after("alice", "10.0.0.1", kT0), 0);
  t.record_success("alice");
  EXPECT_EQ(stored_rows(), 0);
  auto writes = db_->stats().write_transactions;
  t.record_success("bob");
  EXPECT_EQ(db_->stats().write_transactions, writes);
}

}  // namespace
}  // namespace civicgrid::identity
