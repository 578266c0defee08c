// Open311 GeoReport v2 over real HTTP, part 2: reading requests back (filters, the 90-day window,
// paging, extensions, the status mapping as cases move through the closed loop), personal data kept
// out of every response, datetimes, tokens, and the mySociety update extension.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "open311_helpers.h"
#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test::open311 {
namespace {

constexpr const char* kBase = "/open311/v2";
// 自来水供应: a service without questions, used only by this suite's paging test.
constexpr const char* kPagingService = "C01-02-16";

class Open311RequestsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    key_ = create_api_key(*server_, "citysdk");
    create_user(*server_, "o311r_disp", "dispatcher", "MH-CC");
    create_user(*server_, "o311r_cg", "department_handler", "MH-D-CG");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpClient client() { return server_->client(); }

  static std::string create(const std::string& service, Form extra = {}) {
    Form f{{"api_key", key_},
           {"service_code", service},
           {"lat", "28.22"},
           {"long", "112.915"},
           {"description", "测试诉求"}};
    if (service == "C01-02-04") {
      f.emplace_back("attribute[facility_type]", "streetlight");
      f.emplace_back("attribute[blocks_traffic]", "no");
    }
    for (auto& [k, v] : extra) {
      std::erase_if(f, [&](const auto& p) { return p.first == k && k == "description"; });
      f.emplace_back(k, v);
    }
    HttpClient c = client();
    HttpResponse r = post_form(c, std::string(kBase) + "/requests.json", f);
    EXPECT_EQ(r.status, 200u) << r;
    return r.status == 200 ? std::string(r.json().at(0).at("service_request_id").as_string()) : "";
  }

  static HttpResponse act(const std::string& user, const std::string& id, const std::string& action,
                          json::object body = {}) {
    HttpClient c = server_->login_as(user);
    return c.post_json("/api/v1/cases/" + id + "/" + action, body);
  }

  // Moves a request through the whole loop to closed.
  static void close_case(const std::string& id) {
    const std::vector<std::tuple<std::string, std::string, json::object>> steps{
        {"o311r_disp", "register", {}},
        {"o311r_disp", "dispatch", {{"department", "MH-D-CG"}}},
        {"o311r_cg", "accept", {{"contacted", true}}},
        {"o311r_cg",
         "handle",
         {{"result", "已更换灯泡"}, {"reply", "路灯已修复，如有问题请致电 13811112222"}}},
        {"o311r_disp", "verify", {{"ok", true}}},
        {"o311r_disp", "close", {}}};
    for (const auto& [user, action, body] : steps) {
      HttpResponse r = act(user, id, action, body);
      ASSERT_EQ(r.status, 200u) << action << ": " << r;
    }
  }

  static HttpResponse get(const std::string& path) {
    return client().get(std::string(kBase) + path);
  }

  static std::vector<std::string> ids(const HttpResponse& r) {
    std::vector<std::string> out;
    if (r.status != 200 || !r.json().is_array()) return out;
    for (const auto& x : r.json().as_array())
      out.emplace_back(x.at("service_request_id").as_string());
    return out;
  }

  static std::unique_ptr<TestServer> server_;
  static std::string key_;
};

std::unique_ptr<TestServer> Open311RequestsTest::server_;
std::string Open311RequestsTest::key_;

TEST_F(Open311RequestsTest, ListAndSingleRequestInBothFormats) {
  const std::string id = create("C01-02-04", {{"address_string", "湖滨路 3 号"},
                                              {"address_id", "ADDR-7"},
                                              {"media_url", "https://example.com/lamp.jpg"}});
  HttpResponse j = get("/requests.json");
  ASSERT_EQ(j.status, 200u) << j;
  EXPECT_EQ(j.header("Content-Type"), "application/json; charset=utf-8");
  ASSERT_TRUE(j.json().is_array());
  const json::object* mine = nullptr;
  for (const auto& r : j.json().as_array())
    if (r.at("service_request_id") == json::value(id)) mine = &r.as_object();
  ASSERT_NE(mine, nullptr) << j;
  EXPECT_EQ(mine->at("status"), "open");
  EXPECT_EQ(mine->at("service_code"), "C01-02-04");
  EXPECT_EQ(mine->at("service_name"), "城市公共设施");
  EXPECT_EQ(mine->at("address"), "湖滨路 3 号");
  EXPECT_EQ(mine->at("address_id"), "ADDR-7");
  EXPECT_EQ(mine->at("media_url"), "https://example.com/lamp.jpg");
  EXPECT_TRUE(mine->at("lat").is_number() && mine->at("long").is_number());
  for (const char* f : {"requested_datetime", "updated_datetime", "expected_datetime"})
    EXPECT_TRUE(is_w3c(mine->at(f).as_string())) << f << ": " << mine->at(f);

  HttpResponse x = get("/requests.xml");
  ASSERT_EQ(x.status, 200u) << x;
  std::string err;
  auto doc = parse_xml(x.body, &err);
  ASSERT_TRUE(doc) << err << x.body;
  EXPECT_EQ(doc->name, "service_requests");
  EXPECT_TRUE(same_data(*doc, j.json()));

  // One request: still an array of one (node-open311 and the Chicago suite index [0]).
  HttpResponse one = get("/requests/" + id + ".json");
  ASSERT_EQ(one.status, 200u) << one;
  ASSERT_EQ(one.json().as_array().size(), 1u);
  EXPECT_EQ(one.json().at(0).at("service_request_id"), json::value(id));
  HttpResponse one_xml = get("/requests/" + id + ".xml?extensions=true");
  auto one_doc = parse_xml(one_xml.body);
  ASSERT_TRUE(one_doc) << one_xml.body;
  EXPECT_TRUE(same_data(*one_doc, get("/requests/" + id + ".json?extensions=true").json()));
  EXPECT_TRUE(IsGeoReportError(get("/requests/99999999.json"), 404));
}

TEST_F(Open311RequestsTest, StatusFollowsTheClosedLoop) {
  const std::string id = create("C01-02-04");
  const std::string other = create("C01-02-04");
  ASSERT_NO_FATAL_FAILURE(close_case(id));
  HttpResponse r = get("/requests/" + id + ".json?extensions=true");
  ASSERT_EQ(r.status, 200u) << r;
  const auto& req = r.json().at(0).as_object();
  EXPECT_EQ(req.at("status"), "closed");
  EXPECT_NE(req.at("status_notes").as_string().find("路灯已修复"), std::string::npos) << r;
  EXPECT_TRUE(req.at("agency_responsible").is_string()) << r;
  EXPECT_TRUE(req.at("service_notice").is_null());
  std::vector<std::string> types;
  for (const auto& n : req.at("notes").as_array()) {
    types.emplace_back(n.at("type").as_string());
    EXPECT_TRUE(is_w3c(n.at("datetime").as_string()));
  }
  EXPECT_EQ(types, (std::vector<std::string>{"submitted", "opened", "activity", "activity",
                                             "activity", "activity", "closed"}));
  EXPECT_EQ(req.at("extended_attributes").at("channel"), "open311");

  auto listed = [&](const std::string& query) {
    auto v = ids(get("/requests.json?" + query));
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  EXPECT_TRUE(listed("status=closed"));
  EXPECT_FALSE(listed("status=open"));
  EXPECT_TRUE(listed("status=open,closed"));
  EXPECT_TRUE(IsGeoReportError(get("/requests.json?status=done"), 400));
  // service_request_id overrides every other filter.
  auto both = ids(get("/requests.json?service_request_id=" + id + "," + other +
                      "&status=open&start_date=2000-01-01"));
  EXPECT_EQ(sorted(both), sorted({id, other}));
}

TEST_F(Open311RequestsTest, DateWindowAndUpdatedRange) {
  const std::string id = create("C01-02-04");
  HttpResponse one = get("/requests/" + id + ".json");
  const std::string requested(one.json().at(0).at("requested_datetime").as_string());
  const std::string day = requested.substr(0, 10);
  auto listed = [&](const std::string& query) {
    HttpResponse r = get("/requests.json?" + query);
    EXPECT_EQ(r.status, 200u) << query << ": " << r;
    auto v = ids(r);
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  EXPECT_TRUE(listed(""));  // the default window is the last 90 days
  EXPECT_TRUE(listed("start_date=" + day + "&end_date=" + day));  // date-only end includes its day
  EXPECT_TRUE(listed("start_date=" + url_encode(requested)));
  EXPECT_TRUE(listed("end_date=" + day + "T23:59:59.999"));  // lenient: fraction, no zone (CST)
  EXPECT_FALSE(listed("start_date=2000-01-01&end_date=2000-01-31"));
  EXPECT_FALSE(listed("end_date=2000-01-31T00:00:00Z"));
  EXPECT_TRUE(
      IsGeoReportError(get("/requests.json?start_date=2000-01-01&end_date=2000-06-01"), 400));
  EXPECT_TRUE(IsGeoReportError(get("/requests.xml?start_date=yesterday"), 400, true));
  EXPECT_TRUE(listed("updated_after=2000-01-01T00:00:00Z"));
  EXPECT_FALSE(listed("updated_after=2999-01-01T00:00:00Z"));
  EXPECT_FALSE(listed("updated_before=2000-01-01T00:00:00Z"));
  EXPECT_TRUE(listed("service_code=C01-02-04,C01-02-11"));
  EXPECT_FALSE(listed("service_code=C01-02-11"));
  EXPECT_TRUE(listed("start_date=&status=&service_code="));  // empty = absent
}

TEST_F(Open311RequestsTest, PagingIsOneBasedAndPastTheEndIsEmpty) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(create(kPagingService));
  const std::string q = std::string("/requests.json?service_code=") + kPagingService;
  const auto all = ids(get(q));
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all, std::vector<std::string>(created.rbegin(), created.rend())) << "newest first";
  std::vector<std::string> paged;
  for (int page = 1; page <= 3; ++page) {
    auto v = ids(get(q + "&page_size=2&page=" + std::to_string(page)));
    EXPECT_EQ(v.size(), page < 3 ? 2u : 1u) << page;
    paged.insert(paged.end(), v.begin(), v.end());
  }
  EXPECT_EQ(paged, all);
  HttpResponse past = get(q + "&page_size=2&page=4");
  ASSERT_EQ(past.status, 200u) << past;
  EXPECT_EQ(past.body, "[]");
  HttpResponse past_xml =
      get(std::string("/requests.xml?service_code=") + kPagingService + "&page=9");
  auto doc = parse_xml(past_xml.body);
  ASSERT_TRUE(doc) << past_xml.body;
  EXPECT_TRUE(doc->children.empty());
  EXPECT_EQ(ids(get(q + "&page=1")).size(), 5u);          // page_size defaults to 100
  EXPECT_EQ(ids(get(q + "&page_size=5000")).size(), 5u);  // capped at 1000, not refused
  EXPECT_TRUE(IsGeoReportError(get(q + "&page=0"), 400));
  EXPECT_TRUE(IsGeoReportError(get(q + "&page_size=abc"), 400));
}

TEST_F(Open311RequestsTest, NoPersonalDataInAnyResponse) {
  const std::string id = create(
      "C01-02-04", {{"first_name", "小明"},
                    {"last_name", "王"},
                    {"phone", "13700001111"},
                    {"email", "wangxm@example.com"},
                    {"description", "我叫王小明，电话 13700001111，邮箱 wangxm@example.com"}});
  ASSERT_NO_FATAL_FAILURE(close_case(id));
  HttpClient c = client();
  HttpResponse comment = post_form(c, std::string(kBase) + "/servicerequestupdates.json",
                                   {{"api_key", key_},
                                    {"service_request_id", id},
                                    {"update_id", "pd-1"},
                                    {"status", "OPEN"},
                                    {"updated_datetime", "2024-05-01T10:00:00Z"},
                                    {"description", "还是不亮，回电 13700001111"},
                                    {"email", "wangxm@example.com"},
                                    {"first_name", "小明"},
                                    {"last_name", "王"}});
  ASSERT_EQ(comment.status, 200u) << comment;
  for (const std::string& path : std::vector<std::string>{
           "/requests.json", "/requests.xml", "/requests.json?extensions=true",
           "/requests.xml?extensions=true", "/requests/" + id + ".json?extensions=true",
           "/requests/" + id + ".xml", "/servicerequestupdates.json",
           "/servicerequestupdates.xml"}) {
    HttpResponse r = get(path);
    ASSERT_EQ(r.status, 200u) << path << ": " << r;
    for (const char* secret : {"13700001111", "wangxm@example.com", "王小明", "13811112222",
                               "o311r_disp", "o311r_cg", "apikey:"})
      EXPECT_EQ(r.body.find(secret), std::string::npos) << path << " shows " << secret;
  }
  HttpResponse d = get("/requests/" + id + ".json");
  EXPECT_NE(d.json().at(0).at("description").as_string().find("〔号码〕"), std::string::npos) << d;
}

TEST_F(Open311RequestsTest, AppealsFromOtherChannelsAppearWhenCategorised) {
  HttpClient c = client();
  HttpResponse with = c.post_json("/api/v1/appeals", {{"type", "complaint"},
                                                      {"title", "停水"},
                                                      {"description", "整栋楼停水"},
                                                      {"category", "C01-02-16"},
                                                      {"grid", "MH-S01-C01-G01"}});
  ASSERT_EQ(with.status, 201u) << with;
  HttpResponse without = c.post_json("/api/v1/appeals", {{"type", "complaint"},
                                                         {"title", "其他"},
                                                         {"description", "未分类"},
                                                         {"grid", "MH-S01-C01-G01"}});
  ASSERT_EQ(without.status, 201u) << without;
  const std::string a = std::to_string(*with.integer("/id")),
                    b = std::to_string(*without.integer("/id"));
  auto v = ids(get("/requests.json?service_request_id=" + a + "," + b + "&extensions=true"));
  EXPECT_EQ(v, std::vector<std::string>{a});
  EXPECT_TRUE(IsGeoReportError(get("/requests/" + b + ".json"), 404));
}

TEST_F(Open311RequestsTest, MySocietyUpdates) {
  const std::string id = create("C01-02-04");
  ASSERT_NO_FATAL_FAILURE(close_case(id));
  HttpResponse j = get("/servicerequestupdates.json");
  ASSERT_EQ(j.status, 200u) << j;
  std::vector<std::string> statuses;
  std::set<std::string> update_ids;
  for (const auto& u : j.json().as_array()) {
    EXPECT_TRUE(update_ids.insert(std::string(u.at("update_id").as_string())).second)
        << "update_id repeats";
    EXPECT_TRUE(is_w3c(u.at("updated_datetime").as_string()));
    EXPECT_TRUE(u.at("description").is_string() && u.at("media_url").is_string());
    if (u.at("service_request_id") == json::value(id))
      statuses.emplace_back(u.at("status").as_string());
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"investigating", "action_scheduled", "in_progress",
                                                "in_progress", "fixed", "fixed"}));
  HttpResponse x = get("/servicerequestupdates.xml");
  auto doc = parse_xml(x.body);
  ASSERT_TRUE(doc) << x.body;
  EXPECT_EQ(doc->name, "service_request_updates");
  EXPECT_TRUE(same_data(*doc, j.json()));
  // The window is honoured: FixMyStreet drops updates outside it anyway.
  EXPECT_EQ(get("/servicerequestupdates.json?start_date=2999-01-01T00:00:00Z&end_date=2999-01-"
                "01T02:00:00Z")
                .body,
            "[]");
  EXPECT_TRUE(IsGeoReportError(get("/servicerequestupdates.json?start_date=soon"), 400));

  // POST: a FixMyStreet user's comment, stored once per client update_id.
  HttpClient c = client();
  Form u{{"api_key", key_},
         {"service_request_id", id},
         {"update_id", "fms-77"},
         {"status", "OPEN"},
         {"updated_datetime", "2024-05-01T10:00:00+01:00"},
         {"description", "灯又坏了"},
         {"last_name", "-"},
         {"public_anonymity_required", "FALSE"},
         {"email_alerts_requested", "TRUE"}};
  HttpResponse first = post_form(c, std::string(kBase) + "/servicerequestupdates.json", u);
  ASSERT_EQ(first.status, 200u) << first;
  const std::string our_id(first.json().at(0).at("update_id").as_string());
  HttpResponse again = post_form(c, std::string(kBase) + "/servicerequestupdates.xml", u);
  auto again_doc = parse_xml(again.body);
  ASSERT_TRUE(again_doc) << again.body;
  EXPECT_EQ(again_doc->children.at(0).text_of("update_id"), our_id)
      << "a retry returns the same update";
  HttpResponse r = get("/requests/" + id + ".json?extensions=true");
  EXPECT_NE(r.body.find("灯又坏了"), std::string::npos) << r;
  // Errors: key, missing fields, unknown request.
  Form no_key(u.begin() + 1, u.end());
  EXPECT_TRUE(IsGeoReportError(
      post_form(c, std::string(kBase) + "/servicerequestupdates.json", no_key), 403));
  for (const char* field : {"update_id", "status", "updated_datetime", "service_request_id"}) {
    Form f = u;
    std::erase_if(f, [&](const auto& p) { return p.first == field; });
    EXPECT_TRUE(
        IsGeoReportError(post_form(c, std::string(kBase) + "/servicerequestupdates.json", f), 400))
        << field;
  }
  Form unknown = u;
  unknown[1].second = "99999999";
  EXPECT_TRUE(IsGeoReportError(
      post_form(c, std::string(kBase) + "/servicerequestupdates.json", unknown), 404));
}

}  // namespace
}  // namespace civicgrid::api_test::open311
