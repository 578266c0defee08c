// Platform core over real HTTP: the admin API for org units, users and API keys.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr std::string_view kUnits = "/api/v1/org/units";
constexpr std::string_view kUsers = "/api/v1/admin/users";
constexpr std::string_view kKeys = "/api/v1/admin/api-keys";

class AdminApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_users(*server_, {{"adm1", "admin", "MH"}, {"disp1", "dispatcher", "MH-CC"}});
    admin_token_ = server_->login_as("adm1").token();
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpClient admin() {
    HttpClient c = server_->client();
    c.set_token(admin_token_);
    return c;
  }
  static HttpClient with_key(const std::string& key) {
    HttpClient c = server_->client();
    c.set_default_header("X-API-Key", key);
    return c;
  }

  static std::unique_ptr<TestServer> server_;
  static std::string admin_token_;
};

std::unique_ptr<TestServer> AdminApiTest::server_;
std::string AdminApiTest::admin_token_;

json::object unit(std::string code, std::string kind, std::string parent) {
  return {{"code", code}, {"name", "测试单位 " + code}, {"kind", kind}, {"parent", parent}};
}

json::object new_user(std::string username, std::vector<std::string> roles = {"grid_worker"},
                      std::vector<std::string> units = {"MH-S01-C02-G01"}) {
  json::array r(roles.begin(), roles.end()), u(units.begin(), units.end());
  return {{"username", username}, {"password", kTestPassword}, {"roles", r}, {"units", u}};
}

// --- org units

TEST_F(AdminApiTest, CreateUnitIs201AndTheTreeKnowsIt) {
  HttpClient c = admin();
  json::object body = unit("MH-S01-C04", "community", "MH-S01");
  body["name_en"] = "Test Community";
  HttpResponse r = c.post_json(kUnits, body);
  ASSERT_EQ(r.status, 201u) << r;
  EXPECT_EQ(r.str("/code"), "MH-S01-C04") << r;
  EXPECT_EQ(r.str("/kind"), "community") << r;
  EXPECT_EQ(r.str("/parent"), "MH-S01") << r;
  EXPECT_EQ(r.str("/name_en"), "Test Community") << r;

  HttpResponse got = c.get("/api/v1/org/units/MH-S01-C04");
  ASSERT_EQ(got.status, 200u) << got;
  EXPECT_EQ(got.str("/parent"), "MH-S01") << got;
  HttpResponse street = c.get("/api/v1/org/units?parent=MH-S01&kind=community");
  ASSERT_EQ(street.status, 200u) << street;
  EXPECT_NE(street.body.find("\"MH-S01-C04\""), std::string::npos) << street;
  // The new unit can take children at once.
  HttpResponse grid = c.post_json(kUnits, unit("MH-S01-C04-G01", "grid", "MH-S01-C04"));
  EXPECT_EQ(grid.status, 201u) << grid;
}

TEST_F(AdminApiTest, UnitCreationIsAudited) {
  HttpClient c = admin();
  ASSERT_EQ(c.post_json(kUnits, unit("MH-S02-C04", "community", "MH-S02")).status, 201u);
  HttpResponse log = c.get("/api/v1/admin/audit?target_type=org_unit&target_id=MH-S02-C04");
  ASSERT_EQ(log.status, 200u) << log;
  const json::value* entries = log.find("/entries");
  ASSERT_TRUE(entries && entries->is_array() && entries->get_array().size() == 1) << log;
  const json::object& e = entries->get_array()[0].get_object();
  EXPECT_EQ(e.at("action"), json::value("org_unit.create")) << log;
  EXPECT_EQ(e.at("actor"), json::value("user:adm1")) << log;
  EXPECT_EQ(e.at("outcome"), json::value("201")) << log;
}

TEST_F(AdminApiTest, DuplicateUnitCodeIs409) {
  HttpResponse r = admin().post_json(kUnits, unit("MH-S01", "street", "MH"));
  EXPECT_TRUE(IsFieldError(r, 409, "conflict", "code"));
}

TEST_F(AdminApiTest, UnknownUnitKindIs422) {
  HttpResponse r = admin().post_json(kUnits, unit("MH-X-PLANET", "planet", "MH"));
  EXPECT_TRUE(IsFieldError(r, 422, "invalid_argument", "kind"));
}

TEST_F(AdminApiTest, ParentOfWrongKindIs422) {
  HttpClient c = admin();
  // A grid belongs to a community, not directly to a street.
  EXPECT_TRUE(IsFieldError(c.post_json(kUnits, unit("MH-S01-G99", "grid", "MH-S01")), 422,
                           "invalid_argument", "parent"));
  // A community belongs to a street, not to the district.
  EXPECT_TRUE(IsFieldError(c.post_json(kUnits, unit("MH-C99", "community", "MH")), 422,
                           "invalid_argument", "parent"));
  // Departments do not sit under grids; grids do not sit under departments.
  EXPECT_TRUE(IsFieldError(c.post_json(kUnits, unit("MH-D-XX", "department", "MH-S01-C01-G01")),
                           422, "invalid_argument", "parent"));
  EXPECT_TRUE(IsFieldError(c.post_json(kUnits, unit("MH-D-CG-G01", "grid", "MH-D-CG")), 422,
                           "invalid_argument", "parent"));
  EXPECT_TRUE(IsFieldError(c.post_json(kUnits, unit("MH-S09-C01", "community", "MH-S09")), 422,
                           "invalid_argument", "parent"));
  // None of them was created.
  EXPECT_TRUE(IsApiError(c.get("/api/v1/org/units/MH-S01-G99"), 404, "not_found"));
}

TEST_F(AdminApiTest, UnitWithoutNameIs422) {
  json::object body = unit("MH-S03-C09", "community", "MH-S03");
  body.erase("name");
  EXPECT_TRUE(IsFieldError(admin().post_json(kUnits, body), 422, "invalid_argument", "name"));
}

// --- users

TEST_F(AdminApiTest, CreateUserIs201AndTheUserCanLogIn) {
  json::object body = new_user("api_user1");
  body["display_name"] = "接口用户";
  body["phone"] = "13600004444";
  HttpResponse r = admin().post_json(kUsers, body);
  ASSERT_EQ(r.status, 201u) << r;
  const auto id = r.integer("/id");
  ASSERT_TRUE(id && *id > 0) << r;
  EXPECT_EQ(r.str("/username"), "api_user1") << r;
  EXPECT_EQ(r.strings("/roles"), std::vector<std::string>{"grid_worker"}) << r;
  EXPECT_EQ(r.strings("/units"), std::vector<std::string>{"MH-S01-C02-G01"}) << r;
  EXPECT_EQ(r.str("/phone"), "13600004444") << r;
  EXPECT_EQ(r.body.find("password"), std::string::npos) << r;

  HttpResponse got = admin().get(std::string(kUsers) + "/" + std::to_string(*id));
  ASSERT_EQ(got.status, 200u) << got;
  EXPECT_EQ(got.str("/username"), "api_user1") << got;

  HttpClient user = server_->client();
  HttpResponse login = user.login("api_user1", kTestPassword);
  ASSERT_EQ(login.status, 200u) << login;
  HttpResponse me = user.get("/api/v1/me");
  ASSERT_EQ(me.status, 200u) << me;
  EXPECT_EQ(me.strings("/scope/areas"), std::vector<std::string>{"MH-S01-C02-G01"}) << me;
}

TEST_F(AdminApiTest, DuplicateUsernameIs409) {
  ASSERT_EQ(admin().post_json(kUsers, new_user("api_dup")).status, 201u);
  HttpResponse r = admin().post_json(kUsers, new_user("api_dup", {"resident"}, {}));
  EXPECT_TRUE(IsFieldError(r, 409, "conflict", "username"));
  // A user made by the CLI counts as well.
  EXPECT_TRUE(
      IsFieldError(admin().post_json(kUsers, new_user("disp1")), 409, "conflict", "username"));
}

TEST_F(AdminApiTest, UnknownRoleIs422) {
  HttpResponse r = admin().post_json(kUsers, new_user("api_wizard", {"wizard"}));
  EXPECT_TRUE(IsFieldError(r, 422, "invalid_argument", "roles"));
}

TEST_F(AdminApiTest, MissingRolesIs422) {
  json::object body = new_user("api_noroles");
  body.erase("roles");
  EXPECT_TRUE(IsFieldError(admin().post_json(kUsers, body), 422, "invalid_argument", "roles"));
}

TEST_F(AdminApiTest, UnknownUnitForUserIs422) {
  HttpResponse r = admin().post_json(kUsers, new_user("api_nounit", {"grid_worker"}, {"MH-NOPE"}));
  EXPECT_TRUE(IsFieldError(r, 422, "invalid_argument", "units"));
}

TEST_F(AdminApiTest, ShortPasswordIs422) {
  json::object body = new_user("api_shortpw");
  body["password"] = "short";
  EXPECT_TRUE(IsFieldError(admin().post_json(kUsers, body), 422, "invalid_argument", "password"));
  // The boundary: 9 characters are refused, 10 accepted.
  body["password"] = "123456789";
  EXPECT_TRUE(IsFieldError(admin().post_json(kUsers, body), 422, "invalid_argument", "password"));
  body["password"] = "1234567890";
  HttpResponse ok = admin().post_json(kUsers, body);
  EXPECT_EQ(ok.status, 201u) << ok;
}

TEST_F(AdminApiTest, NonAdminCannotManageUsersOrKeys) {
  HttpClient disp = server_->login_as("disp1");
  EXPECT_TRUE(IsApiError(disp.post_json(kUsers, new_user("api_by_disp")), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(disp.post_json(kKeys, {{"name", "by-disp"}}), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(disp.get(kKeys), 403, "forbidden"));
}

// --- API keys

TEST_F(AdminApiTest, CreatedApiKeyAuthenticatesOnMe) {
  HttpResponse created = admin().post_json(kKeys, {{"name", "test-client"}});
  ASSERT_EQ(created.status, 201u) << created;
  const std::string key = created.str("/key");
  EXPECT_EQ(key.rfind("cgk_", 0), 0u) << created;
  EXPECT_EQ(created.str("/name"), "test-client") << created;
  EXPECT_EQ(created.strings("/scopes"), std::vector<std::string>{"open311"}) << created;

  HttpResponse me = with_key(key).get("/api/v1/me");
  EXPECT_NE(me.status, 401u) << "the key was not recognised: " << me;
  ASSERT_EQ(me.status, 200u) << me;
  EXPECT_EQ(me.str("/api_key"), "test-client") << me;
  EXPECT_EQ(me.strings("/scopes"), std::vector<std::string>{"open311"}) << me;
}

TEST_F(AdminApiTest, RevokedApiKeyIs401) {
  HttpResponse created = admin().post_json(kKeys, {{"name", "revoke-me"}});
  ASSERT_EQ(created.status, 201u) << created;
  const std::string key = created.str("/key");
  const auto id = created.integer("/id");
  ASSERT_TRUE(id.has_value()) << created;
  // Recognised before the revocation (whatever the route then allows it).
  HttpResponse before = with_key(key).get("/api/v1/me");
  EXPECT_NE(before.status, 401u) << before;

  HttpResponse revoked = admin().del(std::string(kKeys) + "/" + std::to_string(*id));
  EXPECT_EQ(revoked.status, 204u) << revoked;
  EXPECT_TRUE(IsApiError(with_key(key).get("/api/v1/me"), 401, "unauthenticated"));
  EXPECT_TRUE(
      IsApiError(admin().del(std::string(kKeys) + "/" + std::to_string(*id)), 404, "not_found"));

  HttpResponse list = admin().get(kKeys);
  ASSERT_EQ(list.status, 200u) << list;
  bool listed_revoked = false;
  if (const json::value* keys = list.find("/api_keys"); keys && keys->is_array())
    for (const auto& k : keys->get_array())
      if (k.at("name") == json::value("revoke-me"))
        listed_revoked = k.at("revoked") == json::value(true);
  EXPECT_TRUE(listed_revoked) << list;
  EXPECT_EQ(list.body.find(key), std::string::npos) << "the secret is listed: " << list;
}

TEST_F(AdminApiTest, ApiKeyIsNoAdmin) {
  HttpResponse created = admin().post_json(kKeys, {{"name", "not-an-admin"}});
  ASSERT_EQ(created.status, 201u) << created;
  HttpClient c = with_key(created.str("/key"));
  EXPECT_TRUE(IsApiError(c.get(kUsers), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(c.post_json(kKeys, {{"name", "by-a-key"}}), 403, "forbidden"));
}

TEST_F(AdminApiTest, DuplicateApiKeyNameIs409) {
  ASSERT_EQ(admin().post_json(kKeys, {{"name", "twice"}}).status, 201u);
  EXPECT_TRUE(IsFieldError(admin().post_json(kKeys, {{"name", "twice"}}), 409, "conflict", "name"));
}

}  // namespace
}  // namespace civicgrid::api_test
