// The case change relay on a real PostgreSQL store (a fresh database on CIVICGRID_TEST_PG_URL;
// skipped, saying why, without it): batches, payloads chunked under PostgreSQL's limit, ids sent
// exactly when their rows are deleted, a round rolled back leaves its rows for the next relay,
// the background relay drains when stopped.
#include "app/case_change_relay.h"

#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "analytics/config_store.h"
#include "app/cluster_sync.h"
#include "audit/audit.h"
#include "cases/cases.h"
#include "identity/identity.h"
#include "open311/open311.h"
#include "store/migration.h"
#include "store/postgres/pg_listener.h"
#include "store/scratch_store.h"

namespace civicgrid::app {
namespace {

using namespace std::chrono_literals;

// Case ids this large make a payload of 1,000 ids about 17,000 bytes: three chunks at least.
constexpr std::int64_t kBigId = 1'000'000'000'000'000;

TEST(CasePayloads, StayUnderTheLimitAndRoundTrip) {
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 0; i < 1000; ++i) ids.push_back(kBigId + i);
  const auto payloads = case_payloads(ids);
  ASSERT_GE(payloads.size(), 3u);
  std::vector<std::int64_t> back;
  for (const auto& p : payloads) {
    EXPECT_LE(p.size(), kRelayPayloadLimit);
    EXPECT_LT(p.size(), 8000u);
    const auto part = parse_case_payload(p);
    ASSERT_FALSE(part.empty()) << p;
    back.insert(back.end(), part.begin(), part.end());
  }
  EXPECT_EQ(back, ids);
  EXPECT_EQ(case_payloads(std::vector<std::int64_t>{7, 12}),
            std::vector<std::string>{"cases:7,12"});
  EXPECT_TRUE(case_payloads({}).empty());
}

TEST(CasePayloads, MalformedPayloadsGiveNoIds) {
  EXPECT_TRUE(parse_case_payload("case:7").empty());
  EXPECT_TRUE(parse_case_payload("cases:7,x").empty());
  EXPECT_TRUE(parse_case_payload("cases:7;8").empty());
  EXPECT_EQ(parse_case_payload("cases:7,8"), (std::vector<std::int64_t>{7, 8}));
}

// Collects the payloads notified on civicgrid_changes.
class Received {
 public:
  explicit Received(const std::string& url)
      : listener_(url, "civicgrid_changes", [this](const std::string& p) {
          std::lock_guard lock(mu_);
          payloads_.push_back(p);
        }) {
    EXPECT_TRUE(listener_.wait_listening(10000));
  }
  std::vector<std::string> payloads() {
    std::lock_guard lock(mu_);
    return payloads_;
  }
  // Waits (up to 10 s) until `count` case ids have arrived; returns all arrived.
  std::vector<std::int64_t> wait_ids(std::size_t count) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 1000; ++i) {
      ids.clear();
      for (const auto& p : payloads()) {
        const auto part = parse_case_payload(p);
        ids.insert(ids.end(), part.begin(), part.end());
      }
      if (ids.size() >= count) break;
      std::this_thread::sleep_for(10ms);
    }
    return ids;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> payloads_;
  store::postgres::PgListener listener_;
};

class CaseChangeRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<store::ScratchStore>(true, "cg_relay");
    if (!scratch_->skip.empty()) GTEST_SKIP() << scratch_->skip;
    db_ = open();
    ASSERT_TRUE(db_);
    const store::MigrationSet sets[] = {audit::migrations(),     identity::migrations(),
                                        cases::migrations(),     open311::migrations(),
                                        analytics::migrations(), cluster_migrations()};
    auto applied = store::apply_migrations(*db_, sets);
    ASSERT_TRUE(applied) << applied.error().detail();
  }
  void TearDown() override {
    if (db_) db_->close();
    db_.reset();
    scratch_.reset();
  }

  // Another connection pool on the store, as another server process has.
  std::unique_ptr<store::Database> open() const {
    auto db = store::open_database({.url = scratch_->url()});
    EXPECT_TRUE(db.has_value()) << db.error().detail();
    return db ? std::move(*db) : nullptr;
  }

  // Records `count` changes of the cases kBigId + 1 … kBigId + count, as the trigger would.
  void add_pending(int count) {
    auto r = db_->write([&](store::Session& s) -> Result<void> {
      auto q =
          s.query("INSERT INTO case_changes_pending (case_id) SELECT " + std::to_string(kBigId) +
                  " + g FROM generate_series(1, " + std::to_string(count) + ") g");
      if (!q) return fail(q.error());
      return {};
    });
    ASSERT_TRUE(r) << r.error().detail();
  }
  std::int64_t pending() {
    auto n = pending_case_changes(*db_);
    EXPECT_TRUE(n) << n.error().detail();
    return n ? *n : -1;
  }

  std::unique_ptr<store::ScratchStore> scratch_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(CaseChangeRelayTest, ARoundRelaysOneBatchInChunkedPayloads) {
  Received got(scratch_->url());
  add_pending(1500);
  add_pending(200);  // the cases 1 … 200 changed a second time
  EXPECT_EQ(pending(), 1700);
  auto r = db_->write([](store::Session& tx) { return relay_batch(tx, 1000); });
  ASSERT_TRUE(r) << r.error().detail();
  EXPECT_EQ(r->rows, 1000);
  EXPECT_EQ(r->cases, 1000);
  EXPECT_GE(r->notifications, 3);
  EXPECT_EQ(pending(), 700);
  // The oldest rows went first: the cases 1 … 1000, each once.
  std::vector<std::int64_t> ids = got.wait_ids(1000);
  ASSERT_EQ(ids.size(), 1000u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], kBigId + 1 + std::int64_t(i));
  EXPECT_EQ(got.payloads().size(), static_cast<std::size_t>(r->notifications));
  for (const auto& p : got.payloads()) EXPECT_LT(p.size(), 8000u);

  // The rest: the cases 1001 … 1500 and, changed twice, 1 … 200 once more.
  auto rest = db_->write([](store::Session& tx) { return relay_batch(tx, 1000); });
  ASSERT_TRUE(rest) << rest.error().detail();
  EXPECT_EQ(rest->rows, 700);
  EXPECT_EQ(rest->cases, 700);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(got.wait_ids(1700).size(), 1700u);
}

TEST_F(CaseChangeRelayTest, ARoundRolledBackLeavesItsRowsForAnotherServer) {
  Received got(scratch_->url());
  add_pending(300);
  // A relay whose transaction dies after deleting and notifying: neither takes effect.
  auto crashed = db_->write([](store::Session& tx) -> Result<RelayRound> {
    auto r = relay_batch(tx, 1000);
    if (!r) return r;
    EXPECT_EQ(r->rows, 300);
    return fail(Error::unavailable("进程退出", "the process died before committing"));
  });
  EXPECT_FALSE(crashed);
  EXPECT_EQ(pending(), 300);
  // Another server's relay takes them; the ids arrive once, from its commit only.
  auto other = open();
  ASSERT_TRUE(other);
  auto r = other->write([](store::Session& tx) { return relay_batch(tx, 1000); });
  ASSERT_TRUE(r) << r.error().detail();
  EXPECT_EQ(r->rows, 300);
  EXPECT_EQ(pending(), 0);
  const std::vector<std::int64_t> ids = got.wait_ids(300);
  EXPECT_EQ(ids.size(), 300u);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 300u);
  EXPECT_EQ(got.payloads().size(), static_cast<std::size_t>(r->notifications));
  other->close();
}

TEST_F(CaseChangeRelayTest, RelaysOfTwoServersShareTheRowsAndStoppingDrains) {
  Received got(scratch_->url());
  auto other = open();
  ASSERT_TRUE(other);
  add_pending(kRelayBatch * 2 + 500);
  {
    // An interval far beyond the test: whatever is relayed comes from the drains of stop(),
    // which run at once.
    CaseChangeRelay a(*db_, 1h);
    CaseChangeRelay b(*other, 1h);
    std::thread stop_a([&] { a.stop(); });
    b.stop();
    stop_a.join();
  }
  EXPECT_EQ(pending(), 0);
  const std::size_t total = kRelayBatch * 2 + 500;
  const std::vector<std::int64_t> ids = got.wait_ids(total);
  EXPECT_EQ(ids.size(), total);  // SKIP LOCKED: no row taken by both relays
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), total);
  other->close();
}

}  // namespace
}  // namespace civicgrid::app
