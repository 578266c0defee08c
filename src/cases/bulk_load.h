// Bulk loading of generated or converted case histories into a new SQLite store, at the speed the
// file allows rather than the speed of a live store: one transaction, no rollback journal, no
// fsync, rows in rowid order (intake order), so that every B-tree, the secondary indexes included,
// is written at a few hot pages that stay in the cache; multi-row prepared statements bound without
// copies.
//
// Only for a store nobody else has open: the file is switched out of WAL mode for the load (and
// back) and a crash in the middle leaves it unusable. The store must be migrated and hold no
// cases yet. Internal to the cases module and the tools that build stores (demo generate).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cases/case.h"
#include "core/error.h"

namespace civicgrid::cases {

struct LoadedCase {
  Case c;                         // id is assigned by the load (1, 2, 3 ...)
  std::vector<CaseEvent> events;  // case_id is set by the load; oldest first
};

struct BulkLoadStats {
  std::int64_t cases = 0;
  std::int64_t events = 0;
  std::chrono::steady_clock::duration insert_time{};  // rows and index entries written, committed
};

// Called for the next batch: replaces the contents of `batch` (which holds the batch just written,
// so its storage can be handed back to the producer and reused) and returns false when there is
// nothing more. Runs on the loading thread.
using NextBatch = std::function<bool(std::vector<LoadedCase>& batch)>;
// Told after each batch is written (cases written so far).
using LoadProgress = std::function<void(std::int64_t cases_written)>;

// Loads everything `next` produces into the SQLite file `db_file`. kConflict when the store
// already has cases; kUnavailable when the file cannot be opened exclusively; kInternal for
// SQLite errors (the detail names the statement).
Result<BulkLoadStats> bulk_load_sqlite(const std::string& db_file, const NextBatch& next,
                                       const LoadProgress& progress = {});

}  // namespace civicgrid::cases
