// The organisation tree held in memory: an immutable snapshot, rebuilt and swapped whenever a unit
// changes, so lookups on every request take no lock and no query.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace civicgrid::identity {

// Unit kinds. The area kinds form the territorial hierarchy; the others are actors that take on work.
inline constexpr std::string_view kUnitKinds[] = {
    "district",         "street",     "community",      "grid",          "department",
    "command_center",   "enterprise", "property_company", "social_org", "volunteer_team"};

bool is_unit_kind(std::string_view kind);
// district, street, community, grid: the territorial hierarchy.
bool is_area_kind(std::string_view kind);
// Kinds that are assigned cases (departments and the other actors that take on work).
bool is_handling_kind(std::string_view kind);
// Which kind a child of `parent_kind` may have ("" = a root). Departments and the other actors
// hang under an area; the area levels must nest in order.
bool valid_parent_kind(std::string_view child_kind, std::string_view parent_kind);

struct OrgUnit {
  std::string code;
  std::string name;
  std::string name_en;
  std::string kind;
  std::string parent;    // empty for a root
  std::string geometry;  // GeoJSON geometry (grids), empty otherwise
};

class OrgTree {
 public:
  OrgTree() = default;
  explicit OrgTree(std::vector<OrgUnit> units);

  const OrgUnit* find(std::string_view code) const;
  const std::vector<OrgUnit>& units() const { return units_; }
  std::vector<const OrgUnit*> children(std::string_view code) const;
  // The unit and everything below it.
  std::set<std::string> subtree(std::string_view code) const;
  // True when `code` is `root` or lies below it.
  bool within(std::string_view code, std::string_view root) const;
  // Nearest ancestor (or self) of the given kind.
  const OrgUnit* ancestor_of_kind(std::string_view code, std::string_view kind) const;

 private:
  std::vector<OrgUnit> units_;
  std::map<std::string, size_t, std::less<>> index_;
  std::multimap<std::string, size_t, std::less<>> children_;
};

}  // namespace civicgrid::identity
