// The resident's category suggestion while typing (POST /api/v1/appeals/suggest: public, no
// personal data in or out, 413 on a large body, 422 without text) and the staff case list's
// supervised (督办) filter (GET /api/v1/cases?supervised=true|false), over real HTTP.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr const char* kGrid = "MH-S01-C01-G01";

class SuggestSupervisedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_users(*server_, {{"sup_disp", "dispatcher", "MH-CC"},
                            {"sup_lead", "leader", "MH"},
                            {"sup_grid_other", "grid_worker", "MH-S02-C01-G01"}});
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpResponse suggest(const json::object& body) {
    return server_->client().post_json("/api/v1/appeals/suggest", body);
  }
  static std::int64_t submit(const std::string& title) {
    HttpResponse r = server_->client().post_json(
        "/api/v1/appeals", json::object{{"type", "complaint"},
                                        {"title", title},
                                        {"description", title + "，请尽快处理。"},
                                        {"grid", kGrid}});
    EXPECT_EQ(r.status, 201u) << r;
    return r.integer("/id").value_or(0);
  }
  // The ids listed by GET /api/v1/cases<query>, all pages.
  static std::set<std::int64_t> listed(HttpClient& c, const std::string& query) {
    std::set<std::int64_t> ids;
    std::string cursor;
    for (int page = 0; page < 50; ++page) {
      HttpResponse r = c.get("/api/v1/cases" + query + "&limit=200" + cursor);
      EXPECT_EQ(r.status, 200u) << r;
      if (r.status != 200) break;
      for (const auto& v : r.find("/cases")->as_array())
        ids.insert(v.as_object().at("id").to_number<std::int64_t>());
      const json::value* next = r.find("/next_cursor");
      if (!next || next->is_null()) break;
      cursor = "&cursor=" + std::to_string(next->to_number<std::int64_t>());
    }
    return ids;
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> SuggestSupervisedTest::server_;

TEST_F(SuggestSupervisedTest, SuggestsACategoryFromTheTitleWithoutLoggingIn) {
  HttpResponse r = suggest({{"title", "学校违规收取补课费"},
                            {"description", "孩子所在中学暑假组织补课，每人收费两千元。"}});
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.str("/category/code"), "C14") << r;  // 教育文体, as the intake suggestion says
  EXPECT_EQ(r.str("/category/name"), "教育文体") << r;
  const json::value* confidence = r.find("/confidence");
  ASSERT_TRUE(confidence && confidence->is_number()) << r;
  EXPECT_GT(confidence->to_number<double>(), 0.0);
  EXPECT_LE(confidence->to_number<double>(), 1.0);
  // Only the suggestion comes back: nothing stored, no case, no tracking code.
  EXPECT_EQ(r.find("/id"), nullptr) << r;
  EXPECT_EQ(r.find("/tracking_code"), nullptr) << r;
  EXPECT_EQ(r.find("/alternatives"), nullptr) << r;

  // A short title is read with the description.
  HttpResponse d = suggest(
      {{"title", ""}, {"description", "孩子所在中学暑假组织补课，每人收费两千元，学校违规收费。"}});
  ASSERT_EQ(d.status, 200u) << d;
  EXPECT_EQ(d.str("/category/code"), "C14") << d;
}

TEST_F(SuggestSupervisedTest, SuggestionChangesNothing) {
  HttpClient disp = server_->login_as("sup_disp");
  const auto before = listed(disp, "?status=submitted");
  ASSERT_EQ(suggest({{"title", "小区垃圾堆积没人清理"}}).status, 200u);
  EXPECT_EQ(listed(disp, "?status=submitted"), before);
}

TEST_F(SuggestSupervisedTest, SuggestionRefusesMissingTextAndLargeBodies) {
  EXPECT_TRUE(IsFieldError(suggest({}), 422, "invalid_argument", "title"));
  EXPECT_TRUE(IsFieldError(suggest({{"title", "  "}, {"description", "\n"}}), 422,
                           "invalid_argument", "title"));
  EXPECT_TRUE(IsFieldError(suggest({{"title", 5}}), 422, "invalid_argument", "title"));
  EXPECT_TRUE(
      IsFieldError(suggest({{"title", std::string(201, 'a')}}), 422, "invalid_argument", "title"));
  HttpResponse big = suggest({{"title", "垃圾"}, {"description", std::string(40000, 'a')}});
  EXPECT_EQ(big.status, 413u) << big;
  HttpResponse malformed =
      server_->client().post("/api/v1/appeals/suggest", "{\"title\":", "application/json");
  EXPECT_EQ(malformed.status, 400u) << malformed;
}

TEST_F(SuggestSupervisedTest, CaseListFiltersSupervisedCases) {
  const std::int64_t plain = submit("人行道地砖松动");
  const std::int64_t watched = submit("路灯整条街不亮");
  HttpClient lead = server_->login_as("sup_lead");
  HttpResponse s = lead.post_json("/api/v1/cases/" + std::to_string(watched) + "/supervise",
                                  json::object{{"note", "请加快办理"}});
  ASSERT_EQ(s.status, 200u) << s;

  for (const char* who : {"sup_lead", "sup_disp"}) {
    HttpClient c = server_->login_as(who);
    const auto yes = listed(c, "?supervised=true");
    const auto no = listed(c, "?supervised=false");
    const auto all = listed(c, "?status=submitted");
    EXPECT_TRUE(yes.count(watched)) << who;
    EXPECT_FALSE(yes.count(plain)) << who;
    EXPECT_TRUE(no.count(plain)) << who;
    EXPECT_FALSE(no.count(watched)) << who;
    // Every listed case really carries a supervision, and the filter combines with the others.
    HttpResponse supervised = c.get("/api/v1/cases?supervised=true&limit=200");
    ASSERT_EQ(supervised.status, 200u) << supervised;
    for (const auto& v : supervised.find("/cases")->as_array())
      EXPECT_GT(v.as_object().at("supervisions").to_number<std::int64_t>(), 0) << v;
    EXPECT_TRUE(listed(c, "?supervised=true&status=submitted").count(watched)) << who;
    EXPECT_FALSE(listed(c, "?supervised=true&status=closed").count(watched)) << who;
    EXPECT_TRUE(all.count(plain) && all.count(watched)) << who;
  }
  // The data scope still applies: a grid worker elsewhere sees neither.
  HttpClient other = server_->login_as("sup_grid_other");
  EXPECT_FALSE(listed(other, "?supervised=true").count(watched));

  EXPECT_TRUE(IsFieldError(lead.get("/api/v1/cases?supervised=yes"), 422, "invalid_argument",
                           "supervised"));
}

TEST_F(SuggestSupervisedTest, StaffOnlyListAndPublicSuggestion) {
  EXPECT_EQ(server_->client().get("/api/v1/cases?supervised=true").status, 401u);
}

}  // namespace
}  // namespace civicgrid::api_test
