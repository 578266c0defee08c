// Platform core over real HTTP: login, logout, sessions, the login throttle, roles and data scopes,
// personal-data masking and auditing. Two servers: AuthTest's, and SessionExpiryTest's, whose test
// clock is moved forward (the offset stays for the rest of that server's life).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr std::string_view kLogin = "/api/v1/auth/login";

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    // Units come from the demo district, loaded by the first start: users are added afterwards.
    const std::vector<UserSpec> users{
        {"adm1", "admin", "MH"},
        {"disp_s01", "dispatcher", "MH-S01-CC"},
        {"handler_cg", "department_handler", "MH-D-CG"},
        {.username = "grid_g01",
         .role = "grid_worker",
         .unit = "MH-S01-C01-G01",
         .phone = "13800001111"},
        {.username = "grid_g01_peer",
         .role = "grid_worker",
         .unit = "MH-S01-C01-G01",
         .phone = "13700003333"},
        {.username = "grid_g02",
         .role = "grid_worker",
         .unit = "MH-S01-C01-G02",
         .phone = "13900002222"},
        {"leader1", "leader", "MH"},
        {"resident1", "resident", ""},
        {"throttled1", "resident", ""},
    };
    create_users(*server_, users);
  }
  static void TearDownTestSuite() {
    tokens_.clear();
    server_.reset();
  }

  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  HttpClient client() const { return server_->client(); }

  // A client logged in as `username`; each user logs in once per suite (argon2 makes logins slow).
  HttpClient as(const std::string& username) const {
    auto it = tokens_.find(username);
    if (it != tokens_.end()) {
      HttpClient c = client();
      c.set_token(it->second);
      return c;
    }
    HttpClient c = server_->login_as(username);
    tokens_[username] = c.token();
    return c;
  }

  static std::unique_ptr<TestServer> server_;
  static std::map<std::string, std::string> tokens_;
};

std::unique_ptr<TestServer> AuthTest::server_;
std::map<std::string, std::string> AuthTest::tokens_;

// The member of a GET /api/v1/org/units/{code}/members answer with this username, or null.
const json::object* member(const HttpResponse& r, std::string_view username) {
  const json::value* members = r.find("/members");
  if (!members || !members->is_array()) return nullptr;
  for (const auto& m : members->get_array())
    if (m.is_object() && m.get_object().if_contains("username") &&
        m.get_object().at("username") == json::value(username))
      return &m.get_object();
  return nullptr;
}

std::string member_phone(const HttpResponse& r, std::string_view username) {
  const json::object* m = member(r, username);
  if (!m || !m->if_contains("phone") || !m->at("phone").is_string()) return "<no such member>";
  return std::string(m->at("phone").get_string());
}

// --- login, logout, tokens

TEST_F(AuthTest, LoginReturnsTokenAndUserWithRoles) {
  HttpClient c = client();
  HttpResponse r = c.login("grid_g01", kTestPassword);
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_GE(r.str("/token").size(), 32u) << r;
  EXPECT_FALSE(r.str("/expires_at").empty()) << r;
  EXPECT_EQ(r.str("/user/username"), "grid_g01") << r;
  EXPECT_EQ(r.strings("/user/roles"), std::vector<std::string>{"grid_worker"}) << r;
  EXPECT_EQ(r.strings("/user/units"), std::vector<std::string>{"MH-S01-C01-G01"}) << r;
  EXPECT_EQ(r.body.find("argon2"), std::string::npos) << "password hash leaked: " << r;

  HttpResponse me = c.get("/api/v1/me");
  ASSERT_EQ(me.status, 200u) << me;
  EXPECT_EQ(me.str("/username"), "grid_g01") << me;

  // Every login is its own session.
  HttpClient other = client();
  ASSERT_EQ(other.login("grid_g01", kTestPassword).status, 200u);
  EXPECT_NE(other.token(), c.token());
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserAnswerAlike) {
  HttpClient c = client();
  for (const std::string lang : {"en", "zh"}) {
    const Headers h{{"Accept-Language", lang}};
    HttpResponse wrong =
        c.post_json(kLogin, {{"username", "leader1"}, {"password", "not-the-password"}}, h);
    HttpResponse unknown =
        c.post_json(kLogin, {{"username", "no_such_user_x"}, {"password", "not-the-password"}}, h);
    EXPECT_TRUE(IsApiError(wrong, 401, "unauthenticated")) << lang;
    EXPECT_TRUE(IsApiError(unknown, 401, "unauthenticated")) << lang;
    // The answer must not tell whether the username exists.
    EXPECT_EQ(wrong.str("/error/message"), unknown.str("/error/message")) << lang;
    EXPECT_EQ(wrong.find("/token"), nullptr) << wrong;
  }
}

TEST_F(AuthTest, MissingOrMistypedFieldIs422NamingIt) {
  HttpClient c = client();
  EXPECT_TRUE(IsFieldError(c.post_json(kLogin, {{"username", "leader1"}}), 422, "invalid_argument",
                           "password"));
  EXPECT_TRUE(IsFieldError(c.post_json(kLogin, {{"password", "whatever-long"}}), 422,
                           "invalid_argument", "username"));
  EXPECT_TRUE(IsFieldError(c.post_json(kLogin, {{"username", 42}, {"password", "whatever-long"}}),
                           422, "invalid_argument", "username"));
  EXPECT_TRUE(
      IsFieldError(c.post_json(kLogin, json::object{}), 422, "invalid_argument", "username"));
}

TEST_F(AuthTest, LogoutEndsOnlyThatSession) {
  HttpClient first = client();
  HttpClient second = client();
  ASSERT_EQ(first.login("resident1", kTestPassword).status, 200u);
  ASSERT_EQ(second.login("resident1", kTestPassword).status, 200u);
  ASSERT_EQ(first.get("/api/v1/me").status, 200u);

  HttpResponse out = first.post("/api/v1/auth/logout", "", "application/json");
  EXPECT_EQ(out.status, 204u) << out;
  EXPECT_TRUE(IsApiError(first.get("/api/v1/me"), 401, "unauthenticated"));
  EXPECT_TRUE(IsApiError(first.post("/api/v1/auth/logout", "", "application/json"), 401,
                         "unauthenticated"));
  HttpResponse still = second.get("/api/v1/me");
  EXPECT_EQ(still.status, 200u) << "logout ended another session: " << still;
}

TEST_F(AuthTest, UnknownOrMalformedCredentialsAre401) {
  HttpClient c = client();
  c.set_token(std::string(64, 'a'));
  EXPECT_TRUE(IsApiError(c.get("/api/v1/me"), 401, "unauthenticated"));
  c.clear_token();
  EXPECT_TRUE(IsApiError(c.get("/api/v1/me", {{"Authorization", "Basic YWRtMTpzZWNyZXQ="}}), 401,
                         "unauthenticated"));
  EXPECT_TRUE(IsApiError(c.get("/api/v1/me", {{"X-API-Key", "cgk_" + std::string(48, '0')}}), 401,
                         "unauthenticated"));
  EXPECT_TRUE(
      IsApiError(c.get("/api/v1/me", {{"X-API-Key", "not-a-key"}}), 401, "unauthenticated"));
}

TEST_F(AuthTest, AnonymousMeIs401) {
  HttpResponse r = client().get("/api/v1/me");
  EXPECT_TRUE(IsApiError(r, 401, "unauthenticated"));
}

TEST_F(AuthTest, RepeatedFailedLoginsAreThrottled) {
  HttpClient c = client();
  const json::value wrong{{"username", "throttled1"}, {"password", "wrong-password-1"}};
  for (int i = 1; i <= 5; ++i) {
    HttpResponse r = c.post_json(kLogin, wrong);
    ASSERT_TRUE(IsApiError(r, 401, "unauthenticated")) << "attempt " << i;
  }
  HttpResponse sixth = c.post_json(kLogin, wrong);
  EXPECT_TRUE(IsApiError(sixth, 429, "too_many_requests"));
  const auto retry = sixth.integer("/error/retry_after_seconds");
  ASSERT_TRUE(retry.has_value()) << sixth;
  EXPECT_GT(*retry, 0);
  EXPECT_LE(*retry, 15 * 60);
  // Even the right password is refused while the window lasts: guessing cannot go on.
  HttpResponse right =
      c.post_json(kLogin, {{"username", "throttled1"}, {"password", kTestPassword}});
  EXPECT_TRUE(IsApiError(right, 429, "too_many_requests"));
  // The throttle is per username: others still log in from the same address.
  HttpClient other = client();
  EXPECT_EQ(other.login("grid_g02", kTestPassword).status, 200u);
}

// --- roles and data scope

TEST_F(AuthTest, MeForGridWorkerCoversItsGridOnly) {
  HttpResponse r = as("grid_g01").get("/api/v1/me");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.strings("/roles"), std::vector<std::string>{"grid_worker"}) << r;
  ASSERT_NE(r.find("/scope/all"), nullptr) << r;
  EXPECT_EQ(*r.find("/scope/all"), json::value(false)) << r;
  EXPECT_EQ(r.strings("/scope/areas"), std::vector<std::string>{"MH-S01-C01-G01"}) << r;
  EXPECT_TRUE(r.strings("/scope/departments").empty()) << r;
}

TEST_F(AuthTest, MeForStreetDispatcherCoversTheStreetsAreas) {
  HttpResponse r = as("disp_s01").get("/api/v1/me");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.strings("/roles"), std::vector<std::string>{"dispatcher"}) << r;
  // The street, its 3 communities and their 9 grids: 13 areas (the command centre is no area).
  std::vector<std::string> expected{"MH-S01"};
  for (int c = 1; c <= 3; ++c) {
    const std::string community = "MH-S01-C0" + std::to_string(c);
    expected.push_back(community);
    for (int g = 1; g <= 3; ++g) expected.push_back(community + "-G0" + std::to_string(g));
  }
  EXPECT_EQ(sorted(r.strings("/scope/areas")), sorted(expected)) << r;
  EXPECT_TRUE(r.strings("/scope/departments").empty()) << r;
  ASSERT_NE(r.find("/scope/all"), nullptr) << r;
  EXPECT_EQ(*r.find("/scope/all"), json::value(false)) << r;
}

TEST_F(AuthTest, MeForDepartmentHandlerCoversItsDepartment) {
  HttpResponse r = as("handler_cg").get("/api/v1/me");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.strings("/roles"), std::vector<std::string>{"department_handler"}) << r;
  EXPECT_EQ(r.strings("/scope/departments"), std::vector<std::string>{"MH-D-CG"}) << r;
  EXPECT_TRUE(r.strings("/scope/areas").empty()) << r;
}

TEST_F(AuthTest, MeForAdminCoversEverything) {
  HttpResponse r = as("adm1").get("/api/v1/me");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.strings("/roles"), std::vector<std::string>{"admin"}) << r;
  ASSERT_NE(r.find("/scope/all"), nullptr) << r;
  EXPECT_EQ(*r.find("/scope/all"), json::value(true)) << r;
}

TEST_F(AuthTest, MeForLeaderCoversTheDistrict) {
  HttpResponse r = as("leader1").get("/api/v1/me");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.strings("/roles"), std::vector<std::string>{"leader"}) << r;
  const auto areas = r.strings("/scope/areas");
  for (const char* code : {"MH", "MH-S01", "MH-S04-C03-G03"})
    EXPECT_NE(std::find(areas.begin(), areas.end(), code), areas.end())
        << code << " missing: " << r;
}

TEST_F(AuthTest, MeForResidentHasNoScope) {
  HttpResponse r = as("resident1").get("/api/v1/me");
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.strings("/roles"), std::vector<std::string>{"resident"}) << r;
  ASSERT_NE(r.find("/scope/all"), nullptr) << r;
  EXPECT_EQ(*r.find("/scope/all"), json::value(false)) << r;
  EXPECT_TRUE(r.strings("/scope/areas").empty()) << r;
  EXPECT_TRUE(r.strings("/scope/departments").empty()) << r;
}

TEST_F(AuthTest, WrongRoleIs403) {
  EXPECT_TRUE(IsApiError(as("disp_s01").get("/api/v1/admin/users"), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(as("grid_g01").get("/api/v1/admin/audit"), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(
      as("leader1").post_json(
          "/api/v1/org/units",
          {{"code", "MH-S01-C09"}, {"name", "x"}, {"kind", "community"}, {"parent", "MH-S01"}}),
      403, "forbidden"));
  // The control: the right role passes.
  HttpResponse users = as("adm1").get("/api/v1/admin/users");
  ASSERT_EQ(users.status, 200u) << users;
  EXPECT_NE(users.body.find("\"disp_s01\""), std::string::npos) << users;
}

TEST_F(AuthTest, GridWorkerReadsMembersOfItsOwnGridOnly) {
  HttpClient grid = as("grid_g01");
  HttpResponse own = grid.get("/api/v1/org/units/MH-S01-C01-G01/members");
  ASSERT_EQ(own.status, 200u) << own;
  EXPECT_EQ(own.str("/unit"), "MH-S01-C01-G01") << own;
  EXPECT_NE(member(own, "grid_g01"), nullptr) << own;
  EXPECT_NE(member(own, "grid_g01_peer"), nullptr) << own;
  EXPECT_EQ(member(own, "grid_g02"), nullptr) << "a member of another grid listed: " << own;

  EXPECT_TRUE(IsApiError(grid.get("/api/v1/org/units/MH-S01-C01-G02/members"), 403, "forbidden"));
  // Scope does not extend upwards to the community.
  EXPECT_TRUE(IsApiError(grid.get("/api/v1/org/units/MH-S01-C01/members"), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(grid.get("/api/v1/org/units/NO-SUCH-UNIT/members"), 404, "not_found"));
}

TEST_F(AuthTest, StreetAndDepartmentScopesForMembers) {
  HttpClient disp = as("disp_s01");
  HttpResponse g02 = disp.get("/api/v1/org/units/MH-S01-C01-G02/members");
  ASSERT_EQ(g02.status, 200u) << g02;
  EXPECT_NE(member(g02, "grid_g02"), nullptr) << g02;
  EXPECT_TRUE(IsApiError(disp.get("/api/v1/org/units/MH-S02-C01-G01/members"), 403, "forbidden"));

  HttpClient handler = as("handler_cg");
  HttpResponse dept = handler.get("/api/v1/org/units/MH-D-CG/members");
  ASSERT_EQ(dept.status, 200u) << dept;
  EXPECT_NE(member(dept, "handler_cg"), nullptr) << dept;
  EXPECT_TRUE(IsApiError(handler.get("/api/v1/org/units/MH-D-ZJ/members"), 403, "forbidden"));
  EXPECT_TRUE(
      IsApiError(handler.get("/api/v1/org/units/MH-S01-C01-G01/members"), 403, "forbidden"));

  EXPECT_TRUE(IsApiError(as("resident1").get("/api/v1/org/units/MH-S01-C01-G01/members"), 403,
                         "forbidden"));
}

TEST_F(AuthTest, MembersReadIsAuditedAsPersonalData) {
  const std::string request_id = "members-audit-check-1";
  HttpResponse read =
      as("grid_g01")
          .get("/api/v1/org/units/MH-S01-C01-G01/members", {{"X-Request-Id", request_id}});
  ASSERT_EQ(read.status, 200u) << read;

  HttpResponse log =
      as("adm1").get("/api/v1/admin/audit?target_type=org_unit&target_id=MH-S01-C01-G01&limit=100");
  ASSERT_EQ(log.status, 200u) << log;
  const json::value* entries = log.find("/entries");
  ASSERT_TRUE(entries && entries->is_array()) << log;
  const json::object* found = nullptr;
  for (const auto& e : entries->get_array())
    if (e.is_object() && e.get_object().if_contains("request_id") &&
        e.get_object().at("request_id") == json::value(request_id))
      found = &e.get_object();
  ASSERT_NE(found, nullptr) << "no audit entry with request_id " << request_id << ": " << log;
  EXPECT_EQ(found->at("action"), json::value("org_unit.members.read")) << json::serialize(*found);
  EXPECT_EQ(found->at("actor"), json::value("user:grid_g01")) << json::serialize(*found);
  EXPECT_EQ(found->at("outcome"), json::value("200")) << json::serialize(*found);
  const json::value* personal = found->at("detail").is_object()
                                    ? found->at("detail").get_object().if_contains("personal_data")
                                    : nullptr;
  ASSERT_NE(personal, nullptr) << json::serialize(*found);
  EXPECT_EQ(*personal, json::value(true)) << json::serialize(*found);
}

TEST_F(AuthTest, PhonesAreMaskedExceptForAdminsAndDispatchers) {
  const std::string target = "/api/v1/org/units/MH-S01-C01-G01/members";
  HttpResponse by_grid = as("grid_g01").get(target);
  ASSERT_EQ(by_grid.status, 200u) << by_grid;
  EXPECT_EQ(member_phone(by_grid, "grid_g01_peer"), "137****3333") << by_grid;
  EXPECT_EQ(by_grid.body.find("13700003333"), std::string::npos)
      << "full number shown: " << by_grid;

  HttpResponse by_leader = as("leader1").get(target);
  ASSERT_EQ(by_leader.status, 200u) << by_leader;
  EXPECT_EQ(member_phone(by_leader, "grid_g01_peer"), "137****3333") << by_leader;

  HttpResponse by_admin = as("adm1").get(target);
  ASSERT_EQ(by_admin.status, 200u) << by_admin;
  EXPECT_EQ(member_phone(by_admin, "grid_g01_peer"), "13700003333") << by_admin;
  EXPECT_EQ(member_phone(by_admin, "grid_g01"), "13800001111") << by_admin;

  HttpResponse by_dispatcher = as("disp_s01").get(target);
  ASSERT_EQ(by_dispatcher.status, 200u) << by_dispatcher;
  EXPECT_EQ(member_phone(by_dispatcher, "grid_g01_peer"), "13700003333") << by_dispatcher;
}

// --- session lifetime, on a server of its own because the clock offset cannot be undone

class SessionExpiryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_user(*server_, "sleepy", "resident");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpResponse advance_clock(std::int64_t ms) {
    return server_->client().post_json("/api/v1/test/clock", {{"advance_ms", ms}});
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> SessionExpiryTest::server_;

constexpr std::int64_t kHour = 3600 * 1000;

TEST_F(SessionExpiryTest, TokenExpiresAfterTwelveHours) {
  HttpClient c = server_->login_as("sleepy");
  ASSERT_EQ(c.get("/api/v1/me").status, 200u);

  HttpResponse eleven = advance_clock(11 * kHour);
  ASSERT_EQ(eleven.status, 200u) << eleven;
  EXPECT_EQ(eleven.integer("/offset_ms"), 11 * kHour) << eleven;
  HttpResponse still = c.get("/api/v1/me");
  EXPECT_EQ(still.status, 200u) << "expired before 12 h: " << still;

  HttpResponse thirteen = advance_clock(2 * kHour);
  ASSERT_EQ(thirteen.status, 200u) << thirteen;
  EXPECT_EQ(thirteen.integer("/offset_ms"), 13 * kHour) << thirteen;
  EXPECT_TRUE(IsApiError(c.get("/api/v1/me"), 401, "unauthenticated"));

  // Expiry ends the session, not the account.
  HttpClient again = server_->client();
  ASSERT_EQ(again.login("sleepy", kTestPassword).status, 200u);
  EXPECT_EQ(again.get("/api/v1/me").status, 200u);
}

TEST_F(SessionExpiryTest, ClockAdvanceRejectsNonInteger) {
  HttpResponse r = server_->client().post_json("/api/v1/test/clock", {{"advance_ms", "soon"}});
  EXPECT_TRUE(IsFieldError(r, 422, "invalid_argument", "advance_ms"));
}

// Behind a reverse proxy (serve --trusted-proxy): the throttle and the audit log see the address
// the proxy reports, not the proxy's own; a client that is not a trusted proxy cannot choose it.
class ProxiedAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>(
        TestServerOptions{.extra_args = {"--trusted-proxy", "127.0.0.1"}});
    server_->start();
    create_users(*server_, {{"proxied_admin", "admin", "MH"}});
  }
  static void TearDownTestSuite() { server_.reset(); }

  static HttpResponse login_from(const std::string& address, const std::string& username,
                                 std::string_view password) {
    return server_->client().post_json(
        kLogin, {{"username", username}, {"password", std::string(password)}},
        {{"X-Forwarded-For", address}});
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> ProxiedAuthTest::server_;

TEST_F(ProxiedAuthTest, TheAddressThrottleCountsTheForwardedClient) {
  // 20 failures per address within the window: different usernames, so only the address limit
  // bites.
  for (int i = 1; i <= 20; ++i) {
    HttpResponse r = login_from("203.0.113.7", "nobody" + std::to_string(i), "wrong-password");
    ASSERT_TRUE(IsApiError(r, 401, "unauthenticated")) << "attempt " << i << " " << r;
  }
  EXPECT_TRUE(IsApiError(login_from("203.0.113.7", "nobody21", "wrong-password"), 429,
                         "too_many_requests"));
  // Another resident behind the same proxy is not punished for it.
  EXPECT_EQ(login_from("203.0.113.8", "proxied_admin", kTestPassword).status, 200u);
  // A client claiming another address in front of the proxy's entry is still counted as itself.
  EXPECT_TRUE(IsApiError(login_from("198.51.100.1, 203.0.113.7", "nobody22", "wrong-password"), 429,
                         "too_many_requests"));
}

TEST_F(ProxiedAuthTest, TheAuditLogRecordsTheForwardedClient) {
  ASSERT_EQ(login_from("198.51.100.23", "proxied_admin", kTestPassword).status, 200u);
  HttpClient admin = server_->login_as("proxied_admin");
  HttpResponse log =
      admin.get("/api/v1/admin/audit?target_type=user&target_id=proxied_admin&limit=100");
  ASSERT_EQ(log.status, 200u) << log;
  const json::value* entries = log.find("/entries");
  ASSERT_TRUE(entries && entries->is_array()) << log;
  bool seen = false;
  for (const auto& e : entries->get_array())
    seen = seen || e.get_object().at("remote") == json::value("198.51.100.23");
  EXPECT_TRUE(seen) << log;
}

TEST_F(AuthTest, XForwardedForIsIgnoredWithoutATrustedProxy) {
  HttpClient c = client();
  ASSERT_EQ(c.post_json(kLogin, {{"username", "leader1"}, {"password", kTestPassword}},
                        {{"X-Forwarded-For", "198.51.100.99"}})
                .status,
            200u);
  HttpResponse log =
      as("adm1").get("/api/v1/admin/audit?target_type=user&target_id=leader1&limit=100");
  ASSERT_EQ(log.status, 200u) << log;
  const json::value* entries = log.find("/entries");
  ASSERT_TRUE(entries && entries->is_array() && !entries->get_array().empty()) << log;
  for (const auto& e : entries->get_array())
    EXPECT_NE(e.get_object().at("remote"), json::value("198.51.100.99")) << log;
}

TEST(TrustedProxyOption, ABadEntryStopsTheServerNamingIt) {
  TestServer server;
  // `serve` exits before opening the store or listening.
  const CommandResult r = server.cli({"serve", "--port", "0", "--trusted-proxy", "10.0.0.0/40"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("10.0.0.0/40"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace civicgrid::api_test
