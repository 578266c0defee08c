#include "identity/permissions.h"

namespace civicgrid::identity {

bool is_staff(const Principal& who) {
  if (who.kind != Principal::Kind::kUser) return false;
  for (Role r : who.roles)
    if (r != Role::kResident) return true;
  return false;
}

DataScope scope_of(const Principal& who, const OrgTree& tree) {
  DataScope scope;
  if (who.kind != Principal::Kind::kUser) return scope;
  if (who.has_role(Role::kAdmin)) {
    scope.all = true;
    return scope;
  }
  if (!is_staff(who)) return scope;
  // Only area units go into `areas`: the command centres and departments hanging in a subtree are
  // actors, not places where cases happen.
  auto add_areas = [&](std::string_view root) {
    for (const auto& c : tree.subtree(root))
      if (const OrgUnit* a = tree.find(c); a && is_area_kind(a->kind)) scope.areas.insert(c);
  };
  for (const auto& code : who.units) {
    const OrgUnit* u = tree.find(code);
    if (!u) continue;
    if (is_area_kind(u->kind)) {
      add_areas(u->code);
    } else if (u->kind == "command_center") {
      if (!u->parent.empty()) add_areas(u->parent);
    } else {
      scope.departments.insert(u->code);
    }
  }
  return scope;
}

Result<void> authorize(const Principal& who, IdentityAction action, const OrgTree& tree,
                       std::string_view unit_code) {
  if (action == IdentityAction::kListUnits) return {};
  if (!who.authenticated()) return fail(Error::unauthenticated());
  const bool admin = who.kind == Principal::Kind::kUser && who.has_role(Role::kAdmin);
  switch (action) {
    case IdentityAction::kListUnits: return {};
    case IdentityAction::kViewUnit:
      if (is_staff(who)) return {};
      break;
    case IdentityAction::kViewUnitMembers: {
      if (admin) return {};
      if (!is_staff(who)) break;
      const DataScope scope = scope_of(who, tree);
      if (scope.covers_area(unit_code) || scope.covers_department(unit_code)) return {};
      break;
    }
    case IdentityAction::kManageUnits:
    case IdentityAction::kManageUsers:
    case IdentityAction::kManageApiKeys:
    case IdentityAction::kViewAudit:
      if (admin) return {};
      break;
  }
  return fail(Error::forbidden("无权访问该数据", "not permitted for this role or data scope"));
}

}  // namespace civicgrid::identity
