// Server::dispatch without a network: routing, authentication, access checks, error mapping and the
// static front end.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#include "http/server.h"

namespace civicgrid::http {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const std::string kIndexHtml = "<!doctype html><title>civicgrid</title><div id=app></div>";
const std::string kAppJs = "console.log('civicgrid app');";
const std::string kSecret = "secret-detail-7f3a";

Principal user(std::string name, std::vector<Role> roles) {
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.id = 1;
  p.name = std::move(name);
  p.roles = std::move(roles);
  return p;
}

Principal api_key(std::string name, std::vector<std::string> scopes) {
  Principal p;
  p.kind = Principal::Kind::kApiKey;
  p.id = 9;
  p.name = std::move(name);
  p.scopes = std::move(scopes);
  return p;
}

// Credentials of the test: "Authorization: Bearer <who>" and "X-Api-Key: <key>".
Result<Principal> authenticate(const RequestContext& ctx) {
  const std::string_view auth = ctx.header("Authorization");
  const std::string_view key = ctx.header("X-Api-Key");
  if (auth == "Bearer admin") return user("root", {Role::kAdmin});
  if (auth == "Bearer dispatcher") return user("disp", {Role::kDispatcher});
  if (auth == "Bearer worker") return user("gw", {Role::kGridWorker});
  if (auth == "Bearer multi") return user("multi", {Role::kResident, Role::kDispatcher});
  if (!auth.empty()) return fail(Error::unauthenticated("登录凭证无效", "unknown session token"));
  if (key == "open311-key") return api_key("fms", {"open311"});
  if (key == "reports-key") return api_key("stats", {"reports"});
  if (!key.empty()) return fail(Error::unauthenticated("API 密钥无效", "invalid API key"));
  return Principal{};
}

Handler echo() {
  return [](RequestContext& ctx) -> Result<Response> {
    json::object o;
    o["actor"] = ctx.principal().actor();
    o["id"] = ctx.param("id");
    return Response::json(o);
  };
}

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cg_dispatch_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ / "assets");
    std::ofstream(dir_ / "index.html") << kIndexHtml;
    std::ofstream(dir_ / "assets" / "app.js") << kAppJs;

    router_.add({Method::kGet, "/api/v1/public", Access::public_access(), echo()});
    router_.add({Method::kGet, "/api/v1/me", Access::logged_in(), echo()});
    router_.add(
        {Method::kPost, "/api/v1/admin/things", Access::roles_only({Role::kAdmin}), echo()});
    Access dispatch_or_key = Access::roles_only({Role::kDispatcher, Role::kAdmin});
    dispatch_or_key.api_key_scope = "open311";
    router_.add({Method::kPost, "/api/v1/cases/{id}/register", dispatch_or_key, echo()});
    router_.add({Method::kGet, "/api/v1/boom", Access::public_access(),
                 [](RequestContext&) -> Result<Response> { throw std::runtime_error(kSecret); }});
    router_.add({Method::kGet, "/api/v1/fails", Access::public_access(),
                 [](RequestContext&) -> Result<Response> {
                   return fail(Error::internal("database said: " + kSecret));
                 }});

    ServerOptions options;
    options.static_dir = dir_.string();
    server_.emplace(options, router_, metrics_, authenticate,
                    [this](const RequestContext&, unsigned) { ++completions_; });
  }

  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Response call(Method method, std::string target, std::string authorization = {},
                std::string key = {}) {
    RequestContext ctx(method, std::move(target), "", "127.0.0.1", "req-1");
    if (!authorization.empty()) ctx.set_header("Authorization", std::move(authorization));
    if (!key.empty()) ctx.set_header("X-Api-Key", std::move(key));
    return server_->dispatch(ctx);
  }

  static std::optional<std::string> header(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return std::nullopt;
  }
  static std::string error_code(const Response& r) {
    auto v = json::parse(r.body);
    return std::string(v.at("error").at("code").as_string());
  }

  fs::path dir_;
  Router router_;
  Metrics metrics_;
  int completions_ = 0;
  std::optional<Server> server_;
};

struct AccessCase {
  const char* name;
  Method method;
  const char* path;
  const char* authorization;
  const char* api_key;
  unsigned status;
};

const AccessCase kAccessCases[] = {
    {"PublicAnonymous", Method::kGet, "/api/v1/public", "", "", 200},
    {"PublicUser", Method::kGet, "/api/v1/public", "Bearer worker", "", 200},
    {"PublicApiKey", Method::kGet, "/api/v1/public", "", "reports-key", 200},
    {"PublicInvalidToken", Method::kGet, "/api/v1/public", "Bearer expired", "", 401},
    {"PublicInvalidKey", Method::kGet, "/api/v1/public", "", "nope", 401},
    {"LoggedInAnonymous", Method::kGet, "/api/v1/me", "", "", 401},
    {"LoggedInWorker", Method::kGet, "/api/v1/me", "Bearer worker", "", 200},
    {"LoggedInAdmin", Method::kGet, "/api/v1/me", "Bearer admin", "", 200},
    {"LoggedInInvalidToken", Method::kGet, "/api/v1/me", "Bearer forged", "", 401},
    {"AdminRouteAnonymous", Method::kPost, "/api/v1/admin/things", "", "", 401},
    {"AdminRouteWrongRole", Method::kPost, "/api/v1/admin/things", "Bearer worker", "", 403},
    {"AdminRouteDispatcher", Method::kPost, "/api/v1/admin/things", "Bearer dispatcher", "", 403},
    {"AdminRouteAdmin", Method::kPost, "/api/v1/admin/things", "Bearer admin", "", 200},
    {"AdminRouteApiKey", Method::kPost, "/api/v1/admin/things", "", "open311-key", 403},
    {"ScopedRouteAnonymous", Method::kPost, "/api/v1/cases/7/register", "", "", 401},
    {"ScopedRouteDispatcher", Method::kPost, "/api/v1/cases/7/register", "Bearer dispatcher", "",
     200},
    {"ScopedRouteSecondRole", Method::kPost, "/api/v1/cases/7/register", "Bearer multi", "", 200},
    {"ScopedRouteOtherRole", Method::kPost, "/api/v1/cases/7/register", "Bearer worker", "", 403},
    {"ScopedRouteMatchingKey", Method::kPost, "/api/v1/cases/7/register", "", "open311-key", 200},
    {"ScopedRouteOtherScopeKey", Method::kPost, "/api/v1/cases/7/register", "", "reports-key", 403},
    {"ScopedRouteInvalidKey", Method::kPost, "/api/v1/cases/7/register", "", "forged", 401},
};

void PrintTo(const AccessCase& c, std::ostream* os) {
  *os << c.name;
}

class DispatchAccess : public DispatchTest, public ::testing::WithParamInterface<AccessCase> {};

TEST_P(DispatchAccess, Status) {
  const auto& c = GetParam();
  const Response r = call(c.method, c.path, c.authorization, c.api_key);
  EXPECT_EQ(r.status, c.status) << r.body;
  if (c.status == 401) {
    EXPECT_EQ(error_code(r), "unauthenticated");
    EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer");
  } else if (c.status == 403) {
    EXPECT_EQ(error_code(r), "forbidden");
  }
}

INSTANTIATE_TEST_SUITE_P(Table, DispatchAccess, ::testing::ValuesIn(kAccessCases),
                         [](const ::testing::TestParamInfo<AccessCase>& info) {
                           return std::string(info.param.name);
                         });

TEST_F(DispatchTest, HandlerSeesPrincipalRouteAndDecodedParams) {
  RequestContext ctx(Method::kPost, "/api/v1/cases/C%2D1/register", "", "127.0.0.1", "req-9");
  ctx.set_header("X-Api-Key", "open311-key");
  const Response r = server_->dispatch(ctx);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto body = json::parse(r.body);
  EXPECT_EQ(body.at("actor").as_string(), "apikey:fms");
  EXPECT_EQ(body.at("id").as_string(), "C-1");
  ASSERT_NE(ctx.route(), nullptr);
  EXPECT_EQ(ctx.route()->pattern, "/api/v1/cases/{id}/register");
  EXPECT_EQ(ctx.principal().kind, Principal::Kind::kApiKey);
}

TEST_F(DispatchTest, ThrowingHandlerGivesAnOpaque500) {
  const Response r = call(Method::kGet, "/api/v1/boom");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.body.find(kSecret), std::string::npos) << r.body;
  EXPECT_EQ(error_code(r), "internal");
  const auto body = json::parse(r.body);
  EXPECT_EQ(body.at("error").at("request_id").as_string(), "req-1");
}

TEST_F(DispatchTest, InternalErrorResultGivesAnOpaque500) {
  const Response r = call(Method::kGet, "/api/v1/fails");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.body.find(kSecret), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("database"), std::string::npos) << r.body;
}

TEST_F(DispatchTest, WrongMethodIs405WithAllow) {
  const Response r = call(Method::kDelete, "/api/v1/public");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(header(r, "Allow"), "GET");
  EXPECT_EQ(error_code(r), "method_not_allowed");
}

TEST_F(DispatchTest, ErrorsAnswerInTheRequestedLanguage) {
  const Response zh = call(Method::kGet, "/api/v1/me");
  const Response en = call(Method::kGet, "/api/v1/me?lang=en");
  EXPECT_EQ(json::parse(en.body).at("error").at("message").as_string(),
            Error::unauthenticated().message_en());
  EXPECT_EQ(json::parse(zh.body).at("error").at("message").as_string(),
            Error::unauthenticated().message_zh());
}

TEST_F(DispatchTest, ServesStaticAssetWithItsContentType) {
  const Response r = call(Method::kGet, "/assets/app.js");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, kAppJs);
  EXPECT_TRUE(r.content_type.starts_with("text/javascript")) << r.content_type;
  EXPECT_TRUE(header(r, "Cache-Control").has_value());
}

TEST_F(DispatchTest, ServesIndexHtmlAtTheRootAndForAppPaths) {
  for (const char* path : {"/", "/index.html", "/some/page", "/cases/C-1?tab=history"}) {
    const Response r = call(Method::kGet, path);
    EXPECT_EQ(r.status, 200u) << path;
    EXPECT_EQ(r.body, kIndexHtml) << path;
    EXPECT_TRUE(r.content_type.starts_with("text/html")) << path << ": " << r.content_type;
  }
}

TEST_F(DispatchTest, RefusesTraversalAndMissingFiles) {
  for (const char* path : {"/../etc/passwd", "/assets/../../etc/passwd", "/%2e%2e/etc/passwd",
                           "/assets/%2E%2E/%2E%2E/etc/passwd", "/assets/missing.js", "/favicon.ico",
                           "/./index.html"}) {
    const Response r = call(Method::kGet, path);
    EXPECT_EQ(r.status, 404u) << path << ": " << r.body;
    EXPECT_EQ(r.body.find("civicgrid</title>"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("console.log"), std::string::npos) << path;
  }
}

TEST_F(DispatchTest, NulByteDoesNotTruncateTheFileName) {
  // Without a check the OS sees "assets/app.js" and the file would be served as text/html.
  for (const char* path : {"/assets/app.js%00.html", "/index.html%00.js"}) {
    const Response r = call(Method::kGet, path);
    EXPECT_EQ(r.status, 404u) << path << ": " << r.content_type;
    EXPECT_EQ(r.body.find("console.log"), std::string::npos) << path;
  }
}

TEST_F(DispatchTest, ApiPathsNeverFallBackToIndexHtml) {
  for (const char* path :
       {"/api/v1/unknown", "/api/v1/cases/1/nothing", "/api/page", "/open311/v2/unknown"}) {
    const Response r = call(Method::kGet, path);
    EXPECT_EQ(r.status, 404u) << path;
    EXPECT_EQ(error_code(r), "not_found") << path;
    EXPECT_TRUE(r.content_type.starts_with("application/json")) << path;
  }
}

TEST_F(DispatchTest, OnlyGetFallsBackToStaticFiles) {
  const Response r = call(Method::kPost, "/some/page");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(error_code(r), "not_found");
}

TEST(DispatchNoStaticDir, UnknownPathsAre404) {
  Router router;
  router.add({Method::kGet, "/healthz", Access::public_access(),
              [](RequestContext&) -> Result<Response> { return Response::text("ok"); }});
  Metrics metrics;
  ServerOptions options;
  options.static_dir = "/nonexistent/civicgrid/web/dist";
  Server server(options, router, metrics, nullptr, nullptr);
  RequestContext ctx(Method::kGet, "/some/page", "", "127.0.0.1", "r");
  EXPECT_EQ(server.dispatch(ctx).status, 404u);
  // Without an authenticator everyone is anonymous.
  RequestContext health(Method::kGet, "/healthz", "", "127.0.0.1", "r");
  const Response r = server.dispatch(health);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "ok");
  EXPECT_FALSE(health.principal().authenticated());
}

}  // namespace
}  // namespace civicgrid::http
