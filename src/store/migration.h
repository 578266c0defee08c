// Versioned schema migrations. Each module ships numbered SQL files per engine under
// src/<module>/migrations/{sqlite,postgres}/V###__name.sql; the build embeds them (cmake/modules.cmake).
//
// apply_migrations runs, for each module in the given order, every version above the one recorded in
// the table `schema_migrations`, each in its own transaction together with its record, so a migration
// that fails leaves the database as it was before that migration. A shipped migration whose text
// changed is refused (its checksum is recorded).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace civicgrid::store {

struct Migration {
  std::string_view module;
  int version;  // 0 marks the placeholder of an engine without migrations
  std::string_view name;
  std::string_view sql;
};

struct MigrationSet {
  std::string_view module;
  std::span<const Migration> sqlite;
  std::span<const Migration> postgres;
};

struct AppliedMigration {
  std::string module;
  int version;
  std::string name;
};

// Returns the migrations applied by this call, in order.
Result<std::vector<AppliedMigration>> apply_migrations(Database& db,
                                                       std::span<const MigrationSet> sets);

}  // namespace civicgrid::store
