// Several civicgrid servers over one PostgreSQL store: what one process writes the other reads;
// two dispatchers acting on one case at once through different processes — exactly one wins and
// the timeline holds one event; each process's in-memory state (the statistics cube, the org
// tree, the analytics configuration) follows the other's changes, also across a lost LISTEN
// connection, and after a burst of intakes; failed logins through both count together. Needs
// PostgreSQL: on the SQLite run it is skipped, since a SQLite store belongs to one process.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>
#include <vector>

#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr int kRaces = 50;

class ClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test_on_postgres()) return;
    a_ = std::make_unique<TestServer>();
    a_->start();
    b_ = std::make_unique<TestServer>(TestServerOptions{.db_url = a_->db_url()});
    b_->start();
    create_users(*a_, {{"cl_disp1", "dispatcher", "MH-CC"},
                       {"cl_disp2", "dispatcher", "MH-CC"},
                       {"cl_admin", "admin", "MH"},
                       {"cl_throttled", "resident", ""}});
  }
  static void TearDownTestSuite() {
    b_.reset();
    a_.reset();
  }
  void SetUp() override {
    if (!test_on_postgres()) GTEST_SKIP() << "several servers share a store only on PostgreSQL";
    ASSERT_TRUE(a_->running() && b_->running());
  }

  static std::int64_t submit(TestServer& s, const std::string& title) {
    HttpResponse r = s.client().post_json("/api/v1/appeals", {{"type", "complaint"},
                                                              {"title", title},
                                                              {"description", "两个服务进程的测试"},
                                                              {"grid", "MH-S01-C01-G01"}});
    if (r.status != 201)
      throw HarnessError("submit: HTTP " + std::to_string(r.status) + " " + r.body);
    return *r.integer("/id");
  }
  static std::int64_t total(TestServer& s) {
    HttpResponse r = s.login_as("cl_admin").get("/api/v1/stats/counts");
    if (r.status != 200) throw HarnessError("stats: " + r.body);
    return *r.integer("/total");
  }

  // psql's output without its line ends.
  static std::string sql_value(const std::string& url, const std::string& statement) {
    std::string out = psql(url, statement);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  // The backend pid of `server`'s LISTEN connection, "" when there is none.
  static std::string listener_backend(const TestServer& server) {
    return sql_value(server.db_url(),
                     "SELECT pid FROM pg_stat_activity WHERE application_name = "
                     "'civicgrid-listener-" +
                         std::to_string(server.pid()) + "'");
  }

  static std::unique_ptr<TestServer> a_, b_;
};

std::unique_ptr<TestServer> ClusterTest::a_, ClusterTest::b_;

TEST_F(ClusterTest, ACaseCreatedThroughOneIsReadThroughTheOther) {
  const std::int64_t id = submit(*a_, "甲进程受理");
  HttpResponse got = b_->login_as("cl_disp1").get("/api/v1/cases/" + std::to_string(id));
  ASSERT_EQ(got.status, 200u) << got;
  EXPECT_EQ(got.str("/title"), "甲进程受理");
  EXPECT_EQ(got.str("/status"), "submitted");
}

TEST_F(ClusterTest, ConcurrentActionsThroughTwoProcessesHaveOneWinner) {
  HttpClient d1 = a_->login_as("cl_disp1");
  HttpClient d2 = b_->login_as("cl_disp2");
  const json::object body{{"category", "C01-02-04"}, {"note", "属实"}};
  for (int round = 0; round < kRaces; ++round) {
    const std::int64_t id = submit(round % 2 ? *a_ : *b_, "并发立案 " + std::to_string(round));
    const std::string target = "/api/v1/cases/" + std::to_string(id) + "/register";
    std::atomic<int> ready{0};
    HttpResponse r1, r2;
    auto go = [&](HttpClient& c, HttpResponse& out) {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      out = c.post_json(target, body);
    };
    std::thread t1([&] { go(d1, r1); });
    std::thread t2([&] { go(d2, r2); });
    t1.join();
    t2.join();
    const int wins = (r1.status == 200) + (r2.status == 200);
    const int conflicts = (r1.status == 409) + (r2.status == 409);
    ASSERT_EQ(wins, 1) << "round " << round << ": " << r1 << " / " << r2;
    ASSERT_EQ(conflicts, 1) << "round " << round << ": " << r1 << " / " << r2;
    HttpResponse got = a_->login_as("cl_disp1").get("/api/v1/cases/" + std::to_string(id));
    int registers = 0;
    for (const auto& e : got.find("/timeline")->as_array())
      registers += e.as_object().at("action") == json::value("register");
    ASSERT_EQ(registers, 1) << "round " << round << ": " << got;
    EXPECT_EQ(got.str("/status"), "registered");
  }
}

TEST_F(ClusterTest, EachProcessCubeFollowsTheOthersChanges) {
  const std::int64_t before_a = total(*a_), before_b = total(*b_);
  ASSERT_EQ(before_a, before_b);
  submit(*a_, "统计同步一");
  submit(*b_, "统计同步二");
  submit(*b_, "统计同步三");
  // Notifications arrive asynchronously: poll for a few seconds.
  std::int64_t now_a = 0, now_b = 0;
  for (int i = 0; i < 100; ++i) {
    now_a = total(*a_);
    now_b = total(*b_);
    if (now_a == before_a + 3 && now_b == before_b + 3) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(now_a, before_a + 3);
  EXPECT_EQ(now_b, before_b + 3);
}

TEST_F(ClusterTest, ABurstOfIntakesThroughOneAllReachTheOthersCube) {
  constexpr int kBurst = 200;
  const std::int64_t before_b = total(*b_);
  std::atomic<int> ready{0}, created{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kBurst; ++i) {
    clients.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kBurst) std::this_thread::yield();
      try {
        submit(*a_, "集中受理 " + std::to_string(i));
        ++created;
      } catch (const HarnessError&) {
      }
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_EQ(created.load(), kBurst);
  // The cases reach B through the relays' batched notifications.
  std::int64_t now_b = 0;
  for (int i = 0; i < 200 && now_b != before_b + kBurst; ++i) {
    now_b = total(*b_);
    if (now_b != before_b + kBurst) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(now_b, before_b + kBurst);
  // Every change recorded by the trigger has been relayed.
  std::string pending;
  for (int i = 0; i < 100; ++i) {
    pending = sql_value(a_->db_url(), "SELECT count(*) FROM case_changes_pending");
    if (pending == "0") break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(pending, "0");
}

TEST_F(ClusterTest, OrgUnitsAddedThroughOneAreKnownToTheOther) {
  HttpResponse created = a_->login_as("cl_admin")
                             .post_json("/api/v1/org/units", {{"code", "MH-S01-C09"},
                                                              {"name", "新建社区"},
                                                              {"kind", "community"},
                                                              {"parent", "MH-S01"}});
  ASSERT_EQ(created.status, 201u) << created;
  // A grid under the new community, created through the other process, needs its parent there.
  HttpResponse grid;
  for (int i = 0; i < 100; ++i) {
    grid = b_->login_as("cl_admin")
               .post_json("/api/v1/org/units", {{"code", "MH-S01-C09-G01"},
                                                {"name", "新网格"},
                                                {"kind", "grid"},
                                                {"parent", "MH-S01-C09"}});
    if (grid.status == 201) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(grid.status, 201u) << grid;
  HttpResponse listed =
      b_->login_as("cl_admin").get("/api/v1/org/units?parent=MH-S01&kind=community");
  EXPECT_NE(listed.body.find("MH-S01-C09"), std::string::npos) << listed;
}

TEST_F(ClusterTest, AnalyticsConfigChangedThroughOneIsUsedByTheOther) {
  const std::string target = "/api/v1/admin/analytics/config";
  HttpResponse put = a_->login_as("cl_admin")
                         .request("PUT", target, R"({"repeat_days": 17, "basic_weight": 0.65})",
                                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(put.status, 200u) << put;
  HttpClient admin_b = b_->login_as("cl_admin");
  HttpResponse got;
  for (int i = 0; i < 100; ++i) {
    got = admin_b.get(target);
    if (got.integer("/repeat_days") == 17) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(got.integer("/repeat_days"), 17) << got;
  EXPECT_EQ(got.json().at("basic_weight").as_double(), 0.65) << got;
  // The league and rates of the other process use the new weight too.
  HttpResponse rates = admin_b.get("/api/v1/stats/rates?by=department");
  ASSERT_EQ(rates.status, 200u) << rates;
  EXPECT_EQ(rates.json().at("basic_weight").as_double(), 0.65) << rates;
}

TEST_F(ClusterTest, FailedLoginsThroughBothProcessesCountTogether) {
  // Five failures per username are allowed in the window: three through A, two through B.
  const json::value wrong{{"username", "cl_throttled"}, {"password", "wrong-password-1"}};
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = (i < 3 ? *a_ : *b_).client().post_json("/api/v1/auth/login", wrong);
    ASSERT_EQ(r.status, 401u) << "attempt " << i << ": " << r;
  }
  // Each process alone saw fewer than five; together they are five, so both refuse now, even
  // the right password.
  const json::value right{{"username", "cl_throttled"}, {"password", std::string(kTestPassword)}};
  for (TestServer* s : {a_.get(), b_.get()}) {
    HttpResponse r = s->client().post_json("/api/v1/auth/login", right);
    EXPECT_EQ(r.status, 429u) << r;
    EXPECT_EQ(r.error_code(), "too_many_requests") << r;
  }
  // The window is in the store, shared, with its count.
  EXPECT_EQ(
      sql_value(a_->db_url(),
                "SELECT failures FROM login_failures WHERE throttle_key = 'user:cl_throttled'"),
      "5");
  // Other users log in as before.
  EXPECT_EQ(b_->client()
                .post_json("/api/v1/auth/login",
                           {{"username", "cl_disp1"}, {"password", std::string(kTestPassword)}})
                .status,
            200u);
}

TEST_F(ClusterTest, ALostListenConnectionIsDetectedAndTheViewsRebuilt) {
  const std::string before_pid = listener_backend(*b_);
  ASSERT_FALSE(before_pid.empty()) << "no listener of B in pg_stat_activity";
  const std::int64_t before = total(*a_);
  ASSERT_EQ(total(*b_), before);
  // B is frozen while its listening backend is terminated and A takes a case, so the case's
  // notification cannot reach B: only the rebuild after reconnecting can bring the case in.
  b_->send_signal(SIGSTOP);
  const std::string terminated =
      sql_value(a_->db_url(), "SELECT pg_terminate_backend(" + before_pid + ")");
  submit(*a_, "监听断开期间受理");
  b_->send_signal(SIGCONT);
  EXPECT_EQ(terminated, "t");
  std::string after_pid;
  std::int64_t now_b = 0;
  for (int i = 0; i < 200; ++i) {
    after_pid = listener_backend(*b_);
    now_b = total(*b_);
    if (!after_pid.empty() && after_pid != before_pid && now_b == before + 1) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_FALSE(after_pid.empty()) << "B did not listen again";
  EXPECT_NE(after_pid, before_pid);
  EXPECT_EQ(now_b, before + 1) << "B's statistics miss the case taken while it was disconnected";
  EXPECT_NE(b_->log_tail(20000).find("postgres listener: connection lost"), std::string::npos)
      << b_->log_tail();
  // Notifications flow again on the new connection.
  submit(*a_, "重新监听后受理");
  for (int i = 0; i < 100 && now_b != before + 2; ++i) {
    std::this_thread::sleep_for(50ms);
    now_b = total(*b_);
  }
  EXPECT_EQ(now_b, before + 2);
}

}  // namespace
}  // namespace civicgrid::api_test
