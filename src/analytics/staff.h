// Per-person workflow facts for the staff-capacity indicators (岗位评价, 基层减负): who reported on
// patrol, verified, dispatched and handled which case, and what became of it (returned, reworked).
// The cube has one row per case and no people, so this ledger is kept beside it, fed by the same
// CaseService::scan at start-up and CaseService::on_change afterwards.
//
// Only actors "user:<username>" count (imports and the system are nobody's work). Notifications
// carry either the new events only (intake) or the case's whole history (actions, the import), so
// each case remembers the time of the last event it counted and how many counted events shared
// that time; events up to there are skipped, and nothing is counted twice.
//
// Thread safety: update() takes the lock exclusively; capacity() holds it shared (and the cube's).
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "analytics/cube.h"
#include "analytics/query.h"
#include "cases/case.h"
#include "core/work_calendar.h"
#include "identity/permissions.h"

namespace civicgrid::analytics {

class CubeSnapshot;

enum class Post { kGridWorker, kDispatcher, kHandler };
std::optional<Post> parse_post(std::string_view s);

// One person's indicators for a post over a period (by the day of their action).
struct PersonCapacity {
  std::string username;
  // grid worker
  std::int64_t patrol_reports = 0;  // cases they submitted with channel patrol (自主发现)
  std::int64_t open_reports = 0;    // of those, still open now
  std::int64_t verifications = 0, verifications_on_time = 0;
  // dispatcher
  std::int64_t dispatches = 0, dispatches_returned = 0;
  // handler
  std::int64_t handled = 0, handled_on_time = 0, handled_reworked = 0;
};

// What a grid carries for its grid workers in the period (by intake day).
struct GridLoad {
  std::string grid;
  std::int64_t cases = 0;
  std::int64_t patrol_found = 0;           // channel patrol: found by the grid's own workers
  std::int64_t from_elsewhere = 0;         // every other channel: work handed down to the grid
  std::int64_t awaiting_verification = 0;  // now in status handled
  std::int64_t workers = 0;  // distinct people who reported on patrol or verified there
};

struct CapacityResult {
  std::vector<PersonCapacity> people;  // by username
  std::vector<GridLoad> grids;         // grid worker post only; by cases descending
};

class StaffLedger {
 public:
  // A verification is on time when it comes within this many working minutes of the handle.
  static constexpr std::int64_t kVerifyWithinMinutes = 8 * 60;
  // The events the ledger needs from CaseService::scan.
  static std::span<const cases::Action> events();

  explicit StaffLedger(const WorkCalendar& calendar) : calendar_(calendar) {}
  void update(const cases::Case& c, std::span<const cases::CaseEvent> events);
  void clear();
  size_t facts() const {
    std::shared_lock lock(mu_);
    return facts_.size();
  }

  // Facts of cases in `scope` (the cube's area/department of the case) with the action in `p`.
  CapacityResult capacity(const Cube& cube, Post post, const Period& p,
                          const identity::DataScope& scope) const;

 private:
  friend class CubeSnapshot;  // stores and restores the ledger (cube_snapshot.h)
  enum Kind : std::uint8_t { kPatrol, kVerify, kDispatch, kHandle };
  enum FactFlag : std::uint8_t { kOnTime = 1, kUndone = 2 };  // undone: returned / reworked
  struct Fact {
    std::uint32_t case_id;
    std::uint16_t day;
    std::uint16_t person;
    std::uint8_t kind;
    std::uint8_t flags;
  };
  struct CaseState {
    Timestamp last_at = 0;                              // of the last counted event
    std::uint32_t at_last = 0;                          // counted events with that time
    std::int32_t last_dispatch = -1, last_handle = -1;  // fact indexes
    Timestamp handled_at = 0;
  };

  const WorkCalendar& calendar_;
  mutable std::shared_mutex mu_;
  Dictionary people_;
  std::vector<Fact> facts_;
  std::vector<CaseState> cases_;  // by case id
};

}  // namespace civicgrid::analytics
