// The 接诉即办 closed loop over real HTTP: intake → register → dispatch → accept → handle → verify
// → close → evaluation, and its side paths: return and re-dispatch, rework after a failed
// verification, merging a duplicate, summoning departments (吹哨报到), extensions, and reopening
// after an unresolved and unsatisfied evaluation. One server for the suite; its clock is never
// moved.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
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

// --- helpers shared by the tests of this file

std::string source_dir() {
  const char* dir = std::getenv("CIVICGRID_SOURCE_DIR");
  return dir ? dir : ".";
}

json::value read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HarnessError("cannot read " + path + " (set CIVICGRID_SOURCE_DIR)");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

// The centre of a grid's bounding box in data/demo/grids.geojson: {lat, lon}.
json::object grid_center(std::string_view code) {
  const json::value doc = read_json_file(source_dir() + "/data/demo/grids.geojson");
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

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string date_of_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y), m, d);
  return buf;
}

std::int64_t days_of_date(std::string_view ymd) {
  return days_from_civil(std::atoi(std::string(ymd.substr(0, 4)).c_str()),
                         static_cast<unsigned>(std::atoi(std::string(ymd.substr(5, 2)).c_str())),
                         static_cast<unsigned>(std::atoi(std::string(ymd.substr(8, 2)).c_str())));
}

// A working day per data/calendar/cn-holidays.json: Monday–Friday unless a day off, or an adjusted
// workday (调休).
bool is_working_day(std::int64_t days) {
  static const json::value cal = read_json_file(source_dir() + "/data/calendar/cn-holidays.json");
  const std::string date = date_of_days(days);
  const json::object& years = cal.at("years").as_object();
  if (const json::value* y = years.if_contains(date.substr(0, 4))) {
    const json::object& year = y->as_object();
    if (year.at("days_off").as_object().contains(date)) return false;
    if (const json::value* adj = year.if_contains("adjusted_workdays");
        adj && adj->as_object().contains(date))
      return true;
  }
  const std::int64_t weekday = ((days % 7) + 11) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
  return weekday >= 1 && weekday <= 5;
}

// The events of a staff (or public) case view.
const json::array& timeline(const HttpResponse& r) {
  static const json::array kEmpty;
  const json::value* t = r.find("/timeline");
  return t && t->is_array() ? t->get_array() : kEmpty;
}

std::vector<std::string> timeline_field(const HttpResponse& r, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& e : timeline(r))
    if (const json::value* v = e.as_object().if_contains(key); v && v->is_string())
      out.emplace_back(v->get_string());
  return out;
}

// The last event with this action, or null.
const json::object* last_event(const HttpResponse& r, std::string_view action) {
  const json::object* found = nullptr;
  for (const auto& e : timeline(r))
    if (e.as_object().at("action") == json::value(action)) found = &e.as_object();
  return found;
}

std::vector<const json::object*> events(const HttpResponse& r, std::string_view action) {
  std::vector<const json::object*> out;
  for (const auto& e : timeline(r))
    if (e.as_object().at("action") == json::value(action)) out.push_back(&e.as_object());
  return out;
}

std::string ev_str(const json::object* e, std::string_view data_key) {
  if (!e) return "<no event>";
  const json::value* v = e->at("data").as_object().if_contains(data_key);
  return v && v->is_string() ? std::string(v->get_string()) : "<no " + std::string(data_key) + ">";
}

const std::map<std::string, std::string> kHandlerOf = {
    {"MH-D-CG", "flow_h_cg"}, {"MH-D-ZJ", "flow_h_zj"}, {"MH-D-HB", "flow_h_hb"}};

class CasesFlowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    for (const UserSpec& u : std::vector<UserSpec>{{"flow_disp", "dispatcher", "MH-CC"},
                                                   {"flow_h_cg", "department_handler", "MH-D-CG"},
                                                   {"flow_h_zj", "department_handler", "MH-D-ZJ"},
                                                   {"flow_h_hb", "department_handler", "MH-D-HB"}})
      create_user(*server_, u);
  }
  static void TearDownTestSuite() {
    tokens_.clear();
    server_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  // Each user logs in once per suite.
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
  static HttpClient anonymous() { return server_->client(); }

  static HttpResponse act(const std::string& user, std::int64_t id, std::string_view action,
                          json::object body = {}) {
    return as(user).post_json("/api/v1/cases/" + std::to_string(id) + "/" + std::string(action),
                              body);
  }
  static HttpResponse get_case(std::int64_t id) {
    return as("flow_disp").get("/api/v1/cases/" + std::to_string(id));
  }
  static HttpResponse track(const std::string& code) {
    return anonymous().get("/api/v1/appeals/track/" + code);
  }

  // Submits an appeal anonymously; ASSERTs 201 and returns {id, tracking code}.
  static void submit(std::int64_t& id, std::string& code, json::object extra = {}) {
    json::object body{{"type", "complaint"},
                      {"title", "路灯不亮"},
                      {"description", "小区门口的路灯坏了一周"},
                      {"grid", "MH-S01-C01-G01"}};
    for (auto& [k, v] : extra) body[k] = v;
    HttpResponse r = anonymous().post_json("/api/v1/appeals", body);
    ASSERT_EQ(r.status, 201u) << r;
    ASSERT_TRUE(r.integer("/id").has_value()) << r;
    id = *r.integer("/id");
    code = r.str("/tracking_code");
    ASSERT_FALSE(code.empty()) << r;
  }

  // Moves a submitted case along the loop until it reaches `target`, asserting every step.
  static void drive(std::int64_t id, std::string_view target, const std::string& dept = "MH-D-CG") {
    struct Step {
      std::string user, action, to;
      json::object body;
    };
    const std::string handler = kHandlerOf.at(dept);
    const std::vector<Step> steps{
        {"flow_disp", "register", "registered", {{"category", "C01-02-01"}}},
        {"flow_disp", "dispatch", "dispatched", {{"department", dept}}},
        {handler, "accept", "accepted", {{"contacted", true}}},
        {handler,
         "handle",
         "handled",
         {{"result", "已更换灯泡"}, {"reply", "路灯已修复，感谢您的反映"}}},
        {"flow_disp", "verify", "verified", {{"ok", true}}},
        {"flow_disp", "close", "closed", {}},
    };
    for (const auto& s : steps) {
      HttpResponse r = act(s.user, id, s.action, s.body);
      ASSERT_EQ(r.status, 200u) << s.action << ": " << r;
      ASSERT_EQ(r.str("/status"), s.to) << s.action << ": " << r;
      if (s.to == target) return;
    }
    FAIL() << "unknown target state " << target;
  }

  static std::unique_ptr<TestServer> server_;
  static std::map<std::string, std::string> tokens_;
};

std::unique_ptr<TestServer> CasesFlowTest::server_;
std::map<std::string, std::string> CasesFlowTest::tokens_;

TEST_F(CasesFlowTest, FullLoopFromIntakeToEvaluation) {
  const json::object where = grid_center("MH-S01-C02-G03");
  HttpResponse sub = anonymous().post_json(
      "/api/v1/appeals", {{"type", "complaint"},
                          {"title", "人行道井盖缺失"},
                          {"description", "柳堤社区南门人行道井盖缺失，夜间有安全隐患"},
                          {"location", where}});
  ASSERT_EQ(sub.status, 201u) << sub;
  ASSERT_TRUE(sub.integer("/id").has_value()) << sub;
  const std::int64_t id = *sub.integer("/id");
  const std::string code = sub.str("/tracking_code");
  EXPECT_TRUE(std::regex_match(code, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"))) << sub;
  EXPECT_EQ(sub.str("/status"), "submitted") << sub;
  EXPECT_FALSE(sub.str("/deadline_at").empty()) << sub;
  EXPECT_EQ(sub.str("/grid"), "MH-S01-C02-G03") << "grid not found from the location: " << sub;

  struct Step {
    std::string user, action, to;
    json::object body;
  };
  const std::vector<Step> steps{
      {"flow_disp", "register", "registered", {{"category", "C01-02-04"}, {"note", "属实"}}},
      {"flow_disp", "dispatch", "dispatched", {{"department", "MH-D-CG"}, {"note", "请尽快处置"}}},
      {"flow_h_cg", "accept", "accepted", {{"contacted", true}}},
      {"flow_h_cg",
       "handle",
       "handled",
       {{"result", "已补装井盖"}, {"reply", "井盖已补装，感谢反映"}}},
      {"flow_disp", "verify", "verified", {{"ok", true}, {"note", "现场核实"}}},
      {"flow_disp", "close", "closed", {{"note", "办结"}}},
  };
  std::int64_t version = 1;
  for (const auto& s : steps) {
    HttpResponse r = act(s.user, id, s.action, s.body);
    ASSERT_EQ(r.status, 200u) << s.action << ": " << r;
    EXPECT_EQ(r.str("/status"), s.to) << s.action << ": " << r;
    ASSERT_TRUE(r.integer("/version").has_value()) << r;
    EXPECT_EQ(*r.integer("/version"), version + 1) << s.action << ": " << r;
    version = *r.integer("/version");
    EXPECT_EQ(r.header("ETag"), std::to_string(version)) << s.action;
    if (s.action == "dispatch") {
      EXPECT_EQ(r.str("/lead/code"), "MH-D-CG") << r;
    }
  }

  HttpResponse eval = anonymous().post_json(
      "/api/v1/appeals/track/" + code + "/evaluation",
      {{"resolved", "resolved"}, {"satisfaction", "satisfied"}, {"comment", "处理及时"}});
  ASSERT_EQ(eval.status, 200u) << eval;
  EXPECT_EQ(eval.str("/status"), "closed") << eval;
  EXPECT_EQ(eval.str("/evaluation/satisfaction"), "satisfied") << eval;
  EXPECT_EQ(eval.str("/evaluation/resolved"), "resolved") << eval;
  ASSERT_NE(eval.find("/can_evaluate"), nullptr) << eval;
  EXPECT_EQ(*eval.find("/can_evaluate"), json::value(false)) << eval;

  const std::vector<std::string> actions{"submit", "register", "dispatch", "accept",
                                         "handle", "verify",   "close",    "evaluate"};
  const std::vector<std::string> statuses{"submitted", "registered", "dispatched", "accepted",
                                          "handled",   "verified",   "closed",     "closed"};
  HttpResponse staff = get_case(id);
  ASSERT_EQ(staff.status, 200u) << staff;
  EXPECT_EQ(staff.str("/status"), "closed") << staff;
  EXPECT_FALSE(staff.str("/closed_at").empty()) << staff;
  EXPECT_EQ(staff.str("/evaluation/satisfaction"), "satisfied") << staff;
  EXPECT_EQ(staff.str("/grid/code"), "MH-S01-C02-G03") << staff;
  EXPECT_EQ(staff.str("/category/code"), "C01-02-04") << staff;
  EXPECT_EQ(timeline_field(staff, "action"), actions) << staff;
  EXPECT_EQ(timeline_field(staff, "to"), statuses) << staff;
  EXPECT_EQ(ev_str(last_event(staff, "dispatch"), "department"), "MH-D-CG") << staff;

  HttpResponse pub = track(code);
  ASSERT_EQ(pub.status, 200u) << pub;
  EXPECT_EQ(pub.str("/status"), "closed") << pub;
  EXPECT_EQ(timeline_field(pub, "action"), actions) << pub;
  EXPECT_EQ(timeline_field(pub, "status"), statuses) << pub;
}

TEST_F(CasesFlowTest, ReturnedCaseIsRedispatchedToAnotherDepartment) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  ASSERT_NO_FATAL_FAILURE(drive(id, "dispatched", "MH-D-CG"));

  HttpResponse returned = act("flow_h_cg", id, "return", {{"reason", "不属于本部门职责"}});
  ASSERT_EQ(returned.status, 200u) << returned;
  EXPECT_EQ(returned.str("/status"), "registered") << returned;
  EXPECT_EQ(returned.integer("/returns"), 1) << returned;
  ASSERT_NE(returned.find("/lead"), nullptr) << returned;
  EXPECT_TRUE(returned.find("/lead")->is_null()) << returned;
  EXPECT_EQ(ev_str(last_event(returned, "return"), "department"), "MH-D-CG") << returned;

  HttpResponse again = act("flow_disp", id, "dispatch", {{"department", "MH-D-ZJ"}});
  ASSERT_EQ(again.status, 200u) << again;
  EXPECT_EQ(again.str("/status"), "dispatched") << again;
  EXPECT_EQ(again.str("/lead/code"), "MH-D-ZJ") << again;
  const auto version = again.integer("/version");

  // The first department no longer takes part: the case is outside its scope altogether.
  for (const char* action : {"accept", "return", "handle"}) {
    HttpResponse r =
        act("flow_h_cg", id, action, {{"reason", "x"}, {"result", "x"}, {"reply", "x"}});
    EXPECT_TRUE(IsApiError(r, 404, "not_found")) << action;
  }
  HttpResponse after = get_case(id);
  ASSERT_EQ(after.status, 200u) << after;
  EXPECT_EQ(after.str("/status"), "dispatched") << after;
  EXPECT_EQ(after.integer("/version"), version) << "a refused action changed the case: " << after;

  HttpResponse accepted = act("flow_h_zj", id, "accept");
  ASSERT_EQ(accepted.status, 200u) << accepted;
  EXPECT_EQ(accepted.str("/status"), "accepted") << accepted;
  EXPECT_EQ(accepted.integer("/returns"), 1) << accepted;
  EXPECT_EQ(
      timeline_field(accepted, "action"),
      (std::vector<std::string>{"submit", "register", "dispatch", "return", "dispatch", "accept"}))
      << accepted;
}

TEST_F(CasesFlowTest, FailedVerificationSendsTheCaseBackForRework) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  ASSERT_NO_FATAL_FAILURE(drive(id, "handled"));

  HttpResponse failed = act("flow_disp", id, "verify", {{"ok", false}, {"note", "现场仍未修复"}});
  ASSERT_EQ(failed.status, 200u) << failed;
  EXPECT_EQ(failed.str("/status"), "accepted") << failed;
  EXPECT_EQ(failed.integer("/reworks"), 1) << failed;
  const json::object* verify = last_event(failed, "verify");
  ASSERT_NE(verify, nullptr) << failed;
  EXPECT_EQ(verify->at("from"), json::value("handled")) << failed;
  EXPECT_EQ(verify->at("to"), json::value("accepted")) << failed;
  EXPECT_EQ(verify->at("data").as_object().at("ok"), json::value(false)) << failed;

  // Closing now is a state conflict; the department handles the case again.
  EXPECT_TRUE(IsApiError(act("flow_disp", id, "close"), 409, "conflict"));
  HttpResponse rework =
      act("flow_h_cg", id, "handle", {{"result", "二次维修"}, {"reply", "已再次修复"}});
  ASSERT_EQ(rework.status, 200u) << rework;
  EXPECT_EQ(rework.str("/status"), "handled") << rework;
  EXPECT_EQ(rework.str("/reply"), "已再次修复") << rework;
  HttpResponse ok = act("flow_disp", id, "verify", {{"ok", true}});
  ASSERT_EQ(ok.status, 200u) << ok;
  EXPECT_EQ(ok.str("/status"), "verified") << ok;
  EXPECT_EQ(ok.integer("/reworks"), 1) << ok;
  EXPECT_EQ(events(ok, "handle").size(), 2u) << ok;
}

TEST_F(CasesFlowTest, DuplicateIsMergedIntoTheOriginal) {
  std::int64_t a = 0, b = 0;
  std::string code_a, code_b;
  ASSERT_NO_FATAL_FAILURE(submit(a, code_a, {{"title", "噪音扰民（原件）"}}));
  ASSERT_NO_FATAL_FAILURE(submit(b, code_b, {{"title", "噪音扰民（重复）"}}));
  ASSERT_EQ(act("flow_disp", a, "register").status, 200u);

  EXPECT_TRUE(
      IsFieldError(act("flow_disp", a, "merge", {{"into", a}}), 422, "invalid_argument", "into"));
  EXPECT_TRUE(IsFieldError(act("flow_disp", b, "merge", {{"into", a + 1000000}}), 422,
                           "invalid_argument", "into"));
  EXPECT_TRUE(IsFieldError(act("flow_disp", b, "merge"), 422, "invalid_argument", "into"));

  HttpResponse merged = act("flow_disp", b, "merge", {{"into", a}});
  ASSERT_EQ(merged.status, 200u) << merged;
  EXPECT_EQ(merged.str("/status"), "merged") << merged;
  EXPECT_EQ(merged.integer("/merged_into"), a) << merged;

  HttpResponse original = get_case(a);
  ASSERT_EQ(original.status, 200u) << original;
  EXPECT_EQ(original.str("/status"), "registered") << original;
  const json::object* note = last_event(original, "merge");
  ASSERT_NE(note, nullptr) << "no merge event on the original: " << original;
  const json::value* merged_case = note->at("data").as_object().if_contains("merged_case");
  ASSERT_NE(merged_case, nullptr) << original;
  EXPECT_EQ(merged_case->to_number<std::int64_t>(), b) << original;

  // A merged case is finished: no further work on it.
  HttpResponse late = act("flow_disp", b, "register");
  EXPECT_TRUE(IsApiError(late, 409, "conflict"));
  EXPECT_EQ(late.str("/error/state"), "merged") << late;
  EXPECT_EQ(track(code_b).str("/status"), "merged");
}

TEST_F(CasesFlowTest, SummonedDepartmentsReportOnce) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  ASSERT_NO_FATAL_FAILURE(drive(id, "dispatched", "MH-D-CG"));

  HttpResponse summon = act("flow_disp", id, "summon",
                            {{"departments", json::array{"MH-D-ZJ", "MH-D-HB"}},
                             {"within_minutes", 120},
                             {"note", "联合处置"}});
  ASSERT_EQ(summon.status, 200u) << summon;
  EXPECT_EQ(summon.str("/status"), "dispatched") << summon;
  std::vector<std::string> summoned;
  for (const auto& p : summon.find("/participants")->as_array())
    if (p.at("role") == json::value("summoned"))
      summoned.emplace_back(p.at("unit").at("code").as_string());
  EXPECT_EQ(sorted(summoned), (std::vector<std::string>{"MH-D-HB", "MH-D-ZJ"})) << summon;

  // The lead department was not summoned.
  HttpResponse not_summoned = act("flow_h_cg", id, "report");
  EXPECT_TRUE(IsApiError(not_summoned, 403, "forbidden"));
  const auto version = get_case(id).integer("/version");
  ASSERT_TRUE(version.has_value());

  HttpResponse zj = act("flow_h_zj", id, "report", {{"note", "已到场"}});
  ASSERT_EQ(zj.status, 200u) << zj;
  EXPECT_EQ(*zj.integer("/version"), *version + 1) << zj;
  HttpResponse hb = act("flow_h_hb", id, "report");
  ASSERT_EQ(hb.status, 200u) << hb;
  EXPECT_EQ(hb.str("/status"), "dispatched") << hb;

  std::map<std::string, json::value> on_time;
  for (const json::object* e : events(hb, "report"))
    on_time[ev_str(e, "department")] = e->at("data").as_object().contains("on_time")
                                           ? e->at("data").as_object().at("on_time")
                                           : json::value(nullptr);
  ASSERT_EQ(on_time.size(), 2u) << hb;
  EXPECT_EQ(on_time["MH-D-ZJ"], json::value(true)) << hb;
  EXPECT_EQ(on_time["MH-D-HB"], json::value(true)) << hb;

  // A third report, by a department that has already reported: a conflict with the case's state.
  HttpResponse third = act("flow_h_zj", id, "report");
  EXPECT_TRUE(IsApiError(third, 409, "conflict"));
  HttpResponse after = get_case(id);
  EXPECT_EQ(events(after, "report").size(), 2u) << after;
  EXPECT_EQ(after.integer("/version"), hb.integer("/version")) << after;
}

TEST_F(CasesFlowTest, ApprovedExtensionMovesTheDeadlineByWorkingDays) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  ASSERT_NO_FATAL_FAILURE(drive(id, "accepted"));
  const std::string before = get_case(id).str("/deadline_at");
  ASSERT_EQ(before.size(), 25u) << before;

  HttpResponse asked = act("flow_h_cg", id, "extend", {{"days", 3}, {"reason", "需协调供电公司"}});
  ASSERT_EQ(asked.status, 200u) << asked;
  EXPECT_EQ(asked.integer("/extension_pending/days"), 3) << asked;
  EXPECT_EQ(asked.str("/deadline_at"), before) << "the deadline moved before approval: " << asked;

  HttpResponse second = act("flow_h_cg", id, "extend", {{"days", 2}, {"reason", "再延"}});
  EXPECT_TRUE(IsApiError(second, 409, "conflict"));
  EXPECT_EQ(get_case(id).integer("/extension_pending/days"), 3);

  HttpResponse approved = act("flow_disp", id, "approve_extension", {{"note", "同意"}});
  ASSERT_EQ(approved.status, 200u) << approved;
  EXPECT_EQ(approved.find("/extension_pending"), nullptr) << approved;
  const std::string after = approved.str("/deadline_at");
  ASSERT_EQ(after.size(), 25u) << approved;
  EXPECT_GT(after, before) << approved;  // same offset and format: text order is time order
  EXPECT_EQ(after.substr(10), "T17:30:00+08:00") << approved;
  const std::int64_t old_day = days_of_date(before), new_day = days_of_date(after);
  EXPECT_TRUE(is_working_day(new_day)) << after;
  int working = 0;
  for (std::int64_t d = old_day + 1; d <= new_day; ++d) working += is_working_day(d);
  EXPECT_EQ(working, 3) << before << " → " << after;
  EXPECT_EQ(ev_str(last_event(approved, "approve_extension"), "deadline_at"), after) << approved;

  EXPECT_TRUE(IsApiError(act("flow_disp", id, "approve_extension"), 409, "conflict"));
  EXPECT_EQ(get_case(id).str("/deadline_at"), after);
}

TEST_F(CasesFlowTest, UnresolvedAndUnsatisfiedEvaluationReopensTheCase) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  ASSERT_NO_FATAL_FAILURE(drive(id, "closed"));
  const auto supervisions = get_case(id).integer("/supervisions");
  ASSERT_TRUE(supervisions.has_value());

  const std::string target = "/api/v1/appeals/track/" + code + "/evaluation";
  HttpResponse eval = anonymous().post_json(
      target,
      {{"resolved", "unresolved"}, {"satisfaction", "unsatisfied"}, {"comment", "路灯仍然不亮"}});
  ASSERT_EQ(eval.status, 200u) << eval;
  EXPECT_EQ(eval.str("/status"), "reopened") << eval;

  HttpResponse staff = get_case(id);
  ASSERT_EQ(staff.status, 200u) << staff;
  EXPECT_EQ(staff.str("/status"), "reopened") << staff;
  ASSERT_TRUE(staff.integer("/supervisions").has_value()) << staff;
  EXPECT_GE(*staff.integer("/supervisions"), 1) << staff;
  EXPECT_EQ(*staff.integer("/supervisions"), *supervisions + 1) << staff;
  EXPECT_EQ(staff.find("/closed_at"), nullptr) << staff;
  ASSERT_NE(last_event(staff, "evaluate"), nullptr) << staff;
  EXPECT_EQ(last_event(staff, "evaluate")->at("to"), json::value("reopened")) << staff;

  HttpResponse twice =
      anonymous().post_json(target, {{"resolved", "resolved"}, {"satisfaction", "satisfied"}});
  EXPECT_TRUE(IsApiError(twice, 409, "conflict"));
  EXPECT_EQ(get_case(id).str("/status"), "reopened");

  // Back in the dispatcher's hands.
  HttpResponse redispatch = act("flow_disp", id, "dispatch", {{"department", "MH-D-CG"}});
  ASSERT_EQ(redispatch.status, 200u) << redispatch;
  EXPECT_EQ(redispatch.str("/status"), "dispatched") << redispatch;
}

}  // namespace
}  // namespace civicgrid::api_test
