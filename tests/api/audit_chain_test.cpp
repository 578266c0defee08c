// The audit chain with several servers over one PostgreSQL store: each process appends its
// entries unchained and the linkers (one at a time) chain them after commit. Every acknowledged
// appeal's entry ends up in the chain exactly once, also when the process that took it is killed
// before linking it. Needs PostgreSQL: on the SQLite run it is skipped (one process per store,
// entries chained inline; the audit unit tests cover that path).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

using namespace std::chrono_literals;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Submits an appeal; returns the request id of a 201, or "" for anything else.
std::string submit(TestServer& s, const std::string& title) {
  HttpResponse r = s.client().post_json("/api/v1/appeals", {{"type", "complaint"},
                                                            {"title", title},
                                                            {"description", "审计链测试"},
                                                            {"grid", "MH-S01-C01-G01"}});
  return r.status == 201 ? r.header("X-Request-Id") : std::string();
}

std::int64_t count(const TestServer& s, const std::string& sql) {
  return std::stoll(trim(s.sql(sql)));
}

// Waits up to 10 s for the background linkers to leave nothing pending; returns what is left.
std::int64_t wait_linked(const TestServer& s) {
  std::int64_t pending = -1;
  for (int i = 0; i < 200; ++i) {
    pending = count(s, "SELECT count(*) FROM audit_pending");
    if (pending == 0) break;
    std::this_thread::sleep_for(50ms);
  }
  return pending;
}

std::string in_list(const std::set<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "'" : ",'") + id + "'";
  return "(" + out + ")";
}

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_on_postgres()) GTEST_SKIP() << "several processes share a store only on PostgreSQL";
  }
};

TEST_F(AuditChainTest, TwoServersUnderConcurrentIntakeChainEveryEntryOnce) {
  TestServer a;
  a.start();
  TestServer b(TestServerOptions{.db_url = a.db_url()});
  b.start();
  create_user(a, "ac_admin", "admin", "MH");
  constexpr int kThreads = 6;
  constexpr int kPerThread = 25;
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        TestServer& server = (t + i) % 2 ? a : b;
        const std::string id =
            submit(server, "并发受理 " + std::to_string(t) + "-" + std::to_string(i));
        if (id.empty()) {
          ++refused;
          continue;
        }
        std::lock_guard lock(mu);
        acknowledged.insert(id);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(refused.load(), 0);
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kThreads * kPerThread));

  // The background linkers chain everything without anyone asking.
  EXPECT_EQ(wait_linked(a), 0);
  EXPECT_EQ(count(a, "SELECT count(*) FROM audit_log WHERE request_id IN " + in_list(acknowledged)),
            kThreads * kPerThread);
  EXPECT_EQ(count(a, "SELECT count(*) - count(DISTINCT seq) FROM audit_log"), 0);
  EXPECT_EQ(count(a, "SELECT max(seq) - count(*) FROM audit_log"), 0);  // gap-free from 1
  EXPECT_EQ(count(a, "SELECT seq FROM audit_head"), count(a, "SELECT count(*) FROM audit_log"));

  CommandResult v = b.cli({"audit", "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("audit chain intact: " + trim(a.sql("SELECT count(*) FROM audit_log")) +
                       " entries"),
            std::string::npos)
      << v.out;
  HttpResponse api = b.login_as("ac_admin").get("/api/v1/admin/audit/verify");
  ASSERT_EQ(api.status, 200u) << api;
  EXPECT_EQ(api.find("/ok") ? *api.find("/ok") : boost::json::value(), boost::json::value(true))
      << api;
  EXPECT_EQ(api.integer("/pending"), 0) << api;
  EXPECT_GT(api.integer("/count").value_or(0), kThreads * kPerThread) << api;
}

TEST_F(AuditChainTest, EntriesOfAServerKilledBeforeLinkingAreChainedByTheNextOne) {
  // A server that links nothing in the background, so its entries are still pending when it dies.
  TestServer crashing(TestServerOptions{.extra_args = {"--audit-link-interval", "0"}});
  crashing.start();
  std::set<std::string> acknowledged;
  for (int i = 0; i < 5; ++i) {
    const std::string id = submit(crashing, "崩溃前受理 " + std::to_string(i));
    ASSERT_FALSE(id.empty());
    acknowledged.insert(id);
  }
  crashing.kill9();
  const std::string ids = in_list(acknowledged);
  EXPECT_EQ(count(crashing, "SELECT count(*) FROM audit_pending WHERE request_id IN " + ids), 5);
  EXPECT_EQ(count(crashing, "SELECT count(*) FROM audit_log WHERE request_id IN " + ids), 0);

  TestServer next(TestServerOptions{.db_url = crashing.db_url()});
  next.start();
  EXPECT_EQ(wait_linked(next), 0);
  EXPECT_EQ(count(next, "SELECT count(*) FROM audit_log WHERE request_id IN " + ids), 5);
  CommandResult v = next.cli({"audit", "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  next.stop();
}

}  // namespace
}  // namespace civicgrid::api_test
