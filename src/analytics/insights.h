// Decision support over the cube (科学决策): early warnings against a seasonal baseline, hotspots
// of a category on the grid map, recurring problems proposed as 未诉先办 tasks, 每月一题 candidates
// and the categories where training is needed. Pure functions of (cube, query, scope); the routes
// (insights_routes.cpp) parse parameters and add names and explanations. Exact definitions: README.
//
// Every function takes the cube's shared lock for the duration of one pass and counts only rows in
// the caller's data scope (ScopeMask), like the /stats endpoints.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "analytics/cube.h"
#include "analytics/query.h"
#include "identity/permissions.h"

namespace civicgrid::analytics {

// ---- warnings (预警)

struct WarningQuery {
  std::int64_t date = 0;  // the last day of the recent window (China time), included
  int window = 7;         // days in the recent window (1..31)
  int baselines = 8;      // earlier windows forming the seasonal baseline
  double k = 2;           // width of the expected range in spreads
  int min_count = 5;      // a volume warning needs at least this many cases in the window
  int overdue_weeks = 4;  // weeks of overdue counts per department (the last is the recent one)
  int min_overdue = 3;    // an overdue warning needs at least this many in the last week
};

struct Warning {
  std::string kind;       // "volume" | "overdue"
  std::string unit_type;  // "street" | "community" | "department"
  std::string unit;       // org unit code
  std::string category;   // category code (volume), empty (overdue)
  int category_level = 0;
  std::int64_t observed = 0;
  double expected = 0;               // baseline mean
  double low = 0, high = 0;          // expected range
  double z = 0;                      // (observed − expected) ÷ spread
  std::string severity;              // "high" | "medium" | "low"
  std::vector<std::int64_t> series;  // baseline counts, most recent first (volume); weekly
                                     // overdue counts, oldest first (overdue)
};

// Windows: the recent one is [date − window + 1, date]; baseline j (1..baselines) is it shifted
// back by j × step days, step = window rounded up to whole weeks (same weekdays, no overlap).
std::vector<Warning> find_warnings(const Cube& cube, const WarningQuery& q,
                                   const identity::DataScope& scope);

// ---- hotspots (热点)

enum class PlaceLevel { kGrid, kCommunity };

struct HotspotQuery {
  Period period;         // by intake day
  std::string category;  // a category code of any level
  PlaceLevel level = PlaceLevel::kGrid;
};

struct Hotspot {
  std::string place;
  std::int64_t count = 0;        // cases of the category at the place
  std::int64_t place_total = 0;  // cases of any category at the place
  double share = 0;              // count ÷ the category's cases in scope
  double lift = 0;               // (count ÷ place_total) ÷ (category cases ÷ all cases)
  double vs_average = 0;         // count ÷ the category's mean count over places with cases
  bool hotspot = false;          // count ≥ 3 and lift ≥ 1.5
};

struct HotspotResult {
  std::int64_t category_total = 0, all_total = 0, places = 0;
  std::vector<Hotspot> rows;  // count descending, then place code
};
HotspotResult find_hotspots(const Cube& cube, const HotspotQuery& q,
                            const identity::DataScope& scope);

// ---- recurring problems (未诉先办) and 每月一题 candidates

struct RecurringQuery {
  std::int64_t today = 0;  // its month is the last month looked at
  int months = 6;          // N months ending with today's month
  int min_months = 3;      // recurring: cases in at least this many of them
  PlaceLevel level = PlaceLevel::kGrid;
  // A page of the order below: `limit` rows (0: all) after the first `offset`.
  size_t offset = 0, limit = 0;
};

struct Recurring {
  std::string place, category;  // leaf category
  int months_with_cases = 0;
  int longest_run = 0;  // most consecutive months with cases
  std::int64_t total = 0;
  std::vector<std::pair<int, std::int64_t>>
      series;  // (month code y*12+m−1, count), months with cases
};
struct RecurringPage {
  size_t total = 0;             // recurring (place, category) pairs, whatever the page
  std::vector<Recurring> rows;  // the page: by months_with_cases, longest_run, total (descending),
                                // then place and category code
};
// Only the page's rows are built (series and codes): the whole list at city scale is tens of
// thousands of rows.
RecurringPage find_recurring(const Cube& cube, const RecurringQuery& q,
                             const identity::DataScope& scope);

// How hard a set of cases was to settle: each rate is null (−1) without a denominator.
struct Hardness {
  std::int64_t cases = 0, registered = 0, dispatched = 0, evaluated = 0;
  std::int64_t unresolved = 0, unsatisfied = 0, returned = 0, reworked = 0, overdue = 0;
  // Mean of the rates that have a denominator: not resolved ÷ evaluated, unsatisfied ÷
  // evaluated, returned ÷ dispatched, reworked ÷ registered, overdue ÷ registered. 0 when none.
  double score() const;
};

struct TopicCandidate {
  std::string category;  // leaf category
  Hardness h;
  double priority = 0;  // cases × hardness
};
struct TopicResult {
  Hardness overall;
  double mean_cases = 0;             // mean cases per category with cases
  std::vector<TopicCandidate> rows;  // frequent and hard, by priority descending
};
// Cases created in `year`; frequent: cases ≥ mean_cases; hard: score ≥ overall score.
TopicResult monthly_topics(const Cube& cube, int year, const identity::DataScope& scope);

// ---- training needs (退单、返工集中的类别)

struct TrainingNeed {
  std::string category;  // leaf category
  std::int64_t registered = 0, returned = 0, reworked = 0;
  double share_of_returns = 0, share_of_reworks = 0;
  bool need = false;  // returned + reworked ≥ 3 and their rate ≥ 1.5 × the overall rate
};
struct TrainingResult {
  std::int64_t registered = 0, returned = 0, reworked = 0;
  std::vector<TrainingNeed> rows;  // returned + reworked descending, then category
};
TrainingResult training_needs(const Cube& cube, const Period& p, const identity::DataScope& scope);

// Month code (year × 12 + month − 1) of a day number.
int month_code(std::int64_t day);
std::string month_label(int code);

}  // namespace civicgrid::analytics
