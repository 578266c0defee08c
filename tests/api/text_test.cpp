// The text module over HTTP and through the CLI: category suggestions on intake and on the staff
// case view, POST /api/v1/text/classify, redaction of the public tracking view, and
// `civicgrid text evaluate|classify|train|redact`.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

class TextApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>();
    server_->start();
    create_users(*server_, {{"text_disp", "dispatcher", "MH-CC"},
                            {"text_grid", "grid_worker", "MH-S01-C01-G01"},
                            {"text_res", "resident", ""}});
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()) << "no server"; }

  static HttpResponse submit(const std::string& title, const std::string& description,
                             json::object extra = {}) {
    json::object body{{"type", "complaint"},
                      {"title", title},
                      {"description", description},
                      {"grid", "MH-S01-C01-G01"}};
    for (auto& [k, v] : extra) body[k] = v;
    return server_->client().post_json("/api/v1/appeals", body);
  }

  static std::unique_ptr<TestServer> server_;
};

std::unique_ptr<TestServer> TextApiTest::server_;

const std::set<std::string> kGarbageCategories = {"C01", "C04"};  // 城乡建设, 环境保护

TEST_F(TextApiTest, IntakeSuggestsACategoryWhenNoneIsGiven) {
  HttpResponse r = submit("小区垃圾堆积没人清理",
                          "我们小区的垃圾桶满了好几天，垃圾堆在楼下没有人清运，臭味很大。");
  ASSERT_EQ(r.status, 201u) << r;
  EXPECT_TRUE(kGarbageCategories.count(r.str("/suggested_category/category/code"))) << r;
  const std::string name = r.str("/suggested_category/category/name");
  EXPECT_TRUE(name == "城乡建设" || name == "环境保护") << r;
  const json::value* confidence = r.find("/suggested_category/confidence");
  ASSERT_TRUE(confidence && confidence->is_number()) << r;
  EXPECT_GT(confidence->to_number<double>(), 0.0);
  EXPECT_LE(confidence->to_number<double>(), 1.0);
  const json::value* alternatives = r.find("/suggested_category/alternatives");
  ASSERT_TRUE(alternatives && alternatives->is_array()) << r;
  EXPECT_EQ(alternatives->as_array().size(), 2u) << r;

  // With a category given, intake suggests nothing.
  HttpResponse given = submit("小区垃圾堆积没人清理", "垃圾没人清运", {{"category", "C01"}});
  ASSERT_EQ(given.status, 201u) << given;
  EXPECT_EQ(given.find("/suggested_category"), nullptr) << given;
}

TEST_F(TextApiTest, StaffCaseViewCarriesTheSuggestion) {
  HttpResponse sub = submit("学校违规收取补课费", "孩子所在中学暑假组织补课，每人收费两千元。");
  ASSERT_EQ(sub.status, 201u) << sub;
  const std::int64_t id = sub.integer("/id").value_or(0);
  HttpResponse r = server_->login_as("text_disp").get("/api/v1/cases/" + std::to_string(id));
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.str("/suggested_category/category/code"), "C14") << r;  // 教育文体
  EXPECT_EQ(r.str("/suggested_category/category/name"), "教育文体") << r;
}

TEST_F(TextApiTest, ClassifyAnswersStaff) {
  for (const char* user : {"text_disp", "text_grid"}) {
    HttpResponse r = server_->login_as(user).post_json("/api/v1/text/classify",
                                                       {{"text", "医院乱收费，看病贵"}});
    ASSERT_EQ(r.status, 200u) << user << " " << r;
    EXPECT_EQ(r.str("/category/code"), "C12") << r;  // 卫生计生
    EXPECT_EQ(r.str("/category/name"), "卫生计生") << r;
    ASSERT_NE(r.find("/confidence"), nullptr) << r;
    ASSERT_NE(r.find("/alternatives/1/code"), nullptr) << r;
    EXPECT_FALSE(r.str("/alternatives/0/name").empty()) << r;
  }
}

TEST_F(TextApiTest, ClassifyRejectsBadBodiesNamingText) {
  HttpClient c = server_->login_as("text_disp");
  for (const json::object& body : std::vector<json::object>{{},
                                                            {{"text", ""}},
                                                            {{"text", "   "}},
                                                            {{"text", 42}},
                                                            {{"text", nullptr}},
                                                            {{"txt", "垃圾"}}})
    EXPECT_TRUE(
        IsFieldError(c.post_json("/api/v1/text/classify", body), 422, "invalid_argument", "text"))
        << json::serialize(body);
  EXPECT_TRUE(
      IsFieldError(c.post_json("/api/v1/text/classify", {{"text", std::string(10001, 'a')}}), 422,
                   "invalid_argument", "text"));
}

TEST_F(TextApiTest, ClassifyIsForStaffOnly) {
  EXPECT_TRUE(IsApiError(server_->client().post_json("/api/v1/text/classify", {{"text", "垃圾"}}),
                         401, "unauthenticated"));
  EXPECT_TRUE(IsApiError(
      server_->login_as("text_res").post_json("/api/v1/text/classify", {{"text", "垃圾"}}), 403,
      "forbidden"));
}

TEST_F(TextApiTest, PublicTrackingViewIsRedacted) {
  HttpResponse sub =
      submit("我叫张三，电话13812345678，2020年1月6日起小区垃圾没人清理", "垃圾堆积");
  ASSERT_EQ(sub.status, 201u) << sub;
  HttpResponse r = server_->client().get("/api/v1/appeals/track/" + sub.str("/tracking_code"));
  ASSERT_EQ(r.status, 200u) << r;
  EXPECT_EQ(r.str("/title"), "我叫〔姓名〕，电话〔电话〕，2020年1月6日起小区垃圾没人清理") << r;
}

// --- the CLI

class TextCliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = std::make_unique<TempDir>("civicgrid-text-cli"); }
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = dir_->path() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::unique_ptr<TempDir> dir_;
};

const char* kLabelled =
    "label,title\n"
    "城乡建设,小区垃圾堆积没人清理\n"
    "教育文体,\"学校违规补课，\n收取补课费\"\n"
    "卫生计生,医院乱收费看病贵\n"
    "交通运输,出租车拒载乘客\n"
    "劳动和社会保障,公司拖欠工资不发\n";

TEST_F(TextCliTest, EvaluatePrintsMetricsAndConfusionMatrix) {
  const std::string input = write("eval.csv", kLabelled);
  CommandResult r = run_cli(
      {"text", "evaluate", "--input", input, "--text-column", "title", "--label-column", "label"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* part :
       {"examples: 5", "accuracy: ", "precision", "macro-F1: ", "confusion matrix", "城乡建设"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << describe(r);
  // The shipped model gets these plain titles right.
  EXPECT_NE(r.out.find("accuracy: 1.0000"), std::string::npos) << describe(r);
}

TEST_F(TextCliTest, TrainThenClassifyWritesPredictionsBesideTheInput) {
  const std::string train = write("train.csv", kLabelled);
  const std::string model = dir_->path() + "/model.bin";
  CommandResult t = run_cli({"text", "train", "--input", train, "--text-column", "title",
                             "--label-column", "label", "--output", model, "--recipe", "svm:c1-2"});
  ASSERT_EQ(t.exit_code, 0) << describe(t);
  const std::string input = write("in.csv", "id,title\n1,小区垃圾堆积\n2,\"补课, 收费\"\n");
  const std::string out = dir_->path() + "/out.csv";
  CommandResult c = run_cli({"text", "classify", "--model", model, "--input", input,
                             "--text-column", "title", "--output", out});
  ASSERT_EQ(c.exit_code, 0) << describe(c);
  std::ifstream in(out);
  std::string header, row1;
  std::getline(in, header);
  std::getline(in, row1);
  EXPECT_EQ(header, "id,title,predicted,confidence\r");
  EXPECT_TRUE(row1.starts_with("1,小区垃圾堆积,城乡建设,")) << row1;
}

TEST_F(TextCliTest, BadInputGetsAClearError) {
  const std::string input = write("eval.csv", kLabelled);
  CommandResult missing = run_cli({"text", "evaluate", "--input", input, "--text-column", "text"});
  EXPECT_EQ(missing.exit_code, 2) << describe(missing);
  EXPECT_NE(missing.err.find("no column \"text\""), std::string::npos) << describe(missing);

  CommandResult gbk = run_cli(
      {"text", "evaluate", "--input", write("gbk.csv", "label,title\n\xB3\xC7,\xCF\xE7\n")});
  EXPECT_EQ(gbk.exit_code, 2) << describe(gbk);
  EXPECT_NE(gbk.err.find("not UTF-8"), std::string::npos) << describe(gbk);

  CommandResult empty = run_cli({"text", "evaluate", "--input", write("empty.csv", "")});
  EXPECT_EQ(empty.exit_code, 2) << describe(empty);
  EXPECT_NE(empty.err.find("empty"), std::string::npos) << describe(empty);
}

TEST_F(TextCliTest, RedactFiltersStdin) {
  CommandResult r =
      run_cli({"text", "redact"},
              "联系人：李四，手机13812345678，2020-01-06缴费3000元\n幸福小区3栋2单元501室\n");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "联系人：〔姓名〕，手机〔电话〕，2020-01-06缴费3000元\n幸福小区〔门牌〕\n");
}

}  // namespace
}  // namespace civicgrid::api_test
