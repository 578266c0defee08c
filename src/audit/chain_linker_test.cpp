// The audit chain under concurrent writers, across connection pools (as several processes have),
// across a crash between commit and linking, and across the upgrade that added audit_pending. Real
// stores: SQLite and PostgreSQL (CIVICGRID_TEST_PG_URL).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit.h"
#include "audit/audit_test_store.h"
#include "audit/chain_linker.h"
#include "core/crypto.h"
#include "store/database.h"

namespace civicgrid::audit {
namespace {

using namespace std::chrono_literals;

constexpr Timestamp kStart = 1'800'000'000'000;

Entry entry(const std::string& actor, const std::string& request_id) {
  return Entry{actor,       "case.submit", "case", request_id,
               "127.0.0.1", request_id,    "201",  R"({"channel":"app"})"};
}

class ChainLinkerTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    store_ = std::make_unique<AuditStore>(GetParam());
    if (!store_->skip().empty()) GTEST_SKIP() << store_->skip();
  }
  void TearDown() override { store_.reset(); }

  bool postgres() const { return GetParam() == Engine::kPostgres; }

  // Waits until nothing is pending (the background linkers' work), for up to 10 s.
  static std::int64_t wait_linked(store::Database& db) {
    std::int64_t pending = -1;
    for (int i = 0; i < 1000; ++i) {
      pending = count_rows(db, "SELECT count(*) FROM audit_pending");
      if (pending == 0) break;
      std::this_thread::sleep_for(10ms);
    }
    return pending;
  }

  std::unique_ptr<AuditStore> store_;
  ManualClock clock_{kStart};
};

INSTANTIATE_TEST_SUITE_P(Engines, ChainLinkerTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), engine_name);

TEST_P(ChainLinkerTest, OnPostgresAnEntryIsPendingUntilLinked) {
  auto db = store_->open();
  ASSERT_TRUE(db);
  AuditLog log(*db, clock_);  // no background linker
  ASSERT_TRUE(log.append(entry("user:a", "r1")));
  ASSERT_TRUE(log.append(entry("user:a", "r2")));
  EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM audit_pending"), postgres() ? 2 : 0);
  EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM audit_log"), postgres() ? 0 : 2);
  EXPECT_EQ(count_rows(*db, "SELECT seq FROM audit_head"), postgres() ? 0 : 2);

  auto linked = log.link_pending();
  ASSERT_TRUE(linked) << linked.error().detail();
  EXPECT_EQ(*linked, postgres() ? 2 : 0);
  EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM audit_pending"), 0);
  EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM audit_log"), 2);
  EXPECT_EQ(count_rows(*db, "SELECT seq FROM audit_head"), 2);
  // Linked in the order they were appended, and only once.
  EXPECT_EQ(count_rows(*db, "SELECT seq FROM audit_log WHERE request_id = 'r1'"), 1);
  EXPECT_EQ(count_rows(*db, "SELECT seq FROM audit_log WHERE request_id = 'r2'"), 2);
  auto again = log.link_pending();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  auto v = log.verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok()) << v->reason;
  EXPECT_EQ(v->count, 2);
  EXPECT_EQ(v->pending, 0);
  db->close();
}

TEST_P(ChainLinkerTest, VerifyAndListLinkPendingEntriesFirst) {
  auto db = store_->open();
  ASSERT_TRUE(db);
  AuditLog log(*db, clock_);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log.append(entry("user:a", "v" + std::to_string(i))));
  auto listed = log.list({});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].request_id, "v2");
  EXPECT_EQ((*listed)[0].seq, 3);
  ASSERT_TRUE(log.append(entry("user:a", "v3")));
  auto v = log.verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok()) << v->reason;
  EXPECT_EQ(v->count, 4);
  EXPECT_EQ(v->pending, 0);
  db->close();
}

// Several threads in each of two connection pools (two processes' worth), each pool with its own
// background linker: every entry is chained exactly once, the numbers have no gap, the chain
// verifies. On SQLite the pools share the one writer.
TEST_P(ChainLinkerTest, ConcurrentWritersInTwoPoolsAreAllChainedOnce) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 60;
  std::unique_ptr<store::Database> dbs[2] = {store_->open(), store_->open(false)};
  ASSERT_TRUE(dbs[0] && dbs[1]);
  SystemClock clock;
  std::unique_ptr<AuditLog> logs[2];
  for (int p = 0; p < 2; ++p) {
    logs[p] = std::make_unique<AuditLog>(*dbs[p], clock);
    logs[p]->start_linker(5ms);
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int p = 0; p < 2; ++p)
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, p, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const std::string id =
              std::to_string(p) + "-" + std::to_string(t) + "-" + std::to_string(i);
          // Two entries in one transaction next to other work, as a workflow step writes them.
          auto r = dbs[p]->write([&](store::Session& tx) -> Result<void> {
            if (auto ok = logs[p]->append(tx, entry("user:p" + std::to_string(p), id)); !ok)
              return ok;
            return logs[p]->append(tx, entry("user:p" + std::to_string(p), id + "b"));
          });
          if (!r) ++failures;
        }
      });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (auto& log : logs) log->stop_linker();
  EXPECT_EQ(wait_linked(*dbs[0]), 0);

  constexpr std::int64_t kTotal = 2 * kThreads * kPerThread * 2;
  EXPECT_EQ(count_rows(*dbs[0], "SELECT count(*) FROM audit_log"), kTotal);
  EXPECT_EQ(count_rows(*dbs[0], "SELECT count(DISTINCT request_id) FROM audit_log"), kTotal);
  EXPECT_EQ(count_rows(*dbs[0], "SELECT max(seq) - min(seq) + 1 FROM audit_log"), kTotal);
  EXPECT_EQ(count_rows(*dbs[0], "SELECT seq FROM audit_head"), kTotal);
  // The two entries of one transaction become visible together and keep their order (entries of
  // concurrent transactions may fall between them).
  EXPECT_EQ(count_rows(*dbs[0],
                       "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.request_id = "
                       "a.request_id || 'b' WHERE b.seq > a.seq"),
            kTotal / 2);
  auto v = logs[1]->verify();
  ASSERT_TRUE(v) << v.error().detail();
  EXPECT_TRUE(v->ok()) << v->reason;
  EXPECT_EQ(v->count, kTotal);
  EXPECT_EQ(v->pending, 0);
  logs[0].reset();
  logs[1].reset();
  for (auto& db : dbs) db->close();
}

// A process that committed entries and died before linking them loses none: the next process to
// start links them.
TEST_P(ChainLinkerTest, EntriesCommittedBeforeACrashAreLinkedByTheNextStart) {
  {
    auto db = store_->open();
    ASSERT_TRUE(db);
    AuditLog log(*db, clock_);
    log.start_linker(5ms);
    ASSERT_TRUE(log.append(entry("user:a", "linked-before")));
    EXPECT_EQ(wait_linked(*db), 0);
    log.stop_linker();
    // The crash: these commit, and the process is gone before any linker runs.
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(log.append(entry("user:a", "unlinked-" + std::to_string(i))));
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM audit_pending"), postgres() ? 5 : 0);
    db->close();
  }
  auto db = store_->open();
  ASSERT_TRUE(db);
  AuditLog log(*db, clock_);
  log.start_linker(5ms);
  EXPECT_EQ(wait_linked(*db), 0);
  EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM audit_log WHERE request_id LIKE 'unlinked-%'"),
            5);
  auto v = log.verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok()) << v->reason;
  EXPECT_EQ(v->count, 6);
  log.stop_linker();
  db->close();
}

// A store made before audit_pending existed: its chained rows keep verifying after the upgrade,
// and new entries continue the chain from its head.
TEST_P(ChainLinkerTest, UpgradedStoreKeepsItsChainAndContinuesIt) {
  auto old_db = store_->open(true, 1);
  ASSERT_TRUE(old_db);
  // What the earlier version wrote: entries chained inline, the head advanced with each.
  std::string prev(64, '0');
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    const Entry e = entry("user:old", "old-" + std::to_string(seq));
    const Timestamp at = kStart + seq;
    const std::string hash = chain_hash(seq, at, e, prev);
    auto r = old_db->write([&](store::Session& s) -> Result<void> {
      auto ins = s.execute(
          "INSERT INTO audit_log (seq, at, actor, action, target_type, target_id, remote, "
          "request_id, outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
          "$9, $10, $11, $12)",
          {seq, at, e.actor, e.action, e.target_type, e.target_id, e.remote, e.request_id,
           e.outcome, e.detail, prev, hash});
      if (!ins) return fail(ins.error());
      auto head = s.execute("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", {seq, hash});
      if (!head) return fail(head.error());
      return {};
    });
    ASSERT_TRUE(r) << r.error().detail();
    prev = hash;
  }
  old_db->close();

  auto db = store_->open();  // applies the migration that adds audit_pending
  ASSERT_TRUE(db);
  AuditLog log(*db, clock_);
  auto before = log.verify();
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->ok()) << before->reason;
  EXPECT_EQ(before->count, 3);
  ASSERT_TRUE(log.append(entry("user:new", "new-1")));
  auto after = log.verify();
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->ok()) << after->reason;
  EXPECT_EQ(after->count, 4);
  EXPECT_EQ(count_rows(*db, "SELECT seq FROM audit_log WHERE request_id = 'new-1'"), 4);
  EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM audit_log WHERE prev_hash = '" + prev + "'"), 1);
  db->close();
}

// Tampering with the chained part is still found while entries are pending, and linking does not
// repair it.
TEST_P(ChainLinkerTest, TamperingIsFoundWithEntriesPending) {
  auto db = store_->open();
  ASSERT_TRUE(db);
  AuditLog log(*db, clock_);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(log.append(entry("user:a", "t" + std::to_string(i))));
  ASSERT_TRUE(log.link_pending());
  ASSERT_TRUE(db->write(
      [](store::Session& s) { return s.execute("DELETE FROM audit_log WHERE seq = 4"); }));
  ASSERT_TRUE(log.append(entry("user:a", "t4")));
  auto v = log.verify();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok());
  // The new entry was chained after the head (entry 5), so entry 4 is missing in the middle.
  EXPECT_EQ(v->broken, 4) << v->reason;
  EXPECT_EQ(v->count, 3);
  db->close();
}

}  // namespace
}  // namespace civicgrid::audit
