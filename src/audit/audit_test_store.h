// A real store for the audit tests, on SQLite (a temporary directory) or on PostgreSQL (a fresh
// database on the server named by CIVICGRID_TEST_PG_URL; the test is skipped, saying why, when it
// is not set).
#pragma once

#include <gtest/gtest.h>
#include <memory>
#include <string>

#include "audit/audit.h"
#include "core/crypto.h"
#include "store/database.h"
#include "store/migration.h"
#include "store/scratch_store.h"

namespace civicgrid::audit {

enum class Engine { kSqlite, kPostgres };

inline std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

class AuditStore {
 public:
  // Creates the empty store; call open() next. skip() says why the store cannot be made.
  explicit AuditStore(Engine engine)
      : engine_(engine), scratch_(engine == Engine::kPostgres, "cg_audit") {}
  AuditStore(const AuditStore&) = delete;

  // Another connection pool on the store, as another process would have; with `migrate`, applies
  // the audit migrations (all of them, or only the first `versions`).
  std::unique_ptr<store::Database> open(bool migrate = true, int versions = 0) const {
    auto db = store::open_database({.url = scratch_.url()});
    EXPECT_TRUE(db.has_value()) << db.error().detail();
    if (!db) return nullptr;
    if (migrate) {
      store::MigrationSet set = audit::migrations();
      if (versions > 0) {
        set.sqlite = set.sqlite.first(static_cast<size_t>(versions));
        set.postgres = set.postgres.first(static_cast<size_t>(versions));
      }
      const store::MigrationSet sets[] = {set};
      auto applied = store::apply_migrations(**db, sets);
      EXPECT_TRUE(applied.has_value()) << applied.error().detail();
    }
    return std::move(*db);
  }

  Engine engine() const { return engine_; }
  const std::string& skip() const { return scratch_.skip; }

 private:
  Engine engine_;
  store::ScratchStore scratch_;
};

// A count from the store (SELECT count(*) ...).
inline std::int64_t count_rows(store::Database& db, const std::string& sql) {
  auto r = db.read([&](store::Session& s) { return s.query(sql); });
  EXPECT_TRUE(r.has_value()) << r.error().detail();
  return r && !r->rows.empty() ? r->rows[0].i64(0) : -1;
}

}  // namespace civicgrid::audit
