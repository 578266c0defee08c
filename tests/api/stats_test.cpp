// Statistics over the real binary: cases imported with `civicgrid import cases` from a file of
// bench/gen_import_jsonl.py (fixed seed), then GET /api/v1/stats/* checked against figures computed
// here from the file itself; the cube following live changes; and data scope.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr int kCases = 400;

std::string source_dir() {
  const char* src = std::getenv("CIVICGRID_SOURCE_DIR");
  return src ? src : ".";
}

// What the file says about one case, derived without the server.
struct Expected {
  std::string category_top;  // "" when the case never got a category
  std::string month;         // of the submit event, China time (the file's offsets are +08:00)
  std::string department;    // of the last dispatch, "" when never dispatched
  std::string resolved, satisfaction;
};

Expected expected_of(const json::object& line) {
  Expected e;
  std::string category;
  if (const auto* c = line.if_contains("category")) category = c->as_string().c_str();
  for (const auto& ev : line.at("events").as_array()) {
    const json::object& o = ev.as_object();
    const std::string action(o.at("action").as_string());
    if (action == "submit") e.month = std::string(o.at("at").as_string()).substr(0, 7);
    if (action == "register" && o.contains("category"))
      category = o.at("category").as_string().c_str();
    if (action == "dispatch") e.department = o.at("department").as_string().c_str();
    if (action == "evaluate") {
      e.resolved = o.at("resolved").as_string().c_str();
      e.satisfaction = o.at("satisfaction").as_string().c_str();
    }
  }
  e.category_top = category.substr(0, category.find('-'));
  return e;
}

class StatsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();  // the demo district's units and categories come with the first start
    server_->stop();
    const std::string file = server_->data_dir() + "/cases.jsonl";
    CommandResult gen =
        run_command({"python3", source_dir() + "/bench/gen_import_jsonl.py", std::to_string(kCases),
                     "-o", file, "--seed", "11", "--prefix", "ST"});
    if (gen.exit_code != 0) throw HarnessError("gen_import_jsonl.py failed: " + gen.err);
    std::ifstream in(file);
    std::string text;
    while (std::getline(in, text))
      if (!text.empty()) expected_.push_back(expected_of(json::parse(text).as_object()));
    CommandResult imported = server_->cli({"import", "cases", file});
    if (imported.exit_code != 0)
      throw HarnessError("import failed: " + imported.out + imported.err);
    server_->start();  // the cube is built from the imported cases at start-up
    create_users(*server_, {{"stats_admin", "admin", "MH"},
                            {"stats_disp", "dispatcher", "MH-CC"},
                            {"stats_s01", "dispatcher", "MH-S01-CC"},
                            {"stats_cg", "department_handler", "MH-D-CG"}});
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
  static std::int64_t total(const std::string& user, const std::string& query) {
    return get(user, "/api/v1/stats/counts?" + query).at("total").as_int64();
  }
  // count by the label of one dimension ("" for null)
  static std::map<std::string, std::int64_t> by(const std::string& user, const std::string& query,
                                                const std::string& dim) {
    std::map<std::string, std::int64_t> out;
    const json::object body = get(user, "/api/v1/stats/counts?" + query);
    for (const auto& r : body.at("rows").as_array()) {
      const json::value& v = r.at(dim);
      out[v.is_null() ? "" : std::string(v.as_string())] += r.at("count").as_int64();
    }
    return out;
  }

  static std::unique_ptr<TestServer> server_;
  static std::vector<Expected> expected_;
};

std::unique_ptr<TestServer> StatsTest::server_;
std::vector<Expected> StatsTest::expected_;

TEST_F(StatsTest, CountsMatchTheImportedFile) {
  std::map<std::string, std::int64_t> category, month;
  std::map<std::pair<std::string, std::string>, std::int64_t> both;
  for (const Expected& e : expected_) {
    ++category[e.category_top];
    ++month[e.month];
    ++both[{e.category_top, e.month}];
  }
  EXPECT_EQ(total("stats_admin", "dims=category"), kCases);
  EXPECT_EQ(by("stats_admin", "dims=category", "category"), category);
  EXPECT_EQ(by("stats_admin", "dims=month", "month"), month);
  std::map<std::pair<std::string, std::string>, std::int64_t> got;
  const json::object body = get("stats_admin", "/api/v1/stats/counts?dims=category,month");
  for (const auto& r : body.at("rows").as_array()) {
    const json::value& c = r.at("category");
    got[{c.is_null() ? "" : std::string(c.as_string()), std::string(r.at("month").as_string())}] =
        r.at("count").as_int64();
  }
  EXPECT_EQ(got, both);
  // A filter and a period: the busiest month's cases of the largest category.
  const auto [top_key, top_count] = *std::max_element(
      both.begin(), both.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  const std::string from = top_key.second + "-01";
  int y = std::stoi(top_key.second.substr(0, 4)), m = std::stoi(top_key.second.substr(5, 2)) + 1;
  if (m == 13) y += 1, m = 1;
  char to[32];
  std::snprintf(to, sizeof to, "%04d-%02d-01", y, m);
  if (!top_key.first.empty()) {
    EXPECT_EQ(total("stats_admin", "category=" + top_key.first + "&from=" + from + "&to=" + to),
              top_count);
  }
  const auto top =
      get("stats_admin", "/api/v1/stats/counts?dims=category&top=2").at("rows").as_array();
  EXPECT_EQ(top.size(), 2u);
}

TEST_F(StatsTest, RatesMatchTheImportedFile) {
  struct Unit {
    std::int64_t dispatched = 0, evaluated = 0, resolved = 0, satisfied = 0, basically = 0;
  };
  std::map<std::string, Unit> units;
  for (const Expected& e : expected_) {
    if (e.department.empty()) continue;
    Unit& u = units[e.department];
    ++u.dispatched;
    if (e.resolved.empty()) continue;
    ++u.evaluated;
    u.resolved += e.resolved == "resolved";
    u.satisfied += e.satisfaction == "satisfied";
    u.basically += e.satisfaction == "basically_satisfied";
  }
  const json::object r = get("stats_admin", "/api/v1/stats/rates?by=department");
  ASSERT_EQ(r.at("rows").as_array().size(), units.size()) << r;
  for (const auto& v : r.at("rows").as_array()) {
    const json::object& row = v.as_object();
    const std::string code(row.at("unit").as_string());
    ASSERT_TRUE(units.contains(code)) << code;
    const Unit& u = units[code];
    SCOPED_TRACE(code);
    EXPECT_EQ(row.at("response").at("denominator").as_int64(), u.dispatched);
    EXPECT_LE(row.at("response").at("numerator").as_int64(), u.dispatched);
    EXPECT_EQ(row.at("resolution").at("denominator").as_int64(), u.evaluated);
    EXPECT_EQ(row.at("resolution").at("numerator").as_int64(), u.resolved);
    if (u.evaluated == 0) {
      EXPECT_TRUE(row.at("satisfaction").at("rate").is_null());
      continue;
    }
    EXPECT_NEAR(row.at("resolution").at("rate").as_double(), double(u.resolved) / u.evaluated,
                1e-12);
    const double sat = (u.satisfied + 0.8 * u.basically) / u.evaluated;
    EXPECT_NEAR(row.at("satisfaction").at("rate").as_double(), sat, 1e-12);
    const double resp = row.at("response").at("rate").as_double();
    EXPECT_NEAR(row.at("composite").as_double(),
                30 * resp + 35 * double(u.resolved) / u.evaluated + 35 * sat, 1e-9);
  }
}

TEST_F(StatsTest, IndicatorsAndLeagueAnswer) {
  const json::object ind = get("stats_admin", "/api/v1/stats/indicators?by=street");
  std::int64_t registered = 0;
  for (const auto& v : ind.at("rows").as_array()) registered += v.at("registered").as_int64();
  EXPECT_GT(registered, kCases / 2);
  EXPECT_LE(registered, kCases);
  const json::object league =
      get("stats_admin", "/api/v1/stats/league?by=department&min_volume=20");
  for (const auto& v : league.at("rows").as_array())
    EXPECT_EQ(v.at("rank").is_null(), v.at("volume").as_int64() < 20) << v;
}

TEST_F(StatsTest, BadParametersAre422NamingTheField) {
  HttpResponse dim = as("stats_admin").get("/api/v1/stats/counts?dims=category,colour");
  EXPECT_EQ(dim.status, 422u) << dim;
  EXPECT_EQ(dim.error_field(), "dims") << dim;
  HttpResponse date = as("stats_admin").get("/api/v1/stats/counts?from=2024-13-01");
  EXPECT_EQ(date.status, 422u) << date;
  EXPECT_EQ(date.error_field(), "from") << date;
  HttpResponse filter = as("stats_admin").get("/api/v1/stats/counts?colour=red");
  EXPECT_EQ(filter.error_field(), "colour") << filter;
  HttpResponse unit = as("stats_admin").get("/api/v1/stats/indicators?by=grid");
  EXPECT_EQ(unit.error_field(), "by") << unit;
  EXPECT_EQ(server_->client().get("/api/v1/stats/counts").status, 401u);
}

TEST_F(StatsTest, StreetDispatcherCountsOnlyTheirStreet) {
  const auto streets = by("stats_s01", "dims=street", "street");
  ASSERT_FALSE(streets.empty());
  for (const auto& [code, n] : streets) EXPECT_EQ(code, "MH-S01");
  EXPECT_EQ(total("stats_s01", ""), total("stats_admin", "street=MH-S01"));
  EXPECT_LT(total("stats_s01", ""), total("stats_admin", ""));
  // A department sees what it leads.
  const auto depts = by("stats_cg", "dims=department", "department");
  for (const auto& [code, n] : depts) EXPECT_EQ(code, "MH-D-CG");
}

TEST_F(StatsTest, CubeFollowsLiveChanges) {
  const std::int64_t all = total("stats_admin", "");
  const std::int64_t submitted = total("stats_admin", "status=submitted");
  const std::int64_t dispatched = total("stats_admin", "status=dispatched&department=MH-D-CG");
  const std::int64_t street = total("stats_s01", "");
  HttpResponse sub = server_->client().post_json(
      "/api/v1/appeals", json::object{{"type", "complaint"},
                                      {"title", "路灯不亮"},
                                      {"description", "小区门口的路灯坏了一周"},
                                      {"grid", "MH-S01-C01-G01"}});
  ASSERT_EQ(sub.status, 201u) << sub;
  const std::string id = std::to_string(*sub.integer("/id"));
  EXPECT_EQ(total("stats_admin", ""), all + 1);
  EXPECT_EQ(total("stats_admin", "status=submitted"), submitted + 1);
  EXPECT_EQ(total("stats_s01", ""), street + 1);
  HttpResponse reg =
      as("stats_disp").post_json("/api/v1/cases/" + id + "/register", json::object{});
  ASSERT_EQ(reg.status, 200u) << reg;
  HttpResponse dis =
      as("stats_disp")
          .post_json("/api/v1/cases/" + id + "/dispatch", json::object{{"department", "MH-D-CG"}});
  ASSERT_EQ(dis.status, 200u) << dis;
  EXPECT_EQ(total("stats_admin", "status=submitted"), submitted);
  EXPECT_EQ(total("stats_admin", "status=dispatched&department=MH-D-CG"), dispatched + 1);
  EXPECT_EQ(total("stats_admin", ""), all + 1);

  // Through to the resident's evaluation: the department's rates move with it.
  auto cg_rates = [] {
    const json::object r = get("stats_admin", "/api/v1/stats/rates?by=department");
    for (const auto& v : r.at("rows").as_array())
      if (v.at("unit").as_string() == "MH-D-CG") return v.as_object();
    return json::object{};
  };
  const json::object before = cg_rates();
  ASSERT_FALSE(before.empty());
  const std::vector<std::tuple<std::string, std::string, json::object>> steps{
      {"stats_cg", "accept", {{"contacted", true}}},
      {"stats_cg", "handle", {{"result", "已更换灯泡"}, {"reply", "路灯已修复，感谢您的反映"}}},
      {"stats_disp", "verify", {{"ok", true}}},
      {"stats_disp", "close", {}}};
  for (const auto& [user, action, body] : steps) {
    HttpResponse r = as(user).post_json("/api/v1/cases/" + id + "/" + action, body);
    ASSERT_EQ(r.status, 200u) << action << ": " << r;
  }
  HttpResponse ev = server_->client().post_json(
      "/api/v1/appeals/track/" + sub.str("/tracking_code") + "/evaluation",
      json::object{{"resolved", "resolved"}, {"satisfaction", "satisfied"}});
  ASSERT_EQ(ev.status, 200u) << ev;
  const json::object after = cg_rates();
  auto num = [](const json::object& o, const char* rate, const char* part) {
    return o.at(rate).at(part).as_int64();
  };
  // Dispatched before `before` was taken; accepted on time with the resident contacted since.
  EXPECT_EQ(num(after, "response", "denominator"), num(before, "response", "denominator"));
  EXPECT_EQ(num(after, "response", "numerator"), num(before, "response", "numerator") + 1);
  EXPECT_EQ(num(after, "resolution", "denominator"), num(before, "resolution", "denominator") + 1);
  EXPECT_EQ(num(after, "resolution", "numerator"), num(before, "resolution", "numerator") + 1);
  EXPECT_EQ(total("stats_admin", "status=closed&grid=MH-S01-C01-G01&from=2000-01-01"),
            total("stats_admin", "status=closed&grid=MH-S01-C01-G01"));
}

TEST_F(StatsTest, AdminConfiguresWeights) {
  const std::string target = "/api/v1/admin/analytics/config";
  const Headers json_type{{"Content-Type", "application/json"}};
  const std::string body =
      R"({"basic_weight": 0.5, "weights": {"department": {"response": 0, "resolution": 100, "satisfaction": 0}}})";
  HttpResponse denied = as("stats_disp").request("PUT", target, body, json_type);
  EXPECT_EQ(denied.status, 403u) << denied;
  HttpResponse put = as("stats_admin").request("PUT", target, body, json_type);
  ASSERT_EQ(put.status, 200u) << put;
  const json::object rates = get("stats_admin", "/api/v1/stats/rates?by=department");
  for (const auto& v : rates.at("rows").as_array()) {
    const json::value& res = v.at("resolution").at("rate");
    if (res.is_null()) continue;
    EXPECT_NEAR(v.at("composite").as_double(), 100 * res.as_double(), 1e-9) << v;
  }
  // Kept across a restart (the configuration is kept in the store).
  server_->restart();
  clients().clear();
  EXPECT_EQ(get("stats_admin", target).at("basic_weight").as_double(), 0.5);
  HttpResponse bad = as("stats_admin").request("PUT", target, R"({"basic_weight": 2})", json_type);
  EXPECT_EQ(bad.status, 422u) << bad;
  EXPECT_EQ(bad.error_field(), "basic_weight") << bad;
  ASSERT_EQ(as("stats_admin").request("PUT", target, "{}", json_type).status, 200u);
}

}  // namespace
}  // namespace civicgrid::api_test
