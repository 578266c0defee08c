// Statistics queries over the cube: counts grouped by dimensions, and per-unit rates and
// indicators. Pure functions of (cube, query, scope, config); the routes only parse and render.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analytics/cube.h"
#include "core/error.h"
#include "identity/permissions.h"

namespace civicgrid::analytics {

enum class Dim {
  kDay,
  kWeek,
  kMonth,
  kCategory,
  kStreet,
  kCommunity,
  kGrid,
  kDepartment,
  kChannel,
  kType,
  kStatus
};
std::optional<Dim> parse_dim(std::string_view s);
std::string_view name(Dim d);

struct CountQuery {
  std::vector<Dim> dims;
  int category_level = 1;                            // 1..3, for the category dim and filter
  std::vector<std::pair<Dim, std::string>> filters;  // equality on the dimension's label
  std::optional<std::int64_t> from_day, to_day;      // created day (China), [from, to)
  int top = 0;                                       // > 0: the N largest groups only
};

// Parses query parameters; kInvalidArgument naming the parameter for an unknown dim or filter, a
// bad date or number.
Result<CountQuery> parse_count_query(
    const std::vector<std::pair<std::string, std::string>>& params);
// Parses YYYY-MM-DD into days since 1970.
std::optional<std::int64_t> parse_day(std::string_view s);
std::string format_day(std::int64_t day);

// {"rows":[{dims..., "count": N}], "total": N}; rows by count descending, then labels.
boost::json::object run_counts(const Cube& cube, const CountQuery& q,
                               const identity::DataScope& scope);

class ScopeMask;
// The groups run_counts renders, unsorted: (the dimensions' values, 16 bits each, the first
// highest; count), only groups with a count, and in `total` every row counted. The caller holds
// the cube's shared lock.
std::vector<std::pair<std::uint64_t, std::int64_t>> count_groups(const Cube& cube,
                                                                 const CountQuery& q,
                                                                 const ScopeMask& mask,
                                                                 std::int64_t& total);

// Per-unit rate configuration (analytics config, see README).
struct RateConfig {
  double basic_weight = 0.8;  // weight of basically_satisfied in the satisfaction rate
  int repeat_days = 30;       // 复诉: same category at the same grid again within this many days
  // Composite weights (response, resolution, satisfaction) per unit type.
  std::vector<std::pair<std::string, std::array<double, 3>>> weights = {
      {"department", {30, 35, 35}},
      {"street", {30, 35, 35}},
      {"community", {30, 35, 35}},
      {"grid", {30, 35, 35}}};
  std::array<double, 3> weights_for(std::string_view unit_type) const;
};
boost::json::object config_json(const RateConfig& c);
Result<RateConfig> parse_config(const boost::json::object& body);

enum class UnitBy { kDepartment, kStreet, kCommunity, kGrid };
std::optional<UnitBy> parse_unit_by(std::string_view s);

// Everything counted per unit for rates, indicators and the league.
struct UnitCounts {
  std::int64_t cases = 0;       // created in the period
  std::int64_t dispatched = 0;  // 响应率 denominator
  std::int64_t responded = 0;   // accepted on time and contacted
  std::int64_t evaluated = 0;
  std::int64_t resolved = 0;
  std::int64_t satisfied = 0;
  std::int64_t basically = 0;
  std::int64_t registered = 0;  // 立案数
  std::int64_t due = 0;         // 应结案数: deadline in the period
  std::int64_t due_closed = 0;
  std::int64_t due_closed_on_time = 0;
  std::int64_t reworked = 0;
  std::int64_t extended = 0;
  std::int64_t overdue_open = 0;  // 超期未处置数
  std::int64_t returned = 0;
  std::int64_t repeated = 0;
  std::int64_t closed = 0;  // created in the period and closed (for the average time)
  std::int64_t close_minutes = 0;
};

struct Period {
  std::optional<std::int64_t> from_day, to_day;
  bool contains(std::int64_t d) const {
    return (!from_day || d >= *from_day) && (!to_day || d < *to_day);
  }
};

// Unit code → counts, over rows in the caller's scope. `today` decides overdue of open cases.
// `repeats`: also count 复诉 (a sort of every case; only the indicators need it).
std::vector<std::pair<std::string, UnitCounts>> unit_counts(
    const Cube& cube, UnitBy by, const Period& p, const identity::DataScope& scope,
    const RateConfig& config, std::int64_t today, bool repeats = true);

boost::json::object rates_json(const std::vector<std::pair<std::string, UnitCounts>>& units,
                               UnitBy by, const RateConfig& config);
boost::json::object indicators_json(const std::vector<std::pair<std::string, UnitCounts>>& units);
boost::json::object league_json(const std::vector<std::pair<std::string, UnitCounts>>& units,
                                UnitBy by, const RateConfig& config, std::int64_t min_volume);

// Composite score on the weights' scale (Σ w·rate over the rates that exist, rescaled to all
// weights).
std::optional<double> composite(const UnitCounts& u, const std::array<double, 3>& w,
                                double basic_weight);

}  // namespace civicgrid::analytics
