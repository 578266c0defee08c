// Open311 GeoReport v2 over real HTTP, part 1: discovery, services, service definitions, POST
// requests (through the appeals intake), API keys, validation and errors in both formats, and the
// admin API for attribute definitions. Part 2 (open311_requests_test.cpp) reads requests back.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "open311_helpers.h"
#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test::open311 {
namespace {

constexpr const char* kBase = "/open311/v2";
// Inside grid MH-S01-C01-G01 of the demo district.
constexpr const char* kLat = "28.22";
constexpr const char* kLong = "112.915";

class Open311Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    key_ = create_api_key(*server_, "fixmystreet");
    other_scope_key_ = create_api_key(*server_, "dashboard", "reports");
    create_user(*server_, "o311_admin", "admin", "MH");
    create_user(*server_, "o311_disp", "dispatcher", "MH-CC");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpClient client() { return server_->client(); }

  // A valid POST for the streetlight service (C01-02-04 asks two required questions).
  static Form streetlight(Form extra = {}) {
    Form f{{"api_key", key_},
           {"service_code", "C01-02-04"},
           {"lat", kLat},
           {"long", kLong},
           {"description", "湖滨路 3 号门口路灯不亮，晚上很黑"},
           {"attribute[facility_type]", "streetlight"},
           {"attribute[blocks_traffic]", "no"}};
    f.insert(f.end(), extra.begin(), extra.end());
    return f;
  }

  static std::string post_ok(const Form& form, const std::string& fmt = "json") {
    HttpClient c = client();
    HttpResponse r = post_form(c, std::string(kBase) + "/requests." + fmt, form);
    EXPECT_EQ(r.status, 200u) << r;
    if (fmt == "xml") {
      auto doc = parse_xml(r.body);
      EXPECT_TRUE(doc) << r.body;
      return doc && !doc->children.empty() ? doc->children[0].text_of("service_request_id") : "";
    }
    return r.status == 200 ? std::string(r.json().at(0).at("service_request_id").as_string()) : "";
  }

  static std::unique_ptr<TestServer> server_;
  static std::string key_;
  static std::string other_scope_key_;
};

std::unique_ptr<TestServer> Open311Test::server_;
std::string Open311Test::key_;
std::string Open311Test::other_scope_key_;

TEST_F(Open311Test, DiscoveryInBothFormats) {
  HttpClient c = client();
  HttpResponse j = c.get(std::string(kBase) + "/discovery.json");
  ASSERT_EQ(j.status, 200u) << j;
  EXPECT_EQ(j.header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(j.header("Access-Control-Allow-Origin"), "*");
  const auto& d = j.json().as_object();
  EXPECT_TRUE(is_w3c(d.at("changeset").as_string())) << j;
  EXPECT_FALSE(d.at("contact").as_string().empty());
  EXPECT_FALSE(d.at("key_service").as_string().empty());
  const auto& ep = d.at("endpoints").at(0).as_object();
  EXPECT_EQ(ep.at("specification"), "http://wiki.open311.org/GeoReport_v2");
  EXPECT_EQ(ep.at("type"), "production");
  const std::string url(ep.at("url").as_string());
  EXPECT_TRUE(url.ends_with("/open311/v2")) << url;  // no trailing slash
  EXPECT_EQ(ep.at("formats"), json::parse(R"(["text/xml","application/json"])"));

  HttpResponse x = c.get(std::string(kBase) + "/discovery.xml");
  ASSERT_EQ(x.status, 200u) << x;
  EXPECT_EQ(x.header("Content-Type"), "text/xml; charset=utf-8");
  EXPECT_TRUE(x.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")) << x.body;
  std::string err;
  auto doc = parse_xml(x.body, &err);
  ASSERT_TRUE(doc) << err << "\n" << x.body;
  EXPECT_EQ(doc->name, "discovery");
  EXPECT_TRUE(same_data(*doc, j.json()));
  // Also at the base above the version, as Baltimore's and others' discovery URLs are.
  EXPECT_EQ(c.get("/open311/discovery.json").status, 200u);
}

TEST_F(Open311Test, ServiceListIsPublicLeafCategoriesInBothFormats) {
  HttpClient c = client();
  HttpResponse j = c.get(std::string(kBase) + "/services.json");
  ASSERT_EQ(j.status, 200u) << j;
  ASSERT_TRUE(j.json().is_array()) << "Spark JSON: a bare array";
  const json::object* streetlight = nullptr;
  for (const auto& s : j.json().as_array()) {
    const auto& o = s.as_object();
    EXPECT_TRUE(o.at("service_code").is_string());
    EXPECT_TRUE(o.at("metadata").is_bool());
    EXPECT_EQ(o.at("type"), "realtime");
    EXPECT_NE(o.at("service_code"), "C01") << "a category with children is no service";
    EXPECT_NE(o.at("service_code"), "C01-02");
    if (o.at("service_code") == "C01-02-04") streetlight = &o;
  }
  ASSERT_NE(streetlight, nullptr) << j;
  EXPECT_EQ(streetlight->at("service_name"), "城市公共设施");
  EXPECT_EQ(streetlight->at("metadata"), true);
  EXPECT_EQ(streetlight->at("group"), "城乡建设 / 城市建设和市政管理");
  EXPECT_NE(streetlight->at("keywords").as_string().find("城乡建设"), std::string::npos);
  EXPECT_FALSE(streetlight->at("description").as_string().empty());

  HttpResponse x =
      c.get(std::string(kBase) + "/services.xml?lat=28.22&long=112.915&jurisdiction_id=x");
  ASSERT_EQ(x.status, 200u) << x;
  auto doc = parse_xml(x.body);
  ASSERT_TRUE(doc) << x.body;
  EXPECT_EQ(doc->name, "services");
  EXPECT_TRUE(same_data(*doc, j.json()));
}

TEST_F(Open311Test, ServiceDefinitionInBothFormats) {
  HttpClient c = client();
  HttpResponse j = c.get(std::string(kBase) + "/services/C01-02-04.json");
  ASSERT_EQ(j.status, 200u) << j;
  ASSERT_TRUE(j.json().is_object()) << "a service definition is an object, not an array";
  EXPECT_EQ(j.json().at("service_code"), "C01-02-04");
  const auto& attrs = j.json().at("attributes").as_array();
  ASSERT_GE(attrs.size(), 4u);
  std::set<std::string> datatypes;
  std::int64_t last_order = 0;
  for (const auto& a : attrs) {
    datatypes.insert(std::string(a.at("datatype").as_string()));
    EXPECT_TRUE(a.at("variable").is_bool() && a.at("required").is_bool());
    EXPECT_GT(a.at("order").as_int64(), last_order);
    last_order = a.at("order").as_int64();
  }
  EXPECT_TRUE(datatypes.contains("singlevaluelist") && datatypes.contains("number") &&
              datatypes.contains("datetime"));
  const auto& first = attrs[0].as_object();
  EXPECT_EQ(first.at("code"), "facility_type");
  EXPECT_EQ(first.at("required"), true);
  EXPECT_EQ(first.at("values").at(0), json::parse(R"({"key":"streetlight","name":"路灯"})"));

  HttpResponse x = c.get(std::string(kBase) + "/services/C01-02-04.xml");
  ASSERT_EQ(x.status, 200u) << x;
  auto doc = parse_xml(x.body);
  ASSERT_TRUE(doc) << x.body;
  EXPECT_EQ(doc->name, "service_definition");
  EXPECT_TRUE(same_data(*doc, j.json()));

  // A service without questions has an empty definition; unknown and non-leaf codes do not exist.
  HttpResponse plain = c.get(std::string(kBase) + "/services/C01-01-01.json");
  ASSERT_EQ(plain.status, 200u) << plain;
  EXPECT_TRUE(plain.json().at("attributes").as_array().empty());
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/services/NOPE.json"), 404));
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/services/C01.xml"), 404, true));
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/services/C01-02-04.csv"), 404));
}

TEST_F(Open311Test, PostCreatesACaseThroughTheAppealsIntake) {
  HttpClient c = client();
  HttpResponse r = post_form(c, std::string(kBase) + "/requests.json?jurisdiction_id=minghu.gov.cn",
                             streetlight({{"first_name", "三"},
                                          {"last_name", "张"},
                                          {"phone", "13912345678"},
                                          {"email", "zhang@example.com"},
                                          {"device_id", "dev-1"},
                                          {"account_id", "acc-9"},
                                          {"media_url", "https://example.com/a.jpg"},
                                          {"attribute[quantity]", "2"},
                                          {"attribute[found_at]", "2024-05-01T20:30:00"}}));
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
  ASSERT_TRUE(r.json().is_array() && r.json().as_array().size() == 1) << r;
  const auto& created = r.json().at(0).as_object();
  ASSERT_TRUE(created.at("service_request_id").is_string()) << r;
  EXPECT_FALSE(created.contains("token"));
  EXPECT_FALSE(created.at("service_notice").as_string().empty());
  EXPECT_EQ(created.at("account_id"), "acc-9");
  const std::string id(created.at("service_request_id").as_string());

  // The staff view: the case came in through the open311 channel, from this key, into its grid.
  HttpClient staff = server_->login_as("o311_disp");
  HttpResponse cs = staff.get("/api/v1/cases/" + id);
  ASSERT_EQ(cs.status, 200u) << cs;
  EXPECT_EQ(cs.str("/channel"), "open311");
  EXPECT_EQ(cs.str("/category/code"), "C01-02-04");
  EXPECT_EQ(cs.str("/grid/code"), "MH-S01-C01-G01");
  EXPECT_EQ(cs.str("/status"), "submitted");
  EXPECT_EQ(cs.str("/contact/name"), "张三");
  EXPECT_EQ(cs.str("/contact/phone"), "13912345678");
  EXPECT_EQ(cs.str("/title"), "湖滨路 3 号门口路灯不亮，晚上很黑");
  EXPECT_EQ(cs.body.find("zhang@example.com"), std::string::npos) << "the email is not stored";

  // The intake audited it inside its transaction, as the API key.
  HttpClient admin = server_->login_as("o311_admin");
  HttpResponse audit = admin.get("/api/v1/admin/audit?target_type=case&target_id=" + id);
  ASSERT_EQ(audit.status, 200u) << audit;
  EXPECT_NE(audit.body.find("apikey:fixmystreet"), std::string::npos) << audit;

  // The tracking code in the notice is our token.
  std::smatch m;
  const std::string notice(created.at("service_notice").as_string());
  ASSERT_TRUE(std::regex_search(notice, m, std::regex("[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")))
      << notice;
  HttpResponse token = c.get(std::string(kBase) + "/tokens/" + m.str() + ".json");
  ASSERT_EQ(token.status, 200u) << token;
  EXPECT_EQ(token.json(), json::parse(R"([{"service_request_id":")" + id + R"(","token":")" +
                                      m.str() + R"("}])"));
  HttpResponse token_xml = c.get(std::string(kBase) + "/tokens/" + m.str() + ".xml");
  auto tdoc = parse_xml(token_xml.body);
  ASSERT_TRUE(tdoc) << token_xml.body;
  EXPECT_TRUE(same_data(*tdoc, token.json()));
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/tokens/AAAA-BBBB-CCCC.json"), 404));
}

TEST_F(Open311Test, PostInXmlWithMultipartAndTheKeyInTheQueryString) {
  const std::string body =
      "--b0undary\r\nContent-Disposition: form-data; name=\"service_code\"\r\n\r\nC01-02-11\r\n"
      "--b0undary\r\nContent-Disposition: form-data; "
      "name=\"address_string\"\r\n\r\n湖滨路与柳堤路交叉口\r\n"
      "--b0undary\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n路面有大坑 & 积水 "
      "<危险>\r\n"
      "--b0undary\r\nContent-Disposition: form-data; "
      "name=\"attribute[blocks_traffic]\"\r\n\r\nyes\r\n"
      "--b0undary\r\nContent-Disposition: form-data; name=\"media\"; filename=\"hole.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0 not really a jpeg\r\n"
      "--b0undary--\r\n";
  HttpClient c = client();
  HttpResponse r = c.post(std::string(kBase) + "/requests.xml?api_key=" + url_encode(key_), body,
                          "multipart/form-data; boundary=b0undary");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.header("Content-Type"), "text/xml; charset=utf-8");
  std::string err;
  auto doc = parse_xml(r.body, &err);
  ASSERT_TRUE(doc) << err << r.body;
  EXPECT_EQ(doc->name, "service_requests");
  ASSERT_EQ(doc->children.size(), 1u);
  EXPECT_GE(doc->children[0].children.size(), 2u) << "Spark reads a one-child element as a list";
  EXPECT_FALSE(doc->children[0].text_of("service_request_id").empty());
}

TEST_F(Open311Test, ApiKeyIsRequiredForPostsOnly) {
  HttpClient c = client();
  Form no_key = streetlight();
  no_key.erase(no_key.begin());
  EXPECT_TRUE(IsGeoReportError(post_form(c, std::string(kBase) + "/requests.json", no_key), 403));
  EXPECT_TRUE(
      IsGeoReportError(post_form(c, std::string(kBase) + "/requests.xml", no_key), 403, true));
  Form bad = no_key;
  bad.emplace_back("api_key", "cgk_" + std::string(48, '0'));
  HttpResponse invalid = post_form(c, std::string(kBase) + "/requests.json", bad);
  EXPECT_TRUE(IsGeoReportError(invalid, 403));
  EXPECT_NE(invalid.body.find("Invalid api_key received"), std::string::npos) << invalid;
  Form wrong_scope = no_key;
  wrong_scope.emplace_back("api_key", other_scope_key_);
  EXPECT_TRUE(
      IsGeoReportError(post_form(c, std::string(kBase) + "/requests.json", wrong_scope), 403));
  // The key in the X-API-Key header works too; GETs ignore an api_key parameter.
  HttpResponse header = c.post(std::string(kBase) + "/requests.json", form_encode(no_key),
                               "application/x-www-form-urlencoded", {{"X-API-Key", key_}});
  EXPECT_EQ(header.status, 200u) << header;
  EXPECT_EQ(c.get(std::string(kBase) + "/services.json?api_key=whatever").status, 200u);
}

TEST_F(Open311Test, ValidationFailuresAre400NamingTheProblem) {
  HttpClient c = client();
  auto post = [&](Form f, const std::string& fmt = "json") {
    return post_form(c, std::string(kBase) + "/requests." + fmt, f);
  };
  auto without = [](Form f, const std::string& key) {
    std::erase_if(f, [&](const auto& p) { return p.first == key; });
    return f;
  };
  auto with = [&](const std::string& key, const std::string& value) {
    Form f = without(streetlight(), key);
    f.emplace_back(key, value);
    return f;
  };
  auto expect_400 = [&](const Form& f, const std::string& mention) {
    HttpResponse r = post(f);
    EXPECT_TRUE(IsGeoReportError(r, 400)) << mention;
    EXPECT_NE(r.body.find(mention), std::string::npos) << r;
  };
  expect_400(without(streetlight(), "service_code"), "service_code");
  expect_400(without(without(streetlight(), "lat"), "long"), "location");
  expect_400(without(streetlight(), "long"), "long");
  expect_400(with("lat", "not-a-number"), "lat");
  expect_400(without(streetlight(), "attribute[facility_type]"), "attribute[facility_type]");
  expect_400(with("attribute[blocks_traffic]", "maybe"), "attribute[blocks_traffic]");
  expect_400(streetlight({{"attribute[quantity]", "a few"}}), "attribute[quantity]");
  expect_400(streetlight({{"attribute[found_at]", "last night"}}), "attribute[found_at]");
  expect_400(with("description", std::string(4001, 'x')), "description");
  expect_400(streetlight({{"phone", "call me"}}), "phone");
  EXPECT_TRUE(IsGeoReportError(post(without(streetlight(), "service_code"), "xml"), 400, true));
  // An unknown service does not exist: 404.
  Form unknown = without(streetlight(), "service_code");
  unknown.emplace_back("service_code", "NOPE");
  EXPECT_TRUE(IsGeoReportError(post(unknown), 404));
  // Without a description the service name stands in; empty optional parameters behave as absent;
  // unknown parameters are ignored.
  EXPECT_FALSE(post_ok(without(streetlight(), "description")).empty());
  EXPECT_FALSE(
      post_ok(streetlight(
                  {{"address_string", ""}, {"email", ""}, {"deviceid", "x"}, {"callback", "f"}}))
          .empty());
}

TEST_F(Open311Test, MultivaluelistFormsAreAllAccepted) {
  HttpClient c = client();
  Form base{{"api_key", key_},
            {"service_code", "C01-02-11"},
            {"address_string", "湖滨路"},
            {"description", "路面坑洞"},
            {"attribute[blocks_traffic]", "yes"}};
  for (const auto& forms :
       std::vector<Form>{{{"attribute[hazards][]", "pothole"}, {"attribute[hazards][]", "water"}},
                         {{"attribute[hazards]", "pothole"}, {"attribute[hazards]", "water"}}}) {
    Form f = base;
    f.insert(f.end(), forms.begin(), forms.end());
    const std::string id = post_ok(f);
    ASSERT_FALSE(id.empty());
    HttpResponse r = c.get(std::string(kBase) + "/requests/" + id + ".json?extensions=true");
    ASSERT_EQ(r.status, 200u) << r;
    std::vector<std::string> hazards;
    for (const auto& a : r.json().at(0).at("attributes").as_array())
      if (a.at("code") == "hazards") hazards.emplace_back(a.at("value").as_string());
    EXPECT_EQ(hazards, (std::vector<std::string>{"pothole", "water"})) << r;
  }
}

TEST_F(Open311Test, UnknownResourcesAndFormatsAre404AndDoubleSlashesAreTolerated) {
  HttpClient c = client();
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/services.csv"), 404));
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/nothing.xml"), 404, true));
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/requests/abc.json"), 404));
  EXPECT_TRUE(IsGeoReportError(c.get(std::string(kBase) + "/requests/999999.xml"), 404, true));
  EXPECT_EQ(c.get("/open311/v2//services.json").status, 200u);
  EXPECT_EQ(c.get("/open311//v2/services/C01-02-04.json").status, 200u);
}

TEST_F(Open311Test, AdminEditsAttributeDefinitions) {
  const std::string path = "/api/v1/admin/open311/services/C01-01-03/attributes";
  HttpClient admin = server_->login_as("o311_admin");
  HttpResponse before = admin.get(path);
  ASSERT_EQ(before.status, 200u) << before;
  EXPECT_TRUE(before.json().at("attributes").as_array().empty());

  json::value defs = json::parse(R"({"attributes": [
      {"code": "severity", "datatype": "singlevaluelist", "required": true, "description": "严重程度",
       "values": [{"key": "low", "name": "一般"}, {"key": "high", "name": "严重"}]},
      {"code": "note", "datatype": "text", "description": "补充说明"}]})");
  HttpResponse put =
      admin.request("PUT", path, json::serialize(defs), {{"Content-Type", "application/json"}});
  ASSERT_EQ(put.status, 200u) << put;
  EXPECT_EQ(put.json().at("attributes").at(0).at("order"), 1);
  EXPECT_EQ(put.json().at("attributes").at(1).at("order"), 2);

  HttpClient c = client();
  HttpResponse list = c.get(std::string(kBase) + "/services.json");
  for (const auto& s : list.json().as_array()) {
    if (s.at("service_code") == "C01-01-03") {
      EXPECT_EQ(s.at("metadata"), true);
    }
  }
  HttpResponse def = c.get(std::string(kBase) + "/services/C01-01-03.json");
  ASSERT_EQ(def.json().at("attributes").as_array().size(), 2u) << def;
  // Now a POST must answer the required question.
  Form f{{"api_key", key_},
         {"service_code", "C01-01-03"},
         {"address_string", "x"},
         {"description", "隐患"}};
  EXPECT_TRUE(IsGeoReportError(post_form(c, std::string(kBase) + "/requests.json", f), 400));
  f.emplace_back("attribute[severity]", "high");
  EXPECT_FALSE(post_ok(f).empty());

  // Invalid definitions, unknown services and non-admins are refused in civicgrid's shape.
  HttpResponse bad = admin.request(
      "PUT", path, R"({"attributes":[{"code":"a b","datatype":"string","description":"x"}]})",
      {{"Content-Type", "application/json"}});
  EXPECT_TRUE(IsFieldError(bad, 422, "invalid_argument", "attributes[0].code"));
  EXPECT_TRUE(
      IsApiError(admin.get("/api/v1/admin/open311/services/NOPE/attributes"), 404, "not_found"));
  HttpClient disp = server_->login_as("o311_disp");
  EXPECT_TRUE(IsApiError(disp.get(path), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(client().get(path), 401, "unauthenticated"));
  // Clearing them turns metadata off again.
  HttpResponse cleared =
      admin.request("PUT", path, R"({"attributes":[]})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(cleared.status, 200u) << cleared;
  EXPECT_TRUE(c.get(std::string(kBase) + "/services/C01-01-03.json")
                  .json()
                  .at("attributes")
                  .as_array()
                  .empty());
}

}  // namespace
}  // namespace civicgrid::api_test::open311
