// Who may read statistics, and over which cases: staff roles only, each within their data scope
// (an area scope counts the cases of its areas, a department scope those it leads); residents and
// machine clients get none. Administrators alone change the configuration.
#pragma once

#include <vector>

#include "cases/cases.h"
#include "core/principal.h"

namespace civicgrid::analytics {

inline const std::vector<Role>& stats_roles() {
  static const std::vector<Role> roles = {Role::kDispatcher, Role::kDepartmentHandler,
                                          Role::kGridWorker, Role::kLeader, Role::kAdmin};
  return roles;
}

inline identity::DataScope stats_scope(const cases::CaseService& cases, const Principal& who) {
  return cases.scope_of(who);
}

}  // namespace civicgrid::analytics
