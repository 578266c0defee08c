// The hash-chained audit log against a real store, on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "audit/audit_test_store.h"
#include "core/crypto.h"
#include "store/database.h"

namespace civicgrid::audit {
namespace {

constexpr Timestamp kStart = 1'800'000'000'000;
const std::string kZeroHash(64, '0');

Entry entry(std::string actor, std::string action, std::string type, std::string id) {
  Entry e;
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.target_type = std::move(type);
  e.target_id = std::move(id);
  e.remote = "10.0.0.1";
  e.request_id = "req-" + e.target_id;
  e.outcome = "200";
  e.detail = R"({"note":"测试"})";
  return e;
}

class AuditLogTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    store_ = std::make_unique<AuditStore>(GetParam());
    if (!store_->skip().empty()) GTEST_SKIP() << store_->skip();
    db_ = store_->open();
    ASSERT_TRUE(db_);
    log_ = std::make_unique<AuditLog>(*db_, clock_);
  }

  void TearDown() override {
    log_.reset();
    if (db_) db_->close();
    db_.reset();
    store_.reset();
  }

  bool postgres() const { return GetParam() == Engine::kPostgres; }

  // Appends n entries, one second apart, alternating actors and targets, and links them (on
  // PostgreSQL they are pending until then), as the background linker would.
  void append_n(int n) {
    for (int i = 1; i <= n; ++i) {
      clock_.advance(kMillisPerSecond);
      auto ok = log_->append(entry(i % 2 ? "user:alice" : "user:bob", "case.update", "case",
                                   "C-" + std::to_string(i)));
      ASSERT_TRUE(ok.has_value()) << ok.error().detail();
    }
    auto linked = log_->link_pending();
    ASSERT_TRUE(linked.has_value()) << linked.error().detail();
    EXPECT_EQ(*linked, postgres() ? n : 0);
  }

  // A raw statement through a write transaction on the same database: what an intruder with
  // database access could do.
  void tamper(const std::string& sql) {
    auto r = db_->write([&](store::Session& s) { return s.execute(sql); });
    ASSERT_TRUE(r.has_value()) << r.error().detail();
    ASSERT_EQ(*r, 1) << sql;
  }

  std::vector<StoredEntry> all() {
    auto r = log_->list({.limit = 1000});
    EXPECT_TRUE(r.has_value());
    return r.value_or(std::vector<StoredEntry>{});
  }

  VerifyReport verify() {
    auto r = log_->verify();
    EXPECT_TRUE(r.has_value()) << r.error().detail();
    return r.value_or(VerifyReport{.count = -1, .broken = -1});
  }

  std::unique_ptr<AuditStore> store_;
  ManualClock clock_{kStart};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AuditLog> log_;
};

INSTANTIATE_TEST_SUITE_P(Engines, AuditLogTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), engine_name);

TEST_P(AuditLogTest, EmptyLogVerifies) {
  const VerifyReport r = verify();
  EXPECT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.count, 0);
}

TEST_P(AuditLogTest, AppendsChainInOrder) {
  for (int i = 1; i <= 4; ++i) {
    clock_.advance(kMillisPerSecond);
    auto ok = log_->append(entry("user:alice", "case.create", "case", "C-" + std::to_string(i)));
    ASSERT_TRUE(ok.has_value());
  }
  auto entries = all();  // links the pending entries first
  ASSERT_EQ(entries.size(), 4u);
  std::reverse(entries.begin(), entries.end());  // list() is newest first
  std::string prev = kZeroHash;
  for (size_t i = 0; i < entries.size(); ++i) {
    const StoredEntry& e = entries[i];
    EXPECT_EQ(e.seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(e.at, kStart + static_cast<Timestamp>(i + 1) * kMillisPerSecond);
    EXPECT_EQ(e.prev_hash, prev) << "seq " << e.seq;
    EXPECT_EQ(e.hash.size(), 64u);
    EXPECT_EQ(e.hash, chain_hash(e.seq, e.at, e, e.prev_hash));
    EXPECT_EQ(e.actor, "user:alice");
    EXPECT_EQ(e.target_id, "C-" + std::to_string(i + 1));
    EXPECT_EQ(e.detail, R"({"note":"测试"})");
    prev = e.hash;
  }
  const VerifyReport r = verify();
  EXPECT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.count, 4);
}

TEST(ChainHash, CoversEveryFieldAndThePreviousHash) {
  ASSERT_TRUE(crypto::init());
  const Entry base = entry("user:alice", "case.dispatch", "case", "C-1");
  const std::string h = chain_hash(7, kStart, base, kZeroHash);
  EXPECT_EQ(h, chain_hash(7, kStart, base, kZeroHash));
  EXPECT_NE(h, chain_hash(8, kStart, base, kZeroHash));
  EXPECT_NE(h, chain_hash(7, kStart + 1, base, kZeroHash));
  EXPECT_NE(h, chain_hash(7, kStart, base, std::string(64, '1')));
  std::vector<std::string Entry::*> fields = {
      &Entry::actor,  &Entry::action,     &Entry::target_type, &Entry::target_id,
      &Entry::remote, &Entry::request_id, &Entry::outcome,     &Entry::detail};
  for (auto field : fields) {
    Entry changed = base;
    changed.*field += "x";
    EXPECT_NE(chain_hash(7, kStart, changed, kZeroHash), h);
  }
  // Moving text from one field to the next changes the hash too.
  Entry shifted = base;
  shifted.actor = "user:alic";
  shifted.action = "ecase.dispatch";
  EXPECT_NE(chain_hash(7, kStart, shifted, kZeroHash), h);
}

TEST_P(AuditLogTest, AlteredFieldIsReportedAtItsSeq) {
  append_n(5);
  tamper("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 3");
  const VerifyReport r = verify();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.broken, 3) << r.reason;
  EXPECT_EQ(r.count, 2);
  EXPECT_FALSE(r.reason.empty());
}

TEST_P(AuditLogTest, AlteredDetailOrTimeIsReported) {
  append_n(3);
  tamper("UPDATE audit_log SET detail = '{}' WHERE seq = 1");
  EXPECT_EQ(verify().broken, 1);
}

TEST_P(AuditLogTest, AlteredTimestampIsReported) {
  append_n(3);
  tamper("UPDATE audit_log SET at = at + 1 WHERE seq = 2");
  EXPECT_EQ(verify().broken, 2);
}

TEST_P(AuditLogTest, RehashedRowIsCaughtByTheNextLink) {
  append_n(4);
  // The intruder recomputes the altered row's own hash; the next row's prev_hash no longer matches.
  auto entries = all();
  StoredEntry second;
  for (const auto& e : entries)
    if (e.seq == 2) second = e;
  ASSERT_EQ(second.seq, 2);
  second.outcome = "403";
  const std::string forged = chain_hash(2, second.at, second, second.prev_hash);
  tamper("UPDATE audit_log SET outcome = '403', hash = '" + forged + "' WHERE seq = 2");
  const VerifyReport r = verify();
  EXPECT_EQ(r.broken, 3) << r.reason;
  EXPECT_EQ(r.count, 2);
}

TEST_P(AuditLogTest, DeletedMiddleRowIsReported) {
  append_n(5);
  tamper("DELETE FROM audit_log WHERE seq = 3");
  const VerifyReport r = verify();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.broken, 3) << r.reason;
  EXPECT_EQ(r.count, 2);
}

TEST_P(AuditLogTest, DeletedFirstRowIsReported) {
  append_n(3);
  tamper("DELETE FROM audit_log WHERE seq = 1");
  EXPECT_EQ(verify().broken, 1);
}

TEST_P(AuditLogTest, DeletedLastRowIsReportedByTheHead) {
  append_n(5);
  tamper("DELETE FROM audit_log WHERE seq = 5");
  const VerifyReport r = verify();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.broken, 5) << r.reason;
  EXPECT_EQ(r.count, 4);
}

TEST_P(AuditLogTest, AppendInARolledBackTransactionLeavesNoEntry) {
  append_n(2);
  auto r = db_->write([&](store::Session& tx) -> Result<void> {
    auto ok = log_->append(tx, entry("user:alice", "case.close", "case", "C-X"));
    if (!ok) return fail(ok.error());
    return fail(Error::conflict("状态已变", "state changed"));  // the caller's work fails
  });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(count_rows(*db_, "SELECT count(*) FROM audit_pending"), 0);

  auto entries = all();
  ASSERT_EQ(entries.size(), 2u);
  for (const auto& e : entries) EXPECT_NE(e.target_id, "C-X");
  VerifyReport v = verify();
  EXPECT_TRUE(v.ok()) << v.reason;
  EXPECT_EQ(v.count, 2);

  // Nothing of it remains: the next entry is number 3 and the chain stays whole.
  ASSERT_TRUE(log_->append(entry("user:bob", "case.close", "case", "C-Y")).has_value());
  entries = all();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].seq, 3);
  EXPECT_EQ(entries[0].target_id, "C-Y");
  v = verify();
  EXPECT_TRUE(v.ok()) << v.reason;
  EXPECT_EQ(v.count, 3);
}

TEST_P(AuditLogTest, AppendInACommittedCallerTransactionIsKept) {
  auto r = db_->write([&](store::Session& tx) -> Result<void> {
    auto a = log_->append(tx, entry("user:alice", "case.create", "case", "C-1"));
    if (!a) return fail(a.error());
    return log_->append(tx, entry("user:alice", "case.dispatch", "case", "C-1"));
  });
  ASSERT_TRUE(r.has_value());
  const VerifyReport v = verify();
  EXPECT_TRUE(v.ok()) << v.reason;
  EXPECT_EQ(v.count, 2);
  EXPECT_EQ(v.pending, 0);
  auto entries = all();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "case.dispatch");  // chained in the order they were appended
  EXPECT_EQ(entries[1].action, "case.create");
}

TEST_P(AuditLogTest, ListFiltersNewestFirst) {
  append_n(6);  // odd seq: alice, even seq: bob; target C-<seq>
  auto seqs = [](const std::vector<StoredEntry>& v) {
    std::vector<std::int64_t> out;
    for (const auto& e : v) out.push_back(e.seq);
    return out;
  };
  using Seqs = std::vector<std::int64_t>;
  EXPECT_EQ(seqs(all()), (Seqs{6, 5, 4, 3, 2, 1}));

  auto alice = log_->list({.actor = "user:alice"});
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(seqs(*alice), (Seqs{5, 3, 1}));

  auto target = log_->list({.target_type = "case", .target_id = "C-4"});
  ASSERT_TRUE(target.has_value());
  ASSERT_EQ(seqs(*target), Seqs{4});
  EXPECT_EQ((*target)[0].actor, "user:bob");
  EXPECT_EQ((*target)[0].request_id, "req-C-4");

  auto other_type = log_->list({.target_type = "user"});
  ASSERT_TRUE(other_type.has_value());
  EXPECT_TRUE(other_type->empty());
}

TEST_P(AuditLogTest, ListPagesWithACursor) {
  append_n(5);
  auto page1 = log_->list({.limit = 2});
  ASSERT_TRUE(page1.has_value());
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0].seq, 5);
  EXPECT_EQ((*page1)[1].seq, 4);
  auto page2 = log_->list({.before_seq = page1->back().seq, .limit = 2});
  ASSERT_TRUE(page2.has_value());
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[0].seq, 3);
  EXPECT_EQ((*page2)[1].seq, 2);
  auto page3 = log_->list({.before_seq = page2->back().seq, .limit = 2});
  ASSERT_TRUE(page3.has_value());
  ASSERT_EQ(page3->size(), 1u);
  EXPECT_EQ((*page3)[0].seq, 1);
  auto page4 = log_->list({.before_seq = 1, .limit = 2});
  ASSERT_TRUE(page4.has_value());
  EXPECT_TRUE(page4->empty());

  // A cursor combines with a filter; a limit below 1 still returns one entry.
  auto alice = log_->list({.actor = "user:alice", .before_seq = 5});
  ASSERT_TRUE(alice.has_value());
  ASSERT_EQ(alice->size(), 2u);
  EXPECT_EQ((*alice)[0].seq, 3);
  auto one = log_->list({.limit = 0});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->size(), 1u);
}

}  // namespace
}  // namespace civicgrid::audit
