// Read routing: `serve --db-replica` builds the statistics cube from a streaming replica (made
// with pg_basebackup) while writes and ordinary reads stay on the primary. The proof: with the
// replica's replay paused, a restarted server counts only the cases the replica has, yet reads and
// writes the newer ones through the primary. Runs in the PostgreSQL pass only.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

std::string script() {
  const char* dir = std::getenv("CIVICGRID_SOURCE_DIR");
  return std::string(dir ? dir : ".") + "/scripts/pg-test-server";
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A primary and its streaming replica, each a cluster of its own in a temporary directory.
struct ReplicatedClusters {
  TempDir primary_dir{"civicgrid-pg-primary"}, replica_dir{"civicgrid-pg-replica"};
  std::string primary, replica;  // URLs of database "civic"
  ReplicatedClusters() {
    CommandResult p = run_command({script(), "start", primary_dir.path()}, {}, 120s);
    if (p.exit_code != 0) throw HarnessError("primary: " + p.err);
    psql(trim(p.out), "CREATE DATABASE civic");
    CommandResult r =
        run_command({script(), "replica", primary_dir.path(), replica_dir.path()}, {}, 120s);
    if (r.exit_code != 0) throw HarnessError("replica: " + r.err);
    primary = pg_url_with_database(trim(p.out), "civic");
    replica = pg_url_with_database(trim(r.out), "civic");
  }
  ~ReplicatedClusters() {
    run_command({script(), "stop", replica_dir.path()}, {}, 60s);
    run_command({script(), "stop", primary_dir.path()}, {}, 60s);
  }
};

std::int64_t count_cases(const std::string& url) {
  return std::atoll(psql(url, "SELECT count(*) FROM cases").c_str());
}

TEST(ReplicaTest, CubeReadsFromTheReplicaWritesGoToThePrimary) {
  if (!test_on_postgres()) GTEST_SKIP() << "needs PostgreSQL (the _pg run)";
  ReplicatedClusters pg;
  TestServer server(
      TestServerOptions{.extra_args = {"--db-replica", pg.replica}, .db_url = pg.primary});
  server.start();
  create_user(server, "rep_admin", "admin", "MH");
  auto submit = [&] {
    HttpResponse r = server.client().post_json("/api/v1/appeals", {{"type", "report"},
                                                                   {"title", "副本测试"},
                                                                   {"description", "读写分离"},
                                                                   {"grid", "MH-S01-C01-G01"}});
    if (r.status != 201) throw HarnessError("submit: " + r.body);
    return *r.integer("/id");
  };
  for (int i = 0; i < 3; ++i) submit();
  for (int i = 0; i < 200 && count_cases(pg.replica) < 3; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(count_cases(pg.replica), 3);
  psql(pg.replica, "SELECT pg_wal_replay_pause()");
  const std::int64_t newer = submit();
  submit();
  EXPECT_EQ(count_cases(pg.primary), 5);
  EXPECT_EQ(count_cases(pg.replica), 3) << "the replica's replay should be paused";

  server.restart();
  HttpClient admin = server.login_as("rep_admin");
  HttpResponse stats = admin.get("/api/v1/stats/counts");
  ASSERT_EQ(stats.status, 200u) << stats;
  EXPECT_EQ(*stats.integer("/total"), 3) << "the cube was not built from the replica: " << stats;
  HttpResponse got = admin.get("/api/v1/cases/" + std::to_string(newer));
  EXPECT_EQ(got.status, 200u) << "ordinary reads must go to the primary: " << got;
  submit();
  EXPECT_EQ(count_cases(pg.primary), 6);
  psql(pg.replica, "SELECT pg_wal_replay_resume()");
  server.stop();
}

}  // namespace
}  // namespace civicgrid::api_test
