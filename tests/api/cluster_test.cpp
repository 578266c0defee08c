// Several civicgrid servers over one PostgreSQL store: what one process writes the other reads;
// two dispatchers acting on one case at once through different processes — exactly one wins and
// the timeline holds one event; each process's in-memory state (the statistics cube, the org
// tree) follows the other's changes. Needs PostgreSQL: on the SQLite run it is skipped, since a
// SQLite store belongs to one process.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

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
                       {"cl_admin", "admin", "MH"}});
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

}  // namespace
}  // namespace civicgrid::api_test
