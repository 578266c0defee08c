// Copies every table of one store into another (e.g. a county's SQLite file into the city's
// PostgreSQL database) and proves the copy: row counts and a checksum per table on both sides.
//
// Both stores must already have the same schema (apply the same migrations first). Tables are
// copied in the order they were created, so a table comes after the tables it references; the
// target's rows in those tables (seed rows of migrations) are deleted first, all in one target
// transaction, so a failed copy leaves the target as it was. `schema_migrations` is not copied.
// Identity sequences of the target are moved past the copied ids.
//
// A target that already holds data (another county's cases in the city database) is refused
// unless asked to replace it: ids of both stores start at 1, so the rows cannot simply be added,
// and deleting them would lose the other data. A target table holds data when it has rows that
// are neither the rows a freshly migrated store has (the migrations' seed rows, given as
// `CopyOptions::baseline`) nor the source's own rows (a copy run again). The check runs inside
// the copy's transaction, so nothing can slip in between.
//
// The checksum is order-independent (the sum of a 64-bit hash of each row's values in a canonical
// text form), so two engines that sort text differently still agree on equal contents.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace civicgrid::store {

struct TableSum {
  std::string table;
  std::int64_t rows = 0;
  std::uint64_t checksum = 0;
};

// The store's tables (without schema_migrations) in creation order.
Result<std::vector<std::string>> list_tables(Database& db);
// Row count and checksum of one table, read page by page in one snapshot.
Result<TableSum> table_sum(Database& db, const std::string& table);
struct CopyOptions {
  // Row count and checksum per table of a freshly migrated store; a table missing here counts as
  // empty when fresh.
  std::vector<TableSum> baseline;
  // Delete whatever the target holds instead of refusing.
  bool replace = false;
};

// A target table that holds data of its own.
struct TargetConflict {
  std::string table;
  std::int64_t rows = 0;
};

// What copy_store refused over.
struct CopyRefused {
  std::vector<TargetConflict> tables;
};

// Copies every table of `from` into `to`; returns the tables copied, in order. When the target
// holds data (see above) and `options.replace` is false, nothing is changed and `refused` (if
// given) lists the tables; the error is kConflict.
Result<std::vector<std::string>> copy_store(Database& from, Database& to,
                                            const CopyOptions& options = {},
                                            CopyRefused* refused = nullptr);

}  // namespace civicgrid::store
