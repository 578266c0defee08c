// The case workflow's refusals over real HTTP: actions by the wrong role (403), in the wrong state
// (409), with bad bodies (422), with a stale version (409); intake validation; data scope (street
// dispatcher, grid worker, department handler); and the list filters with cursor pagination. One
// server for the suite; ListFilters moves its clock forward by 3 hours (sessions last 12).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr std::string_view kAppeals = "/api/v1/appeals";

// The centre of a grid's bounding box in data/demo/grids.geojson: {lat, lon}.
json::object grid_center(std::string_view code) {
  const char* src = std::getenv("CIVICGRID_SOURCE_DIR");
  const std::string path = std::string(src ? src : ".") + "/data/demo/grids.geojson";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HarnessError("cannot read " + path + " (set CIVICGRID_SOURCE_DIR)");
  std::stringstream ss;
  ss << in.rdbuf();
  const json::value doc = json::parse(ss.str());
  for (const auto& f : doc.at("features").as_array()) {
    if (f.at("properties").at("code").as_string() != code) continue;
    double min_lon = 1e9, max_lon = -1e9, min_lat = 1e9, max_lat = -1e9;
    for (const auto& p : f.at("geometry").at("coordinates").as_array()[0].as_array()) {
      const double lon = p.as_array()[0].to_number<double>(),
                   lat = p.as_array()[1].to_number<double>();
      min_lon = std::min(min_lon, lon), max_lon = std::max(max_lon, lon);
      min_lat = std::min(min_lat, lat), max_lat = std::max(max_lat, lat);
    }
    return {{"lat", (min_lat + max_lat) / 2}, {"lon", (min_lon + max_lon) / 2}};
  }
  throw HarnessError("no grid " + std::string(code) + " in grids.geojson");
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string next_date(const std::string& ymd) {
  std::tm t{};
  t.tm_year = std::atoi(ymd.substr(0, 4).c_str()) - 1900;
  t.tm_mon = std::atoi(ymd.substr(5, 2).c_str()) - 1;
  t.tm_mday = std::atoi(ymd.substr(8, 2).c_str()) + 1;
  t.tm_hour = 12;
  const std::time_t tt = timegm(&t);
  std::tm n{};
  gmtime_r(&tt, &n);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &n);
  return buf;
}

class CasesRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    for (const UserSpec& u :
         std::vector<UserSpec>{{"rules_admin", "admin", "MH"},
                               {"rules_disp", "dispatcher", "MH-CC"},
                               {"rules_disp_s01", "dispatcher", "MH-S01-CC"},
                               {"rules_h_cg", "department_handler", "MH-D-CG"},
                               {"rules_h_hb", "department_handler", "MH-D-HB"},
                               {"rules_grid_g01", "grid_worker", "MH-S01-C01-G01"},
                               {"rules_leader", "leader", "MH"},
                               {"rules_resident", "resident", ""}})
      create_user(*server_, u);
  }
  static void TearDownTestSuite() {
    tokens_.clear();
    server_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpClient as(const std::string& username) {
    HttpClient c = server_->client();
    if (auto it = tokens_.find(username); it != tokens_.end()) {
      c.set_token(it->second);
      return c;
    }
    c = server_->login_as(username);
    tokens_[username] = c.token();
    return c;
  }
  static HttpResponse act(const std::string& user, std::int64_t id, std::string_view action,
                          json::object body = {}, const Headers& headers = {}) {
    return as(user).post_json("/api/v1/cases/" + std::to_string(id) + "/" + std::string(action),
                              body, headers);
  }
  // The case as the administrator sees it (to check that a refused request changed nothing).
  static HttpResponse admin_get(std::int64_t id) {
    return as("rules_admin").get("/api/v1/cases/" + std::to_string(id));
  }
  static json::object appeal(json::object extra = {}) {
    json::object body{{"type", "complaint"},
                      {"title", "占道经营"},
                      {"description", "早市摊贩占用人行道"},
                      {"grid", "MH-S01-C01-G01"}};
    for (auto& [k, v] : extra) body[k] = v;
    return body;
  }
  static std::int64_t submit(json::object extra = {}) {
    HttpResponse r = server_->client().post_json(kAppeals, appeal(std::move(extra)));
    EXPECT_EQ(r.status, 201u) << r;
    return r.integer("/id").value_or(-1);
  }
  // Moves a case along the loop from its current state until `target` (registered, dispatched,
  // accepted, handled).
  static void drive(std::int64_t id, std::string_view target, const std::string& dept = "MH-D-CG") {
    const std::string handler = dept == "MH-D-CG" ? "rules_h_cg" : "rules_h_hb";
    const std::vector<std::tuple<std::string, std::string, std::string, json::object>> steps{
        {"rules_disp", "register", "registered", {}},
        {"rules_disp", "dispatch", "dispatched", {{"department", dept}}},
        {handler, "accept", "accepted", {}},
        {handler, "handle", "handled", {{"result", "已处理"}, {"reply", "已处理完毕"}}}};
    const std::string current = admin_get(id).str("/status");
    bool started = current == "submitted";
    for (const auto& [user, action, to, body] : steps) {
      if (!started) {
        started = to == current;
        continue;
      }
      HttpResponse r = act(user, id, action, body);
      ASSERT_EQ(r.status, 200u) << action << ": " << r;
      ASSERT_EQ(r.str("/status"), to) << r;
      if (to == target) return;
    }
    FAIL() << "unknown target " << target;
  }
  // The ids of GET /api/v1/cases?<query> for `user`, in answer order.
  static std::vector<std::int64_t> list_ids(const std::string& user, const std::string& query) {
    HttpResponse r = as(user).get("/api/v1/cases?" + query);
    EXPECT_EQ(r.status, 200u) << query << ": " << r;
    std::vector<std::int64_t> ids;
    if (const json::value* cases = r.find("/cases"); cases && cases->is_array())
      for (const auto& c : cases->get_array()) ids.push_back(c.at("id").to_number<std::int64_t>());
    return ids;
  }
  static std::set<std::int64_t> list_set(const std::string& query) {
    auto v = list_ids("rules_admin", query + "&limit=200");
    return {v.begin(), v.end()};
  }

  static std::unique_ptr<TestServer> server_;
  static std::map<std::string, std::string> tokens_;
};

std::unique_ptr<TestServer> CasesRulesTest::server_;
std::map<std::string, std::string> CasesRulesTest::tokens_;

// --- roles

TEST_F(CasesRulesTest, RolesMayNotTakeOthersActions) {
  const std::int64_t id = submit();
  ASSERT_NO_FATAL_FAILURE(drive(id, "registered"));
  const json::object to_cg{{"department", "MH-D-CG"}};
  EXPECT_TRUE(IsApiError(
      server_->client().post_json("/api/v1/cases/" + std::to_string(id) + "/dispatch", to_cg), 401,
      "unauthenticated"));
  EXPECT_TRUE(IsApiError(act("rules_resident", id, "dispatch", to_cg), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(act("rules_leader", id, "dispatch", to_cg), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(act("rules_grid_g01", id, "dispatch", to_cg), 403, "forbidden"));
  HttpResponse still = admin_get(id);
  EXPECT_EQ(still.str("/status"), "registered") << still;
  EXPECT_EQ(still.integer("/version"), 2) << still;

  // A leader may supervise (the control: the same user is not refused everything).
  HttpResponse supervised = act("rules_leader", id, "supervise", {{"note", "请加快办理"}});
  ASSERT_EQ(supervised.status, 200u) << supervised;
  EXPECT_EQ(supervised.integer("/supervisions"), 1) << supervised;

  ASSERT_EQ(act("rules_disp", id, "dispatch", to_cg).status, 200u);
  // The lead department's handler sees the case but may not take dispatcher actions.
  for (const char* action : {"register", "close", "verify", "approve_extension"})
    EXPECT_TRUE(IsApiError(act("rules_h_cg", id, action, {{"ok", true}}), 403, "forbidden"))
        << action;
  HttpResponse after = admin_get(id);
  EXPECT_EQ(after.str("/status"), "dispatched") << after;
  EXPECT_EQ(after.integer("/version"), 4) << after;

  // A handler whose department takes no part does not see a submitted case at all.
  const std::int64_t fresh = submit();
  EXPECT_TRUE(IsApiError(act("rules_h_cg", fresh, "register"), 404, "not_found"));
  EXPECT_EQ(admin_get(fresh).str("/status"), "submitted");
}

TEST_F(CasesRulesTest, StateConflictsNameTheState) {
  const std::int64_t id = submit();
  ASSERT_NO_FATAL_FAILURE(drive(id, "registered"));
  for (const char* action : {"close", "register", "verify", "approve_extension"}) {
    HttpResponse r = act("rules_disp", id, action, {{"ok", true}});
    EXPECT_TRUE(IsApiError(r, 409, "conflict")) << action;
    EXPECT_EQ(r.str("/error/state"), "registered") << action << ": " << r;
  }
  EXPECT_EQ(admin_get(id).integer("/version"), 2);
  EXPECT_TRUE(IsApiError(act("rules_disp", id, "no_such_action"), 404, "not_found"));
  EXPECT_TRUE(IsApiError(act("rules_disp", 99999999, "register"), 404, "not_found"));
}

// --- bodies

TEST_F(CasesRulesTest, ActionBodiesAreValidated) {
  const std::int64_t submitted = submit();
  EXPECT_TRUE(
      IsFieldError(act("rules_disp", submitted, "reject"), 422, "invalid_argument", "reason"));
  EXPECT_TRUE(IsFieldError(act("rules_disp", submitted, "reject", {{"reason", "  "}}), 422,
                           "invalid_argument", "reason"));
  EXPECT_TRUE(IsFieldError(act("rules_disp", submitted, "register", {{"category", "C99"}}), 422,
                           "invalid_argument", "category"));
  EXPECT_EQ(admin_get(submitted).str("/status"), "submitted");

  const std::int64_t id = submit();
  ASSERT_NO_FATAL_FAILURE(drive(id, "registered"));
  EXPECT_TRUE(
      IsFieldError(act("rules_disp", id, "dispatch"), 422, "invalid_argument", "department"));
  EXPECT_TRUE(IsFieldError(act("rules_disp", id, "dispatch", {{"department", "MH-S01-C01-G01"}}),
                           422, "invalid_argument", "department"));
  EXPECT_TRUE(IsFieldError(act("rules_disp", id, "dispatch", {{"department", "MH-S01-CC"}}), 422,
                           "invalid_argument", "department"));
  EXPECT_TRUE(IsFieldError(act("rules_disp", id, "dispatch", {{"department", "MH-D-NOPE"}}), 422,
                           "invalid_argument", "department"));
  EXPECT_TRUE(
      IsFieldError(act("rules_disp", id, "dispatch",
                       {{"department", "MH-D-CG"}, {"co_departments", json::array{"MH-D-CG"}}}),
                   422, "invalid_argument", "co_departments"));
  EXPECT_TRUE(IsFieldError(act("rules_disp", id, "supervise"), 422, "invalid_argument", "note"));
  EXPECT_TRUE(
      IsFieldError(act("rules_disp", id, "summon", {{"departments", json::array{"MH-D-ZJ"}}}), 422,
                   "invalid_argument", "within_minutes"));
  HttpResponse unchanged = admin_get(id);
  EXPECT_EQ(unchanged.str("/status"), "registered") << unchanged;
  EXPECT_EQ(unchanged.integer("/version"), 2) << unchanged;

  ASSERT_NO_FATAL_FAILURE(drive(id, "accepted"));
  EXPECT_TRUE(IsFieldError(act("rules_h_cg", id, "handle", {{"result", "已处理"}}), 422,
                           "invalid_argument", "reply"));
  EXPECT_TRUE(IsFieldError(act("rules_h_cg", id, "handle", {{"reply", "已处理"}}), 422,
                           "invalid_argument", "result"));
  EXPECT_TRUE(IsFieldError(act("rules_h_cg", id, "extend", {{"days", 0}, {"reason", "r"}}), 422,
                           "invalid_argument", "days"));
  EXPECT_TRUE(IsFieldError(act("rules_h_cg", id, "extend", {{"days", 31}, {"reason", "r"}}), 422,
                           "invalid_argument", "days"));
  EXPECT_TRUE(IsFieldError(act("rules_h_cg", id, "extend", {{"days", 2}}), 422, "invalid_argument",
                           "reason"));
  EXPECT_EQ(admin_get(id).find("/extension_pending"), nullptr);

  ASSERT_EQ(act("rules_h_cg", id, "handle", {{"result", "已处理"}, {"reply", "已处理"}}).status,
            200u);
  EXPECT_TRUE(IsFieldError(act("rules_disp", id, "verify", {{"ok", "yes"}}), 422,
                           "invalid_argument", "ok"));
  EXPECT_TRUE(IsFieldError(act("rules_disp", id, "verify"), 422, "invalid_argument", "ok"));
  EXPECT_EQ(admin_get(id).str("/status"), "handled");
}

TEST_F(CasesRulesTest, StaleVersionIsAConflict) {
  const std::int64_t id = submit();
  HttpResponse stale = act("rules_disp", id, "register", {}, {{"If-Match", "7"}});
  EXPECT_TRUE(IsFieldError(stale, 409, "conflict", "version"));
  EXPECT_EQ(stale.integer("/error/version"), 1) << stale;
  EXPECT_EQ(admin_get(id).str("/status"), "submitted");

  HttpResponse ok = act("rules_disp", id, "register", {}, {{"If-Match", "1"}});
  ASSERT_EQ(ok.status, 200u) << ok;
  EXPECT_EQ(ok.header("ETag"), "2") << ok;
  EXPECT_EQ(ok.integer("/version"), 2) << ok;

  // The version in the body works alike; a quoted If-Match too.
  HttpResponse stale_body =
      act("rules_disp", id, "dispatch", {{"department", "MH-D-CG"}, {"version", 1}});
  EXPECT_TRUE(IsFieldError(stale_body, 409, "conflict", "version"));
  EXPECT_TRUE(IsFieldError(
      act("rules_disp", id, "dispatch", {{"department", "MH-D-CG"}}, {{"If-Match", "soon"}}), 422,
      "invalid_argument", "If-Match"));
  HttpResponse quoted =
      act("rules_disp", id, "dispatch", {{"department", "MH-D-CG"}}, {{"If-Match", "\"2\""}});
  ASSERT_EQ(quoted.status, 200u) << quoted;
  EXPECT_EQ(quoted.header("ETag"), "3") << quoted;
  EXPECT_EQ(quoted.str("/status"), "dispatched") << quoted;
}

// --- intake

TEST_F(CasesRulesTest, IntakeIsValidated) {
  HttpClient c = server_->client();
  auto without = [](std::string_view key) {
    json::object b = appeal();
    b.erase(key);
    return b;
  };
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, without("description")), 422, "invalid_argument",
                           "description"));
  EXPECT_TRUE(
      IsFieldError(c.post_json(kAppeals, without("title")), 422, "invalid_argument", "title"));
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"description", std::string(4001, 'a')}})),
                           422, "invalid_argument", "description"));
  std::string chinese;
  for (int i = 0; i < 4000; ++i) chinese += "诉";
  HttpResponse long_ok = c.post_json(kAppeals, appeal({{"description", chinese}}));
  ASSERT_EQ(long_ok.status, 201u) << long_ok;
  EXPECT_EQ(admin_get(*long_ok.integer("/id")).str("/description"), chinese);
  std::string chinese_4001 = chinese + "诉";
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"description", chinese_4001}})), 422,
                           "invalid_argument", "description"));

  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"type", "rant"}})), 422,
                           "invalid_argument", "type"));
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"urgency", "asap"}})), 422,
                           "invalid_argument", "urgency"));
  EXPECT_TRUE(
      IsFieldError(c.post_json(kAppeals, appeal({{"location", {{"lat", 91}, {"lon", 112.95}}}})),
                   422, "invalid_argument", "location.lat"));
  EXPECT_TRUE(
      IsFieldError(c.post_json(kAppeals, appeal({{"location", {{"lat", 28.2}, {"lon", 181}}}})),
                   422, "invalid_argument", "location.lon"));
  EXPECT_TRUE(
      IsFieldError(c.post_json(kAppeals, without("grid")), 422, "invalid_argument", "location"));
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"category", "C99-99"}})), 422,
                           "invalid_argument", "category"));
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"grid", "MH-S09-C01-G01"}})), 422,
                           "invalid_argument", "grid"));
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"grid", "MH-S01"}})), 422,
                           "invalid_argument", "grid"));
  EXPECT_TRUE(IsFieldError(c.post_json(kAppeals, appeal({{"contact", {{"phone", "call me"}}}})),
                           422, "invalid_argument", "contact.phone"));
  EXPECT_TRUE(IsApiError(c.post(kAppeals, R"({"type": "complaint", "title": )", "application/json"),
                         400, "bad_request"));
  EXPECT_TRUE(IsApiError(c.post(kAppeals, "[1, 2]", "application/json"), 400, "bad_request"));
  EXPECT_TRUE(IsApiError(c.post(kAppeals, json::serialize(appeal()), "text/plain"), 415,
                         "unsupported_media_type"));

  // Only an address: accepted, and the case belongs to the whole district.
  HttpResponse address_only =
      c.post_json(kAppeals, appeal({{"grid", nullptr}, {"address", "明湖区湖滨路1号"}}));
  ASSERT_EQ(address_only.status, 201u) << address_only;
  EXPECT_EQ(admin_get(*address_only.integer("/id")).str("/area/code"), "MH");
}

// --- data scope

TEST_F(CasesRulesTest, StreetDispatcherWorksOnlyInItsStreet) {
  const std::string marker = "范围标记S01S02";
  const std::int64_t s01 = submit(
      {{"grid", nullptr}, {"title", marker + "甲"}, {"location", grid_center("MH-S01-C02-G02")}});
  const std::int64_t s02 = submit(
      {{"grid", nullptr}, {"title", marker + "乙"}, {"location", grid_center("MH-S02-C01-G01")}});
  ASSERT_EQ(admin_get(s01).str("/grid/code"), "MH-S01-C02-G02");
  ASSERT_EQ(admin_get(s02).str("/grid/code"), "MH-S02-C01-G01");

  const auto seen = list_ids("rules_disp_s01", "text=" + url_encode(marker));
  EXPECT_NE(std::find(seen.begin(), seen.end(), s01), seen.end()) << "own street's case not listed";
  EXPECT_EQ(std::find(seen.begin(), seen.end(), s02), seen.end()) << "another street's case listed";
  EXPECT_EQ(as("rules_disp_s01").get("/api/v1/cases/" + std::to_string(s01)).status, 200u);
  EXPECT_TRUE(IsApiError(as("rules_disp_s01").get("/api/v1/cases/" + std::to_string(s02)), 404,
                         "not_found"));

  EXPECT_TRUE(IsApiError(act("rules_disp_s01", s02, "register"), 404, "not_found"));
  EXPECT_TRUE(
      IsApiError(act("rules_disp_s01", s02, "reject", {{"reason", "重复"}}), 404, "not_found"));
  HttpResponse untouched = admin_get(s02);
  EXPECT_EQ(untouched.str("/status"), "submitted") << untouched;
  EXPECT_EQ(untouched.integer("/version"), 1) << untouched;
  EXPECT_EQ(untouched.find("/timeline")->as_array().size(), 1u) << untouched;

  HttpResponse own = act("rules_disp_s01", s01, "register");
  ASSERT_EQ(own.status, 200u) << own;
  EXPECT_EQ(own.str("/status"), "registered") << own;
}

TEST_F(CasesRulesTest, GridWorkerVerifiesOnlyInItsGrid) {
  const std::int64_t g01 = submit({{"grid", "MH-S01-C01-G01"}});
  const std::int64_t g02 = submit({{"grid", "MH-S01-C01-G02"}});
  ASSERT_NO_FATAL_FAILURE(drive(g01, "handled"));
  ASSERT_NO_FATAL_FAILURE(drive(g02, "handled"));

  EXPECT_TRUE(IsApiError(act("rules_grid_g01", g02, "verify", {{"ok", true}}), 404, "not_found"));
  HttpResponse untouched = admin_get(g02);
  EXPECT_EQ(untouched.str("/status"), "handled") << untouched;
  EXPECT_EQ(untouched.integer("/version"), 5) << untouched;

  HttpResponse verified =
      act("rules_grid_g01", g01, "verify", {{"ok", true}, {"note", "网格员现场核实"}});
  ASSERT_EQ(verified.status, 200u) << verified;
  EXPECT_EQ(verified.str("/status"), "verified") << verified;
  // Closing stays with the dispatcher.
  EXPECT_TRUE(IsApiError(act("rules_grid_g01", g01, "close"), 403, "forbidden"));
}

TEST_F(CasesRulesTest, DepartmentHandlerSeesOnlyCasesItTakesPartIn) {
  const std::string marker = "部门范围标记";
  const std::int64_t id = submit({{"title", marker}});
  ASSERT_NO_FATAL_FAILURE(drive(id, "dispatched", "MH-D-CG"));
  const std::string query = "text=" + url_encode(marker);
  const auto hb = list_ids("rules_h_hb", query);
  EXPECT_EQ(std::find(hb.begin(), hb.end(), id), hb.end())
      << "MH-D-HB lists a case dispatched to MH-D-CG";
  EXPECT_TRUE(
      IsApiError(as("rules_h_hb").get("/api/v1/cases/" + std::to_string(id)), 404, "not_found"));
  EXPECT_TRUE(IsApiError(act("rules_h_hb", id, "accept"), 404, "not_found"));
  const auto cg = list_ids("rules_h_cg", query);
  EXPECT_NE(std::find(cg.begin(), cg.end(), id), cg.end()) << "MH-D-CG does not list its own case";
  EXPECT_EQ(as("rules_h_cg").get("/api/v1/cases/" + std::to_string(id)).status, 200u);
}

// --- list filters

TEST_F(CasesRulesTest, ListFilters) {
  const std::string marker = "筛选标记丁戊";
  const std::int64_t c1 = submit({{"title", marker + "垃圾清运"},
                                  {"description", "垃圾站旁梧桐飞絮严重"},
                                  {"grid", "MH-S01-C01-G01"},
                                  {"category", "C01-02-01"}});
  const std::int64_t c2 =
      submit({{"title", marker + "排污"}, {"grid", "MH-S01-C01-G02"}, {"category", "C04-01-04"}});
  const std::int64_t c3 = submit(
      {{"title", marker + "燃气泄漏"}, {"grid", "MH-S02-C01-G01"}, {"urgency", "emergency"}});
  ASSERT_NO_FATAL_FAILURE(drive(c1, "dispatched", "MH-D-CG"));
  ASSERT_NO_FATAL_FAILURE(drive(c2, "dispatched", "MH-D-HB"));
  using Ids = std::set<std::int64_t>;
  const std::string m = "text=" + url_encode(marker);

  EXPECT_EQ(list_set(m), (Ids{c1, c2, c3}));
  EXPECT_EQ(list_set("text=" + url_encode("梧桐飞絮")), (Ids{c1})) << "text in the description";
  EXPECT_EQ(list_set(m + "&status=dispatched"), (Ids{c1, c2}));
  EXPECT_EQ(list_set(m + "&status=submitted"), (Ids{c3}));
  EXPECT_EQ(list_set(m + "&category=C01"), (Ids{c1})) << "descendants of a first-level category";
  EXPECT_EQ(list_set(m + "&category=C01-02"), (Ids{c1}));
  EXPECT_EQ(list_set(m + "&category=C01-02-01"), (Ids{c1}));
  EXPECT_EQ(list_set(m + "&category=C04"), (Ids{c2}));
  EXPECT_EQ(list_set(m + "&grid=MH-S01-C01-G01"), (Ids{c1}));
  EXPECT_EQ(list_set(m + "&area=MH-S01-C01"), (Ids{c1, c2}));
  EXPECT_EQ(list_set(m + "&area=MH-S01"), (Ids{c1, c2}));
  EXPECT_EQ(list_set(m + "&area=MH-S02"), (Ids{c3}));
  EXPECT_EQ(list_set(m + "&department=MH-D-CG"), (Ids{c1}));
  EXPECT_EQ(list_set(m + "&department=MH-D-HB"), (Ids{c2}));
  EXPECT_EQ(list_set(m + "&department=MH-D-HB&status=dispatched&area=MH-S01"), (Ids{c2}));

  // Dates: from is inclusive, to exclusive; a date means its start in China time.
  HttpResponse first = admin_get(c1);
  const std::string created = first.str("/created_at");
  ASSERT_GE(created.size(), 25u) << first;
  const std::string day = created.substr(0, 10);
  EXPECT_TRUE(list_set(m + "&from=" + day).contains(c1));
  EXPECT_FALSE(list_set(m + "&from=" + next_date(day)).contains(c1));
  EXPECT_FALSE(list_set(m + "&to=" + day).contains(c1));
  EXPECT_TRUE(list_set(m + "&to=" + next_date(day)).contains(c1));
  EXPECT_TRUE(list_set(m + "&from=" + url_encode(created)).contains(c1));
  EXPECT_FALSE(list_set(m + "&to=" + url_encode(created)).contains(c1));

  for (const char* bad : {"status=lost", "category=C99", "area=MH-S09", "from=yesterday",
                          "overdue=maybe", "limit=ten"}) {
    HttpResponse r = as("rules_admin").get(std::string("/api/v1/cases?") + bad);
    EXPECT_TRUE(IsApiError(r, 422, "invalid_argument")) << bad;
  }

  // Overdue: only the emergency case (2 h limit) once three hours have passed.
  EXPECT_EQ(list_set(m + "&overdue=true"), Ids{});
  EXPECT_EQ(list_set(m + "&overdue=false"), (Ids{c1, c2, c3}));
  HttpResponse moved =
      server_->client().post_json("/api/v1/test/clock", {{"advance_ms", 3 * 3600 * 1000}});
  ASSERT_EQ(moved.status, 200u) << moved;
  EXPECT_EQ(list_set(m + "&overdue=true"), (Ids{c3}));
  EXPECT_EQ(list_set(m + "&overdue=false"), (Ids{c1, c2}));
}

TEST_F(CasesRulesTest, CursorPaginationHasNoDuplicatesOrGaps) {
  const std::string marker = "分页标记己庚";
  std::set<std::int64_t> created;
  for (int i = 0; i < 7; ++i) created.insert(submit({{"title", marker + std::to_string(i)}}));
  ASSERT_EQ(created.size(), 7u);

  std::vector<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  for (; pages < 10; ++pages) {
    HttpResponse r = as("rules_disp")
                         .get("/api/v1/cases?limit=3&text=" + url_encode(marker) +
                              (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200u) << r;
    const auto& cases = r.find("/cases")->as_array();
    EXPECT_LE(cases.size(), 3u) << r;
    for (const auto& c : cases) seen.push_back(c.at("id").to_number<std::int64_t>());
    const json::value* next = r.find("/next_cursor");
    ASSERT_NE(next, nullptr) << r;
    if (next->is_null()) break;
    EXPECT_EQ(cases.size(), 3u) << "a short page before the end: " << r;
    cursor = std::to_string(next->to_number<std::int64_t>());
  }
  EXPECT_EQ(pages + 1, 3) << "7 cases in pages of 3";
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend())) << "not newest first";
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), seen.size())
      << "duplicates across pages";
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()), created) << "gaps across pages";
}

}  // namespace
}  // namespace civicgrid::api_test
