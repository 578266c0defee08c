// Public aggregates over the statistics cube (analytics::AnalyticsService::cube()): counts and the
// three rates of the closed loop, grouped by month, first-level category, street or department.
// Pure functions of the cube; the cube's rows never leave this file, only sums do.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/cube.h"
#include "analytics/query.h"
#include "cases/catalog.h"
#include "identity/org_tree.h"

namespace civicgrid::opendata {

enum class By { kMonth, kCategory, kStreet, kDepartment };
std::optional<By> parse_by(std::string_view s);
std::string_view name(By b);

struct Counts {
  std::int64_t cases = 0;       // created in the period
  std::int64_t closed = 0;      // of those, closed
  std::int64_t dispatched = 0;  // 响应率 denominator
  std::int64_t responded = 0;   // accepted on time and contacted
  std::int64_t evaluated = 0;   // 解决率 / 满意率 denominator
  std::int64_t resolved = 0;
  std::int64_t satisfied = 0;
  std::int64_t basically = 0;
  void add(const Counts& o);
};

// One group's key: a code per grouping dimension (month = year*12 + month-1; the others index the
// cube's dictionaries; 0 = none). kNonPublic marks categories that are never published.
using Key = std::array<std::uint32_t, 3>;
inline constexpr std::uint32_t kNonPublic = 0xFFFFFFFF;

// Cases created in `period`, grouped by up to three dimensions. Categories that are not public (or
// lie under one that is not) are grouped together under kNonPublic, so their names stay
// unpublished.
std::map<Key, Counts> aggregate(const analytics::Cube& cube, const std::vector<By>& dims,
                                const analytics::Period& period, const cases::Catalog& catalog);

// The display of one key part: code, Chinese and English name.
struct Label {
  std::string code, name, name_en;
};
Label label(const analytics::Cube& cube, By by, std::uint32_t part, const cases::Catalog& catalog,
            const identity::OrgTree& tree);

// Counts with suppression applied: {"cases","closed","response":{rate,numerator,denominator},
// "resolution":{...},"satisfaction":{...}}. Satisfaction counts basically_satisfied with
// `basic_weight` as the staff statistics do.
boost::json::object counts_json(const Counts& c, double basic_weight);

}  // namespace civicgrid::opendata
