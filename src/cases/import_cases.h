// History import (历史工单导入): loads cases with their whole timelines from another hotline
// system, one JSON object per line (format: docs/import-cases.md).
//
// Every event of a line goes through apply() with a system actor, so an imported history obeys the
// same state machine and body guards as live work. A line that breaks them is rejected as a whole
// (nothing of that case is stored) and reported with its line number; the other lines are imported.
//
// Lines are parsed and their cases built in memory on a helper thread while the calling thread
// writes the previous batch, one write transaction per batch of cases. Re-running an import is
// idempotent: a line whose external_id is already stored is rejected as "already imported".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "cases/cases.h"
#include "core/error.h"

namespace civicgrid::cases {

struct ImportOptions {
  int batch_size = 2000;               // cases per write transaction
  std::string audit_actor = "import";  // actor of the audit entries, e.g. "cli:alice"
  std::string source;                  // file name recorded in the audit entries
  size_t max_rejections_kept = 1000;   // rejections beyond this are counted, not listed
  std::chrono::milliseconds progress_interval{500};
};

struct ImportRejection {
  std::int64_t line = 0;    // 1-based line number in the input
  std::string external_id;  // empty when the line has none (or is not valid JSON)
  std::string reason;  // e.g. "event 3 (dispatch): department: not a department that can be ..."
};

struct ImportProgress {
  std::int64_t lines_read = 0;  // lines consumed from the input so far (parsed or waiting)
  std::int64_t bytes_read = 0;
  std::int64_t imported = 0;  // cases committed
  std::int64_t rejected = 0;
  std::chrono::steady_clock::duration elapsed{};
  bool done = false;  // the final report
};
using ProgressCallback = std::function<void(const ImportProgress&)>;

struct ImportSummary {
  std::int64_t lines_read = 0;
  std::int64_t blank_lines = 0;  // skipped
  std::int64_t imported = 0;
  std::int64_t events = 0;  // timeline events stored for the imported cases
  std::int64_t rejected = 0;
  std::vector<ImportRejection> rejections;  // the first max_rejections_kept, by line number
  std::int64_t batches = 0;                 // write transactions committed
  std::chrono::steady_clock::duration elapsed{};

  double seconds() const { return std::chrono::duration<double>(elapsed).count(); }
  double cases_per_second() const { return seconds() > 0 ? imported / seconds() : 0; }
};

// Reads the whole stream. Rejected lines do not make this fail; it fails when the store fails
// (the batches committed before stay committed: running the import again continues where it
// stopped) or when the stream cannot be read (kInvalidArgument, field "file").
Result<ImportSummary> import_cases(CaseService& cases, std::istream& in,
                                   const ImportOptions& options, ProgressCallback progress = {});

}  // namespace civicgrid::cases
