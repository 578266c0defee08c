// `civicgrid migrate-store`: a county's SQLite store with users, cases and their history moves to
// PostgreSQL; per-table counts and checksums agree, and a server on the new store carries on (the
// same logins and cases, new ids after the copied ones); the copy can run again. A target that
// already holds other data is refused with exit code 2, naming the tables, and left unchanged
// (on both engines); --replace overwrites it.
#include <gtest/gtest.h>

#include <regex>

#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

TEST(MigrateStoreTest, SqliteStoreMovesToPostgresWithoutLoss) {
  if (!test_on_postgres()) GTEST_SKIP() << "needs the PostgreSQL server of the _pg run";
  TestServer county(TestServerOptions{.sqlite = true});
  county.start();
  create_users(county, {{"mig_disp", "dispatcher", "MH-CC"}, {"mig_res", "resident", ""}});
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 25; ++i) {
    HttpResponse r =
        county.client().post_json("/api/v1/appeals", {{"type", "report"},
                                                      {"title", "迁移测试 " + std::to_string(i)},
                                                      {"description", "路面破损 ' \" \\ ✓"},
                                                      {"grid", "MH-S01-C01-G01"}});
    ASSERT_EQ(r.status, 201u) << r;
    ids.push_back(*r.integer("/id"));
  }
  HttpClient disp = county.login_as("mig_disp");
  HttpResponse reg = disp.post_json("/api/v1/cases/" + std::to_string(ids[0]) + "/register",
                                    {{"category", "C01-02-04"}, {"note", "属实"}});
  ASSERT_EQ(reg.status, 200u) << reg;
  ASSERT_EQ(county.stop(), 0);
  const std::string sqlite_cases = county.sql("SELECT count(*) FROM cases;");

  PgTestDatabase city("cg_migrate");
  CommandResult r =
      run_cli({"migrate-store", "--from", "sqlite:" + county.db_path(), "--to", city.url()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("DIFFERENT"), std::string::npos) << r.out;
  for (const char* table :
       {"audit_log", "org_units", "users", "cases", "case_events", "categories", "sessions"}) {
    const std::regex line(std::string("\\n") + table +
                          " +([0-9]+) ([0-9a-f]{16}) +([0-9]+) ([0-9a-f]{16})  ok\\n");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, line)) << table << " not reported as equal:\n" << r.out;
    EXPECT_EQ(m[1], m[3]) << table;
    EXPECT_EQ(m[2], m[4]) << table;
    if (std::string(table) == "cases") EXPECT_EQ(std::stoll(m[1]), std::stoll(sqlite_cases));
  }
  EXPECT_EQ(psql(city.url(), "SELECT count(*) FROM cases"), sqlite_cases);
  // The same copy again: the target holds only the source's rows, which is not a conflict.
  CommandResult again =
      run_cli({"migrate-store", "--from", "sqlite:" + county.db_path(), "--to", city.url()});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;

  // A server on the new store: same logins, same cases, the audit chain intact, new ids continue.
  TestServer city_server(TestServerOptions{.demo = false, .db_url = city.url()});
  city_server.start();
  HttpResponse got =
      city_server.login_as("mig_disp").get("/api/v1/cases/" + std::to_string(ids[0]));
  ASSERT_EQ(got.status, 200u) << got;
  EXPECT_EQ(got.str("/status"), "registered");
  HttpResponse fresh =
      city_server.client().post_json("/api/v1/appeals", {{"type", "report"},
                                                         {"title", "迁移后新件"},
                                                         {"description", "新的诉求"},
                                                         {"grid", "MH-S01-C01-G01"}});
  ASSERT_EQ(fresh.status, 201u) << fresh;
  EXPECT_GT(*fresh.integer("/id"), ids.back());
  ASSERT_EQ(city_server.stop(), 0);
  CommandResult verify = run_cli({"audit", "verify", "--db", city.url()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// What the target holds, read with the engine's own client: cases (id, title), users, the audit
// chain's head.
std::string fingerprint(const TestServer& s) {
  return s.sql("SELECT id, title FROM cases ORDER BY id;") +
         s.sql("SELECT id, username FROM users ORDER BY id;") +
         s.sql("SELECT seq, hash FROM audit_head;");
}

std::string store_url(const TestServer& s) {
  return s.on_postgres() ? s.db_url() : "sqlite:" + s.db_path();
}

TEST(MigrateStoreTest, ATargetHoldingOtherDataIsRefusedAndLeftUnchanged) {
  TestServer county(TestServerOptions{.sqlite = true});
  county.start();
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(county.client()
                  .post_json("/api/v1/appeals", {{"type", "report"},
                                                 {"title", "县里的诉求 " + std::to_string(i)},
                                                 {"description", "路灯不亮"},
                                                 {"grid", "MH-S01-C01-G01"}})
                  .status,
              201u);
  ASSERT_EQ(county.stop(), 0);

  // The city already runs: its own cases and users (SQLite or PostgreSQL, as the run says).
  TestServer city;
  city.start();
  create_user(city, "city_disp", "dispatcher", "MH-CC");
  ASSERT_EQ(city.client()
                .post_json("/api/v1/appeals", {{"type", "report"},
                                               {"title", "市里已有的诉求"},
                                               {"description", "井盖缺失"},
                                               {"grid", "MH-S01-C01-G01"}})
                .status,
            201u);
  ASSERT_EQ(city.stop(), 0);
  const std::string before = fingerprint(city);

  CommandResult r =
      run_cli({"migrate-store", "--from", "sqlite:" + county.db_path(), "--to", store_url(city)});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("目标库已有其他数据，未做任何改动"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the target already holds other data, nothing was changed"),
            std::string::npos)
      << r.err;
  for (const char* table : {"cases", "users", "audit_log", "org_units"})
    EXPECT_NE(r.err.find(std::string("\n  ") + table + " "), std::string::npos)
        << table << " not named:\n"
        << r.err;
  EXPECT_EQ(r.out.find("copied"), std::string::npos) << r.out;
  EXPECT_EQ(fingerprint(city), before) << "the refused copy changed the target";

  // Asked to, it replaces the city's rows with the county's.
  CommandResult replaced = run_cli({"migrate-store", "--from", "sqlite:" + county.db_path(), "--to",
                                    store_url(city), "--replace"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.out << replaced.err;
  EXPECT_EQ(city.sql("SELECT id, title FROM cases ORDER BY id;"),
            county.sql("SELECT id, title FROM cases ORDER BY id;"));
}

}  // namespace
}  // namespace civicgrid::api_test
