// The analytics configuration lives in the store: an analytics.json left in --data by an earlier
// version is imported once on the first start, later edits of the file are ignored, and every
// change through the admin route is audited with the configuration before and after. Runs on both
// engines.
#include <gtest/gtest.h>

#include <fstream>

#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

namespace json = boost::json;

constexpr const char* kConfig = "/api/v1/admin/analytics/config";

json::array audit_of(HttpClient& c, const std::string& action) {
  HttpResponse log = c.get("/api/v1/admin/audit?target_type=analytics_config&limit=100");
  if (log.status != 200) throw HarnessError("audit: " + log.body);
  json::array out;
  for (const auto& e : log.find("/entries")->as_array())
    if (e.at("action") == json::value(action)) out.push_back(e);
  return out;
}

TEST(StatsConfigTest, ALegacyFileIsImportedOnceThenTheStoreWins) {
  TestServer server;
  std::ofstream(server.data_dir() + "/analytics.json")
      << R"({"basic_weight": 0.6, "repeat_days": 14})";
  server.start();
  create_user(server, "cfg_admin", "admin", "MH");
  HttpClient admin = server.login_as("cfg_admin");
  HttpResponse got = admin.get(kConfig);
  ASSERT_EQ(got.status, 200u) << got;
  EXPECT_EQ(got.json().at("basic_weight").as_double(), 0.6) << got;
  EXPECT_EQ(got.integer("/repeat_days"), 14) << got;
  json::array imported = audit_of(admin, "analytics.config.import");
  ASSERT_EQ(imported.size(), 1u);
  EXPECT_EQ(imported[0].at("detail").at("after").at("repeat_days").as_int64(), 14);

  // The file is now ignored: an edit and a restart change nothing, and nothing is imported again.
  std::ofstream(server.data_dir() + "/analytics.json", std::ios::trunc)
      << R"({"basic_weight": 0.9, "repeat_days": 60})";
  server.restart();
  admin = server.login_as("cfg_admin");
  got = admin.get(kConfig);
  EXPECT_EQ(got.integer("/repeat_days"), 14) << got;
  EXPECT_EQ(audit_of(admin, "analytics.config.import").size(), 1u);
}

TEST(StatsConfigTest, AChangeIsAuditedWithBeforeAndAfterAndSurvivesARestart) {
  TestServer server;
  server.start();
  create_user(server, "cfg_admin2", "admin", "MH");
  HttpClient admin = server.login_as("cfg_admin2");
  const Headers json_type{{"Content-Type", "application/json"}};
  HttpResponse put = admin.request("PUT", kConfig, R"({"repeat_days": 21})", json_type);
  ASSERT_EQ(put.status, 200u) << put;
  put = admin.request("PUT", kConfig, R"({"repeat_days": 35, "basic_weight": 0.7})", json_type);
  ASSERT_EQ(put.status, 200u) << put;
  HttpResponse bad = admin.request("PUT", kConfig, R"({"repeat_days": -1})", json_type);
  EXPECT_EQ(bad.status, 422u) << bad;

  json::array changes = audit_of(admin, "analytics.config");
  ASSERT_EQ(changes.size(), 3u) << "two changes and the refused one";
  // Newest first: the refused PUT (written by the server's hook, without detail), then the second.
  EXPECT_EQ(changes[0].at("outcome"), json::value("422"));
  const json::object& second = changes[1].as_object();
  EXPECT_EQ(second.at("actor"), json::value("user:cfg_admin2"));
  EXPECT_EQ(second.at("detail").at("before").at("repeat_days").as_int64(), 21);
  EXPECT_EQ(second.at("detail").at("after").at("repeat_days").as_int64(), 35);
  EXPECT_TRUE(changes[2].at("detail").at("before").is_null()) << changes[2];

  server.restart();
  HttpResponse got = server.login_as("cfg_admin2").get(kConfig);
  EXPECT_EQ(got.integer("/repeat_days"), 35) << got;
  EXPECT_EQ(got.json().at("basic_weight").as_double(), 0.7) << got;
}

}  // namespace
}  // namespace civicgrid::api_test
