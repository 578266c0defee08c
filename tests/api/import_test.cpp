// The history import over the real binary: `civicgrid import cases` on a file from
// bench/gen_import_jsonl.py with some broken lines, then the imported cases and their timelines
// through GET /api/v1/cases and GET /api/v1/cases/{id} as an administrator.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr int kValid = 300;
constexpr int kBroken = 8;  // one of each kind the generator makes

std::string source_dir() {
  const char* src = std::getenv("CIVICGRID_SOURCE_DIR");
  return src ? src : ".";
}

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

json::value read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw HarnessError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

class ImportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The demo district's units and categories come with the server's first start.
    server_ = std::make_unique<TestServer>();
    server_->start();
    server_->stop();
    file_ = server_->data_dir() + "/cases.jsonl";
    const std::string broken = server_->data_dir() + "/broken.json";
    CommandResult gen =
        run_command({"python3", source_dir() + "/bench/gen_import_jsonl.py", std::to_string(kValid),
                     "-o", file_, "--broken", std::to_string(kBroken), "--broken-list", broken,
                     "--seed", "7", "--prefix", "API"});
    if (gen.exit_code != 0) throw HarnessError("gen_import_jsonl.py failed: " + describe(gen));
    const json::value listed = read_json(broken);
    for (const auto& b : listed.as_array())
      broken_.emplace(b.at("line").to_number<std::int64_t>(),
                      std::string(b.at("kind").as_string()));
    std::ifstream in(file_);
    std::string line;
    while (std::getline(in, line)) lines_.push_back(line);

    first_run_ = server_->cli({"import", "cases", "--batch", "50", file_});
    server_->start();
    create_user(*server_, "import_admin", "admin", "MH");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  // Every case of the generated file (external ids API-...), through the paginated list.
  static std::map<std::string, json::object> all_cases(HttpClient& c) {
    std::map<std::string, json::object> out;
    std::string target = "/api/v1/cases?limit=200";
    for (int page = 0; page < 100; ++page) {
      HttpResponse r = c.get(target);
      if (r.status != 200)
        throw HarnessError("GET " + target + ": HTTP " + std::to_string(r.status) + " " + r.body);
      for (const auto& v : r.json().at("cases").as_array()) {
        const json::object& o = v.as_object();
        const json::value* ext = o.if_contains("external_id");
        if (ext && ext->is_string() && ext->as_string().starts_with("API-"))
          out.emplace(std::string(ext->as_string()), o);
      }
      const json::value& next = r.json().at("next_cursor");
      if (next.is_null()) break;
      target = "/api/v1/cases?limit=200&cursor=" + std::to_string(next.as_int64());
    }
    return out;
  }

  static std::unique_ptr<TestServer> server_;
  static std::string file_;
  static std::vector<std::string> lines_;
  static std::map<std::int64_t, std::string> broken_;  // line → kind
  static CommandResult first_run_;
};

std::unique_ptr<TestServer> ImportTest::server_;
std::string ImportTest::file_;
std::vector<std::string> ImportTest::lines_;
std::map<std::int64_t, std::string> ImportTest::broken_;
CommandResult ImportTest::first_run_;

TEST_F(ImportTest, BrokenLinesAreReportedAndTheRestIsImported) {
  ASSERT_EQ(first_run_.exit_code, 3) << describe(first_run_);
  ASSERT_EQ(lines_.size(), static_cast<size_t>(kValid + kBroken));
  EXPECT_NE(first_run_.out.find("imported " + std::to_string(kValid) + " cases"), std::string::npos)
      << describe(first_run_);
  EXPECT_NE(first_run_.out.find("rejected " + std::to_string(kBroken) + " of " +
                                std::to_string(kValid + kBroken)),
            std::string::npos)
      << describe(first_run_);
  // Each broken line is named with its number (the generator numbers external ids by line).
  for (const auto& [line, kind] : broken_)
    EXPECT_NE(first_run_.out.find("  line " + std::to_string(line) +
                                  (kind == "invalid_json" ? ": " : " (")),
              std::string::npos)
        << kind << " at line " << line << "\n"
        << describe(first_run_);
  EXPECT_NE(first_run_.out.find("event 3 (teleport): action: unknown action"), std::string::npos)
      << describe(first_run_);
  EXPECT_NE(first_run_.out.find("not a department that can be dispatched: MH-D-XX"),
            std::string::npos)
      << describe(first_run_);
  // Progress went to stderr, not into the summary.
  EXPECT_NE(first_run_.err.find("lines read"), std::string::npos) << describe(first_run_);
}

TEST_F(ImportTest, ImportedCasesAndTimelinesAreServed) {
  HttpClient c = server_->login_as("import_admin");
  const auto cases = all_cases(c);
  ASSERT_EQ(cases.size(), static_cast<size_t>(kValid));
  for (const auto& [line, kind] : broken_) {
    char ext[32];
    std::snprintf(ext, sizeof ext, "API-%07lld", static_cast<long long>(line));
    EXPECT_FALSE(cases.contains(ext)) << kind << " line " << line << " was stored";
  }
  // Every valid line: its case, with one timeline entry per event, in order.
  int checked = 0, merged = 0, closed = 0;
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (broken_.contains(static_cast<std::int64_t>(i + 1))) continue;
    const json::object in = json::parse(lines_[i]).as_object();
    const std::string ext(in.at("external_id").as_string());
    auto it = cases.find(ext);
    ASSERT_NE(it, cases.end()) << ext;
    if (++checked > 40 && i % 10 != 0) continue;  // details of a sample of them
    HttpResponse d = c.get("/api/v1/cases/" + std::to_string(it->second.at("id").as_int64()));
    ASSERT_EQ(d.status, 200u) << d;
    const json::array& events = in.at("events").as_array();
    const json::array& timeline = d.json().at("timeline").as_array();
    std::vector<std::string> expected, actual;
    for (const auto& e : events) expected.emplace_back(e.at("action").as_string());
    for (const auto& e : timeline) actual.emplace_back(e.at("action").as_string());
    // A case others were merged into also shows those merges at the end of its timeline.
    while (actual.size() > expected.size() && actual.back() == "merge") actual.pop_back();
    EXPECT_EQ(actual, expected) << ext;
    EXPECT_EQ(d.str("/external_id"), ext);
    EXPECT_EQ(d.str("/title"), std::string(in.at("title").as_string()));
    EXPECT_EQ(d.str("/created_at"), std::string(events[0].at("at").as_string()));
    EXPECT_EQ(d.str("/timeline/0/actor"), "import");
    const std::string last(events.back().at("action").as_string());
    const std::string status = d.str("/status");
    if (last == "merge") {
      ++merged;
      EXPECT_EQ(status, "merged") << ext;
      ASSERT_NE(d.find("/merged_into"), nullptr) << d;
    } else if (last == "close" || last == "evaluate") {
      if (status == "closed") ++closed;
    }
    if (last == "evaluate" && status == "closed") {
      const json::object& ev = events.back().as_object();
      EXPECT_EQ(d.str("/evaluation/satisfaction"), std::string(ev.at("satisfaction").as_string()))
          << ext;
    }
    for (size_t k = 0; k < events.size() && k < timeline.size(); ++k) {
      const json::object& e = events[k].as_object();
      if (e.at("action").as_string() == "dispatch") {
        EXPECT_EQ(d.str("/timeline/" + std::to_string(k) + "/unit/code"),
                  std::string(e.at("department").as_string()))
            << ext << " event " << k + 1;
      }
    }
  }
  EXPECT_GT(closed, 0);
  (void)merged;  // the sample may hold none; the generator makes about 2 %
}

TEST_F(ImportTest, RunningItAgainImportsNothingTwice) {
  CommandResult again = server_->cli({"import", "cases", "--quiet", file_});
  ASSERT_EQ(again.exit_code, 3) << describe(again);
  EXPECT_NE(again.out.find("imported 0 cases"), std::string::npos) << describe(again);
  EXPECT_NE(again.out.find("rejected " + std::to_string(kValid + kBroken)), std::string::npos)
      << describe(again);
  EXPECT_NE(again.out.find("already imported"), std::string::npos) << describe(again);
  EXPECT_TRUE(again.err.empty()) << "--quiet printed progress: " << again.err;
  HttpClient c = server_->login_as("import_admin");
  EXPECT_EQ(all_cases(c).size(), static_cast<size_t>(kValid));
}

TEST_F(ImportTest, BadArgumentsExitWithTwo) {
  CommandResult missing =
      server_->cli({"import", "cases", server_->data_dir() + "/no-such-file.jsonl"});
  EXPECT_EQ(missing.exit_code, 2) << describe(missing);
  CommandResult batch = server_->cli({"import", "cases", "--batch", "0", file_});
  EXPECT_EQ(batch.exit_code, 2) << describe(batch);
  CommandResult no_file = server_->cli({"import", "cases"});
  EXPECT_EQ(no_file.exit_code, 2) << describe(no_file);
}

TEST_F(ImportTest, StdinWithOnlyValidLinesExitsWithZero) {
  const std::string text = lines_[broken_.contains(1) ? 1 : 0];
  json::object o = json::parse(text).as_object();
  o["external_id"] = "STDIN-1";
  CommandResult r = server_->cli({"import", "cases", "-"}, json::serialize(o) + "\n");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("imported 1 case ("), std::string::npos) << describe(r);
  HttpClient c = server_->login_as("import_admin");
  HttpResponse list = c.get("/api/v1/cases?limit=200");
  ASSERT_EQ(list.status, 200u) << list;
  EXPECT_NE(list.body.find("\"external_id\":\"STDIN-1\""), std::string::npos);
}

}  // namespace
}  // namespace civicgrid::api_test
