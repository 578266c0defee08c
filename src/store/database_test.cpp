#include "store/database.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>

namespace civicgrid::store {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cg_store_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

Row row(std::vector<Value> values) {
  return Row(std::move(values));
}

TEST(Row, ReadsValuesOfTheirOwnType) {
  const Row r = row({std::int64_t{-42}, 2.5, std::string("text"), nullptr});
  EXPECT_EQ(r.size(), 4u);
  EXPECT_EQ(r.i64(0), -42);
  EXPECT_EQ(r.f64(1), 2.5);
  EXPECT_EQ(r.str(2), "text");
  EXPECT_TRUE(r.is_null(3));
  EXPECT_EQ(r.opt_str(2), "text");
  EXPECT_EQ(r.opt_i64(0), -42);
}

TEST(Row, NullReadsAsZeroOrEmptyAndAsNulloptFromOptionalAccessors) {
  const Row r = row({nullptr});
  EXPECT_EQ(r.i64(0), 0);
  EXPECT_EQ(r.f64(0), 0.0);
  EXPECT_EQ(r.str(0), "");
  EXPECT_EQ(r.opt_str(0), std::nullopt);
  EXPECT_EQ(r.opt_i64(0), std::nullopt);
}

TEST(Row, ConvertsLosslessly) {
  const Row r = row({std::int64_t{9007199254740993}, std::string("123"), 4.0, 0.1,
                     std::string("-7"), std::int64_t{12}, std::string("1.5")});
  EXPECT_EQ(r.str(0), "9007199254740993");
  EXPECT_EQ(r.i64(1), 123);
  EXPECT_EQ(r.i64(2), 4);
  EXPECT_EQ(r.str(3), "0.1");  // shortest text that reads back as the same double
  EXPECT_EQ(r.opt_i64(4), -7);
  EXPECT_EQ(r.f64(5), 12.0);
  EXPECT_EQ(r.f64(6), 1.5);
}

TEST(Row, RefusesLossyConversions) {
  const Row r = row({std::int64_t{9007199254740993}, std::string("12abc"), 4.5, std::string(""),
                     1e300, std::string("99999999999999999999")});
  EXPECT_THROW((void)r.f64(0), std::invalid_argument);  // 2^53 + 1 has no exact double
  EXPECT_THROW((void)r.i64(1), std::invalid_argument);
  EXPECT_THROW((void)r.i64(2), std::invalid_argument);
  EXPECT_THROW((void)r.i64(3), std::invalid_argument);
  EXPECT_THROW((void)r.i64(4), std::invalid_argument);
  EXPECT_THROW((void)r.i64(5), std::invalid_argument);
  EXPECT_THROW((void)r.i64(6), std::out_of_range);
}

TEST(OpenDatabase, DirectoryPathIsCreatedAndHoldsCivicgridDb) {
  TempDir dir;
  const auto data = dir.path() / "nested" / "data";
  DatabaseOptions options;
  options.url = data.string();
  auto db = open_database(options);
  ASSERT_TRUE(db.has_value()) << db.error().detail();
  EXPECT_EQ((*db)->dialect(), Dialect::kSqlite);
  EXPECT_TRUE(std::filesystem::exists(data / "civicgrid.db"));
  ASSERT_TRUE((*db)->run_write([](Session& s) { return s.exec_script("CREATE TABLE t (x)"); }));
}

TEST(OpenDatabase, SqliteUrlNamesTheFile) {
  TempDir dir;
  DatabaseOptions options;
  options.url = "sqlite:" + (dir.path() / "own.db").string();
  auto db = open_database(options);
  ASSERT_TRUE(db.has_value()) << db.error().detail();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "own.db"));
  EXPECT_EQ((*db)->stats().readers_total, 4);
}

TEST(OpenDatabase, UnreachablePostgresIsUnavailableWithoutEchoingThePassword) {
  DatabaseOptions options;
  options.url = "postgresql://user:secret@127.0.0.1:1/civicgrid?connect_timeout=2";
  auto db = open_database(options);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(db.error().message_en().find("secret"), std::string::npos);
  EXPECT_EQ(db.error().detail().find("secret"), std::string::npos);
}

TEST(OpenDatabase, UnknownSchemeOrEmptyUrlIsInvalid) {
  for (const char* url : {"mysql://localhost/db", "", "sqlite:"}) {
    DatabaseOptions options;
    options.url = url;
    auto db = open_database(options);
    ASSERT_FALSE(db.has_value()) << url;
    EXPECT_EQ(db.error().code(), ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(db.error().field(), "db") << url;
  }
  DatabaseOptions options;
  options.url = "mysql://user:secret@host/db";
  EXPECT_EQ(open_database(options).error().message_en().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace civicgrid::store
