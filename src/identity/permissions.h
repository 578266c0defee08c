// Who may do what in the identity module, and the data scope every other module filters by.
//
// Data scope follows the organisation tree: a grid worker sees their grid, a street dispatcher their
// street, a district dispatcher or leader the whole district; a department handler sees what is
// assigned to their department. Administrators see everything.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/principal.h"
#include "identity/org_tree.h"

namespace civicgrid::identity {

struct DataScope {
  bool all = false;                   // no restriction
  std::set<std::string> areas;        // area unit codes only (closed under the area subtree)
  std::set<std::string> departments;  // handling units (departments, enterprises, ...)

  bool covers_area(std::string_view code) const { return all || areas.contains(std::string(code)); }
  bool covers_department(std::string_view code) const {
    return all || departments.contains(std::string(code));
  }
  bool empty() const { return !all && areas.empty() && departments.empty(); }
};

// A command centre's scope is its parent area's subtree; an area unit's is its own subtree; a handling
// unit adds itself to departments. Admins get everything.
DataScope scope_of(const Principal& who, const OrgTree& tree);

enum class IdentityAction {
  kListUnits,        // the org tree without people: public
  kViewUnit,         // one unit's details without people: any staff member
  kViewUnitMembers,  // the people of a unit, with their phone numbers: within scope
  kManageUnits,      // create/update units
  kManageUsers,      // create/update users and roles
  kManageApiKeys,
  kViewAudit,
};

// kForbidden (or kUnauthenticated for anonymous callers) when `who` may not perform `action` on
// `unit_code` (empty when the action is not about one unit).
Result<void> authorize(const Principal& who, IdentityAction action, const OrgTree& tree,
                       std::string_view unit_code = {});

bool is_staff(const Principal& who);

}  // namespace civicgrid::identity
