// Time limits over real HTTP with the injected clock: the overdue sweep flags open cases past their
// deadline (with an automatic supervision by "system") and leaves closed ones alone; emergency and
// urgent appeals get natural-time deadlines. The suite's server runs its background sweep only once
// a day, so that each sweep here is the one the test asks for; its clock only moves forward.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr std::int64_t kHourMs = 3600 * 1000;

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "2026-11-27T10:15:00(.123)?+08:00" → UTC milliseconds; nullopt for anything else.
std::optional<std::int64_t> parse_time(const std::string& s) {
  int y, mo, d, h, mi, sec, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
      n != 19)
    return std::nullopt;
  size_t pos = 19;
  std::int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    if (s.size() < pos + 4) return std::nullopt;
    ms = std::atoi(s.substr(pos + 1, 3).c_str());
    pos += 4;
  }
  if (s.substr(pos) != "+08:00") return std::nullopt;
  const std::int64_t local =
      ((days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 24 + h) * 60 +
       mi) *
          60 * 1000 +
      sec * 1000 + ms;
  return local - 8 * kHourMs;
}

class CasesOverdueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>(
        TestServerOptions{.extra_args = {"--sweep-interval", "86400"}});
    server_->start();
    create_user(*server_, "od_disp", "dispatcher", "MH-CC");
    create_user(*server_, "od_h_cg", "department_handler", "MH-D-CG");
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
  // Moves the server's clock; sessions older than 12 h expire, so everyone logs in again
  // afterwards.
  static void advance(std::int64_t ms) {
    HttpResponse r = server_->client().post_json("/api/v1/test/clock", {{"advance_ms", ms}});
    ASSERT_EQ(r.status, 200u) << r;
    tokens_.clear();
  }
  static HttpResponse act(const std::string& user, std::int64_t id, std::string_view action,
                          json::object body = {}) {
    return as(user).post_json("/api/v1/cases/" + std::to_string(id) + "/" + std::string(action),
                              body);
  }
  static HttpResponse get_case(std::int64_t id) {
    return as("od_disp").get("/api/v1/cases/" + std::to_string(id));
  }
  static HttpResponse sweep() {
    return as("od_disp").post_json("/api/v1/cases/overdue/sweep", json::object{});
  }
  static HttpResponse submit(json::object extra = {}) {
    json::object body{{"type", "request"},
                      {"title", "井盖破损"},
                      {"description", "路口井盖破损"},
                      {"grid", "MH-S02-C01-G02"}};
    for (auto& [k, v] : extra) body[k] = v;
    return server_->client().post_json("/api/v1/appeals", body);
  }
  // Runs the listed actions in order, asserting 200 for each.
  static void run(std::int64_t id, const std::vector<std::string>& actions) {
    for (const auto& a : actions) {
      const bool department = a == "accept" || a == "handle";
      json::object body;
      if (a == "dispatch") body = {{"department", "MH-D-CG"}};
      if (a == "handle") body = {{"result", "已更换"}, {"reply", "井盖已更换"}};
      if (a == "verify") body = {{"ok", true}};
      HttpResponse r = act(department ? "od_h_cg" : "od_disp", id, a, body);
      ASSERT_EQ(r.status, 200u) << a << ": " << r;
    }
  }

  static std::unique_ptr<TestServer> server_;
  static std::map<std::string, std::string> tokens_;
};

std::unique_ptr<TestServer> CasesOverdueTest::server_;
std::map<std::string, std::string> CasesOverdueTest::tokens_;

std::vector<const json::object*> system_events(const HttpResponse& r, std::string_view action) {
  std::vector<const json::object*> out;
  if (const json::value* t = r.find("/timeline"); t && t->is_array())
    for (const auto& e : t->get_array())
      if (e.as_object().at("action") == json::value(action)) out.push_back(&e.as_object());
  return out;
}

TEST_F(CasesOverdueTest, SweepFlagsOpenCasesPastTheirDeadlineOnly) {
  HttpResponse a = submit({{"title", "逾期案件"}});
  HttpResponse b = submit({{"title", "按期办结案件"}});
  ASSERT_EQ(a.status, 201u) << a;
  ASSERT_EQ(b.status, 201u) << b;
  const std::int64_t open_id = *a.integer("/id"), closed_id = *b.integer("/id");
  ASSERT_NO_FATAL_FAILURE(run(open_id, {"register", "dispatch"}));
  ASSERT_NO_FATAL_FAILURE(
      run(closed_id, {"register", "dispatch", "accept", "handle", "verify", "close"}));

  // Nothing is due yet.
  HttpResponse early = sweep();
  ASSERT_EQ(early.status, 200u) << early;
  EXPECT_EQ(early.integer("/flagged"), 0) << early;
  EXPECT_EQ(get_case(open_id).find("/overdue")->as_bool(), false);

  ASSERT_NO_FATAL_FAILURE(advance(30LL * 24 * kHourMs));
  HttpResponse swept = sweep();
  ASSERT_EQ(swept.status, 200u) << swept;
  ASSERT_TRUE(swept.integer("/flagged").has_value()) << swept;
  EXPECT_GE(*swept.integer("/flagged"), 1) << swept;

  HttpResponse open = get_case(open_id);
  ASSERT_EQ(open.status, 200u) << open;
  ASSERT_NE(open.find("/overdue"), nullptr) << open;
  EXPECT_EQ(*open.find("/overdue"), json::value(true)) << open;
  EXPECT_GE(open.integer("/supervisions").value_or(0), 1) << open;
  EXPECT_EQ(open.str("/status"), "dispatched") << "the sweep must not change the state: " << open;
  const auto overdue = system_events(open, "overdue");
  const auto supervise = system_events(open, "supervise");
  ASSERT_EQ(overdue.size(), 1u) << open;
  ASSERT_EQ(supervise.size(), 1u) << open;
  EXPECT_EQ(overdue[0]->at("actor"), json::value("system")) << open;
  EXPECT_EQ(supervise[0]->at("actor"), json::value("system")) << open;
  EXPECT_LT(overdue[0]->at("id").to_number<std::int64_t>(),
            supervise[0]->at("id").to_number<std::int64_t>())
      << open;

  HttpResponse closed = get_case(closed_id);
  ASSERT_EQ(closed.status, 200u) << closed;
  EXPECT_EQ(*closed.find("/overdue"), json::value(false)) << closed;
  EXPECT_EQ(closed.integer("/supervisions"), 0) << closed;
  EXPECT_TRUE(system_events(closed, "overdue").empty()) << closed;
  EXPECT_EQ(closed.str("/status"), "closed") << closed;

  HttpResponse listed = as("od_disp").get("/api/v1/cases?overdue=true&limit=200");
  ASSERT_EQ(listed.status, 200u) << listed;
  bool has_open = false, has_closed = false;
  for (const auto& c : listed.find("/cases")->as_array()) {
    const auto id = c.at("id").to_number<std::int64_t>();
    has_open = has_open || id == open_id;
    has_closed = has_closed || id == closed_id;
    EXPECT_EQ(c.at("overdue"), json::value(true)) << json::serialize(c);
  }
  EXPECT_TRUE(has_open) << listed;
  EXPECT_FALSE(has_closed) << listed;

  HttpResponse pub = server_->client().get("/api/v1/appeals/track/" + a.str("/tracking_code"));
  ASSERT_EQ(pub.status, 200u) << pub;
  EXPECT_EQ(*pub.find("/overdue"), json::value(true)) << pub;

  // A second sweep flags nothing new and does not supervise again.
  HttpResponse again = sweep();
  ASSERT_EQ(again.status, 200u) << again;
  EXPECT_EQ(again.integer("/flagged"), 0) << again;
  EXPECT_EQ(get_case(open_id).integer("/supervisions"), open.integer("/supervisions"));

  // Only dispatchers and administrators may run it.
  EXPECT_TRUE(IsApiError(as("od_h_cg").post_json("/api/v1/cases/overdue/sweep", json::object{}),
                         403, "forbidden"));
  EXPECT_TRUE(IsApiError(server_->client().post_json("/api/v1/cases/overdue/sweep", json::object{}),
                         401, "unauthenticated"));
}

TEST_F(CasesOverdueTest, EmergencyAndUrgentAppealsHaveNaturalTimeDeadlines) {
  HttpResponse emergency = submit({{"title", "燃气管道泄漏"}, {"urgency", "emergency"}});
  ASSERT_EQ(emergency.status, 201u) << emergency;
  const std::int64_t id = *emergency.integer("/id");
  HttpResponse staff = get_case(id);
  ASSERT_EQ(staff.status, 200u) << staff;
  EXPECT_EQ(staff.str("/urgency"), "emergency") << staff;
  EXPECT_EQ(staff.str("/deadline_at"), emergency.str("/deadline_at")) << staff;
  const auto created = parse_time(staff.str("/created_at"));
  const auto deadline = parse_time(emergency.str("/deadline_at"));
  ASSERT_TRUE(created && deadline) << staff;
  EXPECT_EQ(*deadline - *created, 2 * kHourMs) << staff;

  HttpResponse urgent = submit({{"title", "小区停水"}, {"urgency", "urgent"}});
  ASSERT_EQ(urgent.status, 201u) << urgent;
  HttpResponse urgent_staff = get_case(*urgent.integer("/id"));
  const auto u_created = parse_time(urgent_staff.str("/created_at"));
  const auto u_deadline = parse_time(urgent.str("/deadline_at"));
  ASSERT_TRUE(u_created && u_deadline) << urgent_staff;
  EXPECT_EQ(*u_deadline - *u_created, 24 * kHourMs) << urgent_staff;

  // Three hours on, the emergency is overdue and the urgent appeal is not.
  ASSERT_NO_FATAL_FAILURE(advance(3 * kHourMs));
  HttpResponse swept = sweep();
  ASSERT_EQ(swept.status, 200u) << swept;
  EXPECT_GE(swept.integer("/flagged").value_or(0), 1) << swept;
  EXPECT_EQ(*get_case(id).find("/overdue"), json::value(true));
  EXPECT_EQ(*get_case(*urgent.integer("/id")).find("/overdue"), json::value(false));
}

}  // namespace
}  // namespace civicgrid::api_test
