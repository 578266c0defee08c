// Both engines' migrations build the same schema: the same tables, the same columns with matching
// types and NOT NULL, the same named indexes. Skipped, saying why, without CIVICGRID_TEST_PG_URL.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "analytics/config_store.h"
#include "audit/audit.h"
#include "cases/cases.h"
#include "identity/identity.h"
#include "open311/open311.h"
#include "store/database.h"
#include "store/migration.h"
#include "store/postgres/pg_database.h"

namespace civicgrid::app {
namespace {

struct Schema {
  // table → column → "type notnull"
  std::map<std::string, std::map<std::string, std::string>> columns;
  std::set<std::string> indexes;  // "table.index"
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The engines' type names mapped to one vocabulary: integer, real, text.
std::string type_class(std::string type) {
  type = lower(type);
  if (type.find("int") != std::string::npos || type == "bigserial") return "integer";
  if (type == "real" || type.find("double") != std::string::npos || type == "numeric")
    return "real";
  if (type == "text") return "text";
  return "other:" + type;
}

void apply_all(store::Database& db) {
  const store::MigrationSet sets[] = {audit::migrations(), identity::migrations(),
                                      cases::migrations(), open311::migrations(),
                                      analytics::migrations()};
  auto applied = store::apply_migrations(db, sets);
  ASSERT_TRUE(applied) << applied.error().detail();
}

Schema sqlite_schema(store::Database& db) {
  Schema out;
  auto r = db.read([&](store::Session& s) -> Result<void> {
    auto tables =
        s.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    if (!tables) return fail(tables.error());
    for (const auto& t : tables->rows) {
      const std::string table = t.str(0);
      auto cols = s.query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)", {table});
      if (!cols) return fail(cols.error());
      for (const auto& c : cols->rows) {
        // A primary key is NOT NULL on PostgreSQL whether or not it says so.
        const bool notnull = c.i64(2) != 0 || c.i64(3) != 0;
        out.columns[table][c.str(0)] = type_class(c.str(1)) + (notnull ? " not null" : "");
      }
    }
    auto idx = s.query(
        "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
    if (!idx) return fail(idx.error());
    for (const auto& i : idx->rows) out.indexes.insert(i.str(0) + "." + i.str(1));
    return {};
  });
  EXPECT_TRUE(r) << r.error().detail();
  return out;
}

Schema postgres_schema(store::Database& db) {
  Schema out;
  auto r = db.read([&](store::Session& s) -> Result<void> {
    auto cols = s.query(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public'");
    if (!cols) return fail(cols.error());
    for (const auto& c : cols->rows)
      out.columns[c.str(0)][c.str(1)] =
          type_class(c.str(2)) + (c.str(3) == "NO" ? " not null" : "");
    // Indexes that back a PRIMARY KEY or UNIQUE constraint are implicit on SQLite, so only the
    // ones created by CREATE INDEX count.
    auto idx = s.query(
        "SELECT i.tablename, i.indexname FROM pg_indexes i WHERE i.schemaname = 'public' AND NOT "
        "EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)");
    if (!idx) return fail(idx.error());
    for (const auto& i : idx->rows) out.indexes.insert(i.str(0) + "." + i.str(1));
    return {};
  });
  EXPECT_TRUE(r) << r.error().detail();
  return out;
}

TEST(SchemaParity, BothEnginesBuildTheSameTablesColumnsAndIndexes) {
  const char* admin = std::getenv("CIVICGRID_TEST_PG_URL");
  if (!admin || !*admin)
    GTEST_SKIP() << "CIVICGRID_TEST_PG_URL is not set (scripts/run-tests sets it)";
  std::string pattern = (std::filesystem::temp_directory_path() / "cg_parity_XXXXXX").string();
  const std::filesystem::path dir = mkdtemp(pattern.data());
  const std::string name = "cg_parity_" + std::to_string(getpid());
  ASSERT_TRUE(store::postgres::execute_autocommit(admin, "CREATE DATABASE " + name));
  Schema lite, pg;
  {
    auto sdb = store::open_database({.url = dir.string()});
    ASSERT_TRUE(sdb);
    auto pdb = store::open_database({.url = store::postgres::url_with_database(admin, name)});
    ASSERT_TRUE(pdb) << pdb.error().message_en();
    apply_all(**sdb);
    apply_all(**pdb);
    lite = sqlite_schema(**sdb);
    pg = postgres_schema(**pdb);
  }
  (void)store::postgres::execute_autocommit(admin, "DROP DATABASE " + name + " WITH (FORCE)");
  std::filesystem::remove_all(dir);

  EXPECT_GE(lite.columns.size(), 15u);
  for (const auto& [table, cols] : lite.columns) {
    ASSERT_TRUE(pg.columns.contains(table)) << "table " << table << " is missing on PostgreSQL";
    for (const auto& [col, type] : cols) {
      auto it = pg.columns.at(table).find(col);
      ASSERT_NE(it, pg.columns.at(table).end())
          << table << "." << col << " is missing on PostgreSQL";
      EXPECT_EQ(it->second, type) << table << "." << col;
    }
    EXPECT_EQ(pg.columns.at(table).size(), cols.size()) << "columns of " << table;
  }
  for (const auto& [table, cols] : pg.columns)
    EXPECT_TRUE(lite.columns.contains(table)) << "table " << table << " is missing on SQLite";
  EXPECT_EQ(lite.indexes, pg.indexes);
}

}  // namespace
}  // namespace civicgrid::app
