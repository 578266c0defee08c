// IdentityService against a real SQLite store in a temporary directory.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/crypto.h"
#include "identity/identity.h"
#include "store/database.h"
#include "store/migration.h"

namespace civicgrid::identity {
namespace {

namespace fs = std::filesystem;

constexpr Timestamp kStart = 1'800'000'000'000;
constexpr std::int64_t kTtl = 2 * kMillisPerHour;
const std::string kPassword = "correct horse battery";

class IdentityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    std::string pattern = (fs::temp_directory_path() / "cg_identity_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto db = store::open_database({.url = dir_.string()});
    ASSERT_TRUE(db.has_value()) << db.error().detail();
    db_ = std::move(*db);
    const store::MigrationSet sets[] = {identity::migrations()};
    auto applied = store::apply_migrations(*db_, sets);
    ASSERT_TRUE(applied.has_value()) << applied.error().detail();
    IdentityOptions options;
    options.session_ttl_ms = kTtl;
    options.throttle.max_failures_per_user = 3;
    options.throttle.max_failures_per_address = 100;
    svc_ = std::make_unique<IdentityService>(*db_, clock_, options);
    ASSERT_TRUE(svc_->load().has_value());
  }

  void TearDown() override {
    svc_.reset();
    if (db_) db_->close();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  OrgUnit unit(std::string code, std::string kind, std::string parent) {
    return {code, "单位 " + code, "Unit " + code, std::move(kind), std::move(parent), ""};
  }

  // D → S1 → C1 → G1, and a department under D.
  void make_tree() {
    for (const auto& u :
         {unit("D", "district", ""), unit("S1", "street", "D"), unit("C1", "community", "S1"),
          unit("G1", "grid", "C1"), unit("DEP", "department", "D")}) {
      auto r = svc_->create_unit(u);
      ASSERT_TRUE(r.has_value()) << u.code << ": " << r.error().message_en();
    }
  }

  User make_user(std::string name, std::vector<Role> roles, std::vector<std::string> units,
                 std::string password = kPassword) {
    auto r = svc_->create_user({name, password, "显示 " + name, "13812345678", roles, units});
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message_en());
    return r.value_or(User{});
  }

  fs::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<IdentityService> svc_;
};

// The error of a result expected to fail; an unexpected success reads as kInternal, which no
// expectation here accepts.
template <typename T>
Error error_of(const Result<T>& r) {
  return r.has_value() ? Error::internal("unexpected success") : r.error();
}

void expect_error(const Error& e, ErrorCode code, std::string_view field) {
  EXPECT_EQ(e.code(), code) << e.message_en();
  EXPECT_EQ(e.field(), field) << e.message_en();
}

TEST_F(IdentityServiceTest, CreatesUnitsAndReloadsTheTree) {
  make_tree();
  auto tree = svc_->org_tree();
  ASSERT_NE(tree->find("G1"), nullptr);
  EXPECT_EQ(tree->find("G1")->parent, "C1");
  EXPECT_EQ(tree->find("G1")->name, "单位 G1");
  EXPECT_TRUE(tree->within("G1", "D"));
  EXPECT_EQ(tree->units().size(), 5u);

  // A fresh service over the same database sees the same tree.
  IdentityService again(*db_, clock_);
  ASSERT_TRUE(again.load().has_value());
  EXPECT_EQ(again.org_tree()->units().size(), 5u);
  EXPECT_EQ(again.org_tree()->find("DEP")->kind, "department");
}

TEST_F(IdentityServiceTest, CreateUnitChecksParentKindAndCode) {
  make_tree();
  struct Row {
    OrgUnit unit;
    ErrorCode code;
    const char* field;
  };
  const Row rows[] = {
      {unit("G2", "grid", "S1"), ErrorCode::kInvalidArgument, "parent"},  // grid under street
      {unit("S2", "street", ""), ErrorCode::kInvalidArgument, "parent"},  // street as a root
      {unit("D2", "district", "D"), ErrorCode::kInvalidArgument, "parent"},
      {unit("X1", "department", "G1"), ErrorCode::kInvalidArgument, "parent"},
      {unit("X2", "grid", "NOPE"), ErrorCode::kInvalidArgument, "parent"},  // no such parent
      {unit("X3", "castle", "D"), ErrorCode::kInvalidArgument, "kind"},
      {unit("bad code!", "street", "D"), ErrorCode::kInvalidArgument, "code"},
      {unit("", "street", "D"), ErrorCode::kInvalidArgument, "code"},
      {unit("S1", "street", "D"), ErrorCode::kConflict, "code"},  // duplicate
      {unit("D", "district", ""), ErrorCode::kConflict, "code"},
  };
  for (const auto& r : rows) {
    auto res = svc_->create_unit(r.unit);
    ASSERT_FALSE(res.has_value()) << "code \"" << r.unit.code << "\"";
    expect_error(res.error(), r.code, r.field);
  }
  OrgUnit blank = unit("S3", "street", "D");
  blank.name = "\xE3\x80\x80 ";
  auto res = svc_->create_unit(blank);
  ASSERT_FALSE(res.has_value());
  expect_error(res.error(), ErrorCode::kInvalidArgument, "name");

  OrgUnit geo = unit("G9", "grid", "C1");
  geo.geometry = R"({"type":"Point","coordinates":[120,30]})";
  res = svc_->create_unit(geo);
  ASSERT_FALSE(res.has_value());
  expect_error(res.error(), ErrorCode::kInvalidArgument, "geometry");
  geo.geometry = R"({"type":"Polygon","coordinates":[[[120,30],[121,30],[121,31],[120,30]]]})";
  EXPECT_TRUE(svc_->create_unit(geo).has_value());

  // Nothing refused was added.
  EXPECT_EQ(svc_->org_tree()->units().size(), 6u);
}

TEST_F(IdentityServiceTest, CreateUserLoginAndAuthenticate) {
  make_tree();
  const User created = make_user("alice", {Role::kGridWorker, Role::kLeader}, {"G1", "DEP"});
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.username, "alice");
  EXPECT_TRUE(created.active);
  EXPECT_EQ(created.created_at, kStart);

  auto login = svc_->login("alice", kPassword, "10.0.0.1");
  ASSERT_TRUE(login.has_value()) << login.error().message_en();
  EXPECT_EQ(login->token.size(), 64u);
  EXPECT_EQ(login->expires_at, kStart + kTtl);
  EXPECT_EQ(login->user.id, created.id);

  auto who = svc_->authenticate(login->token, "");
  ASSERT_TRUE(who.has_value()) << who.error().message_en();
  EXPECT_EQ(who->kind, Principal::Kind::kUser);
  EXPECT_EQ(who->id, created.id);
  EXPECT_EQ(who->name, "alice");
  EXPECT_EQ(who->display_name, "显示 alice");
  EXPECT_TRUE(who->has_role(Role::kGridWorker));
  EXPECT_TRUE(who->has_role(Role::kLeader));
  EXPECT_FALSE(who->has_role(Role::kAdmin));
  EXPECT_EQ(who->roles.size(), 2u);
  EXPECT_EQ(who->units, (std::vector<std::string>{"DEP", "G1"}));
  EXPECT_FALSE(who->session_hash.empty());
  EXPECT_EQ(who->session_hash.find(login->token), std::string::npos);

  // Two logins give two independent sessions.
  auto second = svc_->login("alice", kPassword, "10.0.0.1");
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->token, login->token);
}

TEST_F(IdentityServiceTest, WrongPasswordOrUnknownUserIsUnauthenticated) {
  make_user("bob", {Role::kDispatcher}, {});
  auto wrong = svc_->login("bob", "not the password", "10.0.0.1");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  auto unknown = svc_->login("nobody", kPassword, "10.0.0.1");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kUnauthenticated);
  // The same answer for both, so usernames cannot be probed.
  EXPECT_EQ(wrong.error().message_en(), unknown.error().message_en());
}

TEST_F(IdentityServiceTest, RepeatedFailuresAreThrottledEvenWithTheRightPassword) {
  make_user("bob", {Role::kDispatcher}, {});
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(error_of(svc_->login("bob", "wrong password!", "10.0.0.1")).code(),
              ErrorCode::kUnauthenticated);
  auto locked = svc_->login("bob", kPassword, "10.0.0.2");
  ASSERT_FALSE(locked.has_value());
  EXPECT_EQ(locked.error().code(), ErrorCode::kTooManyRequests);
  clock_.advance(ThrottleOptions{}.window_ms + 1);
  EXPECT_TRUE(svc_->login("bob", kPassword, "10.0.0.2").has_value());
}

TEST_F(IdentityServiceTest, LogoutEndsTheSession) {
  make_user("carol", {Role::kLeader}, {});
  auto login = svc_->login("carol", kPassword, "10.0.0.1");
  ASSERT_TRUE(login.has_value());
  auto other = svc_->login("carol", kPassword, "10.0.0.1");
  ASSERT_TRUE(other.has_value());
  auto who = svc_->authenticate(login->token, "");
  ASSERT_TRUE(who.has_value());
  ASSERT_TRUE(svc_->logout(*who).has_value());
  auto after = svc_->authenticate(login->token, "");
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code(), ErrorCode::kUnauthenticated);
  // Only that session ended.
  EXPECT_TRUE(svc_->authenticate(other->token, "").has_value());
  // Logging out an anonymous principal is refused.
  EXPECT_EQ(error_of(svc_->logout(Principal{})).code(), ErrorCode::kUnauthenticated);
}

TEST_F(IdentityServiceTest, SessionsExpireAfterTheTtl) {
  make_user("dave", {Role::kResident}, {});
  auto login = svc_->login("dave", kPassword, "10.0.0.1");
  ASSERT_TRUE(login.has_value());
  clock_.advance(kTtl - 1);
  EXPECT_TRUE(svc_->authenticate(login->token, "").has_value());
  clock_.advance(1);
  auto expired = svc_->authenticate(login->token, "");
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(IdentityServiceTest, DeactivatingAUserEndsTheirSessions) {
  const User erin = make_user("erin", {Role::kGridWorker}, {});
  auto login = svc_->login("erin", kPassword, "10.0.0.1");
  ASSERT_TRUE(login.has_value());
  auto updated = svc_->update_user(erin.id, {.active = false});
  ASSERT_TRUE(updated.has_value()) << updated.error().message_en();
  EXPECT_FALSE(updated->active);
  auto who = svc_->authenticate(login->token, "");
  ASSERT_FALSE(who.has_value());
  EXPECT_EQ(who.error().code(), ErrorCode::kUnauthenticated);
  // Nor can they log in again.
  EXPECT_EQ(error_of(svc_->login("erin", kPassword, "10.0.0.1")).code(),
            ErrorCode::kUnauthenticated);
  // Reactivating does not revive the old session.
  ASSERT_TRUE(svc_->update_user(erin.id, {.active = true}).has_value());
  EXPECT_FALSE(svc_->authenticate(login->token, "").has_value());
  EXPECT_TRUE(svc_->login("erin", kPassword, "10.0.0.1").has_value());
}

TEST_F(IdentityServiceTest, ChangingThePasswordEndsSessions) {
  const User frank = make_user("frank", {Role::kGridWorker}, {});
  auto login = svc_->login("frank", kPassword, "10.0.0.1");
  ASSERT_TRUE(login.has_value());
  const std::string new_password = "a brand new passphrase";
  ASSERT_TRUE(svc_->update_user(frank.id, {.password = new_password}).has_value());
  EXPECT_FALSE(svc_->authenticate(login->token, "").has_value());
  EXPECT_FALSE(svc_->login("frank", kPassword, "10.0.0.1").has_value());
  EXPECT_TRUE(svc_->login("frank", new_password, "10.0.0.1").has_value());
}

TEST_F(IdentityServiceTest, UnknownTokensAndNoCredentials) {
  auto anon = svc_->authenticate("", "");
  ASSERT_TRUE(anon.has_value());
  EXPECT_FALSE(anon->authenticated());
  auto bad = svc_->authenticate("0123456789abcdef", "");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(IdentityServiceTest, ApiKeysCreateAuthenticateRevoke) {
  auto key = svc_->create_api_key("fixmystreet", {"open311", "reports"});
  ASSERT_TRUE(key.has_value()) << key.error().message_en();
  EXPECT_TRUE(key->secret.starts_with("cgk_"));
  EXPECT_EQ(key->key.name, "fixmystreet");

  auto who = svc_->authenticate("", key->secret);
  ASSERT_TRUE(who.has_value()) << who.error().message_en();
  EXPECT_EQ(who->kind, Principal::Kind::kApiKey);
  EXPECT_EQ(who->id, key->key.id);
  EXPECT_EQ(who->name, "fixmystreet");
  EXPECT_EQ(who->scopes, (std::vector<std::string>{"open311", "reports"}));
  EXPECT_TRUE(who->roles.empty());
  EXPECT_EQ(who->actor(), "apikey:fixmystreet");

  // Default scope.
  auto plain = svc_->create_api_key("plain", {});
  ASSERT_TRUE(plain.has_value());
  auto plain_who = svc_->authenticate("", plain->secret);
  ASSERT_TRUE(plain_who.has_value());
  EXPECT_EQ(plain_who->scopes, std::vector<std::string>{"open311"});

  // Unknown, tampered and unprefixed keys.
  for (const std::string& k : {std::string("cgk_0000"), key->secret + "0", key->secret.substr(4)}) {
    auto r = svc_->authenticate("", k);
    ASSERT_FALSE(r.has_value()) << k;
    EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  }

  // Duplicate name, bad names and scopes.
  expect_error(error_of(svc_->create_api_key("fixmystreet", {})), ErrorCode::kConflict, "name");
  expect_error(error_of(svc_->create_api_key("", {})), ErrorCode::kInvalidArgument, "name");
  expect_error(error_of(svc_->create_api_key("x", {"a,b"})), ErrorCode::kInvalidArgument, "scopes");

  ASSERT_TRUE(svc_->revoke_api_key(key->key.id).has_value());
  auto revoked = svc_->authenticate("", key->secret);
  ASSERT_FALSE(revoked.has_value());
  EXPECT_EQ(revoked.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_of(svc_->revoke_api_key(key->key.id)).code(), ErrorCode::kNotFound);
  EXPECT_EQ(error_of(svc_->revoke_api_key(9999)).code(), ErrorCode::kNotFound);
  // The other key still works.
  EXPECT_TRUE(svc_->authenticate("", plain->secret).has_value());

  auto list = svc_->list_api_keys();
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "fixmystreet");
  EXPECT_TRUE((*list)[0].revoked);
  EXPECT_FALSE((*list)[1].revoked);
  for (const auto& k : *list) EXPECT_EQ(k.created_at, kStart);
}

TEST(Validation, UsernameAndPasswordErrorsNameTheField) {
  for (const char* bad : {"", "a", "has space", "中文名", "semi;colon", "x/y"}) {
    auto r = validate_username(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    expect_error(r.error(), ErrorCode::kInvalidArgument, "username");
  }
  EXPECT_FALSE(validate_username(std::string(65, 'a')).has_value());
  EXPECT_TRUE(validate_username(std::string(64, 'a')).has_value());
  for (const char* ok : {"ab", "alice", "zhang.san", "grid_worker-01"})
    EXPECT_TRUE(validate_username(ok).has_value()) << ok;

  for (const char* bad : {"", "short", "123456789"}) {
    auto r = validate_password(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    expect_error(r.error(), ErrorCode::kInvalidArgument, "password");
  }
  // Length counts characters: nine Chinese characters (27 bytes) are too short, ten are enough.
  EXPECT_FALSE(validate_password("密码密码密码密码密").has_value());
  EXPECT_TRUE(validate_password("密码密码密码密码密码").has_value());
  EXPECT_TRUE(validate_password("0123456789").has_value());
  expect_error(error_of(validate_password(std::string(1025, 'x'))), ErrorCode::kInvalidArgument,
               "password");
}

TEST_F(IdentityServiceTest, CreateUserValidationNamesTheField) {
  make_tree();
  make_user("alice", {Role::kAdmin}, {});
  struct Row {
    NewUser user;
    ErrorCode code;
    const char* field;
  };
  const Row rows[] = {
      {{"a", kPassword, "", "", {Role::kAdmin}, {}}, ErrorCode::kInvalidArgument, "username"},
      {{"bob", "short", "", "", {Role::kAdmin}, {}}, ErrorCode::kInvalidArgument, "password"},
      {{"bob", kPassword, "", "call me", {Role::kAdmin}, {}}, ErrorCode::kInvalidArgument, "phone"},
      {{"bob", kPassword, "", "", {}, {}}, ErrorCode::kInvalidArgument, "roles"},
      {{"bob", kPassword, "", "", {Role::kGridWorker}, {"G1", "NOPE"}},
       ErrorCode::kInvalidArgument,
       "units"},
      {{"alice", kPassword, "", "", {Role::kAdmin}, {}}, ErrorCode::kConflict, "username"},
  };
  for (const auto& r : rows) {
    auto res = svc_->create_user(r.user);
    ASSERT_FALSE(res.has_value()) << r.field;
    expect_error(res.error(), r.code, r.field);
  }
  auto list = svc_->list_users(std::nullopt, std::nullopt);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(IdentityServiceTest, UpdateAndListUsers) {
  make_tree();
  const User g = make_user("gina", {Role::kGridWorker}, {"G1"});
  make_user("hank", {Role::kDispatcher}, {"S1"});
  auto updated = svc_->update_user(g.id, {.display_name = "吉娜",
                                          .roles = std::vector<Role>{Role::kLeader},
                                          .units = std::vector<std::string>{"DEP"}});
  ASSERT_TRUE(updated.has_value()) << updated.error().message_en();
  EXPECT_EQ(updated->display_name, "吉娜");
  EXPECT_EQ(updated->roles, std::vector<Role>{Role::kLeader});
  EXPECT_EQ(updated->units, std::vector<std::string>{"DEP"});
  EXPECT_EQ(updated->phone, "13812345678");  // untouched

  auto by_unit = svc_->list_users(std::string("S1"), std::nullopt);
  ASSERT_TRUE(by_unit.has_value());
  ASSERT_EQ(by_unit->size(), 1u);
  EXPECT_EQ((*by_unit)[0].username, "hank");
  auto by_role = svc_->list_users(std::nullopt, Role::kLeader);
  ASSERT_TRUE(by_role.has_value());
  ASSERT_EQ(by_role->size(), 1u);
  EXPECT_EQ((*by_role)[0].username, "gina");

  EXPECT_EQ(error_of(svc_->update_user(4242, {.display_name = "x"})).code(), ErrorCode::kNotFound);
  expect_error(error_of(svc_->update_user(g.id, {.roles = std::vector<Role>{}})),
               ErrorCode::kInvalidArgument, "roles");
  auto found = svc_->find_user("hank");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->units, std::vector<std::string>{"S1"});
  auto nobody = svc_->find_user("nobody");
  ASSERT_TRUE(nobody.has_value());
  EXPECT_FALSE(nobody->has_value());
}

}  // namespace
}  // namespace civicgrid::identity
