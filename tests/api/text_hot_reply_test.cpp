// Hot issues and reply quality over HTTP and through the CLI: GET /api/v1/cases/hot-issues (scoped,
// no personal data), POST /api/v1/text/reply-quality, the reply_quality object of the handle
// action, and `civicgrid text hot-issues|reply-quality` on small CSV files.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

const char* kGoodReply =
    "网友您好！针对您反映丽发新城小区附近搅拌站噪音扰民的问题，区环保局高度重视，立即组织调查处理，"
    "现回复如下：经核实，该搅拌站未取得环评批复，由于其夜间施工噪音超标，根据《中华人民共和国环境噪"
    "声"
    "污染防治法》第三十条的规定，已责令其停止夜间施工并限期整改，目前搅拌站已停工。感谢您的理解和支"
    "持。";

class TextHotReplyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_users(*server_, {{"hr_disp", "dispatcher", "MH-CC"},
                            {"hr_h_cg", "department_handler", "MH-D-CG"},
                            {"hr_grid", "grid_worker", "MH-S01-C02-G01"},
                            {"hr_res", "resident", ""}});
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static std::int64_t submit(const std::string& title, const std::string& description,
                             const std::string& grid) {
    json::object body{{"type", "complaint"},
                      {"title", title},
                      {"description", description},
                      {"grid", grid},
                      {"contact", json::object{{"name", "王小明"}, {"phone", "13912345678"}}}};
    HttpResponse r = server_->client().post_json("/api/v1/appeals", body);
    EXPECT_EQ(r.status, 201u) << r;
    return r.integer("/id").value_or(0);
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> TextHotReplyTest::server_;

TEST_F(TextHotReplyTest, ReplyQualityScoresAndNamesWeakPoints) {
  HttpClient c = server_->login_as("hr_disp");
  const std::string message =
      "丽发新城小区附近搅拌站噪音扰民\n小区旁边的搅拌站日夜施工，噪音粉尘严重，请问何时处理？";
  HttpResponse good =
      c.post_json("/api/v1/text/reply-quality", {{"message", message},
                                                 {"reply", kGoodReply},
                                                 {"message_time", "2019/11/4 10:00:00"},
                                                 {"reply_time", "2019/11/8 16:00:00"}});
  ASSERT_EQ(good.status, 200u) << good;
  HttpResponse bad =
      c.post_json("/api/v1/text/reply-quality", {{"message", message}, {"reply", "已转办。"}});
  ASSERT_EQ(bad.status, 200u) << bad;
  const double good_total = good.find("/total")->to_number<double>();
  const double bad_total = bad.find("/total")->to_number<double>();
  EXPECT_GT(good_total, bad_total + 0.3) << good << bad;
  EXPECT_EQ(good.integer("/working_days"), 4) << good;  // Tuesday to Friday
  EXPECT_TRUE(good.find("/timeliness")->is_number()) << good;
  EXPECT_TRUE(bad.find("/timeliness")->is_null()) << bad;
  std::set<std::string> codes;
  for (const auto& w : bad.find("/weak_points")->as_array()) {
    codes.insert(std::string(w.at("code").as_string()));
    EXPECT_FALSE(w.at("zh").as_string().empty());
    EXPECT_FALSE(w.at("en").as_string().empty());
  }
  for (auto code : {"too_short", "no_greeting", "no_closing", "no_basis", "off_topic"})
    EXPECT_TRUE(codes.count(code)) << code << " " << bad;
  EXPECT_TRUE(good.find("/weak_points")->as_array().empty()) << good;

  EXPECT_TRUE(IsFieldError(c.post_json("/api/v1/text/reply-quality", {{"reply", "好"}}), 422,
                           "invalid_argument", "message"));
  EXPECT_TRUE(IsFieldError(c.post_json("/api/v1/text/reply-quality", {{"message", "问"}}), 422,
                           "invalid_argument", "reply"));
  EXPECT_TRUE(
      IsFieldError(c.post_json("/api/v1/text/reply-quality",
                               {{"message", "问"}, {"reply", "答"}, {"reply_time", "soon"}}),
                   422, "invalid_argument", "reply_time"));
  HttpResponse resident = server_->login_as("hr_res").post_json(
      "/api/v1/text/reply-quality", {{"message", message}, {"reply", kGoodReply}});
  EXPECT_TRUE(IsApiError(resident, 403, "forbidden")) << resident;
}

TEST_F(TextHotReplyTest, HandleAnswerCarriesReplyQualityWithoutBlocking) {
  const std::int64_t id = submit("路灯不亮", "小区门口的路灯坏了一周", "MH-S01-C01-G01");
  HttpClient disp = server_->login_as("hr_disp");
  HttpClient handler = server_->login_as("hr_h_cg");
  auto act = [&](HttpClient& who, const char* action, json::object body) {
    return who.post_json("/api/v1/cases/" + std::to_string(id) + "/" + action, body);
  };
  ASSERT_EQ(act(disp, "register", {{"category", "C01-02-01"}}).status, 200u);
  ASSERT_EQ(act(disp, "dispatch", {{"department", "MH-D-CG"}}).status, 200u);
  HttpResponse accepted = act(handler, "accept", {{"contacted", true}});
  ASSERT_EQ(accepted.status, 200u) << accepted;
  EXPECT_EQ(accepted.find("/reply_quality"), nullptr) << accepted;  // only on handle
  HttpResponse handled = act(handler, "handle", {{"result", "已修复"}, {"reply", "好了"}});
  ASSERT_EQ(handled.status, 200u) << handled;  // a poor reply is shown, not refused
  EXPECT_EQ(handled.str("/status"), "handled") << handled;
  const json::value* q = handled.find("/reply_quality");
  ASSERT_TRUE(q && q->is_object()) << handled;
  EXPECT_LT(q->at("total").to_number<double>(), 0.5) << handled;
  EXPECT_FALSE(q->at("weak_points").as_array().empty()) << handled;
  EXPECT_EQ(q->at("working_days").as_int64(), 0) << handled;  // handled the same day
}

TEST_F(TextHotReplyTest, HotIssuesGroupCasesWithinTheCallersScope) {
  std::vector<std::int64_t> lifa, meili;
  lifa.push_back(submit("丽发新城小区附近搅拌站噪音扰民",
                        "丽发新城小区旁边的搅拌站日夜施工，噪音和粉尘严重。", "MH-S01-C01-G01"));
  lifa.push_back(submit("投诉丽发新城小区旁搅拌站粉尘噪音",
                        "搅拌站晚上施工噪音太大，丽发新城小区居民无法休息。", "MH-S01-C01-G01"));
  lifa.push_back(submit("丽发新城小区搅拌站噪音严重扰民",
                        "小区附近的搅拌站噪音扰民，粉尘污染严重。", "MH-S01-C01-G01"));
  meili.push_back(submit("魅力之城小区底层餐馆油烟扰民",
                         "魅力之城小区临街门面餐馆油烟直排，噪音扰民。", "MH-S01-C02-G01"));
  meili.push_back(submit("魅力之城小区临街餐馆油烟直排", "魅力之城小区一楼的餐馆油烟直排扰民。",
                         "MH-S01-C02-G01"));
  submit("学校违规收取补课费", "孩子所在中学暑假组织补课，每人收费两千元。", "MH-S01-C01-G01");

  auto ids_of = [](const json::value& issue) {
    std::vector<std::int64_t> ids;
    for (const auto& v : issue.at("case_ids").as_array()) ids.push_back(v.as_int64());
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  HttpResponse all = server_->login_as("hr_disp").get("/api/v1/cases/hot-issues?top=10");
  ASSERT_EQ(all.status, 200u) << all;
  const auto& issues = all.find("/issues")->as_array();
  bool found_lifa = false, found_meili = false;
  for (const auto& issue : issues) {
    const auto ids = ids_of(issue);
    if (ids == lifa) {
      found_lifa = true;
      EXPECT_EQ(issue.at("cases").as_int64(), 3);
      EXPECT_NE(std::string(issue.at("place").as_string()).find("丽发新城"), std::string::npos)
          << all;
    }
    if (ids == meili) found_meili = true;
    EXPECT_GT(issue.at("heat").to_number<double>(), 0);
  }
  EXPECT_TRUE(found_lifa) << all;
  EXPECT_TRUE(found_meili) << all;
  EXPECT_EQ(all.body.find("13912345678"), std::string::npos) << all;
  EXPECT_EQ(all.body.find("王小明"), std::string::npos) << all;
  EXPECT_EQ(all.body.find("anonymous"), std::string::npos) << all;

  // A grid worker sees only the issue of its own grid.
  HttpResponse grid = server_->login_as("hr_grid").get("/api/v1/cases/hot-issues");
  ASSERT_EQ(grid.status, 200u) << grid;
  const auto& mine = grid.find("/issues")->as_array();
  ASSERT_EQ(mine.size(), 1u) << grid;
  EXPECT_EQ(ids_of(mine[0]), meili) << grid;

  // A window before every case finds nothing.
  HttpResponse old = server_->login_as("hr_disp").get("/api/v1/cases/hot-issues?to=2000-01-01");
  ASSERT_EQ(old.status, 200u) << old;
  EXPECT_TRUE(old.find("/issues")->as_array().empty()) << old;

  HttpClient disp = server_->login_as("hr_disp");
  EXPECT_TRUE(
      IsFieldError(disp.get("/api/v1/cases/hot-issues?top=0"), 422, "invalid_argument", "top"));
  EXPECT_TRUE(
      IsFieldError(disp.get("/api/v1/cases/hot-issues?top=x"), 422, "invalid_argument", "top"));
  EXPECT_TRUE(IsFieldError(disp.get("/api/v1/cases/hot-issues?from=yesterday"), 422,
                           "invalid_argument", "from"));
  EXPECT_TRUE(
      IsApiError(server_->login_as("hr_res").get("/api/v1/cases/hot-issues"), 403, "forbidden"));
}

// --- the CLI

class TextHotReplyCliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = std::make_unique<TempDir>("civicgrid-hot-cli"); }
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = dir_->path() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::string describe(const CommandResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
  }
  std::unique_ptr<TempDir> dir_;
};

const char* kMessages =
    "留言编号,留言用户,留言主题,留言时间,留言详情,反对数,点赞数\n"
    "101,U1,A2区丽发新城小区附近搅拌站噪音扰民,2019/11/2 "
    "10:00:00,\"搅拌站日夜施工，\n噪音和粉尘严重。\",0,5\n"
    "102,U2,丽发新城小区旁建搅拌站粉尘严重,2019/11/10 "
    "9:00:00,丽发新城小区旁边的搅拌站粉尘大，噪音扰民。,1,2\n"
    "103,U3,投诉A2区丽发新城小区搅拌站噪音,2019/11/20 "
    "21:00:00,小区附近搅拌站晚上施工噪音太大。,0,0\n"
    "104,U4,A5区魅力之城小区底层餐馆油烟扰民,2019/8/1 10:00:00,魅力之城小区临街餐馆油烟直排。,0,1\n"
    "105,U5,A5区魅力之城小区临街餐馆油烟直排,2019/8/3 10:00:00,魅力之城小区一楼餐馆油烟扰民。,0,0\n"
    "106,U6,A3区学校收取补课费,2019/11/3 10:00:00,孩子所在中学暑假组织补课。,0,0\n";

TEST_F(TextHotReplyCliTest, HotIssuesWritesBothTables) {
  const std::string input = write("likes.csv", kMessages);
  const std::string out = dir_->path() + "/out";
  CommandResult r =
      run_cli({"text", "hot-issues", "--input", input, "--top", "5", "--output-dir", out});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string summary = read(out + "/热点问题表.csv");
  const std::string detail = read(out + "/热点问题留言明细表.csv");
  EXPECT_EQ(summary.rfind("热度排名,问题ID,热度指数,时间范围,地点/人群,问题描述\r\n", 0), 0u)
      << summary;
  EXPECT_EQ(
      detail.rfind("问题ID,留言编号,留言用户,留言主题,留言时间,留言详情,点赞数,反对数\r\n", 0), 0u)
      << detail;
  // Two issues: 丽发新城 (3 messages, hotter) first, then 魅力之城 (2).
  EXPECT_NE(summary.find("1,1,"), std::string::npos) << summary;
  EXPECT_NE(summary.find("2019/11/02 至 2019/11/20,A2区丽发新城小区"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("2,2,"), std::string::npos) << summary;
  EXPECT_NE(summary.find("A5区魅力之城小区"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("补课"), std::string::npos) << summary;
  EXPECT_NE(detail.find("1,101,U1,"), std::string::npos) << detail;
  EXPECT_NE(detail.find("\"搅拌站日夜施工，\n噪音和粉尘严重。\",5,0"), std::string::npos) << detail;
  EXPECT_NE(detail.find("1,102,U2,"), std::string::npos) << detail;
  EXPECT_NE(detail.find("1,103,U3,"), std::string::npos) << detail;
  EXPECT_NE(detail.find("2,104,U4,"), std::string::npos) << detail;
  EXPECT_NE(detail.find("2,105,U5,"), std::string::npos) << detail;
  EXPECT_EQ(detail.find(",106,"), std::string::npos) << detail;

  CommandResult missing =
      run_cli({"text", "hot-issues", "--input", write("bad.csv", "留言编号,留言主题\n1,x\n"),
               "--output-dir", out});
  EXPECT_EQ(missing.exit_code, 2) << describe(missing);
  EXPECT_NE(missing.err.find("留言用户"), std::string::npos) << describe(missing);
  CommandResult nofile =
      run_cli({"text", "hot-issues", "--input", dir_->path() + "/none.csv", "--output-dir", out});
  EXPECT_EQ(nofile.exit_code, 2) << describe(nofile);
  EXPECT_NE(nofile.err.find("none.csv"), std::string::npos) << describe(nofile);
}

TEST_F(TextHotReplyCliTest, ReplyQualityAddsScoreColumns) {
  const std::string input =
      write("replies.csv",
            std::string(
                "留言编号,留言用户,留言主题,留言时间,留言详情,答复意见,答复时间\n"
                "1,U1,丽发新城小区附近搅拌站噪音扰民,2019/11/4 10:00:00,搅拌站日夜施工噪音大。,") +
                kGoodReply +
                ",2019/11/8 16:00:00\n2,U2,路灯不亮,2019/11/4 10:00:00,门口路灯坏了。,已转办。,\n");
  const std::string out = dir_->path() + "/scored.csv";
  CommandResult r = run_cli({"text", "reply-quality", "--input", input, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string scored = read(out);
  EXPECT_EQ(scored.rfind("留言编号,留言用户,留言主题,留言时间,留言详情,答复意见,答复时间,relevance,"
                         "completeness,interpretability,timeliness,working_days,total,weak_points,"
                         "weak_points_en\r\n",
                         0),
            0u)
      << scored;
  EXPECT_NE(scored.find(",2019/11/8 16:00:00,"), std::string::npos) << scored;
  EXPECT_NE(scored.find("答复过于简短"), std::string::npos) << scored;
  EXPECT_NE(scored.find("the reply is very short"), std::string::npos) << scored;

  CommandResult missing = run_cli({"text", "reply-quality", "--input",
                                   write("bad.csv", "留言主题,留言详情\na,b\n"), "--output", out});
  EXPECT_EQ(missing.exit_code, 2) << describe(missing);
  EXPECT_NE(missing.err.find("答复意见"), std::string::npos) << describe(missing);
}

}  // namespace
}  // namespace civicgrid::api_test
