#include "store/migration.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace civicgrid::store {

namespace {

// applied_at is BIGINT (milliseconds overflow PostgreSQL's 32-bit INTEGER); SQLite reads it as
// INTEGER.
constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL, PRIMARY KEY (module, version))";
constexpr std::string_view kSelectApplied =
    "SELECT version, checksum FROM schema_migrations WHERE module = $1";
// PostgreSQL: servers starting at once on one database take turns migrating (a transaction-level
// advisory lock; the number is arbitrary but fixed). The one that waited fails on the objects the
// other created (its snapshot predates them), finds the version recorded and goes on.
constexpr std::string_view kMigrationLock = "SELECT pg_advisory_xact_lock(7346201958)";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (module, version, name, checksum, applied_at) "
    "VALUES ($1, $2, $3, $4, $5)";

// FNV-1a 64 of the SQL text as 16 hex digits. Carriage returns are skipped so that a checkout with
// CRLF line endings does not count as a changed migration.
std::string checksum(std::string_view sql) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : sql) {
    if (c == '\r') continue;
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = kHex[h & 0xF];
  return out;
}

std::string label(std::string_view module, int version) {
  return std::string(module) + " V" + std::to_string(version);
}

// The engine's own words for a failure: the log detail of an internal error, else its message.
const std::string& engine_message(const Error& e) {
  return e.detail().empty() ? e.message_en() : e.detail();
}

Result<void> ensure_table(Database& db) {
  auto tx = db.begin_write();
  if (!tx) return fail(tx.error());
  if (db.dialect() == Dialect::kPostgres) {
    if (auto r = (*tx)->query(kMigrationLock); !r) return fail(r.error());
  }
  if (auto r = (*tx)->exec_script(kCreateTable); !r) {
    return fail(Error::internal("cannot create schema_migrations: " + engine_message(r.error())));
  }
  return (*tx)->commit();
}

// Recorded checksums of a module by version.
Result<std::map<int, std::string>> load_applied(Database& db, std::string_view module) {
  return db.read([&](Session& s) -> Result<std::map<int, std::string>> {
    auto rows = s.query(kSelectApplied, {std::string(module)});
    if (!rows) return fail(rows.error());
    std::map<int, std::string> out;
    for (const Row& row : rows->rows) out.emplace(static_cast<int>(row.i64(0)), row.str(1));
    return out;
  });
}

Result<void> apply_one(Database& db, std::string_view module, const Migration& m,
                       const std::string& sum) {
  auto failed = [&](const Error& e) {
    return Error::internal("migration " + label(module, m.version) + " (" + std::string(m.name) +
                           ") failed: " + engine_message(e));
  };
  auto tx = db.begin_write();
  if (!tx) return fail(failed(tx.error()));
  if (db.dialect() == Dialect::kPostgres) {
    if (auto r = (*tx)->query(kMigrationLock); !r) return fail(failed(r.error()));
  }
  // On any failure below, the transaction's destructor rolls back the migration's statements too.
  if (auto r = (*tx)->exec_script(m.sql); !r) return fail(failed(r.error()));
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto recorded = (*tx)->execute(kInsertApplied, {std::string(module), std::int64_t{m.version},
                                                  std::string(m.name), sum, std::int64_t{now}});
  if (!recorded) return fail(failed(recorded.error()));
  if (auto r = (*tx)->commit(); !r) return fail(failed(r.error()));
  return {};
}

}  // namespace

Result<std::vector<AppliedMigration>> apply_migrations(Database& db,
                                                       std::span<const MigrationSet> sets) {
  if (auto r = ensure_table(db); !r) return fail(r.error());
  std::vector<AppliedMigration> applied_now;
  for (const MigrationSet& set : sets) {
    const auto migrations = db.dialect() == Dialect::kSqlite ? set.sqlite : set.postgres;
    int previous = 0;
    for (const Migration& m : migrations) {
      if (m.version == 0) continue;  // the placeholder of an engine without migrations
      if (m.version <= previous) {
        return fail(Error::internal("migrations of " + std::string(set.module) +
                                    " are not in strictly increasing order: V" +
                                    std::to_string(m.version) + " follows V" +
                                    std::to_string(previous)));
      }
      previous = m.version;
    }

    auto recorded = load_applied(db, set.module);
    if (!recorded) return fail(recorded.error());
    const int max_recorded = recorded->empty() ? 0 : recorded->rbegin()->first;
    for (const Migration& m : migrations) {
      if (m.version == 0) continue;
      const std::string sum = checksum(m.sql);
      if (auto it = recorded->find(m.version); it != recorded->end()) {
        if (it->second != sum) {
          return fail(Error::internal("migration " + label(set.module, m.version) +
                                      " was changed after it was applied"));
        }
        continue;
      }
      if (m.version < max_recorded) {
        // Running it now would apply it after a later version; skipping it would leave the schema
        // without it. Either is wrong, so refuse.
        return fail(Error::internal("migration " + label(set.module, m.version) +
                                    " is not applied but the later V" +
                                    std::to_string(max_recorded) + " is"));
      }
      if (auto r = apply_one(db, set.module, m, sum); !r) {
        // Applied meanwhile by another process on the same PostgreSQL database?
        auto now = db.dialect() == Dialect::kPostgres ? load_applied(db, set.module) : recorded;
        if (!now || !now->contains(m.version) || now->at(m.version) != sum) return fail(r.error());
        continue;
      }
      applied_now.push_back({std::string(set.module), m.version, std::string(m.name)});
    }
  }
  return applied_now;
}

}  // namespace civicgrid::store
