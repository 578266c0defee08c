// The cube snapshot (ADR 20): the cube's base per-case columns and dictionaries, and the staff
// ledger, written to one file so that a server start loads them and catches up with the cases
// changed since, instead of scanning every case and event of the store.
//
// File layout (little-endian, every section padded to 8 bytes):
//   header   magic "CGCUBESN", u32 format version, u32 byte-order mark, u64 layout signature,
//            u64 body size, u64 checksum of the body
//   body     watermark (max case id, changed-since time, written-at time), rows and cases, the 13
//            cube columns, the category/area/department dictionaries with the codes' roll-ups,
//            the staff ledger (people, facts, per-case states)
// The layout signature changes whenever a column's type or a ledger record's size changes, so a
// file from another build of the cube is refused rather than misread.
//
// Derived structures (rollups, rows_by_day_, the 复诉 index and flags) are not stored: load()
// rebuilds them from the loaded columns in bulk (Cube::rebuild_derived, cube_rebuild.cpp) to what a
// row-by-row update() would give, the rollups with the cube's own per-row code.
//
// Contract of load(): on success the cube and ledger hold exactly what capture() copied, and the
// category and area codes roll up as the given catalog and org tree say (a code that would roll up
// differently now fails the load). On failure the cube and ledger are cleared and the error's
// English message says why (missing, truncated, checksum, version, layout, reference changed).
//
// Thread safety: capture() holds the cube's and the ledger's shared locks while it copies; load()
// holds their exclusive locks. write_file() and the rest touch no shared state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "analytics/cube.h"
#include "analytics/staff.h"
#include "core/error.h"
#include "core/time.h"

namespace civicgrid::analytics {

// What a snapshot may have missed is re-read at start-up: cases with an id above max_id, and cases
// updated at or after changed_since (CaseService::scan_changed).
struct SnapshotWatermark {
  std::int64_t max_id = 0;
  Timestamp changed_since = 0;
  Timestamp written_at = 0;
  // How long load() took to read and check the file, and to rebuild the derived structures
  // (derive_s, of which the parts in `derive`).
  double read_s = 0, derive_s = 0;
  Cube::DeriveTimes derive;
};

struct SnapshotStats {
  std::uint64_t bytes = 0;
  std::uint64_t rows = 0;
  std::uint64_t cases = 0;
  double capture_s = 0;  // copying under the shared locks (the only time writers wait)
  double write_s = 0;    // writing, fsync and rename
};

class CubeSnapshot {
 public:
  static constexpr std::uint32_t kFormatVersion = 1;

  // Serializes the cube and the ledger into memory. `changed_since` is the caller's clock minus
  // its safety margin, read before this call.
  // `locked_s`, when given, receives the seconds the locks were held.
  static std::string capture(const Cube& cube, const StaffLedger& staff, Timestamp changed_since,
                             Timestamp written_at, double* locked_s = nullptr);
  // Writes `image` to `path` atomically: a temporary file beside it, fsync, rename, fsync of the
  // directory. A crash leaves either the old file or the new one.
  static Result<void> write_file(const std::string& path, const std::string& image);

  // Reads `path` into the (cleared) cube and ledger; the cube must have its reference and
  // repeat_days set. See the contract above. The derived structures are rebuilt on
  // `derive_threads` threads (1 or 2; the result is the same).
  static Result<SnapshotWatermark> load(const std::string& path, Cube& cube, StaffLedger& staff,
                                        int derive_threads = 2);

  // The signature of the stored layout (sizes of the columns and ledger records).
  static std::uint64_t layout_signature();

 private:
  class Reader;
  struct StoredCodes;
  static Result<void> read_cube(Reader& in, Cube& cube);
  static Result<void> read_codes(Reader& in, StoredCodes& codes);
  static Result<void> read_staff(Reader& in, StoredCodes& codes, StaffLedger& staff);
  static Result<void> apply_codes(const StoredCodes& codes, Cube& cube);
  static Result<void> apply_staff(const StoredCodes& codes, StaffLedger& staff);
  static void reset_dictionaries(Cube& cube, StaffLedger& staff);
};

}  // namespace civicgrid::analytics
