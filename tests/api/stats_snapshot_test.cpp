// The statistics cube snapshot over the real binary: a server restarted from its snapshot answers
// counts, rates, indicators, the league and the staff capacity exactly as a full rebuild of the
// same store does — after cases were imported by `civicgrid import cases` while it was down and
// after changes the snapshot missed (a crash) — and a damaged snapshot costs a full rebuild, not
// a wrong answer.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <tuple>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string source_dir() {
  const char* src = std::getenv("CIVICGRID_SOURCE_DIR");
  return src ? src : ".";
}

// The snapshot file, outside the data directory so that the PostgreSQL run uses it too.
std::string snapshot_file() {
  static const std::string path = [] {
    std::string pattern = (fs::temp_directory_path() / "cg_snapshot_api_XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw HarnessError("mkdtemp failed");
    return pattern + "/cube.snapshot";
  }();
  return path;
}

class StatsSnapshotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>(TestServerOptions{
        .log_level = "info",
        .extra_args = {"--cube-snapshot", snapshot_file(), "--cube-snapshot-interval", "0"}});
    server_->start();  // the demo district and its categories
    server_->stop();
    import("SA", 300, 31);
    server_->start();
    create_users(*server_, {{"snap_admin", "admin", "MH"},
                            {"snap_disp", "dispatcher", "MH-CC"},
                            {"snap_cg", "department_handler", "MH-D-CG"}});
  }
  static void TearDownTestSuite() {
    clients().clear();
    server_.reset();
    fs::remove_all(fs::path(snapshot_file()).parent_path());
  }

  static SignedInClients& clients() {
    static SignedInClients c;
    return c;
  }
  static HttpClient& as(const std::string& user) { return clients().as(*server_, user); }

  // `civicgrid import cases` of n generated histories (another writer of the store).
  static void import(const std::string& prefix, int n, int seed) {
    const std::string file = server_->data_dir() + "/" + prefix + ".jsonl";
    CommandResult gen =
        run_command({"python3", source_dir() + "/bench/gen_import_jsonl.py", std::to_string(n),
                     "-o", file, "--seed", std::to_string(seed), "--prefix", prefix});
    if (gen.exit_code != 0) throw HarnessError("gen_import_jsonl.py failed: " + gen.err);
    CommandResult imported = server_->cli({"import", "cases", "--quiet", file});
    if (imported.exit_code != 0)
      throw HarnessError("import failed: " + imported.out + imported.err);
  }

  static void restart() {
    server_->restart();
    clients().clear();
  }
  // What the last start did with the cube, from its log.
  static bool loaded_from_snapshot() {
    return server_->stdout_text().find("cube loaded from") != std::string::npos;
  }
  static std::string full_rebuild_reason() {
    const std::string log = server_->stdout_text();
    const auto at = log.find("full rebuild of the cube: ");
    return at == std::string::npos ? "" : log.substr(at, log.find('\n', at) - at);
  }

  // Every statistics answer compared: counts of several shapes, rates, indicators and the league
  // per unit type, and the staff capacity of each post.
  static std::vector<std::string> answers() {
    std::vector<std::string> out;
    for (const std::string target :
         {"/api/v1/stats/counts?dims=category,month", "/api/v1/stats/counts?dims=street,status",
          "/api/v1/stats/counts?dims=grid,category,day&category_level=3",
          "/api/v1/stats/counts?dims=department,channel,type", "/api/v1/stats/rates?by=department",
          "/api/v1/stats/rates?by=street", "/api/v1/stats/rates?by=grid",
          "/api/v1/stats/indicators?by=street", "/api/v1/stats/indicators?by=department",
          "/api/v1/stats/league?by=department",
          "/api/v1/stats/capacity?post=handler&from=2000-01-01",
          "/api/v1/stats/capacity?post=dispatcher&from=2000-01-01",
          "/api/v1/stats/capacity?post=grid_worker&from=2000-01-01"})
      out.push_back(target + " " +
                    json::serialize(clients().get_ok(*server_, "snap_admin", target)));
    return out;
  }
  static std::int64_t total() {
    return clients().get_ok(*server_, "snap_admin", "/api/v1/stats/counts").at("total").as_int64();
  }

  // A resident's appeal, registered and dispatched; returns its id.
  static std::string dispatched_appeal(const std::string& title) {
    HttpResponse sub = server_->client().post_json(
        "/api/v1/appeals", json::object{{"type", "complaint"},
                                        {"title", title},
                                        {"description", "楼道里的灯坏了很久，晚上看不清楼梯"},
                                        {"grid", "MH-S01-C01-G01"}});
    EXPECT_EQ(sub.status, 201u) << sub;
    const std::string id = std::to_string(sub.integer("/id").value_or(0));
    act("snap_disp", id, "register", {});
    act("snap_disp", id, "dispatch", {{"department", "MH-D-CG"}});
    return id;
  }
  static void act(const std::string& user, const std::string& id, const std::string& action,
                  json::object body) {
    HttpResponse r = as(user).post_json("/api/v1/cases/" + id + "/" + action, body);
    EXPECT_EQ(r.status, 200u) << action << " " << id << ": " << r;
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> StatsSnapshotTest::server_;

TEST_F(StatsSnapshotTest, CatchUpAfterImportAndCrashAnswersAsAFullRebuild) {
  EXPECT_TRUE(loaded_from_snapshot()) << server_->log_tail();
  EXPECT_EQ(total(), 300);
  const std::string a = dispatched_appeal("路灯不亮");
  const std::string b = dispatched_appeal("井盖松动");
  act("snap_cg", a, "accept", {{"contacted", true}});
  server_->stop();  // graceful: the snapshot holds everything so far
  ASSERT_TRUE(fs::exists(snapshot_file()));

  import("SB", 120, 32);  // while the server is down
  server_->start();
  clients().clear();
  EXPECT_TRUE(loaded_from_snapshot()) << server_->log_tail();
  EXPECT_EQ(total(), 422);
  // Changes the snapshot on disk never sees: the server dies before writing another.
  act("snap_cg", a, "handle", {{"result", "已更换灯具"}, {"reply", "路灯已修复"}});
  act("snap_disp", a, "verify", {{"ok", true}});
  act("snap_disp", a, "close", {});
  act("snap_cg", b, "return", {{"reason", "不属于本部门职责"}});
  dispatched_appeal("占道经营");
  server_->kill9();
  import("SC", 40, 33);

  server_->start();
  clients().clear();
  EXPECT_TRUE(loaded_from_snapshot()) << server_->log_tail();
  EXPECT_EQ(total(), 463);
  const std::vector<std::string> from_snapshot = answers();

  server_->stop();
  fs::remove(snapshot_file());
  server_->start();
  clients().clear();
  EXPECT_FALSE(loaded_from_snapshot());
  EXPECT_NE(full_rebuild_reason().find("no snapshot at"), std::string::npos) << server_->log_tail();
  const std::vector<std::string> rebuilt = answers();
  ASSERT_EQ(from_snapshot.size(), rebuilt.size());
  for (size_t i = 0; i < rebuilt.size(); ++i) EXPECT_EQ(from_snapshot[i], rebuilt[i]);
}

TEST_F(StatsSnapshotTest, DamagedSnapshotCostsAFullRebuildNotAWrongAnswer) {
  dispatched_appeal("垃圾清运不及时");
  const std::vector<std::string> expected = answers();
  for (const std::string damage : {"flip", "truncate", "garbage"}) {
    server_->stop();
    ASSERT_TRUE(fs::exists(snapshot_file()));
    const auto size = fs::file_size(snapshot_file());
    if (damage == "flip") {
      std::fstream f(snapshot_file(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(size / 2));
      const char c = static_cast<char>(f.get() ^ 0x40);
      f.seekp(static_cast<std::streamoff>(size / 2));
      f.put(c);
    } else if (damage == "truncate") {
      fs::resize_file(snapshot_file(), size / 3);
    } else {
      std::ofstream(snapshot_file(), std::ios::trunc) << std::string(200, 'x');
    }
    server_->start();
    clients().clear();
    EXPECT_FALSE(loaded_from_snapshot()) << damage;
    const std::string reason = full_rebuild_reason();
    // A flipped byte is caught by the checksum, unless it lands in a length field, which the
    // reader refuses first as running past the end of the file; either way nothing is used.
    const bool named = damage == "flip" ? reason.find("checksum") != std::string::npos ||
                                              reason.find("truncated") != std::string::npos
                       : damage == "truncate"
                           ? reason.find("truncated") != std::string::npos
                           : reason.find("not a cube snapshot") != std::string::npos;
    EXPECT_TRUE(named) << damage << ": " << reason << "\n" << server_->log_tail();
    EXPECT_EQ(answers(), expected) << damage;
  }
  // And the next start uses the snapshot written at the last shutdown again.
  restart();
  EXPECT_TRUE(loaded_from_snapshot()) << server_->log_tail();
  EXPECT_EQ(answers(), expected);
}

// Last: it leaves cases dated two days ahead in the store.
TEST_F(StatsSnapshotTest, ASnapshotWrittenByAClockAheadIsNotTrusted) {
  HttpResponse moved = server_->client().post_json(
      "/api/v1/test/clock", json::object{{"advance_ms", 2 * 24 * 3600 * 1000}});
  ASSERT_EQ(moved.status, 200u) << moved;
  dispatched_appeal("噪音扰民");
  server_->stop();  // the snapshot's cursor is two days ahead of the next start's clock
  server_->start();
  clients().clear();
  EXPECT_FALSE(loaded_from_snapshot());
  EXPECT_NE(full_rebuild_reason().find("the clock went back"), std::string::npos)
      << server_->log_tail();
  EXPECT_EQ(total(), 465);
}

}  // namespace
}  // namespace civicgrid::api_test
