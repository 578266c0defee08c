// Crash safety of intake: an appeal acknowledged with 201 survives a SIGKILL of the server. Eight
// client threads submit appeals until the server is killed under them; after a restart on the same
// data dir every acknowledged tracking code must still be found, the store must hold at least as
// many cases as were acknowledged, and the audit hash chain must verify. Three kill cycles on one
// data dir.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr int kThreads = 8;
constexpr int kCycles = 3;

class CasesCrashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  // Rows in the cases table, read with the engine's own client while no server runs.
  static std::int64_t stored_cases() {
    return std::atoll(server_->sql("SELECT count(*) FROM cases;").c_str());
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> CasesCrashTest::server_;

struct Outcome {
  std::mutex mu;
  std::map<std::string, std::string> acknowledged;  // tracking code → title, of every 201
  std::vector<std::string> unexpected;              // answers other than 201
  std::vector<std::string> stop_reasons;            // why each thread stopped
  std::atomic<int> submitting{0};
};

void submit_until_the_server_dies(std::uint16_t port, int cycle, int thread, Outcome& out) {
  HttpClient c(port);
  c.set_timeout(std::chrono::seconds(20));
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  ++out.submitting;
  std::string reason = "ran for 60 s without a connection error";
  for (int i = 0; std::chrono::steady_clock::now() < give_up; ++i) {
    const std::string title = "崩溃测试 c" + std::to_string(cycle) + " t" + std::to_string(thread) +
                              " n" + std::to_string(i);
    try {
      HttpResponse r = c.post_json("/api/v1/appeals", {{"type", "report"},
                                                       {"title", title},
                                                       {"description", "断电测试：提交后立即查询"},
                                                       {"grid", "MH-S03-C02-G01"}});
      std::lock_guard lock(out.mu);
      if (r.status == 201 && !r.str("/tracking_code").empty())
        out.acknowledged[r.str("/tracking_code")] = title;
      else if (out.unexpected.size() < 20)
        out.unexpected.push_back(title + ": HTTP " + std::to_string(r.status) + " " +
                                 r.body.substr(0, 300));
    } catch (const HarnessError& e) {
      reason = e.what();
      break;
    }
  }
  --out.submitting;
  std::lock_guard lock(out.mu);
  out.stop_reasons.push_back(reason);
}

TEST_F(CasesCrashTest, AcknowledgedAppealsSurviveSigkill) {
  std::map<std::string, std::string> acknowledged;  // over all cycles
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    SCOPED_TRACE("kill cycle " + std::to_string(cycle + 1));
    ASSERT_TRUE(server_->running());
    Outcome out;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back(submit_until_the_server_dies, server_->port(), cycle, t, std::ref(out));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    std::size_t before_kill;
    {
      std::lock_guard lock(out.mu);
      before_kill = out.acknowledged.size();
    }
    const int still_submitting = out.submitting.load();
    server_->kill9();
    for (auto& t : threads) t.join();

    EXPECT_EQ(still_submitting, kThreads) << "clients stopped before the kill";
    EXPECT_GT(before_kill, 0u) << "no appeal was acknowledged in 1.5 s\n" << server_->log_tail();
    EXPECT_TRUE(out.unexpected.empty()) << out.unexpected.size() << " answers were not 201, e.g. "
                                        << (out.unexpected.empty() ? "" : out.unexpected.front());
    ASSERT_EQ(out.stop_reasons.size(), static_cast<std::size_t>(kThreads));
    for (const auto& reason : out.stop_reasons)
      EXPECT_EQ(reason.find("60 s"), std::string::npos) << reason;
    acknowledged.insert(out.acknowledged.begin(), out.acknowledged.end());

    // The crashed store: the audit chain is intact and every acknowledged appeal is there.
    const CommandResult verify = server_->cli({"audit", "verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_GE(stored_cases(), static_cast<std::int64_t>(acknowledged.size()));

    server_->start();
    HttpClient c = server_->client();
    std::size_t missing = 0;
    for (const auto& [code, title] : acknowledged) {
      HttpResponse r = c.get("/api/v1/appeals/track/" + code);
      if (r.status != 200 || r.str("/title") != title) {
        if (++missing <= 5)
          ADD_FAILURE() << "acknowledged appeal " << code << " (" << title << ") lost: " << r;
      }
    }
    EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged appeals";
  }
  EXPECT_EQ(server_->stop(), 0) << server_->log_tail();
  EXPECT_GE(stored_cases(), static_cast<std::int64_t>(acknowledged.size()));
  const CommandResult verify = server_->cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  std::cout << "[ crash    ] " << acknowledged.size() << " acknowledged appeals over " << kCycles
            << " kill cycles\n";
}

}  // namespace
}  // namespace civicgrid::api_test
