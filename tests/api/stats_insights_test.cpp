// Decision support over the real binary: a hand-made history imported with `civicgrid import
// cases`, then warnings, hotspots, recurring problems, monthly topics and training needs checked
// against figures this test computes from its own case list; staff capacity from live work by named
// users; privacy of usernames, data scope, 422 naming the field and 403 for residents.
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

// One imported case: always closed on its intake day (never overdue).
struct Spec {
  std::string grid, category, day;  // day YYYY-MM-DD (China time)
  bool returned = false, reworked = false;
  std::string resolved, satisfaction;  // empty: not evaluated
  std::string department = "MH-D-CG";
};

std::int64_t day_number(const std::string& d) {
  std::tm tm{};
  tm.tm_year = std::stoi(d.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(d.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(d.substr(8, 2));
  return static_cast<std::int64_t>(timegm(&tm) / 86400);
}

std::string day_string(std::int64_t n) {
  const std::time_t t = static_cast<std::time_t>(n * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Today in China time, as the server sees it.
std::int64_t china_today() {
  return (std::time(nullptr) + 8 * 3600) / 86400;
}

std::string month_of(const std::string& day) {
  return day.substr(0, 7);
}

// YYYY-MM of the month `back` months before today's (China time).
std::string month_back(int back) {
  const std::string today = day_string(china_today());
  int y = std::stoi(today.substr(0, 4)), m = std::stoi(today.substr(5, 2)) - back;
  while (m < 1) m += 12, --y;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  return buf;
}

json::object import_line(const Spec& s, int n) {
  auto at = [&](const char* hhmm) { return s.day + "T" + hhmm + ":00+08:00"; };
  json::array ev;
  ev.push_back(json::object{{"at", at("09:00")}, {"action", "submit"}});
  ev.push_back(json::object{{"at", at("09:10")}, {"action", "register"}});
  if (s.returned) {
    ev.push_back(
        json::object{{"at", at("09:20")}, {"action", "dispatch"}, {"department", s.department}});
    ev.push_back(json::object{{"at", at("09:30")}, {"action", "return"}, {"reason", "不属本部门"}});
  }
  ev.push_back(
      json::object{{"at", at("09:40")}, {"action", "dispatch"}, {"department", s.department}});
  ev.push_back(json::object{{"at", at("09:50")}, {"action", "accept"}, {"contacted", true}});
  ev.push_back(json::object{
      {"at", at("10:00")}, {"action", "handle"}, {"result", "已处理"}, {"reply", "已处理完毕"}});
  if (s.reworked) {
    ev.push_back(json::object{{"at", at("10:10")}, {"action", "verify"}, {"ok", false}});
    ev.push_back(json::object{
        {"at", at("10:20")}, {"action", "handle"}, {"result", "已返工"}, {"reply", "已重新处理"}});
  }
  ev.push_back(json::object{{"at", at("10:30")}, {"action", "verify"}, {"ok", true}});
  ev.push_back(json::object{{"at", at("10:40")}, {"action", "close"}});
  if (!s.resolved.empty())
    ev.push_back(json::object{{"at", at("11:00")},
                              {"action", "evaluate"},
                              {"resolved", s.resolved},
                              {"satisfaction", s.satisfaction}});
  return json::object{{"external_id", "IN-" + std::to_string(n)},
                      {"type", "complaint"},
                      {"title", "测试诉求"},
                      {"description", "用于统计分析测试的诉求"},
                      {"channel", "hotline"},
                      {"grid", s.grid},
                      {"category", s.category},
                      {"events", std::move(ev)}};
}

std::vector<Spec> make_specs() {
  std::vector<Spec> specs;
  const std::int64_t recent = day_number("2024-03-25");  // Mon; window 03-25..03-31
  for (int j = 1; j <= 8; ++j) {
    const std::string d = day_string(recent - 7 * j);
    // 湖滨社区第一网格 园林绿化环卫: one a week; 望月 事故处理: two a week.
    specs.push_back({"MH-S01-C01-G01", "C01-02-01", d, false, false, "resolved", "satisfied"});
    for (int i = 0; i < 2; ++i)
      specs.push_back({"MH-S02-C01-G01", "C01-01-01", d, false, false, "resolved", "satisfied"});
  }
  // The jump: six in the recent week, hard ones (returns, rework, unresolved and unsatisfied).
  for (int i = 0; i < 6; ++i)
    specs.push_back(
        {"MH-S01-C01-G01", "C01-02-01", "2024-03-26", i < 3, i < 2, "unresolved", "unsatisfied"});
  for (int i = 0; i < 2; ++i)
    specs.push_back({"MH-S02-C01-G01", "C01-01-01", "2024-03-27", false, false, "", ""});
  for (int i = 0; i < 3; ++i)
    specs.push_back({"MH-S01-C01-G02", "C01-02-02", "2024-02-14", i == 0, false, "partly",
                     "basically_satisfied", "MH-D-ZJ"});
  // Recurring: the last three months at one grid, one month at its neighbour.
  for (int back = 1; back <= 3; ++back)
    specs.push_back({"MH-S02-C02-G01", "C01-02-03", month_back(back) + "-10"});
  specs.push_back({"MH-S02-C02-G02", "C01-02-03", month_back(1) + "-12"});
  return specs;
}

class StatsInsightsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    server_->stop();
    specs_ = make_specs();
    const std::string file = server_->data_dir() + "/insights.jsonl";
    {
      std::ofstream out(file);
      for (size_t i = 0; i < specs_.size(); ++i)
        out << json::serialize(import_line(specs_[i], static_cast<int>(i))) << "\n";
    }
    CommandResult imported = server_->cli({"import", "cases", file});
    if (imported.exit_code != 0)
      throw HarnessError("import failed: " + imported.out + imported.err);
    server_->start();
    create_users(*server_, {{"in_admin", "admin", "MH"},
                            {"in_leader", "leader", "MH"},
                            {"in_disp", "dispatcher", "MH-CC"},
                            {"in_s02", "dispatcher", "MH-S02-CC"},
                            {"in_cg", "department_handler", "MH-D-CG"},
                            {"in_gw", "grid_worker", "MH-S01-C01-G01"},
                            {"in_resident", "resident", ""}});
  }
  static void TearDownTestSuite() {
    clients().clear();
    server_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  // One logged-in client per user; cleared when the server restarts on a new port.
  static SignedInClients& clients() {
    static SignedInClients c;
    return c;
  }
  static HttpClient& as(const std::string& user) { return clients().as(*server_, user); }
  static json::object get(const std::string& user, const std::string& target) {
    return clients().get_ok(*server_, user, target);
  }

  static std::unique_ptr<TestServer> server_;
  static std::vector<Spec> specs_;
};

std::unique_ptr<TestServer> StatsInsightsTest::server_;
std::vector<Spec> StatsInsightsTest::specs_;

TEST_F(StatsInsightsTest, VolumeWarningsMatchTheBaselineRule) {
  // Expected: per (street|community, level-1|level-2 category) the recent week's count against
  // the mean and spread of the eight weeks before (mean + 2·max(sd, √max(mean, 1)), at least 5).
  const std::int64_t end = day_number("2024-03-31");
  std::map<std::tuple<std::string, std::string>, std::vector<double>> windows;
  for (const Spec& s : specs_) {
    const std::int64_t off = end - day_number(s.day);
    if (off < 0 || off >= 9 * 7 || off % 7 >= 7) continue;
    const size_t slot = static_cast<size_t>(off / 7);
    for (const std::string& unit : {s.grid.substr(0, 6), s.grid.substr(0, 10)})
      for (const std::string& cat : {s.category.substr(0, 3), s.category.substr(0, 6)}) {
        auto& v = windows[{unit, cat}];
        v.resize(9, 0);
        v[slot] += 1;
      }
  }
  std::set<std::pair<std::string, std::string>> expected;
  std::map<std::pair<std::string, std::string>, double> expected_high;
  for (const auto& [key, v] : windows) {
    double mean = 0, var = 0;
    for (int j = 1; j <= 8; ++j) mean += v[j] / 8;
    for (int j = 1; j <= 8; ++j) var += (v[j] - mean) * (v[j] - mean) / 8;
    const double high = mean + 2 * std::max(std::sqrt(var), std::sqrt(std::max(mean, 1.0)));
    const auto k = std::make_pair(std::get<0>(key), std::get<1>(key));
    if (v[0] >= 5 && v[0] > high) expected.insert(k), expected_high[k] = high;
  }
  ASSERT_FALSE(expected.empty());
  const json::object r = get("in_admin", "/api/v1/stats/warnings?date=2024-03-31&window=7");
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& v : r.at("warnings").as_array()) {
    const json::object& w = v.as_object();
    if (w.at("kind").as_string() != "volume") continue;
    const auto k = std::make_pair(std::string(w.at("unit").as_string()),
                                  std::string(w.at("category").as_string()));
    got.insert(k);
    EXPECT_NEAR(w.at("range").as_array()[1].as_double(), expected_high[k], 1e-9) << v;
    EXPECT_EQ(w.at("observed").as_int64(), 6) << v;
    EXPECT_FALSE(w.at("explanation_zh").as_string().empty());
    EXPECT_NE(std::string(w.at("explanation_en").as_string()).find("expected range"),
              std::string::npos);
    EXPECT_NE(std::string(w.at("explanation").as_string()).find("湖滨"), std::string::npos) << v;
  }
  EXPECT_EQ(got, expected);
  // English names on request; the S02 dispatcher sees no S01 warning.
  const json::object en =
      get("in_admin", "/api/v1/stats/warnings?date=2024-03-31&window=7&lang=en");
  ASSERT_FALSE(en.at("warnings").as_array().empty());
  const json::object& first = en.at("warnings").as_array()[0].as_object();
  EXPECT_EQ(first.at("explanation"), first.at("explanation_en"));
  EXPECT_TRUE(get("in_s02", "/api/v1/stats/warnings?date=2024-03-31&window=7")
                  .at("warnings")
                  .as_array()
                  .empty());
}

TEST_F(StatsInsightsTest, HotspotsMatchTheCaseList) {
  const std::string from = "2024-01-01", to = "2024-04-01";
  std::map<std::string, std::int64_t> in_cat, all;
  std::int64_t cat_total = 0, total = 0;
  for (const Spec& s : specs_) {
    if (s.day < from || s.day >= to) continue;
    ++all[s.grid];
    ++total;
    if (s.category.starts_with("C01-02")) ++in_cat[s.grid], ++cat_total;
  }
  const json::object r =
      get("in_leader", "/api/v1/stats/hotspots?category=C01-02&from=" + from + "&to=" + to);
  EXPECT_EQ(r.at("category_total").as_int64(), cat_total);
  EXPECT_EQ(r.at("all_total").as_int64(), total);
  const auto& rows = r.at("rows").as_array();
  ASSERT_EQ(rows.size(), in_cat.size());
  for (const auto& v : rows) {
    const std::string grid(v.at("place").as_string());
    SCOPED_TRACE(grid);
    EXPECT_EQ(v.at("count").as_int64(), in_cat[grid]);
    EXPECT_NEAR(v.at("share").as_double(), double(in_cat[grid]) / cat_total, 1e-12);
    EXPECT_NEAR(v.at("lift").as_double(),
                (double(in_cat[grid]) / all[grid]) / (double(cat_total) / total), 1e-12);
    EXPECT_FALSE(v.at("name").as_string().empty());
  }
  EXPECT_EQ(rows[0].at("place").as_string(), "MH-S01-C01-G01");
  EXPECT_EQ(rows[0].at("name").as_string(), "湖滨社区第一网格");
}

TEST_F(StatsInsightsTest, RecurringProblemsAndTopicsAndTraining) {
  // Recurring over the last 6 months: (grid, category) with cases in at least 3 of them.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> months;
  const std::string first = month_back(5), last = month_back(0);
  for (const Spec& s : specs_)
    if (month_of(s.day) >= first && month_of(s.day) <= last)
      months[{s.grid, s.category}].insert(month_of(s.day));
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& [k, m] : months)
    if (m.size() >= 3) expected.insert(k);
  ASSERT_EQ(expected.size(), 1u);
  const json::object r = get("in_admin", "/api/v1/stats/recurring?months=6&min_months=3");
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& v : r.at("rows").as_array()) {
    got.insert({std::string(v.at("place").as_string()), std::string(v.at("category").as_string())});
    EXPECT_EQ(v.at("months_with_cases").as_int64(), 3);
    EXPECT_EQ(v.at("proposal").at("type").as_string(), "proactive");
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(r.at("total").as_int64(), 1);
  EXPECT_EQ(r.at("offset").as_int64(), 0);
  EXPECT_EQ(r.at("limit").as_int64(), 50);  // the default page
  // Pages (`limit` and `offset`, or `top`, the earlier name of `limit`) are windows of the same
  // order, on the widest window (most rows).
  const std::string wide = "/api/v1/stats/recurring?months=36&min_months=2&level=community";
  const json::object whole = get("in_admin", wide + "&limit=10000");
  const json::array all = whole.at("rows").as_array();
  ASSERT_GE(all.size(), 3u);
  EXPECT_EQ(whole.at("total").as_int64(), static_cast<std::int64_t>(all.size()));
  const json::array head = get("in_admin", wide + "&top=1").at("rows").as_array();
  ASSERT_EQ(head.size(), 1u);
  EXPECT_EQ(head[0], all[0]);
  const json::object second = get("in_admin", wide + "&offset=1&limit=2");
  EXPECT_EQ(second.at("total"), whole.at("total"));
  ASSERT_EQ(second.at("rows").as_array().size(), 2u);
  EXPECT_EQ(second.at("rows").as_array()[0], all[1]);
  EXPECT_EQ(second.at("rows").as_array()[1], all[2]);
  const json::object past = get("in_admin", wide + "&offset=" + std::to_string(all.size()));
  EXPECT_TRUE(past.at("rows").as_array().empty());
  EXPECT_EQ(past.at("total"), whole.at("total"));

  // Training needs in Q1 2024: returns and rework per leaf category.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> rr;
  for (const Spec& s : specs_)
    if (s.day >= "2024-01-01" && s.day < "2024-04-01" && (s.returned || s.reworked))
      rr[s.category].first += s.returned, rr[s.category].second += s.reworked;
  const json::object t =
      get("in_admin", "/api/v1/stats/training-needs?from=2024-01-01&to=2024-04-01");
  ASSERT_EQ(t.at("rows").as_array().size(), rr.size());
  for (const auto& v : t.at("rows").as_array()) {
    const std::string cat(v.at("category").as_string());
    EXPECT_EQ(v.at("returned").as_int64(), rr[cat].first) << cat;
    EXPECT_EQ(v.at("reworked").as_int64(), rr[cat].second) << cat;
  }
  EXPECT_TRUE(t.at("rows").as_array()[0].at("need").as_bool());

  // Monthly topics of 2024: frequent (≥ mean cases per category) and hard (score ≥ overall).
  struct H {
    double cases = 0, evaluated = 0, unresolved = 0, unsatisfied = 0, returned = 0, reworked = 0;
    double score() const {
      const double e = evaluated > 0 ? (unresolved + unsatisfied) / evaluated : 0;
      const int n = evaluated > 0 ? 5 : 3;  // dispatched = registered = cases; never overdue
      return (e + returned / cases + reworked / cases) / n;
    }
  };
  std::map<std::string, H> by;
  H overall;
  for (const Spec& s : specs_) {
    if (!s.day.starts_with("2024")) continue;
    for (H* h : {&by[s.category], &overall}) {
      h->cases += 1;
      h->returned += s.returned;
      h->reworked += s.reworked;
      if (s.resolved.empty()) continue;
      h->evaluated += 1;
      h->unresolved += s.resolved != "resolved";
      h->unsatisfied += s.satisfaction == "unsatisfied";
    }
  }
  const double mean = overall.cases / by.size();
  std::set<std::string> topics;
  for (const auto& [cat, h] : by)
    if (h.cases >= mean && h.score() >= overall.score()) topics.insert(cat);
  ASSERT_FALSE(topics.empty());
  const json::object m = get("in_admin", "/api/v1/stats/monthly-topics?year=2024");
  std::set<std::string> got_topics;
  for (const auto& v : m.at("rows").as_array()) {
    const std::string cat(v.at("category").as_string());
    got_topics.insert(cat);
    EXPECT_NEAR(v.at("hardness").as_double(), by[cat].score(), 1e-12) << cat;
  }
  EXPECT_EQ(got_topics, topics);
  EXPECT_NEAR(m.at("overall").at("hardness").as_double(), overall.score(), 1e-12);
}

TEST_F(StatsInsightsTest, CapacityFromLiveWork) {
  // A patrol report by the grid worker, dispatched, returned, re-dispatched, handled, failed
  // verification, handled again, verified: every step by a named user.
  HttpResponse sub =
      as("in_gw").post_json("/api/v1/appeals", json::object{{"type", "report"},
                                                            {"title", "井盖缺失"},
                                                            {"description", "巡查发现路口井盖缺失"},
                                                            {"channel", "patrol"},
                                                            {"grid", "MH-S01-C01-G01"}});
  ASSERT_EQ(sub.status, 201u) << sub;
  const std::string id = std::to_string(*sub.integer("/id"));
  const std::vector<std::tuple<std::string, std::string, json::object>> steps{
      {"in_disp", "register", {{"category", "C01-02-04"}}},
      {"in_disp", "dispatch", {{"department", "MH-D-CG"}}},
      {"in_cg", "return", {{"reason", "请改派"}}},
      {"in_disp", "dispatch", {{"department", "MH-D-CG"}}},
      {"in_cg", "accept", {{"contacted", true}}},
      {"in_cg", "handle", {{"result", "已补装"}, {"reply", "井盖已补装"}}},
      {"in_gw", "verify", {{"ok", false}}},
      {"in_cg", "handle", {{"result", "已加固"}, {"reply", "井盖已补装并加固"}}},
      {"in_gw", "verify", {{"ok", true}}}};
  for (const auto& [user, action, body] : steps) {
    HttpResponse r = as(user).post_json("/api/v1/cases/" + id + "/" + action, body);
    ASSERT_EQ(r.status, 200u) << action << ": " << r;
  }
  const std::string since = "&from=" + day_string(china_today() - 1);
  auto row = [](const json::object& r, const std::string& user) {
    for (const auto& v : r.at("people").as_array())
      if (v.at("user").as_string() == user) return v.as_object();
    return json::object{};
  };
  const json::object gw =
      row(get("in_leader", "/api/v1/stats/capacity?post=grid_worker" + since), "in_gw");
  ASSERT_FALSE(gw.empty());
  EXPECT_EQ(gw.at("patrol_reports").as_int64(), 1);
  EXPECT_EQ(gw.at("open_reports").as_int64(), 1);  // verified, not closed yet
  EXPECT_EQ(gw.at("verifications").as_int64(), 2);
  const json::object grids = get("in_leader", "/api/v1/stats/capacity?post=grid_worker" + since);
  bool found = false;
  for (const auto& g : grids.at("grids").as_array())
    if (g.at("grid").as_string() == "MH-S01-C01-G01") {
      found = true;
      EXPECT_EQ(g.at("patrol_found").as_int64(), 1);
      EXPECT_EQ(g.at("workers").as_int64(), 1);
    }
  EXPECT_TRUE(found);
  const json::object d =
      row(get("in_admin", "/api/v1/stats/capacity?post=dispatcher" + since), "in_disp");
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d.at("dispatches").as_int64(), 2);
  EXPECT_EQ(d.at("returned").as_int64(), 1);
  EXPECT_DOUBLE_EQ(d.at("accurate_dispatch_rate").as_double(), 0.5);
  const json::object h =
      row(get("in_admin", "/api/v1/stats/capacity?post=handler" + since), "in_cg");
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.at("handled").as_int64(), 2);
  EXPECT_EQ(h.at("reworked").as_int64(), 1);
  // The handler sees their own name; the dispatcher sees it masked.
  EXPECT_FALSE(row(get("in_cg", "/api/v1/stats/capacity?post=handler" + since), "in_cg").empty());
  const json::object masked = get("in_disp", "/api/v1/stats/capacity?post=handler" + since);
  ASSERT_EQ(masked.at("people").as_array().size(), 1u);
  EXPECT_EQ(masked.at("people").as_array()[0].at("user").as_string(), "i****");
  // The S02 dispatcher's scope holds none of this work.
  EXPECT_TRUE(
      get("in_s02", "/api/v1/stats/capacity?post=handler" + since).at("people").as_array().empty());
}

TEST_F(StatsInsightsTest, BadParametersAre422AndResidentsAre403) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/api/v1/stats/warnings?window=0", "window"},
      {"/api/v1/stats/warnings?date=2024-02-30", "date"},
      {"/api/v1/stats/warnings?colour=red", "colour"},
      {"/api/v1/stats/hotspots?from=2024-01-01", "category"},
      {"/api/v1/stats/hotspots?category=ZZZ", "category"},
      {"/api/v1/stats/hotspots?category=C01&level=street", "level"},
      {"/api/v1/stats/recurring?months=1", "months"},
      {"/api/v1/stats/recurring?months=3&min_months=4", "min_months"},
      {"/api/v1/stats/recurring?top=0", "top"},
      {"/api/v1/stats/recurring?limit=0", "limit"},
      {"/api/v1/stats/recurring?limit=10001", "limit"},
      {"/api/v1/stats/recurring?offset=-1", "offset"},
      {"/api/v1/stats/recurring?limit=5&top=5", "top"},
      {"/api/v1/stats/monthly-topics?year=abc", "year"},
      {"/api/v1/stats/capacity", "post"},
      {"/api/v1/stats/capacity?post=boss", "post"},
      {"/api/v1/stats/capacity?post=handler&to=tomorrow", "to"},
      {"/api/v1/stats/training-needs?foo=1", "foo"}};
  for (const auto& [target, field] : cases) {
    HttpResponse r = as("in_admin").get(target);
    EXPECT_EQ(r.status, 422u) << target << ": " << r;
    EXPECT_EQ(r.error_field(), field) << target << ": " << r;
  }
  for (const char* target :
       {"/api/v1/stats/warnings", "/api/v1/stats/hotspots?category=C01", "/api/v1/stats/recurring",
        "/api/v1/stats/monthly-topics", "/api/v1/stats/capacity?post=handler",
        "/api/v1/stats/training-needs"}) {
    EXPECT_EQ(as("in_resident").get(target).status, 403u) << target;
    EXPECT_EQ(server_->client().get(target).status, 401u) << target;
  }
}

}  // namespace
}  // namespace civicgrid::api_test
