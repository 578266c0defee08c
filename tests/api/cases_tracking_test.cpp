// The residents' side over real HTTP: the public tracking page (no personal data, no staff names,
// the department at work and its reply), tracking code forms, evaluation rules; and the staff
// view's contact masking by role, with the dispatcher's read of personal data in the audit log.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr std::string_view kName = "王小明";
constexpr std::string_view kPhone = "13912345678";
constexpr std::string_view kIdNumber = "110101199003071234";
constexpr std::string_view kOtherPhone = "13800138000";
const std::string kDescription = "楼道里堆满杂物，我的身份证号" + std::string(kIdNumber) +
                                 "，邻居电话" + std::string(kOtherPhone) + "，请尽快处理";
constexpr std::string_view kReply = "楼道杂物已全部清理，感谢您的监督";

const std::vector<std::string> kStaff = {"trk_dispatcher_q7", "trk_handler_q7", "trk_leader_q7",
                                         "trk_admin_q7"};

void collect_keys(const json::value& v, std::set<std::string>& keys) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.get_object()) {
      keys.emplace(k);
      collect_keys(x, keys);
    }
  } else if (v.is_array()) {
    for (const auto& x : v.get_array()) collect_keys(x, keys);
  }
}

// The tracking page leaks nothing personal: not the contact, not the ID number or phone in the
// description, not the description itself, no staff username, and no contact/actor/description
// field.
::testing::AssertionResult ShowsNoPersonalData(const HttpResponse& r) {
  if (r.status != 200) return ::testing::AssertionFailure() << "expected 200, got " << r;
  std::vector<std::string> secrets{std::string(kName),     std::string(kPhone),
                                   std::string(kIdNumber), std::string(kOtherPhone),
                                   kDescription,           "user:"};
  secrets.insert(secrets.end(), kStaff.begin(), kStaff.end());
  for (const auto& s : secrets)
    if (r.body.find(s) != std::string::npos)
      return ::testing::AssertionFailure() << "shows \"" << s << "\": " << r;
  std::set<std::string> keys;
  collect_keys(r.json(), keys);
  for (const char* k : {"contact", "actor", "description", "phone", "name_masked", "submitted_by"})
    if (keys.contains(k))
      return ::testing::AssertionFailure() << "has a field \"" << k << "\": " << r;
  return ::testing::AssertionSuccess();
}

class CasesTrackingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_user(*server_, {kStaff[0], "dispatcher", "MH-CC"});
    create_user(*server_, {kStaff[1], "department_handler", "MH-D-CG"});
    create_user(*server_, {kStaff[2], "leader", "MH"});
    create_user(*server_, {kStaff[3], "admin", "MH"});
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
  static HttpClient dispatcher() { return as(kStaff[0]); }
  static HttpClient handler() { return as(kStaff[1]); }
  static HttpResponse act(HttpClient c, std::int64_t id, std::string_view action,
                          json::object body = {}) {
    return c.post_json("/api/v1/cases/" + std::to_string(id) + "/" + std::string(action), body);
  }
  static HttpResponse track(const std::string& code) {
    return server_->client().get("/api/v1/appeals/track/" + code);
  }
  static HttpResponse evaluate(const std::string& code, const json::object& body) {
    return server_->client().post_json("/api/v1/appeals/track/" + code + "/evaluation", body);
  }
  // An appeal with contact details and personal data in its description.
  static void submit(std::int64_t& id, std::string& code) {
    HttpResponse r = server_->client().post_json(
        "/api/v1/appeals", {{"type", "complaint"},
                            {"title", "楼道堆放杂物"},
                            {"description", kDescription},
                            {"grid", "MH-S01-C01-G01"},
                            {"contact", {{"name", kName}, {"phone", kPhone}}}});
    ASSERT_EQ(r.status, 201u) << r;
    id = r.integer("/id").value_or(0);
    code = r.str("/tracking_code");
    ASSERT_EQ(code.size(), 14u) << r;
  }
  // Takes a case through the loop from action `first` to action `last`, asserting each step.
  static void drive(std::int64_t id, std::string_view last, std::string_view first = "register") {
    const std::vector<std::tuple<bool, std::string, json::object>> steps{
        {true, "register", {}},
        {true, "dispatch", {{"department", "MH-D-CG"}}},
        {false, "accept", {}},
        {false, "handle", {{"result", "已清理"}, {"reply", kReply}}},
        {true, "verify", {{"ok", true}}},
        {true, "close", {}}};
    bool started = false;
    for (const auto& [by_dispatcher, action, body] : steps) {
      started = started || action == first;
      if (!started) continue;
      HttpResponse r = act(by_dispatcher ? dispatcher() : handler(), id, action, body);
      ASSERT_EQ(r.status, 200u) << action << ": " << r;
      if (action == last) return;
    }
    FAIL() << "unknown action " << last;
  }

  static std::unique_ptr<TestServer> server_;
  static std::map<std::string, std::string> tokens_;
};

std::unique_ptr<TestServer> CasesTrackingTest::server_;
std::map<std::string, std::string> CasesTrackingTest::tokens_;

const json::object* public_event(const HttpResponse& r, std::string_view action) {
  const json::value* t = r.find("/timeline");
  if (!t || !t->is_array()) return nullptr;
  const json::object* found = nullptr;
  for (const auto& e : t->get_array())
    if (e.as_object().at("action") == json::value(action)) found = &e.as_object();
  return found;
}

TEST_F(CasesTrackingTest, PublicPageShowsProgressButNoPersonalData) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));

  HttpResponse fresh = track(code);
  EXPECT_TRUE(ShowsNoPersonalData(fresh));
  EXPECT_EQ(fresh.str("/tracking_code"), code) << fresh;
  EXPECT_EQ(fresh.str("/status"), "submitted") << fresh;
  EXPECT_FALSE(fresh.str("/deadline_at").empty()) << fresh;
  EXPECT_FALSE(fresh.str("/status_label").empty()) << fresh;
  ASSERT_NE(public_event(fresh, "submit"), nullptr) << fresh;
  EXPECT_EQ(fresh.find("/department"), nullptr) << fresh;

  ASSERT_NO_FATAL_FAILURE(drive(id, "dispatch"));
  HttpResponse dispatched = track(code);
  EXPECT_TRUE(ShowsNoPersonalData(dispatched));
  EXPECT_EQ(dispatched.str("/status"), "dispatched") << dispatched;
  const json::object* dispatch = public_event(dispatched, "dispatch");
  ASSERT_NE(dispatch, nullptr) << dispatched;
  ASSERT_TRUE(dispatch->contains("unit")) << dispatched;
  EXPECT_EQ(dispatch->at("unit").at("name"), json::value("城市管理局")) << dispatched;
  EXPECT_EQ(dispatch->at("status"), json::value("dispatched")) << dispatched;
  EXPECT_EQ(dispatched.str("/department/name"), "城市管理局") << dispatched;
  EXPECT_EQ(dispatched.find("/reply"), nullptr) << dispatched;

  ASSERT_NO_FATAL_FAILURE(drive(id, "handle", "accept"));
  HttpResponse handled = track(code);
  EXPECT_TRUE(ShowsNoPersonalData(handled));
  EXPECT_EQ(handled.str("/status"), "handled") << handled;
  EXPECT_EQ(handled.str("/reply"), kReply) << handled;
  const json::object* handle = public_event(handled, "handle");
  ASSERT_NE(handle, nullptr) << handled;
  EXPECT_EQ(handle->at("unit").at("code"), json::value("MH-D-CG")) << handled;
}

TEST_F(CasesTrackingTest, TrackingCodeFormsAndUnknownCodes) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  std::string lower = code, bare;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (char ch : lower)
    if (ch != '-') bare.push_back(ch);
  std::string upper_bare;
  for (char ch : code)
    if (ch != '-') upper_bare.push_back(ch);
  for (const std::string& form : {lower, bare, upper_bare}) {
    HttpResponse r = track(form);
    ASSERT_EQ(r.status, 200u) << form << ": " << r;
    EXPECT_EQ(r.str("/tracking_code"), code) << form;
  }
  // A well-formed code nobody was given, and malformed ones.
  const std::string unknown = code.substr(0, 13) + (code[13] == '0' ? "1" : "0");
  for (const std::string& bad :
       {unknown, std::string("NOPE"), code + "X", std::string("UUUU-UUUU-UUUU")})
    EXPECT_TRUE(IsApiError(track(bad), 404, "not_found")) << bad;
  EXPECT_TRUE(
      IsApiError(evaluate(unknown, {{"resolved", "resolved"}, {"satisfaction", "satisfied"}}), 404,
                 "not_found"));
}

TEST_F(CasesTrackingTest, EvaluationOnlyAfterCloseAndWithValidValues) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  const json::object good{{"resolved", "resolved"}, {"satisfaction", "basically_satisfied"}};
  HttpResponse early = evaluate(code, good);
  EXPECT_TRUE(IsApiError(early, 409, "conflict"));
  EXPECT_EQ(early.str("/error/state"), "submitted") << early;

  ASSERT_NO_FATAL_FAILURE(drive(id, "close"));
  HttpResponse closed = track(code);
  ASSERT_NE(closed.find("/can_evaluate"), nullptr) << closed;
  EXPECT_EQ(*closed.find("/can_evaluate"), json::value(true)) << closed;

  const std::vector<std::pair<json::object, std::string>> bad{
      {{{"resolved", "maybe"}, {"satisfaction", "satisfied"}}, "resolved"},
      {{{"resolved", "resolved"}, {"satisfaction", "meh"}}, "satisfaction"},
      {{{"satisfaction", "satisfied"}}, "resolved"},
      {{{"resolved", "resolved"}}, "satisfaction"},
      {{{"resolved", 1}, {"satisfaction", "satisfied"}}, "resolved"},
      {{{"resolved", "resolved"},
        {"satisfaction", "satisfied"},
        {"comment", std::string(1001, 'x')}},
       "comment"},
  };
  for (const auto& [body, field] : bad)
    EXPECT_TRUE(IsFieldError(evaluate(code, body), 422, "invalid_argument", field))
        << json::serialize(body);
  EXPECT_TRUE(IsApiError(server_->client().post("/api/v1/appeals/track/" + code + "/evaluation",
                                                "{", "application/json"),
                         400, "bad_request"));

  // The refused attempts did not use up the one evaluation.
  HttpResponse ok = evaluate(code, good);
  ASSERT_EQ(ok.status, 200u) << ok;
  EXPECT_EQ(ok.str("/evaluation/satisfaction"), "basically_satisfied") << ok;
  EXPECT_TRUE(ShowsNoPersonalData(ok));
  EXPECT_TRUE(IsApiError(evaluate(code, good), 409, "conflict"));
}

TEST_F(CasesTrackingTest, StaffViewMasksContactExceptForDispatchers) {
  std::int64_t id = 0;
  std::string code;
  ASSERT_NO_FATAL_FAILURE(submit(id, code));
  ASSERT_NO_FATAL_FAILURE(drive(id, "dispatch"));
  const std::string target = "/api/v1/cases/" + std::to_string(id);

  const std::string request_id = "trk-contact-read-" + std::to_string(id);
  HttpResponse full = dispatcher().get(target, {{"X-Request-Id", request_id}});
  ASSERT_EQ(full.status, 200u) << full;
  EXPECT_EQ(full.str("/contact/name"), kName) << full;
  EXPECT_EQ(full.str("/contact/phone"), kPhone) << full;

  for (const std::string& who : {kStaff[2], kStaff[1]}) {
    HttpResponse masked = as(who).get(target);
    ASSERT_EQ(masked.status, 200u) << who << ": " << masked;
    EXPECT_EQ(masked.str("/contact/phone"), "139****5678") << who << ": " << masked;
    EXPECT_EQ(masked.str("/contact/name"), "王**") << who << ": " << masked;
    EXPECT_EQ(masked.body.find(kPhone), std::string::npos) << who << ": " << masked;
    EXPECT_EQ(masked.body.find(kName), std::string::npos) << who << ": " << masked;
  }

  HttpResponse log = as(kStaff[3]).get(
      "/api/v1/admin/audit?target_type=case&target_id=" + std::to_string(id) + "&limit=200");
  ASSERT_EQ(log.status, 200u) << log;
  const json::object* entry = nullptr;
  for (const auto& e : log.find("/entries")->as_array())
    if (e.as_object().at("request_id") == json::value(request_id)) entry = &e.as_object();
  ASSERT_NE(entry, nullptr) << "the dispatcher's read is not in the audit log: " << log;
  EXPECT_EQ(entry->at("action"), json::value("case.read")) << json::serialize(*entry);
  EXPECT_EQ(entry->at("actor"), json::value("user:" + kStaff[0])) << json::serialize(*entry);
  const json::value* personal = entry->at("detail").as_object().if_contains("personal_data");
  ASSERT_NE(personal, nullptr) << json::serialize(*entry);
  EXPECT_EQ(*personal, json::value(true)) << json::serialize(*entry);
}

}  // namespace
}  // namespace civicgrid::api_test
