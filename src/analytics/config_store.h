// The analytics configuration (query.h RateConfig) kept in the store, table `analytics_config`
// (owned by this module): one JSON document, so every server over one database uses the same
// configuration. A change is written together with its audit entry in one transaction; on
// PostgreSQL the table's trigger (app/cluster_sync.cpp) tells the other servers to reload it.
//
// Earlier versions kept the configuration in `<data dir>/analytics.json`. load() imports that file
// once, when the table is still empty; afterwards the file is ignored (a warning says so).
//
// Thread-safe: every call is one store transaction.
#pragma once

#include <optional>
#include <string>

#include "analytics/query.h"
#include "audit/audit.h"
#include "core/error.h"
#include "core/time.h"
#include "store/database.h"
#include "store/migration.h"

namespace civicgrid::analytics {

// The module's tables (analytics_config), for both engines.
store::MigrationSet migrations();

class ConfigStore {
 public:
  // `legacy_file` may be empty (nothing to import).
  ConfigStore(store::Database& db, audit::AuditLog& audit, const Clock& clock,
              std::string legacy_file);

  // The stored configuration, the defaults when none is stored. Imports the legacy file first
  // when the table is empty (audited as `analytics.config.import`). kInvalidArgument naming the
  // file when it or the stored document cannot be parsed.
  Result<RateConfig> load();
  // The stored configuration, nullopt when none is stored (no import).
  Result<std::optional<RateConfig>> read();
  // Replaces the stored configuration and appends `entry` to the audit log in the same
  // transaction; the entry's detail records the configuration before and after.
  Result<void> save(const RateConfig& config, audit::Entry entry);

 private:
  Result<void> import_legacy_file();

  store::Database& db_;
  audit::AuditLog& audit_;
  const Clock& clock_;
  std::string legacy_file_;
};

}  // namespace civicgrid::analytics
