// `civicgrid demo generate` over the real binary: a synthetic district of 2,000 cases written into
// a new store, then the server started on it. The statistics the cube rebuilds at start-up must
// match what the generator says it wrote (its JSON summary) and what the SQLite file holds (sqlite3
// CLI); cases, timelines and lists must read back; the audit chain must stay intact; the same seed
// must give the same district; a second run into a store with cases must change nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr int kCases = 2000;

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

CommandResult generate(const TestServer& server, std::string_view seed) {
  return server.cli({"demo", "generate", "--cases", std::to_string(kCases), "--seed",
                     std::string(seed), "--quiet"});
}

// The summary without its timings (which differ from run to run).
json::object without_timings(json::object o) {
  for (const char* k : {"seconds", "cases_per_second", "insert_seconds", "generator_cpu_seconds",
                        "writer_cpu_seconds", "copy_seconds"})
    o.erase(k);
  return o;
}

// The index names the cases migrations declare (CREATE INDEX name ON ...).
std::map<std::string, std::int64_t> declared_case_indexes() {
  const char* src = std::getenv("CIVICGRID_SOURCE_DIR");
  const std::filesystem::path dir =
      std::filesystem::path(src ? src : ".") / "src/cases/migrations/sqlite";
  std::map<std::string, std::int64_t> out;
  const std::regex create(R"(CREATE\s+INDEX\s+(\w+)\s+ON)");
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    for (std::sregex_iterator it(text.begin(), text.end(), create), end; it != end; ++it)
      out[(*it)[1]] = 1;
  }
  if (out.empty()) throw HarnessError("no indexes found in " + dir.string());
  return out;
}

class DemoGenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    const CommandResult r = generate(*server_, "5");
    if (r.exit_code != 0) throw HarnessError("demo generate failed: " + describe(r));
    summary_ = json::parse(r.out).as_object();
    server_->start();
    create_user(*server_, "demo_admin", "admin", "MH");
  }
  static void TearDownTestSuite() { server_.reset(); }

  // counts?dims=<dim>[&extra] as {label: count}.
  static std::map<std::string, std::int64_t> counts(std::string_view dim,
                                                    std::string_view extra = "") {
    HttpClient c = server_->login_as("demo_admin");
    const auto r = c.get("/api/v1/stats/counts?dims=" + std::string(dim) + std::string(extra));
    EXPECT_EQ(r.status, 200u) << r.body;
    std::map<std::string, std::int64_t> out;
    for (const auto& row : r.json().at("rows").as_array()) {
      const auto& label = row.at(dim);
      out[label.is_string() ? std::string(label.as_string()) : ""] =
          row.at("count").to_number<std::int64_t>();
    }
    return out;
  }
  static std::map<std::string, std::int64_t> expected(std::string_view key) {
    std::map<std::string, std::int64_t> out;
    for (const auto& [k, v] : summary_.at(key).as_object())
      out[std::string(k)] = v.to_number<std::int64_t>();
    return out;
  }
  // "label|count" lines of a query on the store (sqlite3 or psql), as a map.
  static std::map<std::string, std::int64_t> sql(const std::string& query) {
    std::map<std::string, std::int64_t> out;
    std::istringstream in(server_->sql(query));
    for (std::string line; std::getline(in, line);) {
      const auto bar = line.rfind('|');
      if (bar != std::string::npos) out[line.substr(0, bar)] = std::stoll(line.substr(bar + 1));
    }
    return out;
  }

  static std::unique_ptr<TestServer> server_;
  static json::object summary_;
};

std::unique_ptr<TestServer> DemoGenerateTest::server_;
json::object DemoGenerateTest::summary_;

TEST_F(DemoGenerateTest, SummaryMatchesTheStore) {
  EXPECT_EQ(summary_.at("cases").to_number<std::int64_t>(), kCases);
  const auto stored =
      sql("SELECT 'cases', count(*) FROM cases UNION ALL "
          "SELECT 'events', count(*) FROM case_events");
  EXPECT_EQ(stored.at("cases"), kCases);
  EXPECT_EQ(stored.at("events"), summary_.at("events").to_number<std::int64_t>());
  EXPECT_EQ(sql("SELECT status, count(*) FROM cases GROUP BY status"), expected("by_status"));
  // A realistic mix: most cases closed, some still open, some overdue, returned, reworked,
  // extended, evaluated.
  for (const char* k : {"overdue", "returned", "reworked", "extended", "evaluated"})
    EXPECT_GT(summary_.at(k).to_number<std::int64_t>(), 0) << k;
  EXPECT_GT(expected("by_status").at("closed"), kCases / 2);
}

TEST_F(DemoGenerateTest, CubeRebuildGivesTheGeneratedCounts) {
  HttpClient c = server_->login_as("demo_admin");
  const auto total = c.get("/api/v1/stats/counts?dims=status");
  ASSERT_EQ(total.status, 200u) << total.body;
  EXPECT_EQ(total.integer("/total"), kCases);
  EXPECT_EQ(counts("status"), expected("by_status"));
  EXPECT_EQ(counts("channel"), expected("by_channel"));
  EXPECT_EQ(counts("type"), expected("by_type"));
  EXPECT_EQ(counts("category", "&category_level=1"), expected("by_category"));
  EXPECT_EQ(counts("street"), expected("by_street"));
  EXPECT_EQ(counts("month"), expected("by_month"));
  auto departments = counts("department");
  departments.erase("");  // rejected cases have no department of record
  EXPECT_EQ(departments, expected("by_department"));
  // And independently of the generator, from the file: cases per month of intake (China time).
  EXPECT_EQ(counts("month"),
            sql(server_->on_postgres()
                    ? "SELECT to_char(to_timestamp(created_at / 1000 + 28800) AT TIME ZONE 'UTC', "
                      "'YYYY-MM'), count(*) FROM cases GROUP BY 1"
                    : "SELECT strftime('%Y-%m', created_at / 1000 + 28800, 'unixepoch'), count(*) "
                      "FROM cases GROUP BY 1"));
}

TEST_F(DemoGenerateTest, SeasonsAndWeeksShow) {
  // Summer months carry more cases than winter months, and the Spring Festival month dips.
  const auto months = expected("by_month");
  auto sum = [&](std::initializer_list<const char*> ms) {
    std::int64_t n = 0;
    for (const char* m : ms) n += months.contains(m) ? months.at(m) : 0;
    return n;
  };
  EXPECT_GT(sum({"2024-07", "2025-07"}), sum({"2024-12", "2025-12"}));
  EXPECT_GT(sum({"2025-03"}), sum({"2025-01"}));  // Spring Festival 2025 fell in January
  const auto weekdays =
      sql(server_->on_postgres()
              ? "SELECT CASE WHEN extract(dow FROM to_timestamp(created_at / 1000 + 28800) AT TIME "
                "ZONE 'UTC') IN (0, 6) THEN 'weekend' ELSE 'weekday' END, count(*) FROM cases "
                "GROUP BY 1"
              : "SELECT CASE WHEN strftime('%w', created_at / 1000 + 28800, 'unixepoch') IN "
                "('0', '6') THEN 'weekend' ELSE 'weekday' END, count(*) FROM cases GROUP BY 1");
  EXPECT_GT(weekdays.at("weekday") / 5, weekdays.at("weekend") / 2);
}

TEST_F(DemoGenerateTest, CasesAndTimelinesReadBack) {
  HttpClient c = server_->login_as("demo_admin");
  const auto list = c.get("/api/v1/cases?limit=5");
  ASSERT_EQ(list.status, 200u) << list.body;
  ASSERT_EQ(list.json().at("cases").as_array().size(), 5u);
  const auto detail = c.get("/api/v1/cases/1");
  ASSERT_EQ(detail.status, 200u) << detail.body;
  const auto& timeline = detail.json().at("timeline").as_array();
  ASSERT_GE(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].at("action").as_string(), "submit");
  EXPECT_FALSE(detail.str("/title").empty());
  // Lists by status read the secondary indexes written during the load.
  const auto closed = c.get("/api/v1/cases?status=closed&limit=3");
  ASSERT_EQ(closed.status, 200u) << closed.body;
  for (const auto& row : closed.json().at("cases").as_array())
    EXPECT_EQ(row.at("status").as_string(), "closed");
}

TEST_F(DemoGenerateTest, EveryDeclaredIndexExistsAndAgreesWithItsTable) {
  // Every index of the cases migrations is there after the load, and integrity_check finds each
  // index holding exactly the entries of its table.
  if (server_->on_postgres())
    GTEST_SKIP() << "the bulk loader's SQLite file; on PostgreSQL the copy lands in tables the "
                    "migrations made (schema parity is checked by app.schema_parity_test)";
  const auto present =
      sql("SELECT name, 1 FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
          "tbl_name IN ('cases', 'case_participants', 'case_events')");
  EXPECT_EQ(present, declared_case_indexes());
  const CommandResult check =
      run_command({"sqlite3", server_->db_path(), "PRAGMA integrity_check"});
  EXPECT_EQ(check.out, "ok\n") << describe(check);
}

TEST_F(DemoGenerateTest, AuditChainIntactAndMarksTheGeneration) {
  const CommandResult verify = server_->cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << describe(verify);
  const auto n = sql("SELECT action, count(*) FROM audit_log WHERE action = 'demo.generate' GROUP BY action");
  EXPECT_EQ(n.count("demo.generate") ? n.at("demo.generate") : 0, 1);
}

TEST_F(DemoGenerateTest, SameSeedSameDistrictAndNoSecondRun) {
  TestServer other;
  const CommandResult a = generate(other, "5");
  ASSERT_EQ(a.exit_code, 0) << describe(a);
  EXPECT_EQ(without_timings(json::parse(a.out).as_object()), without_timings(summary_));
  const CommandResult again = generate(other, "6");
  EXPECT_EQ(again.exit_code, 2) << describe(again);
  EXPECT_EQ(other.sql("SELECT count(*) FROM cases"), std::to_string(kCases) + "\n");
}

}  // namespace
}  // namespace civicgrid::api_test
