// ConfigStore against a real SQLite store: defaults without a row, the legacy analytics.json
// imported once, saves audited with the configuration before and after.
#include "analytics/config_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

namespace civicgrid::analytics {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class ConfigStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cg_analytics_config_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto db = store::open_database({.url = dir_.string()});
    ASSERT_TRUE(db.has_value()) << db.error().detail();
    db_ = std::move(*db);
    const store::MigrationSet sets[] = {audit::migrations(), migrations()};
    auto applied = store::apply_migrations(*db_, sets);
    ASSERT_TRUE(applied.has_value()) << applied.error().detail();
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
  }
  void TearDown() override {
    audit_.reset();
    if (db_) db_->close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string legacy_file() const { return (dir_ / "analytics.json").string(); }
  void write_legacy(const std::string& text) const { std::ofstream(legacy_file()) << text; }
  ConfigStore store() { return ConfigStore(*db_, *audit_, clock_, legacy_file()); }
  std::vector<audit::StoredEntry> audit_entries() {
    auto l = audit_->list({});
    EXPECT_TRUE(l.has_value());
    return l ? *l : std::vector<audit::StoredEntry>{};
  }

  fs::path dir_;
  ManualClock clock_{1'800'000'000'000};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::AuditLog> audit_;
};

TEST_F(ConfigStoreTest, NothingStoredMeansTheDefaults) {
  auto c = store().load();
  ASSERT_TRUE(c.has_value()) << c.error().detail();
  EXPECT_EQ(c->basic_weight, RateConfig{}.basic_weight);
  EXPECT_EQ(c->repeat_days, RateConfig{}.repeat_days);
  auto stored = store().read();
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(stored->has_value()) << "load without a legacy file stores nothing";
  EXPECT_TRUE(audit_entries().empty());
}

TEST_F(ConfigStoreTest, TheLegacyFileIsImportedOnceAndThenIgnored) {
  write_legacy(R"({"basic_weight": 0.6, "repeat_days": 14})");
  auto first = store().load();
  ASSERT_TRUE(first.has_value()) << first.error().detail();
  EXPECT_EQ(first->basic_weight, 0.6);
  EXPECT_EQ(first->repeat_days, 14);
  auto entries = audit_entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "analytics.config.import");
  EXPECT_EQ(json::parse(entries[0].detail).at("after").at("repeat_days").as_int64(), 14);
  // Editing the file afterwards changes nothing: the store holds the configuration now.
  write_legacy(R"({"basic_weight": 0.9, "repeat_days": 60})");
  auto second = store().load();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->basic_weight, 0.6);
  EXPECT_EQ(second->repeat_days, 14);
  EXPECT_EQ(audit_entries().size(), 1u) << "imported once";
}

TEST_F(ConfigStoreTest, ABrokenLegacyFileIsRefusedNamingIt) {
  write_legacy("{not json");
  auto c = store().load();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(c.error().message_en().find(legacy_file()), std::string::npos)
      << c.error().message_en();
  auto stored = store().read();
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(stored->has_value());
}

TEST_F(ConfigStoreTest, ASaveIsStoredAndAuditedWithBeforeAndAfter) {
  RateConfig c;
  c.basic_weight = 0.5;
  c.repeat_days = 20;
  audit::Entry e;
  e.actor = "user:admin1";
  e.action = "analytics.config";
  e.outcome = "ok";
  ASSERT_TRUE(store().save(c, e).has_value());
  c.repeat_days = 45;
  ASSERT_TRUE(store().save(c, e).has_value());
  auto stored = store().read();
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->repeat_days, 45);
  EXPECT_EQ((*stored)->basic_weight, 0.5);
  auto entries = audit_entries();  // newest first
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].actor, "user:admin1");
  const json::value d = json::parse(entries[0].detail);
  EXPECT_EQ(d.at("before").at("repeat_days").as_int64(), 20);
  EXPECT_EQ(d.at("after").at("repeat_days").as_int64(), 45);
  EXPECT_TRUE(json::parse(entries[1].detail).at("before").is_null());
  // A stored configuration wins over a legacy file that appears later.
  write_legacy(R"({"repeat_days": 7})");
  auto loaded = store().load();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->repeat_days, 45);
}

}  // namespace
}  // namespace civicgrid::analytics
