// Platform core over real HTTP: health, request ids, metrics, the limits and error mapping of the
// HTTP layer. One server for the suite, started with a 1 KiB body limit so that oversized bodies
// stay small.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr std::size_t kBodyLimit = 1024;

class PlatformHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>(
        TestServerOptions{.extra_args = {"--body-limit", std::to_string(kBodyLimit)}});
    server_->start();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  HttpClient client() const { return server_->client(); }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> PlatformHttpTest::server_;

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view part = s.substr(i, j - i);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    i = j + 1;
  }
  return out;
}

TEST_F(PlatformHttpTest, HealthzAnswersOk) {
  HttpResponse r = client().get("/healthz");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.json(), json::parse(R"({"status":"ok"})")) << r;
  EXPECT_EQ(r.header("Content-Type").find("application/json"), 0u) << r.header("Content-Type");
}

TEST_F(PlatformHttpTest, EveryResponseCarriesItsOwnRequestId) {
  HttpClient c = client();
  std::vector<HttpResponse> responses{
      c.get("/healthz"),                                                  // 200
      c.get("/api/v1/me"),                                                // 401
      c.get("/api/v1/no-such-endpoint"),                                  // 404
      c.request("DELETE", "/healthz"),                                    // 405
      c.post("/api/v1/auth/login", R"({"username":"x"})", "text/plain"),  // 415
      c.send_raw("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Filler: " + std::string(17 * 1024, 'a') +
                 "\r\n\r\n"),  // 431, answered before routing
      c.send_raw(
          "POST /api/v1/test/clock HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n"),  // 413
  };
  std::set<std::string> ids;
  for (const auto& r : responses) {
    const std::string id = r.header("X-Request-Id");
    EXPECT_FALSE(id.empty()) << "no X-Request-Id on " << r;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), responses.size()) << "request ids repeat";
}

TEST_F(PlatformHttpTest, SaneClientRequestIdIsEchoed) {
  HttpClient c = client();
  const std::string id = "api-test.req_42";
  HttpResponse ok = c.get("/healthz", {{"X-Request-Id", id}});
  ASSERT_EQ(ok.status, 200u) << ok;
  EXPECT_EQ(ok.header("X-Request-Id"), id);

  HttpResponse err = c.get("/api/v1/me", {{"X-Request-Id", id}});
  EXPECT_TRUE(IsApiError(err, 401, "unauthenticated"));
  EXPECT_EQ(err.header("X-Request-Id"), id);
  EXPECT_EQ(err.str("/error/request_id"), id) << err;
}

TEST_F(PlatformHttpTest, UnsafeClientRequestIdIsReplaced) {
  HttpClient c = client();
  for (const std::string& bad : {std::string("has space"), std::string("semi;colon"),
                                 std::string("<script>"), std::string(65, 'a')}) {
    HttpResponse r = c.get("/healthz", {{"X-Request-Id", bad}});
    ASSERT_EQ(r.status, 200u) << r;
    EXPECT_FALSE(r.header("X-Request-Id").empty()) << "for " << bad;
    EXPECT_NE(r.header("X-Request-Id"), bad) << "an unsafe request id was echoed";
  }
}

TEST_F(PlatformHttpTest, MetricsCountRequestsByRoutePattern) {
  HttpClient c = client();
  const std::string healthz =
      R"(civicgrid_http_requests_total{method="GET",route="/healthz",status="200"})";
  HttpResponse m0 = c.get("/metrics");
  ASSERT_EQ(m0.status, 200u) << m0;
  EXPECT_EQ(m0.header("Content-Type").find("text/plain"), 0u) << m0.header("Content-Type");
  const double before = metric_value(m0.body, healthz).value_or(0);

  ASSERT_EQ(c.get("/healthz").status, 200u);
  ASSERT_EQ(c.get("/healthz").status, 200u);
  ASSERT_EQ(c.get("/api/v1/org/units/MH-S01").status, 401u);  // a route with a parameter

  HttpResponse m1 = c.get("/metrics");
  ASSERT_EQ(m1.status, 200u) << m1;
  EXPECT_EQ(metric_value(m1.body, healthz), before + 2) << m1.body;
  // The label is the route pattern, not the raw path (one series per route, not per unit).
  EXPECT_GE(
      metric_value(
          m1.body,
          R"(civicgrid_http_requests_total{method="GET",route="/api/v1/org/units/{code}",status="401"})")
          .value_or(0),
      1.0)
      << m1.body;
  EXPECT_EQ(m1.body.find(R"(route="/api/v1/org/units/MH-S01")"), std::string::npos) << m1.body;
  EXPECT_NE(m1.body.find("# TYPE civicgrid_http_requests_total counter"), std::string::npos);
}

TEST_F(PlatformHttpTest, MetricsShowDatabasePoolGauges) {
  HttpResponse m = client().get("/metrics");
  ASSERT_EQ(m.status, 200u) << m;
  const auto readers = metric_value(m.body, "civicgrid_db_readers_total");
  ASSERT_TRUE(readers.has_value()) << m.body;
  EXPECT_GE(*readers, 1.0) << "a pool without reader connections";
  const auto in_use = metric_value(m.body, "civicgrid_db_readers_in_use");
  ASSERT_TRUE(in_use.has_value()) << m.body;
  EXPECT_GE(*in_use, 0.0);
  EXPECT_LE(*in_use, *readers);
  EXPECT_TRUE(metric_value(m.body, "civicgrid_db_writers_waiting").has_value()) << m.body;
  EXPECT_NE(m.body.find("# TYPE civicgrid_db_readers_total gauge"), std::string::npos) << m.body;
}

TEST_F(PlatformHttpTest, DeclaredBodyOverLimitIs413) {
  // Only the head is sent: the server must refuse on Content-Length alone, without reading a body.
  HttpResponse r = client().send_raw(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(kBodyLimit + 1) + "\r\n\r\n");
  EXPECT_TRUE(IsApiError(r, 413, "payload_too_large"));
}

TEST_F(PlatformHttpTest, ChunkedBodyOverLimitIs413) {
  const std::string chunk(kBodyLimit + 200, ' ');
  char size_hex[16];
  std::snprintf(size_hex, sizeof size_hex, "%zx", chunk.size());
  HttpResponse r = client().send_raw(
      "POST /api/v1/test/clock HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      std::string(size_hex) + "\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_TRUE(IsApiError(r, 413, "payload_too_large"));
}

TEST_F(PlatformHttpTest, BodyWithinLimitIsAccepted) {
  // The control for the 413 cases: just under the limit passes to the handler.
  json::object body{{"advance_ms", 0}, {"pad", ""}};
  const std::size_t overhead = json::serialize(body).size();
  body["pad"] = std::string(kBodyLimit - overhead, 'x');
  ASSERT_EQ(json::serialize(body).size(), kBodyLimit);
  HttpResponse r = client().post_json("/api/v1/test/clock", body);
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.integer("/offset_ms"), 0) << r;
}

TEST_F(PlatformHttpTest, MalformedJsonNamesLineAndColumn) {
  // The `]` at line 3, column 15 is the first byte that cannot continue the document.
  const std::string body = "{\n  \"username\": \"a\",\n  \"password\": ]\n}";
  HttpResponse r =
      client().post("/api/v1/auth/login", body, "application/json", {{"Accept-Language", "en"}});
  ASSERT_TRUE(IsApiError(r, 400, "bad_request"));
  EXPECT_EQ(r.integer("/error/line"), 3) << r;
  EXPECT_EQ(r.integer("/error/column"), 15) << r;
  const std::string message = r.str("/error/message");
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
  EXPECT_NE(message.find("column 15"), std::string::npos) << message;
}

TEST_F(PlatformHttpTest, MalformedJsonOnTheFirstLine) {
  // Missing comma: the second key's quote at column 18 is where parsing fails.
  HttpResponse r = client().post("/api/v1/auth/login", R"({"username": "a" "password": "b"})",
                                 "application/json");
  ASSERT_TRUE(IsApiError(r, 400, "bad_request"));
  EXPECT_EQ(r.integer("/error/line"), 1) << r;
  EXPECT_EQ(r.integer("/error/column"), 18) << r;
}

TEST_F(PlatformHttpTest, TrailingGarbageAfterJsonIs400) {
  HttpResponse r = client().post("/api/v1/auth/login", "{}\n}", "application/json");
  ASSERT_TRUE(IsApiError(r, 400, "bad_request"));
  EXPECT_EQ(r.integer("/error/line"), 2) << r;
}

TEST_F(PlatformHttpTest, WrongContentTypeIs415) {
  HttpResponse r = client().post(
      "/api/v1/auth/login", R"({"username":"admin","password":"whatever-it-is"})", "text/plain");
  EXPECT_TRUE(IsApiError(r, 415, "unsupported_media_type"));
}

TEST_F(PlatformHttpTest, JsonWithCharsetParameterIsAccepted) {
  // The control for 415: a JSON media type with parameters reaches the handler (which then finds
  // the username missing).
  HttpResponse r = client().post("/api/v1/auth/login", "{}", "application/json; charset=utf-8");
  EXPECT_TRUE(IsFieldError(r, 422, "invalid_argument", "username"));
}

TEST_F(PlatformHttpTest, HugeHeaderIs431) {
  HttpResponse r = client().send_raw(
      "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Filler: " + std::string(17 * 1024, 'a') + "\r\n\r\n");
  EXPECT_TRUE(IsApiError(r, 431, "headers_too_large"));
}

TEST_F(PlatformHttpTest, LargeButAllowedHeaderIsServed) {
  HttpResponse r = client().get("/healthz", {{"X-Filler", std::string(8 * 1024, 'a')}});
  EXPECT_EQ(r.status, 200u) << r;
}

TEST_F(PlatformHttpTest, UnknownPathIs404Json) {
  HttpResponse r = client().get("/api/v1/no/such/endpoint");
  EXPECT_TRUE(IsApiError(r, 404, "not_found"));
  HttpResponse post = client().post_json("/api/v1/nothing-here", json::object{});
  EXPECT_TRUE(IsApiError(post, 404, "not_found"));
}

TEST_F(PlatformHttpTest, WrongMethodIs405WithAllowHeader) {
  HttpClient c = client();
  HttpResponse me = c.request("DELETE", "/api/v1/me");
  EXPECT_TRUE(IsApiError(me, 405, "method_not_allowed"));
  EXPECT_EQ(split_list(me.header("Allow")), std::vector<std::string>{"GET"}) << me.header("Allow");

  HttpResponse login = c.get("/api/v1/auth/login");
  EXPECT_TRUE(IsApiError(login, 405, "method_not_allowed"));
  EXPECT_EQ(split_list(login.header("Allow")), std::vector<std::string>{"POST"})
      << login.header("Allow");

  // A path served by two methods lists both.
  HttpResponse units = c.request("DELETE", "/api/v1/org/units");
  EXPECT_TRUE(IsApiError(units, 405, "method_not_allowed"));
  EXPECT_EQ(sorted(split_list(units.header("Allow"))), (std::vector<std::string>{"GET", "POST"}))
      << units.header("Allow");
}

TEST_F(PlatformHttpTest, ErrorMessagesFollowAcceptLanguage) {
  HttpClient c = client();
  HttpResponse en = c.get("/api/v1/no/such/endpoint", {{"Accept-Language", "en-GB,en;q=0.9"}});
  HttpResponse zh = c.get("/api/v1/no/such/endpoint", {{"Accept-Language", "zh-CN"}});
  ASSERT_TRUE(IsApiError(en, 404, "not_found"));
  ASSERT_TRUE(IsApiError(zh, 404, "not_found"));
  EXPECT_NE(en.str("/error/message"), zh.str("/error/message"));
  EXPECT_EQ(en.str("/error/message"), "no such endpoint") << en;
}

TEST_F(PlatformHttpTest, ConnectionsAreKeptAlive) {
  HttpClient c = client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.get("/healthz").status, 200u);
  // Errors that leave the connection usable keep it too.
  ASSERT_EQ(c.get("/api/v1/me").status, 401u);
  ASSERT_EQ(c.get("/healthz").status, 200u);
  EXPECT_EQ(c.connections_opened(), 1);
}

}  // namespace
}  // namespace civicgrid::api_test
