// Open data over the real binary: appeals submitted and driven through the loop over HTTP, then
// GET /api/v1/open/stats and the dataset downloads checked against counts kept here, small-cell
// suppression, paging, errors, and that nothing a resident gave as contact data is published.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr std::string_view kName = "欧阳明珠";
constexpr std::string_view kContactPhone = "13912345678";
constexpr std::string_view kTitlePhone = "13987654321";

class OpenDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_users(*server_,
                 {{"od_disp", "dispatcher", "MH-CC"}, {"od_cg", "department_handler", "MH-D-CG"}});
    disp_ = std::make_unique<HttpClient>(server_->login_as("od_disp"));
    cg_ = std::make_unique<HttpClient>(server_->login_as("od_cg"));
    // 5 cases of category C01 (4 dispatched to MH-D-CG and accepted, 1 of them closed and
    // evaluated), 2 of C04 registered only, 1 left uncategorised.
    for (int i = 0; i < 8; ++i) {
      json::object body{{"type", "complaint"},
                        {"title", "路灯不亮，回电" + std::string(kTitlePhone)},
                        {"description", "我叫" + std::string(kName) + "，小区门口的路灯坏了"},
                        {"grid", "MH-S01-C01-G01"},
                        {"contact", {{"name", kName}, {"phone", kContactPhone}}}};
      HttpResponse r = server_->client().post_json("/api/v1/appeals", body);
      if (r.status != 201) throw HarnessError("submit failed: " + r.body);
      ids_.push_back(*r.integer("/id"));
      codes_.push_back(r.str("/tracking_code"));
    }
    for (int i = 0; i < 7; ++i)
      act(*disp_, ids_[i], "register", {{"category", i < 5 ? "C01-02-01" : "C04-01-04"}});
    for (int i = 0; i < 4; ++i) {
      act(*disp_, ids_[i], "dispatch", {{"department", "MH-D-CG"}});
      act(*cg_, ids_[i], "accept", {{"contacted", true}});
    }
    act(*cg_, ids_[0], "handle",
        {{"result", "已更换灯泡"}, {"reply", "已修复，如有问题请拨" + std::string(kTitlePhone)}});
    act(*disp_, ids_[0], "verify", {{"ok", true}});
    act(*disp_, ids_[0], "close", {});
    HttpResponse e =
        server_->client().post_json("/api/v1/appeals/track/" + codes_[0] + "/evaluation",
                                    {{"resolved", "resolved"}, {"satisfaction", "satisfied"}});
    if (e.status != 200) throw HarnessError("evaluation failed: " + e.body);
  }
  static void TearDownTestSuite() {
    disp_.reset();
    cg_.reset();
    server_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static void act(HttpClient& c, std::int64_t id, std::string_view action, json::object body) {
    HttpResponse r =
        c.post_json("/api/v1/cases/" + std::to_string(id) + "/" + std::string(action), body);
    if (r.status != 200) throw HarnessError(std::string(action) + " failed: " + r.body);
  }
  static HttpResponse get(const std::string& target) { return server_->client().get(target); }

  // The row of a stats answer whose key is `key`; nullptr when absent.
  static const json::object* row(const HttpResponse& r, std::string_view key) {
    for (const auto& v : r.json().at("rows").as_array())
      if (v.as_object().at("key").as_string() == key) return &v.as_object();
    return nullptr;
  }

  static std::unique_ptr<TestServer> server_;
  static std::unique_ptr<HttpClient> disp_, cg_;
  static std::vector<std::int64_t> ids_;
  static std::vector<std::string> codes_;
};

std::unique_ptr<TestServer> OpenDataTest::server_;
std::unique_ptr<HttpClient> OpenDataTest::disp_, OpenDataTest::cg_;
std::vector<std::int64_t> OpenDataTest::ids_;
std::vector<std::string> OpenDataTest::codes_;

const json::value kSmall("<3");

TEST_F(OpenDataTest, StatsByCategoryCountAndSuppress) {
  HttpResponse r = get("/api/v1/open/stats?by=category");
  ASSERT_EQ(r.status, 200u) << r;
  const json::object* c01 = row(r, "C01");
  ASSERT_NE(c01, nullptr) << r;
  EXPECT_EQ(c01->at("cases"), json::value(5)) << r;
  EXPECT_EQ(c01->at("closed"), kSmall) << r;  // 1 closed: fewer than 3
  // Response: 4 dispatched, 4 accepted on time with contact → 100 %.
  EXPECT_EQ(c01->at("response").at("numerator"), json::value(4)) << r;
  EXPECT_EQ(c01->at("response").at("denominator"), json::value(4)) << r;
  EXPECT_EQ(c01->at("response").at("rate").to_number<double>(), 1.0) << r;
  // One evaluation: the rate would reveal a single resident's answer.
  EXPECT_EQ(c01->at("satisfaction").at("denominator"), kSmall) << r;
  EXPECT_TRUE(c01->at("satisfaction").at("rate").is_null()) << r;
  const json::object* c04 = row(r, "C04");
  ASSERT_NE(c04, nullptr) << r;
  EXPECT_EQ(c04->at("cases"), kSmall) << r;
  EXPECT_EQ(c04->at("closed"), json::value(0)) << r;
  const json::object* none = row(r, "");
  ASSERT_NE(none, nullptr) << r;
  EXPECT_EQ(none->at("cases"), kSmall) << r;
  EXPECT_EQ(r.json().at("total").at("cases"), json::value(8)) << r;
  EXPECT_EQ(r.json().at("min_cell"), json::value(3)) << r;
}

TEST_F(OpenDataTest, StatsByStreetDepartmentMonth) {
  HttpResponse street = get("/api/v1/open/stats?by=street");
  ASSERT_EQ(street.status, 200u) << street;
  ASSERT_NE(row(street, "MH-S01"), nullptr) << street;
  EXPECT_EQ(row(street, "MH-S01")->at("cases"), json::value(8)) << street;

  HttpResponse dep = get("/api/v1/open/stats?by=department");
  ASSERT_EQ(dep.status, 200u) << dep;
  ASSERT_NE(row(dep, "MH-D-CG"), nullptr) << dep;
  EXPECT_EQ(row(dep, "MH-D-CG")->at("cases"), json::value(4)) << dep;
  EXPECT_FALSE(row(dep, "MH-D-CG")->at("name").as_string().empty()) << dep;

  HttpResponse month = get("/api/v1/open/stats?by=month");
  ASSERT_EQ(month.status, 200u) << month;
  ASSERT_EQ(month.json().at("rows").as_array().size(), 1u) << month;
  EXPECT_EQ(month.json().at("rows").as_array()[0].at("cases"), json::value(8)) << month;

  // A period before any case: nothing.
  HttpResponse empty = get("/api/v1/open/stats?by=month&from=2000-01-01&to=2000-02-01");
  ASSERT_EQ(empty.status, 200u) << empty;
  EXPECT_TRUE(empty.json().at("rows").as_array().empty()) << empty;
  EXPECT_EQ(empty.json().at("total").at("cases"), json::value(0)) << empty;
}

TEST_F(OpenDataTest, BadParametersNameTheField) {
  EXPECT_TRUE(IsFieldError(get("/api/v1/open/stats?by=week"), 422, "invalid_argument", "by"));
  EXPECT_TRUE(
      IsFieldError(get("/api/v1/open/stats?from=2026-13-01"), 422, "invalid_argument", "from"));
  EXPECT_TRUE(IsFieldError(get("/api/v1/open/stats?from=2026-02-01&to=2026-01-01"), 422,
                           "invalid_argument", "to"));
  EXPECT_TRUE(
      IsFieldError(get("/api/v1/open/stats?colour=red"), 422, "invalid_argument", "colour"));
  EXPECT_TRUE(IsFieldError(get("/api/v1/open/datasets/published-cases.csv?limit=0"), 422,
                           "invalid_argument", "limit"));
  EXPECT_TRUE(IsFieldError(get("/api/v1/open/datasets/published-cases.json?offset=x"), 422,
                           "invalid_argument", "offset"));
  EXPECT_TRUE(IsFieldError(get("/api/v1/open/datasets/monthly-counts.csv?limit=5"), 422,
                           "invalid_argument", "limit"));
  EXPECT_TRUE(IsApiError(get("/api/v1/open/datasets/no-such"), 404, "not_found"));
  EXPECT_TRUE(IsApiError(get("/api/v1/open/datasets/no-such.csv"), 404, "not_found"));
}

TEST_F(OpenDataTest, CatalogDescribesEveryDataset) {
  HttpResponse r = get("/api/v1/open/datasets");
  ASSERT_EQ(r.status, 200u) << r;
  std::map<std::string, const json::object*> by_id;
  for (const auto& d : r.json().at("datasets").as_array())
    by_id[std::string(d.at("id").as_string())] = &d.as_object();
  ASSERT_EQ(by_id.size(), 3u) << r;
  const json::object& cases = *by_id.at("published-cases");
  EXPECT_FALSE(cases.at("title").as_string().empty());
  EXPECT_FALSE(cases.at("licence").as_string().empty());
  ASSERT_EQ(cases.at("resources").as_array().size(), 2u) << r;
  const json::object& csv = cases.at("resources").as_array()[0].as_object();
  EXPECT_EQ(csv.at("format"), json::value("CSV"));
  EXPECT_EQ(csv.at("url"), json::value("/api/v1/open/datasets/published-cases.csv"));
  EXPECT_EQ(csv.at("row_count"), json::value(7)) << "categorised cases";
  // monthly-counts: (month, C01, MH-S01), (month, C04, MH-S01), (month, none, MH-S01).
  EXPECT_EQ(by_id.at("monthly-counts")->at("resources").as_array()[0].at("row_count"),
            json::value(3));
  HttpResponse one = get("/api/v1/open/datasets/department-performance");
  ASSERT_EQ(one.status, 200u) << one;
  EXPECT_EQ(one.str("/id"), "department-performance");
}

TEST_F(OpenDataTest, PublishedCasesArePagedAndRedacted) {
  HttpResponse all = get("/api/v1/open/datasets/published-cases.json");
  ASSERT_EQ(all.status, 200u) << all;
  const auto& rows = all.json().at("rows").as_array();
  ASSERT_EQ(rows.size(), 7u) << all;
  std::map<std::string, int> statuses;
  for (const auto& v : rows) {
    const json::object& o = v.as_object();
    statuses[std::string(o.at("status").as_string())]++;
    EXPECT_TRUE(o.at("grid").is_string()) << v;
    EXPECT_FALSE(o.at("street").is_null()) << v;
    EXPECT_FALSE(o.contains("contact_name"));
    EXPECT_FALSE(o.contains("address"));
  }
  EXPECT_EQ(statuses["closed"], 1) << all;
  EXPECT_EQ(statuses["accepted"], 3) << all;
  EXPECT_EQ(statuses["registered"], 3) << all;

  HttpResponse p1 = get("/api/v1/open/datasets/published-cases.json?limit=3");
  ASSERT_EQ(p1.status, 200u) << p1;
  EXPECT_EQ(p1.json().at("rows").as_array().size(), 3u) << p1;
  EXPECT_NE(p1.header("Link").find("offset=3"), std::string::npos) << p1.header("Link");
  HttpResponse p3 = get("/api/v1/open/datasets/published-cases.json?offset=6&limit=3");
  ASSERT_EQ(p3.status, 200u) << p3;
  EXPECT_EQ(p3.json().at("rows").as_array().size(), 1u) << p3;
  EXPECT_TRUE(p3.header("Link").empty()) << "last page";

  HttpResponse csv = get("/api/v1/open/datasets/published-cases.csv");
  ASSERT_EQ(csv.status, 200u) << csv;
  EXPECT_EQ(csv.header("Content-Type"), "text/csv; charset=utf-8");
  ASSERT_TRUE(
      csv.body.starts_with("\xEF\xBB\xBF"
                           "id,type,category,"))
      << csv.body.substr(0, 80);
  size_t lines = 0;
  for (size_t at = 0; (at = csv.body.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
  EXPECT_EQ(lines, 8u) << "header and 7 cases: " << csv.body;
}

TEST_F(OpenDataTest, AggregateDownloadsMatchTheCases) {
  HttpResponse monthly = get("/api/v1/open/datasets/monthly-counts.json");
  ASSERT_EQ(monthly.status, 200u) << monthly;
  bool found = false;
  for (const auto& v : monthly.json().at("rows").as_array()) {
    if (v.at("category") != json::value("C01")) continue;
    found = true;
    EXPECT_EQ(v.at("street"), json::value("MH-S01")) << v;
    EXPECT_EQ(v.at("cases"), json::value(5)) << v;
    EXPECT_EQ(v.at("closed"), kSmall) << v;
  }
  EXPECT_TRUE(found) << monthly;

  HttpResponse dep = get("/api/v1/open/datasets/department-performance.csv");
  ASSERT_EQ(dep.status, 200u) << dep;
  // MH-D-CG: 4 cases, 1 closed (<3), response 4/4, resolution and satisfaction withheld (1
  // evaluation).
  EXPECT_NE(dep.body.find(",MH-D-CG,"), std::string::npos) << dep.body;
  EXPECT_NE(dep.body.find(",4,<3,1,4,4,,<3,,<3,<3\r\n"), std::string::npos) << dep.body;
}

TEST_F(OpenDataTest, NoPersonalDataInAnyDownload) {
  std::vector<std::string> targets{"/api/v1/open/datasets", "/api/v1/open/stats?by=category",
                                   "/api/v1/open/stats?by=department"};
  for (const std::string id : {"published-cases", "monthly-counts", "department-performance"})
    for (const std::string ext : {".csv", ".json", ""})
      targets.push_back("/api/v1/open/datasets/" + id + ext);
  for (const auto& t : targets) {
    HttpResponse r = get(t);
    ASSERT_EQ(r.status, 200u) << t << ": " << r;
    EXPECT_EQ(r.body.find(kContactPhone), std::string::npos) << t;
    EXPECT_EQ(r.body.find(kTitlePhone), std::string::npos) << t;
    EXPECT_EQ(r.body.find(kName), std::string::npos) << t;
    EXPECT_EQ(r.body.find("od_disp"), std::string::npos) << t;
  }
}

}  // namespace
}  // namespace civicgrid::api_test
