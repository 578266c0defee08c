// The first half of the history import: one input line → one complete case in memory (the case,
// its participants and its timeline), every event applied through apply(). Internal to the cases
// module; import_cases.cpp writes what this builds. Not thread-safe: one builder per import run.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cases/cases.h"
#include "cases/import_cases.h"

namespace civicgrid::cases {

// Cases built in this run get provisional ids until they are inserted: a merge may point at a case
// of an earlier line whose real id the store has not assigned yet. Real ids never get this large.
inline constexpr std::int64_t kProvisionalIdBase = std::int64_t{1} << 53;

struct BuiltCase {
  std::int64_t line = 0;
  std::int64_t ordinal = 0;  // 0, 1, 2 ... among the cases built in this run
  Case c;
  std::vector<CaseEvent> events;  // case_id still 0
  // Merge: the target (a stored case id, or kProvisionalIdBase + ordinal of a case of this run),
  // its status at the time of the merge, and how the line named it.
  std::optional<size_t> merge_event;
  std::int64_t merge_target = 0;
  Status merge_target_status = Status::kSubmitted;
  std::string merge_target_label;
};

class HistoryBuilder {
 public:
  // Takes snapshots of the org tree, the catalog and the grid map for the whole run.
  explicit HistoryBuilder(CaseService& cases);

  // Builds the case of one line (without its line terminator). On failure fills `rejected` with
  // the reason and returns false. A case that was built counts as "seen": a later line with the
  // same external_id is rejected, and later merges may point at it.
  bool build(std::string_view line, std::int64_t line_no, BuiltCase& out,
             ImportRejection& rejected);

 private:
  struct RunCase {
    std::int64_t ordinal = 0;
    std::int64_t line = 0;
    std::uint32_t history_begin = 0;  // its status changes in history_
    std::uint32_t history_size = 0;
  };
  struct MergeTarget {
    std::int64_t id = 0;
    Status status = Status::kSubmitted;
  };

  Result<void> build_case(const boost::json::object& o, BuiltCase& out);
  Result<void> apply_events(const boost::json::array& events, BuiltCase& out);
  Result<MergeTarget> resolve_merge_target(const boost::json::object& event, BuiltCase& out,
                                           Timestamp at);
  Result<MergeTarget> stored_target(std::optional<std::int64_t> id, const std::string& external_id,
                                    Timestamp at);
  // The status of a case of this run at time t; nullopt when it did not exist yet.
  std::optional<Status> status_at(const RunCase& rc, Timestamp t) const;
  void remember(const BuiltCase& built);

  CaseService& cases_;
  const Clock& clock_;
  std::shared_ptr<const identity::OrgTree> tree_;
  std::shared_ptr<const Catalog> catalog_;
  GridLocator grids_;
  std::string root_area_;  // the district: area of cases without a grid
  RuleContext ctx_;
  Actor actor_;         // the system actor "import"
  Actor report_actor_;  // the same, scoped to the reporting department

  // The parse of the current line lives in a monotonic arena over this buffer, released before the
  // next line: parsing allocates nothing for lines up to the buffer's size.
  std::unique_ptr<unsigned char[]> arena_buffer_;
  boost::json::monotonic_resource arena_;
  boost::json::parser parser_;

  std::unordered_map<std::string, RunCase> seen_;  // by external_id
  std::vector<std::pair<Timestamp, Status>> history_;
  std::int64_t next_ordinal_ = 0;
};

}  // namespace civicgrid::cases
