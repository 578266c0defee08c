// The statistics cube: one row per case in column arrays of small integer codes, kept in memory and
// updated on every committed case change, so statistics never GROUP BY over the case table.
//
// Rows are indexed by case id (ids are dense). Codes index dictionaries (category, area,
// department); code 0 is "none". A category row knows its ancestors per level, an area row its
// street, community and grid, so rolling up is an array lookup. Memory: 26 bytes per case in the
// columns (see bytes_per_case()), plus the small dictionaries.
//
// Thread safety: update() takes the lock exclusively; readers hold lock_shared() while they read
// columns and dictionaries (queries are short scans, so a shared_mutex is enough).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analytics/rollup.h"
#include "cases/case.h"
#include "cases/catalog.h"
#include "core/work_calendar.h"
#include "identity/org_tree.h"

namespace civicgrid::analytics {

// Per-case flags (Cube::flags).
enum CaseFlag : std::uint16_t {
  kRegistered =
      1 << 0,  // went beyond intake (registered, dispatched, ...), not rejected/merged before
  kDispatched = 1 << 1,      // has (had) a lead department
  kAcceptedOnTime = 1 << 2,  // the latest lead accepted by its accept deadline
  kContacted = 1 << 3,  // the latest accept said contacted, or the case was handled (reply given)
  kHandled = 1 << 4,
  kOverdue = 1 << 5,
  kReturned = 1 << 6,  // returned (退单) at least once
  kReworked = 1 << 7,  // failed verification at least once (返工)
  kExtended = 1 << 8,  // an extension was approved
  kEvaluated = 1 << 9,
  kClosed = 1 << 10,        // status closed
  kClosedOnTime = 1 << 11,  // closed by its deadline and never overdue
  // 复诉: an earlier case (by created day, then id) of the same leaf category at the same grid
  // within Cube::repeat_days() days; kept current as cases arrive and change.
  kRepeated = 1 << 12,
};

// Evaluation codes (low 2 bits: resolved, next 2 bits: satisfaction).
enum EvalCode : std::uint8_t { kEvalNone = 0, kResolved = 1, kPartly = 2, kUnresolved = 3 };
enum SatisfactionCode : std::uint8_t {
  kSatNone = 0,
  kSatisfied = 1,
  kBasically = 2,
  kUnsatisfied = 3
};

inline constexpr std::uint8_t kAbsent = 0xFF;  // status code of a row without a case

// Interned codes; index 0 is the empty code.
class Dictionary {
 public:
  Dictionary() {
    codes_.emplace_back();
    index_.emplace("", 0);
  }
  std::uint16_t intern(std::string_view code);
  std::optional<std::uint16_t> find(std::string_view code) const;
  const std::string& code(std::uint16_t i) const { return codes_[i]; }
  size_t size() const { return codes_.size(); }

 private:
  std::vector<std::string> codes_;
  std::unordered_map<std::string, std::uint16_t> index_;
};

class Cube {
 public:
  explicit Cube(const WorkCalendar& calendar) : calendar_(calendar) {}

  // The org tree and catalog used to roll areas and categories up (for codes first seen after
  // this).
  void set_reference(std::shared_ptr<const identity::OrgTree> tree,
                     std::shared_ptr<const cases::Catalog> catalog);
  // Inserts or replaces the case's row. `events` are events of the case known to the caller (see
  // cases::ChangeListener); facts only events carry (contacted, extended) are kept from the
  // previous row when `events` say nothing about them.
  void update(const cases::Case& c, std::span<const cases::CaseEvent> events);
  void clear();

  std::shared_lock<std::shared_mutex> lock_shared() const { return std::shared_lock(mu_); }

  // --- columns (read under lock_shared); index = case id
  size_t rows() const { return status_.size(); }
  std::size_t cases() const { return cases_; }
  std::vector<std::uint16_t> created_day_, closed_day_, deadline_day_;  // days since 1970 (China)
  std::vector<std::uint16_t> category_, area_, department_;
  std::vector<std::uint8_t> channel_, type_, status_, eval_;
  std::vector<std::uint16_t> flags_;
  std::vector<std::uint32_t> close_minutes_;  // working minutes from intake to close
  // The case version the row reflects: listeners run after commit, outside the writer's lock, so
  // two changes of one case may arrive out of order; the older one is ignored.
  std::vector<std::uint32_t> version_;
  // Bounds of created_day_ over every row ever written (a replaced row may leave them wider):
  // queries size their per-day tables by them.
  std::uint16_t min_created_day_ = 0xFFFF, max_created_day_ = 0;

  // --- dictionaries
  Dictionary categories_, areas_, departments_;
  std::vector<std::array<std::uint16_t, 3>>
      category_levels_;  // by category: ancestor at level 1..3
  std::vector<std::uint16_t> area_street_, area_community_, area_grid_;  // by area

  // Pre-aggregates kept with the columns (rollup.h). Queries use them unless use_rollups is false
  // (then every query scans the columns; tests compare the two).
  Rollups rollups_;
  bool use_rollups = true;
  // The window of the kRepeated flag (复诉 within this many days, default 30); changing it
  // recomputes the flags and the rollups' sums of them.
  int repeat_days() const { return repeat_days_; }
  void set_repeat_days(int days);
  // Rows by created day (unordered within a day): the days at the edges of a query's period.
  std::vector<std::vector<std::uint32_t>> rows_by_day_;
  // Bytes of the rollups (per distinct key), of the 复诉 index and of rows_by_day_ (per case).
  size_t rollup_memory_bytes() const;
  size_t repeat_index_bytes() const;
  size_t day_index_bytes() const;

  // Seconds spent in each part of a rebuild of the derived structures (rebuild_derived).
  struct DeriveTimes {
    double order_s = 0;       // rows sorted by created day
    double indexes_s = 0;     // day index and 复诉 index
    double rollups_s = 0;     // the rollups of the rows (on 2 threads: of the earlier half)
    double rollups2_s = 0;    // on 2 threads: the rollups of the later half, after the indexes
    double merge_s = 0;       // on 2 threads: the later half's rollups added to the earlier's
    double repeat_fix_s = 0;  // rows whose stored 复诉 flag the index contradicts
    int threads = 1;
  };

  // Column bytes per row (the goal is ≤ 64).
  static constexpr size_t bytes_per_case() { return 3 * 2 + 3 * 2 + 4 * 1 + 2 + 4 + 4; }
  // Bytes the columns occupy now (capacity, not size).
  size_t memory_bytes() const;

 private:
  // Reads and writes the columns and dictionaries, and rebuilds what derives from them
  // (cube_snapshot.h).
  friend class CubeSnapshot;
  void ensure_rows(size_t n);
  std::uint16_t intern_category(const std::string& code);
  std::uint16_t intern_area(const std::string& code);
  // Adds (sign +1) or subtracts (-1) the row's contribution to every rollup (rollup.cpp).
  void rollup(size_t row, int sign);
  // The same into `rollups_`, another Rollups (a rebuild's second thread fills one).
  void add_rollup(Rollups& rollups_, size_t row, int sign) const;
  // The 复诉 index: rows of each (grid, leaf category) sorted by (created day, id), so a row's flag
  // depends only on its predecessor and a change touches one neighbour.
  std::uint32_t repeat_group(size_t row) const;
  void repeat_insert(std::uint32_t group, size_t row);
  void repeat_remove(std::uint32_t group, std::uint16_t day, size_t row);
  void set_repeated(size_t row, bool repeated);
  // Files the row under its created day in rows_by_day_ (moving it from old_day).
  void index_day(size_t row, std::optional<std::uint16_t> old_day);
  // Rebuilds everything that derives from the columns — rollups, rows_by_day_, the 复诉 index and
  // flags, cases() and the created-day bounds — to what update() of every row would give, with the
  // caller holding the exclusive lock (cube_rebuild.cpp). With 2 threads the second one builds the
  // indexes and the rollups of the later half of the days; the result is the same.
  DeriveTimes rebuild_derived(int threads);

  const WorkCalendar& calendar_;
  mutable std::shared_mutex mu_;
  std::shared_ptr<const identity::OrgTree> tree_;
  std::shared_ptr<const cases::Catalog> catalog_;
  std::size_t cases_ = 0;
  int repeat_days_ = 30;
  // Rows of each group, sorted by (created_day_[row], row): 4 bytes a case, the day read from the
  // column.
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> repeat_groups_;
};

// Days since 1970-01-01 of an instant in China time, clamped to the 16-bit column.
std::uint16_t day_code(Timestamp t);

}  // namespace civicgrid::analytics
