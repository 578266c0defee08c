// Similar open cases (重复诉求) over real HTTP: a near-copy of an open case's appeal lists that
// case with a high score, an unrelated appeal does not, closed and merged cases leave the lists,
// the endpoint has the case's own access and scope, and the index is rebuilt from the store on
// restart.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr const char* kGrid = "MH-S01-C01-G01";

const char* kGarbageTitle = "阳光花园小区垃圾站一周没有清运";
const char* kGarbage =
    "阳光花园小区3栋楼下的垃圾站已经一个星期没有清运，垃圾堆满溢出，气味刺鼻，夏天蚊蝇滋生，"
    "严重影响居民生活，请环卫部门尽快处理并安排每天定时清运。";
// A few characters changed.
const char* kGarbageCopyTitle = "阳光花园小区垃圾站一周没人清运";
const char* kGarbageCopy =
    "阳光花园小区3栋楼下的垃圾站已经一周没有清运了，垃圾堆满溢出，气味刺鼻，夏天蚊虫滋生，"
    "严重影响居民生活，请环卫部门尽快处理并安排每日定时清运。";

class CasesSimilarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_users(*server_, {{"sim_disp", "dispatcher", "MH-CC"},
                            {"sim_grid_own", "grid_worker", kGrid},
                            {"sim_grid_other", "grid_worker", "MH-S02-C01-G01"},
                            {"sim_resident", "resident", ""}});
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpClient as(const std::string& user) { return server_->login_as(user); }

  static json::object appeal(std::string_view title, std::string_view description) {
    return {{"type", "complaint"}, {"title", title}, {"description", description}, {"grid", kGrid}};
  }
  // Submits anonymously (as a resident would) and returns the 201 response.
  static HttpResponse submit(std::string_view title, std::string_view description) {
    return server_->client().post_json("/api/v1/appeals", appeal(title, description));
  }
  static std::int64_t id_of(const HttpResponse& r) { return r.integer("/id").value_or(0); }

  static HttpResponse similar(HttpClient& c, std::int64_t id, std::string_view query = "") {
    return c.get("/api/v1/cases/" + std::to_string(id) + "/similar" + std::string(query));
  }
  static HttpResponse similar(HttpClient&& c, std::int64_t id) { return similar(c, id); }
  // The row for case `id` in the array at `pointer`, or nullptr.
  static const json::object* row(const HttpResponse& r, std::string_view pointer, std::int64_t id) {
    const json::value* rows = r.find(pointer);
    if (!rows || !rows->is_array()) return nullptr;
    for (const auto& v : rows->as_array())
      if (v.as_object().at("id").to_number<std::int64_t>() == id) return &v.as_object();
    return nullptr;
  }

  // GET /api/v1/cases/{id}/similar answers 200 and lists (or does not list) case `other`.
  static ::testing::AssertionResult Lists(HttpClient& c, std::int64_t id, std::int64_t other,
                                          bool expected = true) {
    HttpResponse r = similar(c, id);
    if (r.status != 200) return ::testing::AssertionFailure() << r;
    if ((row(r, "/rows", other) != nullptr) != expected)
      return ::testing::AssertionFailure()
             << "case " << other << (expected ? " not" : "") << " listed: " << r;
    return ::testing::AssertionSuccess();
  }

  // How many open cases the index holds (the /metrics gauge).
  static double indexed() {
    HttpResponse m = server_->client().get("/metrics");
    return metric_value(m.body, "civicgrid_similar_cases_indexed").value_or(-1);
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> CasesSimilarTest::server_;

TEST_F(CasesSimilarTest, NearCopyListsTheOpenCaseUnrelatedDoesNot) {
  HttpResponse first = submit(kGarbageTitle, kGarbage);
  ASSERT_EQ(first.status, 201u) << first;
  HttpResponse copy = submit(kGarbageCopyTitle, kGarbageCopy);
  ASSERT_EQ(copy.status, 201u) << copy;
  // A resident's own intake response never lists other cases.
  EXPECT_EQ(copy.find("/similar"), nullptr) << copy;
  const std::int64_t a = id_of(first), b = id_of(copy);

  HttpClient disp = as("sim_disp");
  HttpResponse r = similar(disp, b);
  ASSERT_EQ(r.status, 200u) << r;
  const json::object* hit = row(r, "/rows", a);
  ASSERT_NE(hit, nullptr) << "the original is not listed: " << r;
  EXPECT_GT(hit->at("score").to_number<double>(), 0.6) << r;
  EXPECT_GT(hit->at("text").to_number<double>(), 0.6) << r;
  EXPECT_TRUE(hit->at("distance_m").is_null()) << "no points were given: " << r;
  EXPECT_LT(hit->at("hours_apart").to_number<double>(), 1) << r;
  EXPECT_EQ(hit->at("tracking_code").as_string(), first.str("/tracking_code")) << r;
  EXPECT_EQ(hit->at("title").as_string(), kGarbageTitle) << r;
  EXPECT_EQ(hit->at("status").as_string(), "submitted") << r;
  EXPECT_FALSE(hit->at("created_at").as_string().empty()) << r;
  EXPECT_FALSE(hit->contains("contact")) << r;
  EXPECT_FALSE(hit->contains("description")) << r;
  EXPECT_EQ(row(r, "/rows", b), nullptr) << "a case is not similar to itself: " << r;

  // The staff case detail carries the list too.
  HttpResponse detail = disp.get("/api/v1/cases/" + std::to_string(b));
  ASSERT_EQ(detail.status, 200u) << detail;
  EXPECT_NE(row(detail, "/similar", a), nullptr) << detail;

  // A dispatcher registering a hotline call sees the open cases it may repeat in the response.
  json::object call = appeal(kGarbageCopyTitle, kGarbageCopy);
  call["channel"] = "hotline";
  HttpResponse staff_intake = disp.post_json("/api/v1/appeals", call);
  ASSERT_EQ(staff_intake.status, 201u) << staff_intake;
  EXPECT_NE(row(staff_intake, "/similar", a), nullptr) << staff_intake;
  EXPECT_NE(row(staff_intake, "/similar", b), nullptr) << staff_intake;

  // An unrelated appeal lists neither.
  HttpResponse other = submit("孩子入学咨询",
                              "我家孩子今年九月上小学，户口在本区但房产证还没办下来，想咨询入学需要"
                              "准备哪些材料，学区怎么划分，什么时候可以网上报名。");
  ASSERT_EQ(other.status, 201u) << other;
  EXPECT_TRUE(Lists(disp, id_of(other), a, false));
  EXPECT_TRUE(Lists(disp, id_of(other), b, false));

  // limit
  HttpResponse one = similar(disp, b, "?limit=1");
  ASSERT_EQ(one.status, 200u) << one;
  EXPECT_EQ(one.find("/rows")->as_array().size(), 1u) << one;
  for (const char* bad : {"?limit=0", "?limit=51", "?limit=abc", "?limit=", "?limit=-1"})
    EXPECT_TRUE(IsFieldError(similar(disp, b, bad), 422, "invalid_argument", "limit")) << bad;
  EXPECT_TRUE(IsApiError(similar(disp, 99999999), 404, "not_found"));
  EXPECT_TRUE(IsApiError(disp.get("/api/v1/cases/abc/similar"), 404, "not_found"));

  // Access and scope are those of reading the case.
  HttpClient resident = as("sim_resident");
  EXPECT_TRUE(IsApiError(similar(resident, b), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(similar(server_->client(), b), 401, "unauthenticated"));
  HttpClient other_grid = as("sim_grid_other");
  EXPECT_TRUE(IsApiError(similar(other_grid, b), 404, "not_found"));
  HttpClient own_grid = as("sim_grid_own");
  EXPECT_TRUE(Lists(own_grid, b, a));
}

TEST_F(CasesSimilarTest, ClosedAndMergedCasesAreNotListed) {
  const char* title = "幸福路路灯连续多晚不亮";
  const char* text =
      "幸福路与建设路交叉口往东两百米的一排路灯已经连续五个晚上不亮了，行人和电动车"
      "经过很危险，上周还有老人摔倒，希望尽快派人维修。";
  const char* copy_text =
      "幸福路与建设路交叉口往东两百米那排路灯已经连续五个晚上不亮，行人和电动车"
      "经过很危险，上周还有老人摔倒了，希望尽快派人来修。";
  HttpClient disp = as("sim_disp");
  HttpResponse rejected = submit(title, text);
  HttpResponse kept = submit(title, text);
  HttpResponse dup = submit(title, copy_text);
  ASSERT_EQ(rejected.status, 201u) << rejected;
  ASSERT_EQ(kept.status, 201u) << kept;
  ASSERT_EQ(dup.status, 201u) << dup;
  const std::int64_t r_id = id_of(rejected), k_id = id_of(kept), d_id = id_of(dup);

  ASSERT_TRUE(Lists(disp, d_id, r_id));
  ASSERT_TRUE(Lists(disp, d_id, k_id));

  // A case that leaves the loop (here: not accepted, 不予立案) leaves the lists and the index.
  const double before = indexed();
  ASSERT_GE(before, 3);
  HttpResponse rej =
      disp.post_json("/api/v1/cases/" + std::to_string(r_id) + "/reject", {{"reason", "重复诉求"}});
  ASSERT_EQ(rej.status, 200u) << rej;
  EXPECT_TRUE(Lists(disp, d_id, r_id, false));
  EXPECT_EQ(indexed(), before - 1);
  EXPECT_TRUE(Lists(disp, d_id, k_id));

  // The dispatcher merges the confirmed duplicate into the case that stays open.
  HttpResponse merged =
      disp.post_json("/api/v1/cases/" + std::to_string(d_id) + "/merge", {{"into", k_id}});
  ASSERT_EQ(merged.status, 200u) << merged;
  EXPECT_EQ(indexed(), before - 2);
  EXPECT_TRUE(Lists(disp, k_id, d_id, false));
  EXPECT_TRUE(Lists(disp, k_id, r_id, false));
  // A finished case may still be asked what it resembles.
  EXPECT_TRUE(Lists(disp, d_id, k_id));
}

// Runs last: the index is rebuilt from the stored open cases when the server starts again.
TEST_F(CasesSimilarTest, IndexIsRebuiltFromTheStoreOnRestart) {
  const char* title = "湖滨公园东门夜间广场舞噪音扰民";
  const char* text =
      "湖滨公园东门广场每天晚上九点半以后还有人跳广场舞，音响声音特别大，"
      "附近住户的老人小孩无法休息，多次劝说无效，请城管和派出所管一管。";
  const char* copy =
      "湖滨公园东门广场每晚九点半以后还有人跳广场舞，音响声音特别大，"
      "附近住户的老人和小孩无法休息，多次劝说无效，请城管派出所管一管。";
  HttpResponse a = submit(title, text);
  HttpResponse b = submit(title, copy);
  ASSERT_EQ(a.status, 201u) << a;
  ASSERT_EQ(b.status, 201u) << b;
  server_->restart();
  HttpClient disp = as("sim_disp");
  HttpResponse r = similar(disp, id_of(b));
  ASSERT_EQ(r.status, 200u) << r;
  const json::object* hit = row(r, "/rows", id_of(a));
  ASSERT_NE(hit, nullptr) << r;
  EXPECT_GT(hit->at("score").to_number<double>(), 0.6) << r;
}

}  // namespace
}  // namespace civicgrid::api_test
