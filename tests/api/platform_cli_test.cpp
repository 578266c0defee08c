// Platform core through the operator CLI: `user add`, `apikey create`, `audit verify` (including a
// log tampered with through the sqlite3 tool after the server stopped).
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  while (!s.empty() && (s.front() == '\n' || s.front() == ' ')) s.erase(s.begin());
  return s;
}

// N from "audit chain intact: N entries"; nullopt when the output says something else.
std::optional<long> intact_count(const std::string& out) {
  std::smatch m;
  static const std::regex re(R"(audit chain intact: (\d+) entries)");
  if (!std::regex_search(out, m, re)) return std::nullopt;
  return std::stol(m[1]);
}

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_user(*server_, "adm1", "admin", "MH");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static bool user_exists(const std::string& username) {
    HttpResponse r = server_->login_as("adm1").get("/api/v1/admin/users");
    if (r.status != 200) throw HarnessError("cannot list users: HTTP " + std::to_string(r.status));
    return r.body.find("\"username\":\"" + username + "\"") != std::string::npos;
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> CliTest::server_;

TEST_F(CliTest, UserAddCreatesUserWhoCanLogIn) {
  CommandResult r =
      server_->cli({"user", "add", "--username", "cli_user1", "--role", "dispatcher", "--unit",
                    "MH-CC", "--phone", "13500005555", "--name", "命令行用户"},
                   std::string(kTestPassword) + "\n");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("created user cli_user1"), std::string::npos) << describe(r);
  EXPECT_EQ(r.out.find(kTestPassword), std::string::npos) << "password echoed: " << describe(r);

  HttpClient c = server_->client();
  HttpResponse login = c.login("cli_user1", kTestPassword);
  ASSERT_EQ(login.status, 200u) << login;
  EXPECT_EQ(login.strings("/user/roles"), std::vector<std::string>{"dispatcher"}) << login;
  EXPECT_EQ(login.strings("/user/units"), std::vector<std::string>{"MH-CC"}) << login;
  EXPECT_EQ(login.str("/user/phone"), "13500005555") << login;
  EXPECT_EQ(login.str("/user/display_name"), "命令行用户") << login;
}

TEST_F(CliTest, UserAddWithShortPasswordFailsAndCreatesNothing) {
  CommandResult r =
      server_->cli({"user", "add", "--username", "cli_short", "--role", "resident"}, "short\n");
  EXPECT_NE(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("password"), std::string::npos) << describe(r);
  EXPECT_FALSE(user_exists("cli_short"));
  EXPECT_TRUE(IsApiError(server_->client().login("cli_short", "short"), 401, "unauthenticated"));
}

TEST_F(CliTest, UserAddWithUnknownRoleOrUnitFailsAndCreatesNothing) {
  CommandResult role = server_->cli({"user", "add", "--username", "cli_wizard", "--role", "wizard"},
                                    std::string(kTestPassword) + "\n");
  EXPECT_NE(role.exit_code, 0) << describe(role);
  CommandResult unit = server_->cli(
      {"user", "add", "--username", "cli_nounit", "--role", "grid_worker", "--unit", "MH-NOPE"},
      std::string(kTestPassword) + "\n");
  EXPECT_NE(unit.exit_code, 0) << describe(unit);
  EXPECT_FALSE(user_exists("cli_wizard"));
  EXPECT_FALSE(user_exists("cli_nounit"));
}

TEST_F(CliTest, UserAddOfAnExistingUsernameFails) {
  CommandResult r = server_->cli({"user", "add", "--username", "adm1", "--role", "resident"},
                                 "another-password-1\n");
  EXPECT_NE(r.exit_code, 0) << describe(r);
  // The existing account is untouched: its own password still works, the new one does not.
  EXPECT_EQ(server_->client().login("adm1", kTestPassword).status, 200u);
  EXPECT_EQ(server_->client().login("adm1", "another-password-1").status, 401u);
}

TEST_F(CliTest, ApiKeyCreatePrintsAWorkingKey) {
  CommandResult r = server_->cli({"apikey", "create", "--name", "cli-key"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string key = trim(r.out);
  EXPECT_EQ(key.rfind("cgk_", 0), 0u) << describe(r);
  EXPECT_EQ(key.find('\n'), std::string::npos) << "expected the key alone: " << describe(r);

  HttpClient c = server_->client();
  c.set_default_header("X-API-Key", key);
  HttpResponse me = c.get("/api/v1/me");
  EXPECT_NE(me.status, 401u) << "the printed key is not recognised: " << me;
  ASSERT_EQ(me.status, 200u) << me;
  EXPECT_EQ(me.str("/api_key"), "cli-key") << me;
}

TEST_F(CliTest, AuditVerifyReportsTheEntryCount) {
  // Something audited first, so that the count is not trivially zero.
  ASSERT_EQ(server_->login_as("adm1")
                .post_json("/api/v1/org/units", {{"code", "MH-S04-C09"},
                                                 {"name", "命令行测试"},
                                                 {"kind", "community"},
                                                 {"parent", "MH-S04"}})
                .status,
            201u);
  CommandResult r = server_->cli({"audit", "verify"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto count = intact_count(r.out);
  ASSERT_TRUE(count.has_value()) << describe(r);
  // The server's own view of the same log.
  HttpResponse api = server_->login_as("adm1").get("/api/v1/admin/audit/verify");
  ASSERT_EQ(api.status, 200u) << api;
  EXPECT_EQ(api.find("/ok") ? *api.find("/ok") : json::value(), json::value(true)) << api;
  // The login just made is one more entry than the CLI saw.
  EXPECT_EQ(api.integer("/count"), *count + 1) << api << "\n" << describe(r);
  EXPECT_GE(*count, 3) << describe(r);
}

// --- tampering: the server writes some history and stops; each test works on a copy of its data.

class AuditTamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_user(*server_, "adm1", "admin", "MH");
    HttpClient admin = server_->login_as("adm1");
    for (const char* code : {"MH-S01-C07", "MH-S01-C08"})
      if (admin
              .post_json(
                  "/api/v1/org/units",
                  {{"code", code}, {"name", code}, {"kind", "community"}, {"parent", "MH-S01"}})
              .status != 201)
        throw HarnessError("cannot create unit " + std::string(code));
    stop_status_ = server_->stop();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_EQ(stop_status_, 0) << server_->log_tail();
    copy_ = std::make_unique<TempDir>("civicgrid-api-tamper");
    copy_dir(server_->data_dir(), copy_->path());
    if (server_->on_postgres())
      pg_copy_ = std::make_unique<PgTestDatabase>("cg_tamper", pg_database_name(server_->db_url()));
  }

  CommandResult verify() const {
    if (pg_copy_) return run_cli({"audit", "verify", "--db", pg_copy_->url()});
    return run_cli({"audit", "verify", "--data", copy_->path()});
  }
  CommandResult sql(const std::string& statement) const {
    if (pg_copy_) return psql_command(pg_copy_->url(), statement);
    return run_command({"sqlite3", copy_->path() + "/civicgrid.db", statement});
  }

  static std::unique_ptr<TestServer> server_;
  static int stop_status_;
  std::unique_ptr<TempDir> copy_;
  std::unique_ptr<PgTestDatabase> pg_copy_;  // on PostgreSQL, the copy is a database
};

std::unique_ptr<TestServer> AuditTamperTest::server_;
int AuditTamperTest::stop_status_ = -1;

TEST_F(AuditTamperTest, IntactLogVerifies) {
  CommandResult r = verify();
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  // user add, login, two unit creations at least.
  EXPECT_GE(intact_count(r.out).value_or(0), 4) << describe(r);
}

TEST_F(AuditTamperTest, ModifiedEntryIsNamed) {
  CommandResult original = sql("SELECT outcome FROM audit_log WHERE seq=2");
  ASSERT_EQ(original.exit_code, 0) << describe(original);
  ASSERT_FALSE(trim(original.out).empty()) << "no entry 2";

  CommandResult tamper = sql("UPDATE audit_log SET outcome = outcome || '-altered' WHERE seq=2");
  ASSERT_EQ(tamper.exit_code, 0) << describe(tamper);
  CommandResult r = verify();
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.out.find("entry 2"), std::string::npos) << describe(r);
  EXPECT_FALSE(intact_count(r.out).has_value()) << describe(r);

  // Putting the value back makes the chain whole again: the check is about the content.
  ASSERT_EQ(
      sql("UPDATE audit_log SET outcome = '" + trim(original.out) + "' WHERE seq=2").exit_code, 0);
  CommandResult restored = verify();
  EXPECT_EQ(restored.exit_code, 0) << describe(restored);
}

TEST_F(AuditTamperTest, DeletedLastEntryIsDetected) {
  CommandResult last = sql("SELECT MAX(seq) FROM audit_log");
  ASSERT_EQ(last.exit_code, 0) << describe(last);
  const std::string seq = trim(last.out);
  ASSERT_FALSE(seq.empty());
  ASSERT_EQ(sql("DELETE FROM audit_log WHERE seq = " + seq).exit_code, 0);
  CommandResult r = verify();
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.out.find("entry " + seq), std::string::npos) << describe(r);
}

TEST_F(AuditTamperTest, DeletedMiddleEntryIsDetected) {
  ASSERT_EQ(sql("DELETE FROM audit_log WHERE seq = 3").exit_code, 0);
  CommandResult r = verify();
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.out.find("entry 3"), std::string::npos) << describe(r);
}

}  // namespace
}  // namespace civicgrid::api_test
